package io.clickstream.etl.dedup;

import io.clickstream.etl.metrics.PipelineMetrics;
import io.clickstream.etl.model.ClickEvent;
import io.clickstream.etl.model.DeadLetter;
import io.clickstream.etl.model.EventKey;
import io.clickstream.etl.model.FailureType;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;

/**
 * Drops events whose {@code event_id} was already seen within the TTL. An exact repeat (same
 * content) is a retry and is counted; the same id with other content is not a retry, and the later
 * copy goes to the dead letters as an id conflict. State per id is one 64-bit content hash, with
 * no personal data. It is the last step before the lake, so that only what the lake gets is
 * remembered (an event scrubbing or enrichment failed on can be replayed at once after a fix), and
 * the events it passes on are the ones written.
 *
 * <p>Ids past the TTL leave the live state, not only its snapshots: RocksDB (MSF) drops them when it
 * compacts, and on the heap (local runs) an unbounded run sweeps a little of the state on every
 * access. A bounded run (a backfill) does not sweep: the TTL is processing time, so a run shorter
 * than it has nothing to drop, and the sweep measured about 4 % of a backfill's time. Its state
 * holds at most the ids of its input.
 */
public final class DeduplicateEvents extends KeyedProcessFunction<EventKey, ClickEvent, ClickEvent> {
    private static final long serialVersionUID = 1L;

    /** The state's name, part of savepoints. */
    static final String STATE_NAME = "content-hash";

    private final Duration ttl;
    private final boolean sweepHeapState;
    private final String jobVersion;
    private final int maxRawBytes;

    private transient ValueState<Long> seen;
    private transient Counter duplicates;
    private transient Counter conflicts;
    private transient Counter alreadyInLake;
    private transient Counter written;

    /**
     * @param sweepHeapState whether the heap state backend sweeps expired ids as the state is used:
     *     true for unbounded input, see the class comment
     */
    public DeduplicateEvents(Duration ttl, boolean sweepHeapState, String jobVersion, int maxRawBytes) {
        this.ttl = ttl;
        this.sweepHeapState = sweepHeapState;
        this.jobVersion = jobVersion;
        this.maxRawBytes = maxRawBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<Long> descriptor = new ValueStateDescriptor<>(STATE_NAME, Types.LONG);
        StateTtlConfig.Builder ttlConfig = StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                // An id is never read again once past its TTL, so cleanup on read would keep it forever.
                // Full snapshots (savepoints, heap checkpoints) leave expired ids out.
                .cleanupFullSnapshot()
                // In RocksDB (MSF, incremental checkpoints) only compactions drop expired ids; every
                // file is compacted at least once per TTL, so no id stays much more than two TTLs.
                .cleanupInRocksdbCompactFilter(1_000, ttl)
                // Nothing else: Flink's default for the heap checks five entries on every access.
                .disableCleanupInBackground();
        if (sweepHeapState) {
            // Every heap state access checks one more entry: with two accesses per new id, the
            // live state holds at most about two TTL windows of ids.
            ttlConfig.cleanupIncrementally(1, false);
        }
        descriptor.enableTimeToLive(ttlConfig.build());
        seen = getRuntimeContext().getState(descriptor);
        duplicates = PipelineMetrics.counter(getRuntimeContext(), PipelineMetrics.DUPLICATES);
        conflicts = PipelineMetrics.counter(getRuntimeContext(), PipelineMetrics.deadLetters(FailureType.ID_CONFLICT));
        alreadyInLake = PipelineMetrics.counter(getRuntimeContext(), PipelineMetrics.ALREADY_IN_LAKE);
        written = PipelineMetrics.counter(getRuntimeContext(), PipelineMetrics.WRITTEN);
    }

    @Override
    public void processElement(ClickEvent event, Context ctx, Collector<ClickEvent> out) throws Exception {
        Long first = seen.value();
        if (event.inLake) {
            // Written (or dead-lettered) by an earlier run: remembered, so that a retry of it is still a duplicate.
            if (first == null) {
                seen.update(event.contentHash);
            }
            alreadyInLake.inc();
        } else if (first == null) {
            seen.update(event.contentHash);
            event.raw = null; // kept this far for the dead letters, which the lake does not need
            written.inc();
            out.collect(event);
        } else if (first == event.contentHash) {
            duplicates.inc();
        } else {
            conflicts.inc();
            ctx.output(DeadLetter.SIDE_OUTPUT, DeadLetter.of(FailureType.ID_CONFLICT, "event_id", "unique_content",
                    "event_id " + event.eventId + " was already seen with different content; the first copy was kept",
                    event.raw, event.raw.length, event.sourceFile, event.lineNumber, event.sourceOrdinal,
                    ctx.timerService().currentProcessingTime(), jobVersion, maxRawBytes));
        }
    }
}
