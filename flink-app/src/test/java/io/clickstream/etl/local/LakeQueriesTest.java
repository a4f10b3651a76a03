package io.clickstream.etl.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's DuckDB questions: they read what Athena reads, and a folder without files is a line, not an error. */
class LakeQueriesTest {

    private static final LakeQueries.Question EVENTS_BY_TYPE = LakeQueries.DEMO.get(0);
    private static final LakeQueries.Question DEAD_LETTERS_BY_TYPE = LakeQueries.DEMO.get(LakeQueries.DEMO.size() - 1);

    @Test
    void foldersWithoutFilesAnswerWithALineThatSaysSo(@TempDir Path dir) throws Exception {
        Path lake = dir.resolve("lake");
        Path deadLetters = dir.resolve("dead-letter");
        Files.createDirectories(lake.resolve("year=2026/month=12/day=01"));

        try (LakeQueries queries = new LakeQueries(lake, deadLetters)) {
            assertThat(queries.answer(EVENTS_BY_TYPE)).isEqualTo("No events visible in the lake (" + lake + " holds no visible Parquet file).\n");
            assertThat(queries.answer(DEAD_LETTERS_BY_TYPE)).isEqualTo("No dead letters: no record was bad (" + deadLetters + " holds none).\n");
        }
        assertThat(deadLetters).doesNotExist();
    }

    @Test
    void hiddenFilesWaitingForCompactionAreLeftOutAsAthenaLeavesThemOut(@TempDir Path dir) throws Exception {
        Path day = Files.createDirectories(dir.resolve("lake/year=2026/month=12/day=01"));
        parquet(day.resolve("part-a-0.snappy.parquet"), "SELECT 'page_view' AS event_type FROM range(2)");
        parquet(day.resolve(".part-b-0.snappy.parquet"), "SELECT 'purchase' AS event_type FROM range(3)");
        Path failures = dir.resolve("dead-letter/failure_type=malformed_json");
        Files.createDirectories(failures);
        gzip(failures.resolve("part-c-0.json.gz"), "{\"failure_type\":\"malformed_json\",\"message\":\"not JSON\"}\n");
        gzip(failures.resolve("_part-d-0.json.gz"), "{\"failure_type\":\"schema_violation\",\"message\":\"hidden\"}\n");

        try (LakeQueries queries = new LakeQueries(dir.resolve("lake"), dir.resolve("dead-letter"))) {
            assertThat(queries.answer(EVENTS_BY_TYPE)).contains("page_view").contains("2").doesNotContain("purchase");
            assertThat(queries.answer(DEAD_LETTERS_BY_TYPE)).contains("malformed_json").contains("not JSON").doesNotContain("schema_violation");
        }
    }

    @Test
    void aLakeWhoseFilesAllWaitForCompactionShowsNoEventsYet(@TempDir Path dir) throws Exception {
        Path day = Files.createDirectories(dir.resolve("lake/year=2026/month=12/day=01"));
        parquet(day.resolve(".part-a-0.snappy.parquet"), "SELECT 'page_view' AS event_type");

        try (LakeQueries queries = new LakeQueries(dir.resolve("lake"), dir.resolve("dead-letter"))) {
            assertThat(queries.answer(EVENTS_BY_TYPE)).startsWith("No events visible in the lake");
        }
    }

    private static void parquet(Path file, String select) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("COPY (" + select + ") TO '" + file + "' (FORMAT PARQUET)");
        }
    }

    private static void gzip(Path file, String text) throws Exception {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
