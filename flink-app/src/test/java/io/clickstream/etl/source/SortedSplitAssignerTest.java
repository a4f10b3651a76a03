package io.clickstream.etl.source;

import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.assigners.FileSplitAssigner;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class SortedSplitAssignerTest {

    @Test
    void handsOutObjectsInKeyOrderIncludingLateDiscoveries() {
        FileSplitAssigner assigner = new SortedSplitAssigner.Provider().create(List.of(
                split("s3://raw/2026/01/05/11/c-1-2026-01-05-11-00-00-b.gz"),
                split("s3://raw/2026/01/05/10/c-1-2026-01-05-10-59-00-a.gz"),
                split("s3://raw/2026/01/06/00/c-1-2026-01-06-00-00-01-c.gz")));
        assertThat(next(assigner)).endsWith("10-59-00-a.gz");
        assigner.addSplits(List.of(split("s3://raw/2026/01/05/10/c-1-2026-01-05-10-00-00-z.gz")));
        assertThat(assigner.remainingSplits()).extracting(s -> s.path().getName())
                .containsExactly("c-1-2026-01-05-10-00-00-z.gz", "c-1-2026-01-05-11-00-00-b.gz", "c-1-2026-01-06-00-00-01-c.gz");
        List<String> rest = new ArrayList<>();
        String n;
        while ((n = next(assigner)) != null) {
            rest.add(n);
        }
        assertThat(rest).isSorted().hasSize(3);
        assertThat(assigner.getNext(null)).isEmpty();
    }

    private static String next(FileSplitAssigner assigner) {
        Optional<FileSourceSplit> s = assigner.getNext("host");
        return s.map(x -> x.path().toString()).orElse(null);
    }

    private static FileSourceSplit split(String path) {
        return new FileSourceSplit(path, new Path(path), 0, 10, 0, 10);
    }
}
