package io.clickstream.etl.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StartupChecksTest {

    @TempDir
    Path dir;

    @Test
    void aBoundedRunNeedsItsInputAContinuousOneMayStartBeforeAnythingLanded() {
        assertThat(StartupChecks.problems(config("nope", "bounded")))
                .singleElement().asString().startsWith("input.path='" + dir.resolve("nope") + "': does not exist");
        assertThat(StartupChecks.problems(config("nope", "continuous"))).isEmpty();
    }

    @Test
    void theInputIsAFolderAndTheOutputsAreFoldersOrCanBeMade() throws Exception {
        Files.createDirectories(dir.resolve("raw"));
        assertThat(StartupChecks.problems(config("raw", "bounded"))).isEmpty();

        Files.writeString(dir.resolve("file"), "x");
        Files.writeString(dir.resolve("file2"), "x");
        assertThat(StartupChecks.problems(config("file", "bounded"))).singleElement().asString().contains("input.path=", "is a file");

        JobConfig lakeIsAFile = JobConfig.fromMap(Map.of("input.path", dir.resolve("raw").toString(), "input.mode", "bounded",
                "output.lake.path", dir.resolve("file").toString(), "output.dead-letter.path", dir.resolve("file2/dl").toString()));
        assertThat(StartupChecks.problems(lakeIsAFile)).containsExactly(
                "output.lake.path='" + dir.resolve("file") + "': is a file, not a folder",
                "output.dead-letter.path='" + dir.resolve("file2/dl") + "': cannot be created: " + dir.resolve("file2") + " is a file");
    }

    @Test
    void s3PathsAreRefusedInOneLineEachWhereHadoopCannotRun() {
        JobConfig s3 = JobConfig.fromMap(Map.of("input.path", "s3://raw-bucket/firehose/", "input.mode", "continuous",
                "output.lake.path", "s3://lake-bucket/events/", "output.dead-letter.path", dir.resolve("dl").toString()));
        int java = Runtime.version().feature();
        assertThat(StartupChecks.problems(s3, false)).containsExactly(
                "input.path='s3://raw-bucket/firehose': Flink 1.20's S3 file system runs on Hadoop 3.3, which cannot run on Java " + java
                        + " (Subject.getSubject is unsupported from Java 23); run with Java 11, 17 or 21",
                "output.lake.path='s3://lake-bucket/events': Flink 1.20's S3 file system runs on Hadoop 3.3, which cannot run on Java " + java
                        + " (Subject.getSubject is unsupported from Java 23); run with Java 11, 17 or 21");
        // Local folders do not need Hadoop: the usual checks only.
        assertThat(StartupChecks.problems(config("nope", "bounded"), false))
                .singleElement().asString().startsWith("input.path='" + dir.resolve("nope") + "': does not exist");
        // The probe answers as the JDK's rule says (LocalRunnerTest runs it on a JDK 25 too).
        assertThat(StartupChecks.hadoopRunsHere()).isEqualTo(java < 23);
    }

    private JobConfig config(String input, String mode) {
        return JobConfig.fromMap(Map.of("input.path", dir.resolve(input).toString(), "input.mode", mode,
                "output.lake.path", dir.resolve("out/lake").toString(), "output.dead-letter.path", dir.resolve("out/dead-letter").toString()));
    }
}
