package io.clickstream.etl.local;

import org.apache.flink.core.fs.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** A local checkpoint folder stays at a few states however often a runner is stopped or killed. */
class RetainedStatesTest {

    private static final String KILLED_RUN = "0123456789abcdef0123456789abcdef";
    private static final String RUNNING_OR_CUT_SHORT = "fedcba9876543210fedcba9876543210";

    @Test
    void keepsTheNewestThreeAndTheOneResumedFromAndNothingElseItMadeItself(@TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path killed = state(dir, KILLED_RUN + "/chk-7", 1);
        Files.createDirectories(dir.resolve(KILLED_RUN + "/shared"));
        Files.createDirectories(dir.resolve(RUNNING_OR_CUT_SHORT + "/chk-3"));
        Files.writeString(Files.createDirectories(dir.resolve("notes")).resolve("readme.txt"), "the user's own");
        java.nio.file.Path resumedFrom = state(dir, "savepoints/savepoint-aaaaaa-000000000001", 2);
        for (int i = 3; i <= 7; i++) {
            state(dir, "savepoints/savepoint-aaaaaa-00000000000" + i, i);
        }
        String checkpoints = dir.toUri().toString();

        // Given as a user types it: the _metadata file of the savepoint, as a file:/// URI.
        List<Path> deleted = RetainedStates.prune(checkpoints, new Path(resumedFrom.resolve("_metadata").toUri()));

        assertThat(names(deleted)).containsExactlyInAnyOrder(KILLED_RUN, "savepoint-aaaaaa-000000000003", "savepoint-aaaaaa-000000000004");
        assertThat(names(RetainedStates.newestFirst(checkpoints))).containsExactly(
                "savepoint-aaaaaa-000000000007", "savepoint-aaaaaa-000000000006", "savepoint-aaaaaa-000000000005", "savepoint-aaaaaa-000000000001");
        assertThat(killed.getParent()).doesNotExist();
        assertThat(dir.resolve(RUNNING_OR_CUT_SHORT + "/chk-3")).as("no _metadata: not a state, left alone").isDirectory();
        assertThat(dir.resolve("notes/readme.txt")).exists();

        // The next run resumed from the newest: the old one it came from is no longer protected.
        assertThat(names(RetainedStates.prune(checkpoints, null))).containsExactly("savepoint-aaaaaa-000000000001");
        assertThat(RetainedStates.newestFirst(checkpoints)).hasSize(RetainedStates.KEPT);
        assertThat(RetainedStates.prune(checkpoints, null)).isEmpty();
    }

    @Test
    void aKilledRunsFolderStaysWhileItsCheckpointIsKept(@TempDir java.nio.file.Path dir) throws Exception {
        state(dir, KILLED_RUN + "/chk-9", 10);
        for (int i = 1; i <= 4; i++) {
            state(dir, "savepoints/savepoint-bbbbbb-00000000000" + i, i);
        }
        assertThat(names(RetainedStates.prune(dir.toString(), null)))
                .containsExactlyInAnyOrder("savepoint-bbbbbb-000000000001", "savepoint-bbbbbb-000000000002");
        assertThat(dir.resolve(KILLED_RUN + "/chk-9/_metadata")).exists();
        assertThat(RetainedStates.prune(dir.toString(), null)).isEmpty();
    }

    /** A complete state: a folder with a {@code _metadata} written {@code hour} hours after the epoch of the test. */
    private static java.nio.file.Path state(java.nio.file.Path root, String folder, int hour) throws IOException {
        java.nio.file.Path state = Files.createDirectories(root.resolve(folder));
        java.nio.file.Path metadata = Files.writeString(state.resolve("_metadata"), "state " + hour);
        Files.setLastModifiedTime(metadata, FileTime.from(Instant.parse("2026-12-01T00:00:00Z").plusSeconds(3600L * hour)));
        return state;
    }

    private static List<String> names(List<Path> paths) {
        return paths.stream().map(Path::getName).collect(Collectors.toList());
    }
}
