package io.clickstream.etl.model;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.nio.charset.StandardCharsets;

/**
 * One framed record as read from a raw object: the JSON bytes of a single object, or, when framing
 * already failed, the (possibly truncated) raw bytes with the failure. Shipped between the reader
 * and the parsers as bytes because bytes are far cheaper to shuffle than a parsed event, by
 * {@link RawRecordSerializer}.
 */
@TypeInfo(RawRecordTypeInfo.Factory.class)
public class RawRecord {

    /** The record's bytes; for a failure, the raw text kept for the dead letter. */
    public byte[] bytes;
    /** The key the stream is partitioned on: the record's {@code event_id} when it has one. */
    public EventKey key;
    /**
     * The raw object's path as UTF-8, one array shared by all records of an object: between the
     * reader and the parsers an array is copied in bulk, a String character by character.
     */
    public byte[] sourceFileUtf8;
    /** 1-based line in the decompressed object. */
    public long lineNumber;
    /** Set when the reader already knows the record is bad. */
    public FailureType failure;
    public String failureMessage;
    /** Original size of the failed text when {@link #bytes} holds only its beginning. */
    public long originalSize;
    /** Marks the end of an object rather than a record; {@link #lineNumber} then holds its line count. */
    public boolean objectEnd;
    /** 0-based position of the record in its object, counting every record the reader framed. */
    public int ordinal;
    /**
     * Set on a start without saved state when the lake already holds this record: it still passes
     * deduplication (so that retries of it are recognised) but is written nowhere.
     */
    public boolean inLake;
    /**
     * Set on a start without saved state when the dead letters already hold this record: it is
     * written nowhere, nor remembered by deduplication, as the lake does not hold it (a replay of
     * it after a fix is written).
     */
    public boolean deadLettered;

    public RawRecord() {
    }

    public static RawRecord record(byte[] bytes, String eventId, String sourceFile, long lineNumber) {
        return record(bytes, eventId == null ? null : EventKey.of(eventId), sourceFile, utf8(sourceFile), lineNumber);
    }

    /**
     * As {@link #record(byte[], String, String, long)}, with the id's key, or null when there is no
     * id, and the path already encoded by {@link #utf8}.
     */
    public static RawRecord record(byte[] bytes, EventKey key, String sourceFile, byte[] sourceFileUtf8, long lineNumber) {
        RawRecord r = new RawRecord();
        r.bytes = bytes;
        r.key = key != null ? key : positionKey(sourceFile, lineNumber);
        r.sourceFileUtf8 = sourceFileUtf8;
        r.lineNumber = lineNumber;
        return r;
    }

    public static RawRecord failure(FailureType type, String message, byte[] rawPrefix, long originalSize, String sourceFile, long lineNumber) {
        RawRecord r = new RawRecord();
        r.bytes = rawPrefix;
        r.key = positionKey(sourceFile, lineNumber);
        r.sourceFileUtf8 = utf8(sourceFile);
        r.lineNumber = lineNumber;
        r.failure = type;
        r.failureMessage = message;
        r.originalSize = originalSize;
        return r;
    }

    public static RawRecord endOfObject(String sourceFile, long lines) {
        RawRecord r = new RawRecord();
        r.bytes = new byte[0];
        r.key = EventKey.of(sourceFile);
        r.sourceFileUtf8 = utf8(sourceFile);
        r.lineNumber = lines;
        r.objectEnd = true;
        return r;
    }

    /** Records without an id are spread by position; nothing keyed depends on them. */
    private static EventKey positionKey(String sourceFile, long lineNumber) {
        return EventKey.of("~" + sourceFile + "#" + lineNumber);
    }

    public static byte[] utf8(String sourceFile) {
        return sourceFile.getBytes(StandardCharsets.UTF_8);
    }

    /** The raw object's path. */
    public String sourceFile() {
        return new String(sourceFileUtf8, StandardCharsets.UTF_8);
    }

    public boolean isTruncated() {
        return bytes != null && originalSize > bytes.length;
    }
}
