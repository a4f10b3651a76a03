package io.clickstream.etl.model;

/**
 * One framed record as read from a raw object: the JSON bytes of a single object, or, when framing
 * already failed, the (possibly truncated) raw bytes with the failure. Shipped between the reader
 * and the parsers as bytes because bytes are far cheaper to shuffle than a parsed event.
 */
public class RawRecord {

    /** The record's bytes; for a failure, the raw text kept for the dead letter. */
    public byte[] bytes;
    /** The key the stream is partitioned on: the record's {@code event_id} when it has one. */
    public String routingKey;
    public String sourceFile;
    /** 1-based line in the decompressed object. */
    public long lineNumber;
    /** Set when the reader already knows the record is bad. */
    public FailureType failure;
    public String failureMessage;
    /** Original size of the failed text when {@link #bytes} holds only its beginning. */
    public long originalSize;
    /** Marks the end of an object rather than a record; {@link #lineNumber} then holds its line count. */
    public boolean objectEnd;

    public RawRecord() {
    }

    public static RawRecord record(byte[] bytes, String eventId, String sourceFile, long lineNumber) {
        RawRecord r = new RawRecord();
        r.bytes = bytes;
        r.routingKey = eventId != null ? eventId : positionKey(sourceFile, lineNumber);
        r.sourceFile = sourceFile;
        r.lineNumber = lineNumber;
        return r;
    }

    public static RawRecord failure(FailureType type, String message, byte[] rawPrefix, long originalSize, String sourceFile, long lineNumber) {
        RawRecord r = new RawRecord();
        r.bytes = rawPrefix;
        r.routingKey = positionKey(sourceFile, lineNumber);
        r.sourceFile = sourceFile;
        r.lineNumber = lineNumber;
        r.failure = type;
        r.failureMessage = message;
        r.originalSize = originalSize;
        return r;
    }

    public static RawRecord endOfObject(String sourceFile, long lines) {
        RawRecord r = new RawRecord();
        r.bytes = new byte[0];
        r.routingKey = sourceFile;
        r.sourceFile = sourceFile;
        r.lineNumber = lines;
        r.objectEnd = true;
        return r;
    }

    /** Records without an id are spread by position; nothing keyed depends on them. */
    private static String positionKey(String sourceFile, long lineNumber) {
        return "~" + sourceFile + "#" + lineNumber;
    }

    public boolean isTruncated() {
        return bytes != null && originalSize > bytes.length;
    }
}
