package io.clickstream.generator.job;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * Counts what the generator sends and logs the running total and rate at a fixed interval. The
 * count is also a metric ({@code kinesisanalytics.recordsGenerated}) and the job's accumulator
 * {@value #RECORDS}, which says how many were sent when a run is stopped early; it is checkpointed,
 * so a restart from a checkpoint goes on counting from there. Delivery failures and retries show as
 * the sink's {@code numRecordsSendErrors} metric.
 */
public final class ProgressReporter extends RichMapFunction<String, String> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

    /** Accumulator of the records generated, all subtasks together. */
    public static final String RECORDS = "records-generated";

    private final long intervalMillis;
    private transient Counter generated;
    private transient LongCounter total;
    private transient ListState<Long> counted;
    private transient long restored;
    private transient long started;
    private transient long lastReport;
    private transient long lastCount;

    public ProgressReporter(long intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        generated = getRuntimeContext().getMetricGroup().addGroup("kinesisanalytics").counter("recordsGenerated");
        generated.inc(restored);
        total = new LongCounter(restored);
        getRuntimeContext().addAccumulator(RECORDS, total);
        started = System.currentTimeMillis();
        lastReport = started;
        lastCount = restored;
    }

    @Override
    public String map(String record) {
        generated.inc();
        total.add(1L);
        long now = System.currentTimeMillis();
        if (now - lastReport >= intervalMillis) {
            long count = generated.getCount();
            LOG.info("generated {} records, {} records/s now, {} records/s on average",
                    count, (count - lastCount) * 1000 / Math.max(1, now - lastReport), (count - restored) * 1000 / Math.max(1, now - started));
            lastReport = now;
            lastCount = count;
        }
        return record;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        counted = context.getOperatorStateStore().getListState(new ListStateDescriptor<>("records-generated", Types.LONG));
        for (Long count : counted.get()) {
            restored += count;
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        counted.update(List.of(generated.getCount()));
    }

    @Override
    public void close() {
        if (generated != null) {
            LOG.info("generated {} records in {} s", generated.getCount(), (System.currentTimeMillis() - started) / 1000);
        }
    }
}
