package io.clickstream.etl.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
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

    /** Before: a NoSuchFileException's stack trace when run from elsewhere than the repository's root. */
    @Test
    void trinosDistributionMustBeAFolderWithTheServerAndTheHivePlugin(@TempDir Path dir) throws Exception {
        String fetch = "build once with mvn -DskipTests package, which fetches Trino from Maven Central";
        assertThat(LocalAthena.distProblems(Paths.get("no-such-dist"))).containsExactly("--trino-dist no-such-dist: no such folder in "
                + Paths.get("").toAbsolutePath() + " (the default is the build's: run from the repository's root, or give --trino-dist); " + fetch);
        assertThat(LocalAthena.distProblems(dir)).containsExactly("--trino-dist " + dir
                + ": expected trino-server-core-<version>.tar.gz and trino-hive-<version>.zip in it; " + fetch);
        Files.createFile(dir.resolve("trino-server-core-476.tar.gz"));
        Files.createFile(dir.resolve("trino-hive-476.zip"));
        assertThat(LocalAthena.distProblems(dir)).isEmpty();
    }

    @Test
    void aQueryFolderMustExistAndHoldSqlFiles(@TempDir Path dir) throws Exception {
        assertThat(LocalAthena.queryProblems(List.of(), dir.resolve("nowhere")))
                .containsExactly("--queries " + dir.resolve("nowhere") + ": no such folder");
        // The default, relative, run from elsewhere than the repository's root.
        assertThat(LocalAthena.queryProblems(List.of(), Paths.get("no-such-queries"))).containsExactly("--queries no-such-queries: no such folder in "
                + Paths.get("").toAbsolutePath() + " (the default is the repository's own: run from its root, or give --queries)");
        assertThat(LocalAthena.queryProblems(List.of(), dir)).containsExactly("--queries " + dir + ": holds no .sql file");
        Files.writeString(dir.resolve("01.sql"), "-- One.\nSELECT 1\n");
        assertThat(LocalAthena.queryProblems(List.of(), dir)).isEmpty();
    }
}
