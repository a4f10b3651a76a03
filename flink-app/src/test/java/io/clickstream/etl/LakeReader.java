package io.clickstream.etl;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads the lake back with DuckDB, a Parquet reader independent of the writer. */
public final class LakeReader implements AutoCloseable {

    private final Connection connection;
    private final String files;

    public LakeReader(Path lake) throws SQLException {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        files = lake.toAbsolutePath() + "/**/*.parquet";
    }

    /** The lake as a view {@code events}, with hive partitions as text columns. */
    public List<Map<String, Object>> query(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute("CREATE OR REPLACE VIEW events AS SELECT * FROM read_parquet('" + files + "', hive_partitioning = true, "
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
        return ((Number) query("SELECT count(*) AS n FROM events").get(0).get("n")).longValue();
    }

    /** Everything Athena would read under {@code lake} (names not starting with '.' or '_') is a committed part file. */
    public static void assertOnlyCommittedFilesVisible(Path lake) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(lake)) {
            org.assertj.core.api.Assertions.assertThat(files.filter(java.nio.file.Files::isRegularFile)
                    .map(f -> f.getFileName().toString()).filter(n -> !n.startsWith(".") && !n.startsWith("_")))
                    .allMatch(n -> n.matches("part-[0-9a-f-]+-\\d+\\.snappy\\.parquet"));
        }
    }

    /** Waits until the lake under {@code lake} holds at least {@code rows} committed rows. */
    public static void awaitRows(Path lake, long rows, java.time.Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        long seen = -1;
        while (System.nanoTime() < deadline) {
            if (java.nio.file.Files.exists(lake)) {
                try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(lake)) {
                    if (files.anyMatch(f -> f.getFileName().toString().matches("part-.*\\.parquet"))) {
                        try (LakeReader reader = new LakeReader(lake)) {
                            seen = reader.count();
                        }
                    }
                }
            }
            if (seen >= rows) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("lake has " + seen + " rows, expected " + rows);
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
