package io.clickstream.etl.model;

import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.testutils.DeeplyEqualsChecker;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@link RawRecordSerializer} through Flink's own serializer checks (copies, reuse, sequences,
 * snapshots, duplicates), over every kind of record the reader emits.
 */
class RawRecordSerializerTest extends SerializerTestBase<RawRecord> {

    RawRecordSerializerTest() {
        super(new DeeplyEqualsChecker().withCustomCheck(
                (a, b) -> a instanceof RawRecord && b instanceof RawRecord,
                (a, b, checker) -> same((RawRecord) a, (RawRecord) b)));
    }

    @Override
    protected TypeSerializer<RawRecord> createSerializer() {
        return new RawRecordSerializer();
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<RawRecord> getTypeClass() {
        return RawRecord.class;
    }

    @Override
    protected RawRecord[] getTestData() {
        byte[] path = RawRecord.utf8("2026/12/01/10/clickstream-1-2026-12-01-10-00-00-0f3c.gz");
        RawRecord record = RawRecord.record("{\"event_id\":\"e1\"}".getBytes(StandardCharsets.UTF_8),
                EventKey.of("e1"), "unused", path, 7);
        record.ordinal = 6;
        RawRecord inLake = RawRecord.record("{\"event_id\":\"é😀\"}".getBytes(StandardCharsets.UTF_8), EventKey.of("é😀"), "unused", path, 8);
        inLake.inLake = true;
        inLake.ordinal = Integer.MAX_VALUE;
        RawRecord deadLettered = RawRecord.record("{\"event_id\":\"e2\"}".getBytes(StandardCharsets.UTF_8), EventKey.of("e2"), "unused", path, 9);
        deadLettered.deadLettered = true;
        deadLettered.ordinal = 8;
        RawRecord oversized = RawRecord.failure(FailureType.OVERSIZED_RECORD, "record of 9000000 bytes is longer than 1048576",
                new byte[] {'{', '"', 'a'}, 9_000_000L, "objects/é.gz", Long.MAX_VALUE);
        RawRecord unreadable = RawRecord.failure(FailureType.UNREADABLE_OBJECT, null, null, 0, "objects/b.gz", 1);
        RawRecord end = RawRecord.endOfObject("objects/b.gz", 5242);
        RawRecord empty = new RawRecord();
        return new RawRecord[] {record, inLake, deadLettered, oversized, unreadable, end, empty};
    }

    private static boolean same(RawRecord a, RawRecord b) {
        return Arrays.equals(a.bytes, b.bytes)
                && Objects.equals(a.key, b.key)
                && Arrays.equals(a.sourceFileUtf8, b.sourceFileUtf8)
                && a.lineNumber == b.lineNumber
                && a.failure == b.failure
                && Objects.equals(a.failureMessage, b.failureMessage)
                && a.originalSize == b.originalSize
                && a.objectEnd == b.objectEnd
                && a.ordinal == b.ordinal
                && a.inLake == b.inLake
                && a.deadLettered == b.deadLettered;
    }
}
