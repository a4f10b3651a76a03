package io.clickstream.etl.local;

import org.apache.flink.runtime.checkpoint.CheckpointException;
import org.apache.flink.runtime.checkpoint.CheckpointFailureReason;

import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Node;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.core.filter.AbstractFilter;

import java.util.EnumSet;
import java.util.Set;

/**
 * Drops Flink's log lines, with their stack traces, about a periodic checkpoint that the job's own
 * ending made pointless. Near the end of a bounded run (a backfill, the generator) a checkpoint
 * meets a task that is closing and is declined, or reaches its task manager just after the task
 * finished and was unregistered there. When a run stops with a savepoint (Ctrl+C), the
 * periodic scheduler stops and a checkpoint being triggered or still in flight is aborted; if the
 * operator coordinators never saw it, the job master then logs an error while telling them of the
 * abort (the abort is for a checkpoint they have nothing of). None of these fails anything: the
 * savepoint is taken and the job ends normally. Every other checkpoint failure is still logged.
 * Used by the local runs' {@code log4j2.properties}.
 */
@Plugin(name = "RoutineCheckpointAbortFilter", category = Node.CATEGORY, elementType = Filter.ELEMENT_TYPE)
public final class RoutineCheckpointAbortFilter extends AbstractFilter {
    /** The reasons a checkpoint fails only because its job is finishing or stopping. */
    private static final Set<CheckpointFailureReason> ENDING = EnumSet.of(
            CheckpointFailureReason.CHECKPOINT_DECLINED_TASK_CLOSING,
            CheckpointFailureReason.PERIODIC_SCHEDULER_SHUTDOWN,
            CheckpointFailureReason.CHECKPOINT_COORDINATOR_SUSPEND,
            CheckpointFailureReason.CHECKPOINT_COORDINATOR_SHUTDOWN);

    /**
     * Flink 1.20's {@code TaskExecutor}, asked to checkpoint a task it no longer has: it finished (or
     * failed, and then the job fails over anyway) after the coordinator started the checkpoint.
     */
    private static final String TASK_ALREADY_GONE = "TaskManager received a checkpoint request for unknown task";

    /** Flink 1.20's {@code SubtaskGatewayImpl}, told of the abort of a checkpoint its coordinator never saw. */
    private static final String ABORT_OF_AN_UNSEEN_CHECKPOINT = "Trying to open gateway for unseen checkpoint";

    private RoutineCheckpointAbortFilter(Result onMatch, Result onMismatch) {
        super(onMatch, onMismatch);
    }

    /** Drops matching events and leaves the rest to the logger, unless the configuration says otherwise. */
    @PluginFactory
    public static RoutineCheckpointAbortFilter create(@PluginAttribute("onMatch") Result onMatch, @PluginAttribute("onMismatch") Result onMismatch) {
        return new RoutineCheckpointAbortFilter(onMatch == null ? Result.DENY : onMatch, onMismatch == null ? Result.NEUTRAL : onMismatch);
    }

    @Override
    public Result filter(LogEvent event) {
        return routine(event.getThrown()) ? onMatch : onMismatch;
    }

    private static boolean routine(Throwable thrown) {
        if (thrown instanceof CheckpointException) {
            CheckpointFailureReason reason = ((CheckpointException) thrown).getCheckpointFailureReason();
            return ENDING.contains(reason) || reason == CheckpointFailureReason.TASK_CHECKPOINT_FAILURE
                    && thrown.getMessage() != null && thrown.getMessage().startsWith(TASK_ALREADY_GONE);
        }
        return thrown instanceof IllegalStateException && thrown.getMessage() != null
                && thrown.getMessage().startsWith(ABORT_OF_AN_UNSEEN_CHECKPOINT);
    }
}
