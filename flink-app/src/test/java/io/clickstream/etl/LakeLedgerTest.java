package io.clickstream.etl;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.metrics.Accounting;
import io.clickstream.etl.sink.LakeLedger;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Starts without saved state over raw objects the lake already holds part of: a second bounded run
 * over the same objects writes nothing, and a run over a raw root half of which is in the lake
 * writes exactly the other half, with the dead letters and deduplication as if it had been one run.
 */
class LakeLedgerTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = FolderJob.cluster(1);

    @TempDir
    Path dir;

    /**
     * Files no run of the job wrote beside its own (a copy gone wrong, someone's notes) are skipped,
     * not fatal: before, one file named .parquet that was none failed every start without state
     * ("Could not list the raw objects", the file unnamed), and a continuous run waited for ever.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void runningTheSameBoundedCommandTwiceLeavesTheLakeUnchangedWhateverElseLiesBesideIt() throws Exception {
        RecoveryFixture input = new RecoveryFixture(dir, 61, 20_000);
        Path out = dir.resolve("out");
        Accounting first = run(input.config(out, "bounded"));
        input.assertExactlyOnce(out);
        Path partition;
        try (Stream<Path> parts = Files.walk(out.resolve("lake"))) {
            partition = parts.filter(p -> p.getFileName().toString().startsWith("day=")).findFirst().orElseThrow();
        }
        Files.writeString(partition.resolve("copied-by-hand.snappy.parquet"), "not parquet");
        Files.write(partition.resolve("empty.parquet"), new byte[0]);
        Files.writeString(out.resolve("dead-letter/README.txt"), "what these files are");
        Files.writeString(out.resolve("dead-letter/broken.json.gz"), "no gzip");
        Map<String, Long> files = files(out);

        Accounting second = run(input.config(out, "bounded"));
        System.out.println("second run over the same objects: " + second);

        assertThat(files(out)).as("the lake's and the dead letters' files").isEqualTo(files);
        LakeLedger.Held held = LakeLedger.read(new org.apache.flink.core.fs.Path(out.resolve("lake").toUri()),
                new org.apache.flink.core.fs.Path(out.resolve("dead-letter").toUri()), new org.apache.flink.core.fs.Path(input.raw.toUri()),
                java.util.Set.of(), 0);
        assertThat(held.unreadable).hasSize(4)
                .anyMatch(f -> f.contains("copied-by-hand.snappy.parquet: is not a Parquet file"))
                .anyMatch(f -> f.contains("empty.parquet: is not a Parquet file"))
                .anyMatch(f -> f.contains("README.txt: "))
                .anyMatch(f -> f.contains("broken.json.gz: Not in GZIP format"));
        for (Path foreign : List.of(partition.resolve("copied-by-hand.snappy.parquet"), partition.resolve("empty.parquet"),
                out.resolve("dead-letter/README.txt"), out.resolve("dead-letter/broken.json.gz"))) {
            Files.delete(foreign); // the readers of the check below would trip over them, as Athena would
        }
        input.assertExactlyOnce(out);
        assertThat(second.written).isZero();
        assertThat(second.deadLettered()).isZero();
        assertThat(second.recordsIn).isEqualTo(first.recordsIn);
        assertThat(second.balanced()).as(second.toString()).isTrue();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aStartWithoutStateOverAHalfWrittenRootWritesExactlyTheOtherHalf() throws Exception {
        RecoveryFixture input = new RecoveryFixture(dir, 62, 20_000);
        Path out = dir.resolve("out");
        List<Path> objects = objects(input.raw);
        List<Path> secondHalf = objects.subList(objects.size() / 2, objects.size());
        Path parked = dir.resolve("parked");
        for (Path object : secondHalf) {
            Path to = parked.resolve(input.raw.relativize(object));
            Files.createDirectories(to.getParent());
            Files.move(object, to);
        }
        Accounting first = run(input.config(out, "bounded"));
        for (Path object : secondHalf) {
            Files.move(parked.resolve(input.raw.relativize(object)), object);
        }

        Accounting second = run(input.config(out, "bounded"));
        System.out.println("first half: " + first + "\nboth halves, without state: " + second);

        // Exactly once across both runs, and the retries and id conflicts that span the halves still recognised.
        input.assertExactlyOnce(out);
        assertThat(second.alreadyWritten).isEqualTo(first.written + first.deadLettered());
        assertThat(second.balanced()).as(second.toString()).isTrue();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void reprocessWritesEverythingAgain() throws Exception {
        RecoveryFixture input = new RecoveryFixture(dir, 63, 3_000);
        Path out = dir.resolve("out");
        Accounting first = run(input.config(out, "bounded"));
        Map<String, String> keys = new HashMap<>(input.keys(out, "bounded"));
        keys.put("input.reprocess", "true");
        Accounting again = run(JobConfig.fromMap(keys));
        assertThat(again.written).isEqualTo(first.written).isPositive();
        assertThat(again.alreadyWritten).isZero();
    }

    private static Accounting run(JobConfig config) throws Exception {
        return new Accounting(FolderJob.run(config).getAllAccumulatorResults());
    }

    private static List<Path> objects(Path raw) throws IOException {
        try (Stream<Path> all = Files.walk(raw)) {
            return all.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
    }

    /** Every visible file of the outputs with its size. */
    private static Map<String, Long> files(Path out) throws IOException {
        Map<String, Long> files = new TreeMap<>();
        for (String output : List.of("lake", "dead-letter")) {
            try (Stream<Path> all = Files.walk(out.resolve(output))) {
                for (Path f : all.filter(Files::isRegularFile).collect(Collectors.toList())) {
                    if (!f.getFileName().toString().startsWith(".")) {
                        files.put(out.relativize(f).toString(), Files.size(f));
                    }
                }
            }
        }
        return files;
    }
}
