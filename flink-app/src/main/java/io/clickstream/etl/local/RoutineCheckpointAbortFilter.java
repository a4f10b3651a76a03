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

/**
 * Drops Flink's warning, with its stack trace, about a periodic checkpoint that the job's own
 * ending made pointless. Two cases: near the end of a bounded run (a backfill, the generator) a
 * checkpoint meets a task that is closing and is declined; and when a run stops with a savepoint
 * (Ctrl+C), a periodic checkpoint still in flight is aborted as the coordinator suspends. Neither
 * fails anything. Every other checkpoint failure is still logged. Used by the local runs'
 * {@code log4j2.properties}.
 */
@Plugin(name = "RoutineCheckpointAbortFilter", category = Node.CATEGORY, elementType = Filter.ELEMENT_TYPE)
public final class RoutineCheckpointAbortFilter extends AbstractFilter {

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
        if (!(thrown instanceof CheckpointException)) {
            return false;
        }
        CheckpointFailureReason reason = ((CheckpointException) thrown).getCheckpointFailureReason();
        return reason == CheckpointFailureReason.CHECKPOINT_DECLINED_TASK_CLOSING
                || reason == CheckpointFailureReason.CHECKPOINT_COORDINATOR_SUSPEND;
    }
}
