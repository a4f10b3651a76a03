package io.clickstream.etl.metrics;

import io.clickstream.etl.model.FailureType;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The balance of a run: every record read was written, dropped as a duplicate, or dead-lettered.
 * Built from the job's accumulators.
 */
public final class Accounting {
    public final long objectsRead;
    public final long recordsIn;
    public final long written;
    public final long duplicates;
    /** Records read again on a start without saved state and not written: an earlier run wrote them to the lake or the dead letters. */
    public final long alreadyWritten;
    public final long piiFieldsRemoved;
    public final Map<FailureType, Long> deadLetters = new EnumMap<>(FailureType.class);

    public Accounting(Map<String, Object> accumulators) {
        objectsRead = value(accumulators, PipelineMetrics.OBJECTS_READ);
        recordsIn = value(accumulators, PipelineMetrics.RECORDS_IN);
        written = value(accumulators, PipelineMetrics.WRITTEN);
        duplicates = value(accumulators, PipelineMetrics.DUPLICATES);
        alreadyWritten = value(accumulators, PipelineMetrics.ALREADY_IN_LAKE) + value(accumulators, PipelineMetrics.ALREADY_DEAD_LETTERED);
        piiFieldsRemoved = value(accumulators, PipelineMetrics.PII_FIELDS_REMOVED);
        for (FailureType type : FailureType.values()) {
            deadLetters.put(type, value(accumulators, PipelineMetrics.deadLetters(type)));
        }
    }

    public long deadLettered() {
        return deadLetters.values().stream().mapToLong(Long::longValue).sum();
    }

    public boolean balanced() {
        return recordsIn == written + duplicates + deadLettered() + alreadyWritten;
    }

    @Override
    public String toString() {
        StringBuilder types = new StringBuilder();
        deadLetters.forEach((type, n) -> {
            if (n > 0) {
                types.append(types.length() == 0 ? "" : ", ").append(type.folderName()).append(' ').append(n);
            }
        });
        return String.format(Locale.ROOT, "ACCOUNTING in=%d = written %d + duplicates %d + dead-lettered %d%s%s -> %s (objects read %d, PII fields removed %d)",
                recordsIn, written, duplicates, deadLettered(), types.length() == 0 ? "" : " (" + types + ")",
                alreadyWritten == 0 ? "" : " + written by an earlier run " + alreadyWritten,
                balanced() ? "BALANCED" : "NOT BALANCED", objectsRead, piiFieldsRemoved);
    }

    private static long value(Map<String, Object> accumulators, String name) {
        Object v = accumulators.get(name);
        return v instanceof Number ? ((Number) v).longValue() : 0L;
    }
}
