package io.clickstream.generator.job;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts what the generator sends and logs the running total and rate at a fixed interval. The
 * count is also a metric ({@code kinesisanalytics.recordsGenerated}); delivery failures and retries
 * show as the sink's {@code numRecordsSendErrors} metric.
 */
public final class ProgressReporter extends RichMapFunction<String, String> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

    private final long intervalMillis;
    private transient Counter generated;
    private transient long started;
    private transient long lastReport;
    private transient long lastCount;

    public ProgressReporter(long intervalMillis) {
        this.intervalMillis = intervalMillis;
    }

    @Override
    public void open(OpenContext openContext) {
        generated = getRuntimeContext().getMetricGroup().addGroup("kinesisanalytics").counter("recordsGenerated");
        started = System.currentTimeMillis();
        lastReport = started;
    }

    @Override
    public String map(String record) {
        generated.inc();
        long now = System.currentTimeMillis();
        if (now - lastReport >= intervalMillis) {
            long count = generated.getCount();
            LOG.info("generated {} records, {} records/s now, {} records/s on average",
                    count, (count - lastCount) * 1000 / Math.max(1, now - lastReport), count * 1000 / Math.max(1, now - started));
            lastReport = now;
            lastCount = count;
        }
        return record;
    }

    @Override
    public void close() {
        if (generated != null) {
            LOG.info("generated {} records in {} s", generated.getCount(), (System.currentTimeMillis() - started) / 1000);
        }
    }
}
