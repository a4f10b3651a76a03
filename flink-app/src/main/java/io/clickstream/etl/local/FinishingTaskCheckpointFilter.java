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
 * Drops Flink's warning, with its stack trace, about a checkpoint that a task declined because it
 * was finishing. Near the end of any bounded run (a backfill, the generator) a periodic checkpoint
 * can meet a task that is closing; that checkpoint is simply not taken and nothing fails. Every
 * other checkpoint failure is still logged. Used by the local runs' {@code log4j2.properties}.
 */
@Plugin(name = "FinishingTaskCheckpointFilter", category = Node.CATEGORY, elementType = Filter.ELEMENT_TYPE)
public final class FinishingTaskCheckpointFilter extends AbstractFilter {

    private FinishingTaskCheckpointFilter(Result onMatch, Result onMismatch) {
        super(onMatch, onMismatch);
    }

    /** Drops matching events and leaves the rest to the logger, unless the configuration says otherwise. */
    @PluginFactory
    public static FinishingTaskCheckpointFilter create(@PluginAttribute("onMatch") Result onMatch, @PluginAttribute("onMismatch") Result onMismatch) {
        return new FinishingTaskCheckpointFilter(onMatch == null ? Result.DENY : onMatch, onMismatch == null ? Result.NEUTRAL : onMismatch);
    }

    @Override
    public Result filter(LogEvent event) {
        return declinedByAClosingTask(event.getThrown()) ? onMatch : onMismatch;
    }

    static boolean declinedByAClosingTask(Throwable thrown) {
        return thrown instanceof CheckpointException
                && ((CheckpointException) thrown).getCheckpointFailureReason() == CheckpointFailureReason.CHECKPOINT_DECLINED_TASK_CLOSING;
    }
}
