package io.clickstream.etl.metrics;

import io.clickstream.etl.model.FailureType;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

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
    /**
     * Records a start without saved state read again and did not write, because an earlier run did:
     * events the lake holds (counted by deduplication), and bad records the dead letters hold
     * (counted by the parser).
     */
    public static final String ALREADY_IN_LAKE = "recordsAlreadyInLake";
    public static final String ALREADY_DEAD_LETTERED = "recordsAlreadyDeadLettered";
    /** Every counter name, in the order they are documented. */
    public static final List<String> NAMES;

    static {
        List<String> names = new ArrayList<>(List.of(RECORDS_IN, OBJECTS_READ, WRITTEN, DUPLICATES, ALREADY_IN_LAKE, ALREADY_DEAD_LETTERED,
                PII_FIELDS_REMOVED));
        for (FailureType type : FailureType.values()) {
            names.add(deadLetters(type));
        }
        NAMES = Collections.unmodifiableList(names);
    }

    private PipelineMetrics() {
    }

    /**
     * The counter of one failure type, e.g. {@code deadLettersMalformedJson}. Letters only: MSF
     * publishes custom metrics whose names are alphanumeric.
     */
    public static String deadLetters(FailureType type) {
        StringBuilder name = new StringBuilder("deadLetters");
        for (String word : type.name().split("_")) {
            name.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }

    /**
     * A counter and its accumulator. Operators chained into one task that count the same thing
     * share the accumulator, which a task can hold only once; each one's metric counts its own.
     */
    public static Counter counter(RuntimeContext context, String name) {
        LongCounter accumulator = context.getLongCounter(name);
        return context.getMetricGroup().addGroup(GROUP).counter(name, new AccumulatingCounter(accumulator));
    }

    /** Counts its operator's own increments as a metric, and adds them to the task's accumulator. */
    private static final class AccumulatingCounter implements Counter {
        private final LongCounter accumulator;
        private long count;

        AccumulatingCounter(LongCounter accumulator) {
            this.accumulator = accumulator;
        }

        @Override
        public void inc() {
            inc(1L);
        }

        @Override
        public void inc(long n) {
            count += n;
            accumulator.add(n);
        }

        @Override
        public void dec() {
            inc(-1L);
        }

        @Override
        public void dec(long n) {
            inc(-n);
        }

        @Override
        public long getCount() {
            return count;
        }
    }
}
