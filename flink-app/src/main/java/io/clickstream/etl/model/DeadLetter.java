package io.clickstream.etl.model;

import org.apache.flink.util.OutputTag;

import java.nio.charset.StandardCharsets;

/** A record that could not go to the lake, with everything needed to understand and replay it. */
public class DeadLetter {
    /** The side output every operator that rejects a record writes its dead letter to. */
    public static final OutputTag<DeadLetter> SIDE_OUTPUT = new OutputTag<DeadLetter>("dead-letters") { };

    public FailureType failureType;
    /** Field that broke a rule, for schema violations. */
    public String field;
    /** Rule that was broken, for schema violations (e.g. {@code required}, {@code uuid}). */
    public String rule;
    public String message;
    public String sourceFile;
    public long lineNumber;
    /** The record's position in its raw object ({@link RawRecord#ordinal}), so a start without state can skip it. */
    public int sourceRecord;
    /** Processing time of the failure, epoch millis UTC. */
    public long failureTime;
    public String jobVersion;
    public String rawText;
    public boolean rawTruncated;
    /** Size of the original record in bytes, also when {@link #rawText} was truncated. */
    public long rawBytes;

    public DeadLetter() {
    }

    /**
     * A {@link FailureType#PROCESSING_ERROR} dead letter for a parsed event whose processing at
     * {@code stage} threw {@code error}, with the raw bytes the event still holds.
     */
    public static DeadLetter processingError(ClickEvent event, String stage, Throwable error, long now, String jobVersion, int maxRawBytes) {
        byte[] raw = event.raw == null ? new byte[0] : event.raw;
        return of(FailureType.PROCESSING_ERROR, null, stage, stage + " failed: " + error, raw, raw.length,
                event.sourceFile, event.lineNumber, event.sourceOrdinal, now, jobVersion, maxRawBytes);
    }

    /** A dead letter for {@code raw}, keeping at most {@code maxRawBytes} of it. */
    public static DeadLetter of(FailureType type, String field, String rule, String message, byte[] raw,
                                long originalSize, String sourceFile, long lineNumber, int sourceRecord, long now, String jobVersion,
                                int maxRawBytes) {
        DeadLetter d = new DeadLetter();
        d.failureType = type;
        d.field = field;
        d.rule = rule;
        d.message = message;
        d.sourceFile = sourceFile;
        d.lineNumber = lineNumber;
        d.sourceRecord = sourceRecord;
        d.failureTime = now;
        d.jobVersion = jobVersion;
        int keep = Math.min(raw.length, maxRawBytes);
        d.rawText = new String(raw, 0, keep, StandardCharsets.UTF_8);
        d.rawBytes = Math.max(originalSize, raw.length);
        d.rawTruncated = d.rawBytes > keep;
        return d;
    }
}
