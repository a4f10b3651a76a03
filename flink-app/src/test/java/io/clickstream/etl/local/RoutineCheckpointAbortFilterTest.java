package io.clickstream.etl.local;

import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.logging.log4j.status.StatusData;
import org.apache.logging.log4j.status.StatusListener;
import org.apache.logging.log4j.status.StatusLogger;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The local logging drops the warnings of checkpoints that the job's own ending aborted, and nothing else. */
class RoutineCheckpointAbortFilterTest {

    private final RoutineCheckpointAbortFilter filter = RoutineCheckpointAbortFilter.create(null, null);

    @Test
    void aCheckpointDeclinedByAClosingTaskIsDropped() {
        assertThat(filter.filter(logged(new CheckpointException(CheckpointFailureReason.CHECKPOINT_DECLINED_TASK_CLOSING))))
                .isEqualTo(Filter.Result.DENY);
    }

    @Test
    void aCheckpointThatReachesItsTaskManagerAfterTheTaskFinishedIsDropped() {
        // As Flink 1.20's TaskExecutor answers when the task finished between the trigger and the request.
        assertThat(filter.filter(logged(new CheckpointException("TaskManager received a checkpoint request for unknown task"
                + " 18af7c67d72d9d23676cc83aebd610a7_49bc1ad4f884c1ec4b2d919f146e4d90_0_0.", CheckpointFailureReason.TASK_CHECKPOINT_FAILURE))))
                .isEqualTo(Filter.Result.DENY);
    }

    @Test
    void aPeriodicCheckpointAbortedByAStopWithSavepointIsDropped() {
        for (CheckpointFailureReason stopping : new CheckpointFailureReason[] {CheckpointFailureReason.PERIODIC_SCHEDULER_SHUTDOWN,
                CheckpointFailureReason.CHECKPOINT_COORDINATOR_SUSPEND, CheckpointFailureReason.CHECKPOINT_COORDINATOR_SHUTDOWN}) {
            assertThat(filter.filter(logged(new CheckpointException(stopping)))).as("%s", stopping).isEqualTo(Filter.Result.DENY);
        }
    }

    @Test
    void theJobMastersErrorOnTheAbortOfACheckpointItsCoordinatorsNeverSawIsDropped() {
        // As Flink 1.20 words it when the stop aborts a checkpoint before the coordinators were asked for theirs.
        assertThat(filter.filter(logged(new IllegalStateException(
                "Trying to open gateway for unseen checkpoint: latest known checkpoint = 41, incoming checkpoint = 42"))))
                .isEqualTo(Filter.Result.DENY);
    }

    @Test
    void everyOtherCheckpointFailureIsStillLogged() {
        assertThat(filter.filter(logged(new CheckpointException(CheckpointFailureReason.CHECKPOINT_EXPIRED)))).isEqualTo(Filter.Result.NEUTRAL);
        assertThat(filter.filter(logged(new CheckpointException(CheckpointFailureReason.IO_EXCEPTION)))).isEqualTo(Filter.Result.NEUTRAL);
        assertThat(filter.filter(logged(new CheckpointException(CheckpointFailureReason.TASK_FAILURE)))).isEqualTo(Filter.Result.NEUTRAL);
        // A task's own snapshot failing has the same reason as a task already gone, and is logged.
        assertThat(filter.filter(logged(new CheckpointException("Could not complete snapshot 7 for operator Lake",
                CheckpointFailureReason.TASK_CHECKPOINT_FAILURE)))).isEqualTo(Filter.Result.NEUTRAL);
        assertThat(filter.filter(logged(new IllegalStateException("task is closing")))).isEqualTo(Filter.Result.NEUTRAL);
        assertThat(filter.filter(logged(new IllegalStateException((String) null)))).isEqualTo(Filter.Result.NEUTRAL);
        assertThat(filter.filter(logged(null))).isEqualTo(Filter.Result.NEUTRAL);
    }

    @Test
    void theLocalLoggingConfigurationLoadsItsFilters() throws Exception {
        List<String> errors = new ArrayList<>();
        StatusListener listener = new StatusListener() {
            public void log(StatusData data) {
                errors.add(data.getFormattedStatus());
            }

            public Level getStatusLevel() {
                return Level.ERROR;
            }

            public void close() {
            }
        };
        StatusLogger.getLogger().registerListener(listener);
        Configuration config;
        try (InputStream in = getClass().getResourceAsStream("/log4j2.properties")) {
            config = new PropertiesConfigurationFactory().getConfiguration(null, new ConfigurationSource(in));
            config.initialize();
        } finally {
            StatusLogger.getLogger().removeListener(listener);
        }

        assertThat(errors).isEmpty();
        assertThat(config.getLoggerConfig("org.apache.flink.runtime.checkpoint.CheckpointFailureManager").getFilter())
                .isInstanceOf(RoutineCheckpointAbortFilter.class);
        assertThat(config.getLoggerConfig("org.apache.flink.runtime.rpc.pekko.FencedPekkoRpcActor").getFilter())
                .isInstanceOf(RoutineCheckpointAbortFilter.class);
        // A stopped endpoint's refusal of a last heartbeat check goes; its other warnings stay.
        Filter stoppedEndpoint = config.getLoggerConfig("org.apache.flink.runtime.rpc.RpcEndpoint$MainThreadExecutor").getFilter();
        assertThat(stoppedEndpoint.filter(warning("The scheduled executor service is shutdown and ignores the command {}",
                "org.apache.flink.runtime.heartbeat.DefaultHeartbeatMonitor@24c7550b"))).isEqualTo(Filter.Result.DENY);
        assertThat(stoppedEndpoint.filter(warning("Something else went wrong with {}", "a command"))).isEqualTo(Filter.Result.NEUTRAL);
    }

    private static LogEvent warning(String format, Object argument) {
        return Log4jLogEvent.newBuilder().setLevel(Level.WARN)
                .setMessage(new org.apache.logging.log4j.message.ParameterizedMessage(format, argument)).build();
    }

    private static LogEvent logged(Throwable thrown) {
        return Log4jLogEvent.newBuilder().setLevel(Level.WARN).setMessage(new SimpleMessage("Failed to trigger or complete checkpoint 3"))
                .setThrown(thrown).build();
    }
}
