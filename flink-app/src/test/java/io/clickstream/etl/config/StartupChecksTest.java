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

    private JobConfig config(String input, String mode) {
        return JobConfig.fromMap(Map.of("input.path", dir.resolve(input).toString(), "input.mode", mode,
                "output.lake.path", dir.resolve("out/lake").toString(), "output.dead-letter.path", dir.resolve("out/dead-letter").toString()));
    }
}
