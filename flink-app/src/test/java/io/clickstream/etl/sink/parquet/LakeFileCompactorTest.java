package io.clickstream.etl.sink.parquet;

import io.clickstream.etl.model.ClickEvent;
import io.clickstream.etl.sink.LakeLedger;

import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;

import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.clickstream.etl.sink.parquet.ClickEventWriteSupportTest.events;
import static io.clickstream.etl.sink.parquet.ClickEventWriteSupportTest.footer;
import static io.clickstream.etl.sink.parquet.ClickEventWriteSupportTest.parquetMrRows;
import static io.clickstream.etl.sink.parquet.ClickEventWriteSupportTest.stream;
import static io.clickstream.etl.sink.parquet.ClickEventWriteSupportTest.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compaction as the file sink runs it: the compactor writes into the stream of a freshly opened
 * lake writer, which is then flushed and finished. Large row groups are copied as they are, small
 * ones re-encoded into full ones; either way every row of every input is in the output once, in
 * input order, and the file is one a reader (parquet-mr, DuckDB) takes whole.
 */
class LakeFileCompactorTest {

    private static final long ROW_GROUP_BYTES = 256 << 10;
    private static final int PAGE_BYTES = 16 << 10;

    @TempDir
    Path dir;

    @Test
    void largeRowGroupsAreCopiedAsTheyAre() throws Exception {
        List<List<ClickEvent>> batches = List.of(events(6_000, 1), events(5_000, 2), events(4_000, 3));
        List<Path> inputs = writeAll(batches, ROW_GROUP_BYTES);
        LakeFileCompactor compactor = new LakeFileCompactor(ROW_GROUP_BYTES, PAGE_BYTES);
        assertThat(compactor.copyable(flinkPaths(inputs))).isTrue();

        Path merged = compact(compactor, inputs);

        assertSameRows(inputs, merged);
        assertThat(rowGroups(merged)).isEqualTo(inputs.stream().mapToInt(LakeFileCompactorTest::rowGroups).sum());
        assertThat(blockSizes(merged)).isEqualTo(inputs.stream().flatMap(p -> blockSizes(p).stream()).collect(Collectors.toList()));
    }

    @Test
    void smallRowGroupsAreWrittenAgainIntoFullOnes() throws Exception {
        List<List<ClickEvent>> batches = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batches.add(events(150, 100 + i));
        }
        List<Path> inputs = writeAll(batches, ROW_GROUP_BYTES);
        LakeFileCompactor compactor = new LakeFileCompactor(ROW_GROUP_BYTES, PAGE_BYTES);
        assertThat(compactor.copyable(flinkPaths(inputs))).isFalse();

        Path merged = compact(compactor, inputs);

        assertSameRows(inputs, merged);
        assertThat(rowGroups(merged)).isLessThan(inputs.size()).isPositive();
    }

    /** Runs the compactor the way Flink's CompactService does, on a lake writer's stream. */
    private Path compact(LakeFileCompactor compactor, List<Path> inputs) throws Exception {
        Path merged = dir.resolve("compacted-part-0.snappy.parquet");
        try (FSDataOutputStream out = stream(merged)) {
            BulkWriter<ClickEvent> writer = new LakeWriterFactory(ROW_GROUP_BYTES, PAGE_BYTES).create(out);
            compactor.compact(flinkPaths(inputs), out);
            writer.flush();
            writer.finish();
        }
        return merged;
    }

    private List<Path> writeAll(List<List<ClickEvent>> batches, long rowGroupBytes) throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            files.add(write(dir.resolve(".part-" + i + ".snappy.parquet"), batches.get(i), rowGroupBytes, PAGE_BYTES));
        }
        return files;
    }

    private static void assertSameRows(List<Path> inputs, Path merged) throws Exception {
        Map<String, BitSet> listed = new HashMap<>();
        for (Path input : inputs) {
            LakeLedger.merge(listed, sourceRecords(input));
        }
        assertThat(sourceRecords(merged)).as("the merged footer's raw-object positions").isNotEmpty().isEqualTo(listed);
        List<String> expected = new ArrayList<>();
        for (Path input : inputs) {
            parquetMrRows(input).forEach(g -> expected.add(g.toString()));
        }
        List<String> actual = parquetMrRows(merged).stream().map(Group::toString).collect(Collectors.toList());
        assertThat(actual).hasSize(expected.size());
        assertThat(actual).isEqualTo(expected);
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT event_id) FROM read_parquet('" + merged + "')")) {
            r.next();
            assertThat(r.getLong(1)).isEqualTo(expected.size());
            assertThat(r.getLong(2)).isEqualTo(expected.size());
        }
    }

    private static Map<String, BitSet> sourceRecords(Path file) throws java.io.IOException {
        return LakeLedger.decode(footer(file).getFileMetaData().getKeyValueMetaData().get(LakeLedger.FOOTER_KEY));
    }

    private static List<org.apache.flink.core.fs.Path> flinkPaths(List<Path> files) {
        return files.stream().map(p -> new org.apache.flink.core.fs.Path(p.toUri())).collect(Collectors.toList());
    }

    private static int rowGroups(Path file) {
        return blockSizes(file).size();
    }

    private static List<Long> blockSizes(Path file) {
        try {
            ParquetMetadata footer = footer(file);
            return footer.getBlocks().stream().map(BlockMetaData::getRowCount).collect(Collectors.toList());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
