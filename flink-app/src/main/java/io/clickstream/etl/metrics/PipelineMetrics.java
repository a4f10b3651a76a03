package io.clickstream.etl.metrics;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;

/**
 * The pipeline's counters. Each is a Flink metric in the {@code kinesisanalytics} group, which MSF
 * forwards to CloudWatch, and an accumulator of the same name, which the web UI shows and a bounded
 * run reads back for its accounting line.
 */
public final class PipelineMetrics {

    /** The metric group MSF exports to CloudWatch. */
    public static final String GROUP = "kinesisanalytics";

    public static final String RECORDS_IN = "recordsIn";
    public static final String OBJECTS_READ = "objectsRead";
    public static final String WRITTEN = "recordsWritten";
    public static final String DUPLICATES = "duplicatesDropped";
    public static final String PII_FIELDS_REMOVED = "piiFieldsRemoved";
    public static final String DEAD_LETTER_PREFIX = "deadLetters_";

    private PipelineMetrics() {
    }

    public static Counter counter(RuntimeContext context, String name) {
        LongCounter accumulator = new LongCounter();
        context.addAccumulator(name, accumulator);
        return context.getMetricGroup().addGroup(GROUP).counter(name, new AccumulatingCounter(accumulator));
    }

    private static final class AccumulatingCounter implements Counter {
        private final LongCounter accumulator;

        AccumulatingCounter(LongCounter accumulator) {
            this.accumulator = accumulator;
        }

        @Override
        public void inc() {
            accumulator.add(1L);
        }

        @Override
        public void inc(long n) {
            accumulator.add(n);
        }

        @Override
        public void dec() {
            accumulator.add(-1L);
        }

        @Override
        public void dec(long n) {
            accumulator.add(-n);
        }

        @Override
        public long getCount() {
            return accumulator.getLocalValue();
        }
    }
}
