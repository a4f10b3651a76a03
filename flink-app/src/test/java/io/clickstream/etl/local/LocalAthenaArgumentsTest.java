package io.clickstream.etl.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** LocalAthena's query paths are checked before Trino starts, one line per problem. */
class LocalAthenaArgumentsTest {

    @Test
    void missingQueryFilesAreNamedOneLineEach(@TempDir Path dir) throws Exception {
        Path real = Files.writeString(dir.resolve("mine.sql"), "-- Mine.\nSELECT 1\n");

        assertThat(LocalAthena.queryProblems(List.of(real, dir.resolve("typo.sql"), dir), dir))
                .containsExactly("--query " + dir.resolve("typo.sql") + ": no such file", "--query " + dir + ": not a file");
        assertThat(LocalAthena.queryProblems(List.of(real), dir.resolve("ignored"))).isEmpty();
    }

    @Test
    void theTablesAreLocalFoldersGivenAsPathsOrFileUris() {
        List<String> problems = new java.util.ArrayList<>();

        assertThat(LocalAthena.localFolder("--lake", "data/lake", problems)).isEqualTo(java.nio.file.Paths.get("data/lake"));
        assertThat(LocalAthena.localFolder("--lake", "file:///data/lake", problems)).isEqualTo(java.nio.file.Paths.get("/data/lake"));
        assertThat(problems).isEmpty();
        // Before: an empty table over a local folder "s3:/lake-bucket/events", exit code 0.
        assertThat(LocalAthena.localFolder("--lake", "s3://lake-bucket/events", problems)).isNull();
        assertThat(LocalAthena.localFolder("--dead-letters", "file:dead-letter", problems)).isNull();
        assertThat(problems).containsExactly(
                "--lake s3://lake-bucket/events: expected a local folder or a file:/// URI (on AWS, run the queries in Athena)",
                "--dead-letters file:dead-letter: expected a local folder or a file:/// URI (on AWS, run the queries in Athena)");
    }

    @Test
    void aQueryFolderMustExistAndHoldSqlFiles(@TempDir Path dir) throws Exception {
        assertThat(LocalAthena.queryProblems(List.of(), dir.resolve("nowhere")))
                .containsExactly("--queries " + dir.resolve("nowhere") + ": no such folder");
        assertThat(LocalAthena.queryProblems(List.of(), dir)).containsExactly("--queries " + dir + ": holds no .sql file");
        Files.writeString(dir.resolve("01.sql"), "-- One.\nSELECT 1\n");
        assertThat(LocalAthena.queryProblems(List.of(), dir)).isEmpty();
    }
}
