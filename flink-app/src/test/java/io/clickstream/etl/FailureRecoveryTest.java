package io.clickstream.etl;

import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failures in the middle of a run at parallelism 2: the job recovers from its last checkpoint by
 * itself, and the lake and dead letters still hold every record exactly once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailureRecoveryTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(2).setNumberSlotsPerTaskManager(2).build());

    @TempDir
    static Path dir;

    static RecoveryFixture input;

    @BeforeAll
    static void input() throws Exception {
        input = new RecoveryFixture(dir, 41, 12_000);
    }

    @AfterEach
    void resetFaults() {
        FaultInjectingSource.reset();
    }

    @Test
    @Order(1)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aTaskFailureAtARandomRecordIsRecoveredByItself(@TempDir Path out) throws Exception {
        long at = 1_000 + new Random().nextInt(9_000);
        AtomicInteger failures = new AtomicInteger();
        FaultInjectingSource.pauseMillis = 30;
        FaultInjectingSource.atRecord(at, () -> {
            failures.incrementAndGet();
            throw new IllegalStateException("injected task failure at record " + at);
        });
        input.runBounded(out, env -> { });
        assertThat(failures).as("the failure at record %d was injected", at).hasValue(1);
        input.assertExactlyOnce(out);
    }

    @Test
    @Order(2)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void checkpointsThatTimeOutOrFailLoseAndDuplicateNothing(@TempDir Path out) throws Exception {
        AtomicInteger checkpoints = new AtomicInteger();
        FaultInjectingSource.pauseMillis = 60;
        FaultInjectingSource.onCheckpoint = id -> {
            checkpoints.incrementAndGet();
            if (id == 2) {
                sleep(2_500); // longer than the checkpoint timeout: checkpoint 2 expires
            } else if (id == 4) {
                throw new IllegalStateException("injected failure of checkpoint " + id);
            }
        };
        input.runBounded(out, env -> {
            env.getCheckpointConfig().setCheckpointTimeout(1_000);
            env.getCheckpointConfig().setTolerableCheckpointFailureNumber(10);
        });
        assertThat(checkpoints.get()).as("checkpoints 2 (timed out) and 4 (failed) were reached").isGreaterThanOrEqualTo(5);
        input.assertExactlyOnce(out);
    }

    @Test
    @Order(3)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aLostTaskManagerIsReplacedByRestartingOnTheOther(@TempDir Path out, @InjectMiniCluster MiniCluster cluster) throws Exception {
        AtomicInteger kills = new AtomicInteger();
        FaultInjectingSource.pauseMillis = 30;
        FaultInjectingSource.atRecord(5_000, () -> {
            kills.incrementAndGet();
            cluster.terminateTaskManager(0);
        });
        input.runBounded(out, env -> { });
        assertThat(kills).hasValue(1);
        input.assertExactlyOnce(out);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
