package io.clickstream.etl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads the lake back with DuckDB, a Parquet reader independent of the writer, seeing what Athena sees. */
public final class LakeReader implements AutoCloseable {

    /** A visible lake file: written by a sink subtask, or made by compaction from hidden ones. */
    public static final Pattern LAKE_FILE = Pattern.compile("(compacted-)?part-[0-9a-f-]+-\\d+\\.snappy\\.parquet");

    private final Connection connection;
    private final List<Path> files;

    public LakeReader(Path lake) throws SQLException {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        files = visibleFiles(lake);
    }

    /** The Parquet files Athena reads under a folder: no file or folder name on the way starts with '.' or '_'. */
    public static List<Path> visibleFiles(Path lake) {
        if (!Files.isDirectory(lake)) {
            return List.of();
        }
        // A running job deletes hidden files once compacted: a walk that meets one going away starts over.
        for (int attempt = 1; ; attempt++) {
            try (Stream<Path> walk = Files.walk(lake)) {
                return walk.filter(Files::isRegularFile)
                        .filter(f -> f.getFileName().toString().endsWith(".parquet") && visible(lake.relativize(f)))
                        .sorted().collect(Collectors.toList());
            } catch (IOException | UncheckedIOException e) {
                if (attempt == 10) {
                    throw e instanceof UncheckedIOException ? (UncheckedIOException) e : new UncheckedIOException((IOException) e);
                }
            }
        }
    }

    private static boolean visible(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".") || part.toString().startsWith("_")) {
                return false;
            }
        }
        return true;
    }

    /** The lake as a view {@code events}, with hive partitions as text columns. */
    public List<Map<String, Object>> query(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            String list = files.stream().map(f -> "'" + f.toAbsolutePath() + "'").collect(Collectors.joining(", ", "[", "]"));
            s.execute("CREATE OR REPLACE VIEW events AS SELECT * FROM read_parquet(" + list + ", hive_partitioning = true, "
                    + "hive_types = {'year': VARCHAR, 'month': VARCHAR, 'day': VARCHAR}, filename = true)");
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery(sql)) {
                ResultSetMetaData meta = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= meta.getColumnCount(); i++) {
                        row.put(meta.getColumnLabel(i), rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        }
    }

    public long count() throws SQLException {
        return files.isEmpty() ? 0 : ((Number) query("SELECT count(*) AS n FROM events").get(0).get("n")).longValue();
    }

    /** Everything Athena would read under {@code lake} (names not starting with '.' or '_') is a committed part file. */
    public static void assertOnlyCommittedFilesVisible(Path lake) throws IOException {
        try (Stream<Path> files = Files.walk(lake)) {
            assertThat(files.filter(Files::isRegularFile)
                    .map(f -> f.getFileName().toString()).filter(n -> !n.startsWith(".") && !n.startsWith("_")))
                    .allMatch(n -> LAKE_FILE.matcher(n).matches());
        }
    }

    /** Waits until the lake under {@code lake} holds at least {@code rows} visible rows. */
    public static void awaitRows(Path lake, long rows, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            try (LakeReader reader = new LakeReader(lake)) {
                seen = reader.count();
            }
            if (seen >= rows) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("lake has " + seen + " rows, expected " + rows);
    }

    /**
     * Waits until the lake holds {@code ids.size()} rows, lets {@code settle} pass (more checkpoints
     * and compactions: nothing else may arrive), then checks it holds each of {@code ids} exactly once.
     */
    public static void assertHoldsEachOnce(Path lake, java.util.Set<String> ids, Duration settle) throws Exception {
        awaitRows(lake, ids.size(), Duration.ofMinutes(2));
        Thread.sleep(settle.toMillis());
        try (LakeReader reader = new LakeReader(lake)) {
            List<Map<String, Object>> rows = reader.query("SELECT event_id FROM events");
            assertThat(rows).hasSize(ids.size());
            assertThat(rows.stream().map(r -> r.get("event_id")).collect(java.util.stream.Collectors.toSet())).isEqualTo(ids);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
