package io.clickstream.etl.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** LocalAthena's paths and keys are checked before Trino starts, one line per problem. */
class LocalAthenaArgumentsTest {

    @Test
    void missingQueryFilesAreNamedOneLineEach(@TempDir Path dir) throws Exception {
        Path real = Files.writeString(dir.resolve("mine.sql"), "-- Mine.\nSELECT 1\n");

        assertThat(LocalAthena.queryProblems(List.of(real, dir.resolve("typo.sql"), dir), dir))
                .containsExactly("--query " + dir.resolve("typo.sql") + ": no such file", "--query " + dir + ": not a file");
        assertThat(LocalAthena.queryProblems(List.of(real), dir.resolve("ignored"))).isEmpty();
    }

    @Test
    void theTablesAreLocalFoldersFileUrisOrS3Prefixes() {
        List<String> problems = new java.util.ArrayList<>();

        assertThat(LocalAthena.tableLocation("--lake", "data/lake", problems)).isEqualTo("data/lake");
        assertThat(LocalAthena.tableLocation("--lake", "file:///data/lake", problems)).isEqualTo("/data/lake");
        assertThat(LocalAthena.tableLocation("--lake", "s3://lake-bucket/events", problems)).isEqualTo("s3://lake-bucket/events");
        assertThat(LocalAthena.tableLocation("--lake", "s3a://lake-bucket/events", problems)).isEqualTo("s3a://lake-bucket/events");
        assertThat(problems).isEmpty();
        assertThat(LocalAthena.tableLocation("--dead-letters", "file:dead-letter", problems)).isNull();
        assertThat(LocalAthena.tableLocation("--lake", "gs://lake-bucket/events", problems)).isNull();
        assertThat(LocalAthena.tableLocation("--lake", "s3://Lake_Bucket/events", problems)).isNull();
        assertThat(problems).containsExactly(
                "--dead-letters file:dead-letter: expected a local folder, a file:/// URI or s3://bucket/prefix",
                "--lake gs://lake-bucket/events: expected a local folder, a file:/// URI or s3://bucket/prefix",
                "--lake s3://Lake_Bucket/events: expected a local folder, a file:/// URI or s3://bucket/prefix");
    }

    /** The job's s3.* keys, checked as the job checks them, become Trino's S3 settings. */
    @Test
    void theJobsS3KeysSetUpTrinosS3FileSystem() {
        assertThat(LocalAthena.trinoS3Properties(java.util.Map.of("s3.endpoint", "http://127.0.0.1:9000", "s3.path-style-access", "true",
                "s3.access-key", "minio", "s3.secret-key", "minio-secret")))
                .contains("fs.native-s3.enabled=true", "s3.endpoint=http://127.0.0.1:9000", "s3.path-style-access=true",
                        "s3.aws-access-key=minio", "s3.aws-secret-key=${ENV:" + LocalAthena.SECRET_KEY_VARIABLE + "}")
                .anyMatch(p -> p.startsWith("s3.region="))
                .noneMatch(p -> p.contains("minio-secret")); // Trino's catalog file would hold it
        // On AWS: the default credentials chain, and buckets of any region.
        assertThat(LocalAthena.trinoS3Properties(java.util.Map.of())).contains("s3.cross-region-access=true")
                .noneMatch(p -> p.startsWith("s3.endpoint=") || p.startsWith("s3.aws-access-key="));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalAthena.trinoS3Properties(java.util.Map.of("s3.access-key", "minio", "s3.bucket", "x")))
                .isInstanceOfSatisfying(io.clickstream.etl.config.ConfigException.class, e -> assertThat(e.problems()).hasSize(2)
                        .anyMatch(p -> p.startsWith("s3.access-key/s3.secret-key: set both or neither"))
                        .anyMatch(p -> p.startsWith("s3.bucket: unknown key")));
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
