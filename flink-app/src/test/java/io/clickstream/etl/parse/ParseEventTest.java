package io.clickstream.etl.parse;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.config.JobConfigTestSupport;
import io.clickstream.etl.model.ClickEvent;
import io.clickstream.etl.model.DeadLetter;
import io.clickstream.etl.model.EventKey;
import io.clickstream.etl.model.FailureType;
import io.clickstream.etl.model.RawRecord;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import static io.clickstream.etl.TestEvents.pageView;
import static io.clickstream.etl.TestEvents.uuid;
import static org.assertj.core.api.Assertions.assertThat;

class ParseEventTest {

    private static final long NOW = Instant.parse("2026-01-06T00:00:00Z").toEpochMilli();

    @Test
    void aValidRecordBecomesAnEventWithItsSourcePositionAndIngestionTime() throws Exception {
        Output out = parse(raw(pageView(uuid(1)), uuid(1), 3));

        assertThat(out.deadLetters).isEmpty();
        assertThat(out.events).singleElement().satisfies(e -> {
            assertThat(e.eventId).isEqualTo(uuid(1));
            assertThat(e.sourceFile).isEqualTo("s3://raw/o.gz");
            assertThat(e.lineNumber).isEqualTo(3);
            assertThat(e.ingestedAt).isEqualTo(NOW);
            assertThat(e.raw).as("kept for deduplication's id-conflict dead letters").isNotNull();
        });
    }

    @Test
    void aSchemaViolationIsDeadLetteredWithItsFieldRuleLineRawTextAndVersion() throws Exception {
        Output out = parse(raw("{\"event_id\":\"" + uuid(2) + "\",\"event_type\":\"hover\",\"timestamp\":1767600000000}", uuid(2), 4));

        assertThat(out.events).isEmpty();
        assertThat(out.deadLetters).singleElement().satisfies(d -> {
            assertThat(d.failureType).isEqualTo(FailureType.SCHEMA_VIOLATION);
            assertThat(d.field).isEqualTo("event_type");
            assertThat(d.rule).isEqualTo("allowed_values");
            assertThat(d.lineNumber).isEqualTo(4);
            assertThat(d.rawText).contains("hover");
            assertThat(d.jobVersion).isEqualTo(JobConfigTestSupport.config().jobVersion);
            assertThat(d.failureTime).isEqualTo(NOW);
        });
    }

    @Test
    void invalidJsonIsDeadLetteredAsMalformed() throws Exception {
        Output out = parse(raw("{\"event_id\":\"" + uuid(3) + "\",\"event_type\":}", uuid(3), 5));

        assertThat(out.events).isEmpty();
        assertThat(out.deadLetters).singleElement().satisfies(d -> {
            assertThat(d.failureType).isEqualTo(FailureType.MALFORMED_JSON);
            assertThat(d.message).startsWith("invalid JSON");
        });
    }

    @Test
    void aRecordTheReaderAlreadyFailedIsDeadLetteredWithItsFullSize() throws Exception {
        Output out = parse(RawRecord.failure(FailureType.OVERSIZED_RECORD, "too big", "{\"a\":".getBytes(StandardCharsets.UTF_8),
                5_000_000, "s3://raw/o.gz", 6));

        assertThat(out.deadLetters).singleElement().satisfies(d -> {
            assertThat(d.failureType).isEqualTo(FailureType.OVERSIZED_RECORD);
            assertThat(d.message).isEqualTo("too big");
            assertThat(d.rawTruncated).isTrue();
            assertThat(d.rawBytes).isEqualTo(5_000_000);
        });
    }

    @Test
    void theEndOfAnObjectIsNeitherAnEventNorADeadLetter() throws Exception {
        Output out = parse(RawRecord.endOfObject("s3://raw/o.gz", 6));

        assertThat(out.events).isEmpty();
        assertThat(out.deadLetters).isEmpty();
    }

    /** What the operator emitted for some records: events and dead letters. */
    private static final class Output {
        final List<ClickEvent> events;
        final List<DeadLetter> deadLetters;

        Output(List<ClickEvent> events, List<DeadLetter> deadLetters) {
            this.events = events;
            this.deadLetters = deadLetters;
        }
    }

    private static Output parse(RawRecord... records) throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<EventKey, RawRecord, ClickEvent> harness = ProcessFunctionTestHarnesses
                .forKeyedProcessFunction(new ParseEvent(JobConfigTestSupport.config()), r -> r.key, TypeInformation.of(EventKey.class))) {
            harness.setProcessingTime(NOW);
            for (RawRecord r : records) {
                harness.processElement(r, 0);
            }
            return new Output(harness.extractOutputValues(),
                    harness.getSideOutput(DeadLetter.SIDE_OUTPUT) == null ? List.of()
                            : harness.getSideOutput(DeadLetter.SIDE_OUTPUT).stream().map(StreamRecord::getValue).collect(Collectors.toList()));
        }
    }

    /**
     * On a start without state: a record an earlier run wrote goes on marked (for dedup); one it
     * dead-lettered is dropped, also when the rules now accept it (not remembered by dedup, so that
     * a replay of it is written); only a new bad one is dead-lettered.
     */
    @Test
    void recordsAlreadyWrittenCarryTheirMarkAndPositionAndAreNotDeadLetteredAgain() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<EventKey, RawRecord, ClickEvent> harness = ProcessFunctionTestHarnesses
                .forKeyedProcessFunction(new ParseEvent(JobConfigTestSupport.config()), r -> r.key, TypeInformation.of(EventKey.class))) {
            harness.setProcessingTime(NOW);
            RawRecord written = raw(pageView(uuid(1)), uuid(1), 1);
            written.ordinal = 0;
            written.inLake = true;
            RawRecord deadBefore = raw("{\"event_id\":\"" + uuid(2) + "\",}", uuid(2), 2);
            deadBefore.ordinal = 1;
            deadBefore.deadLettered = true;
            RawRecord acceptedNow = raw(pageView(uuid(4)), uuid(4), 4);
            acceptedNow.ordinal = 3;
            acceptedNow.deadLettered = true;
            RawRecord deadNow = raw("{\"event_id\":\"" + uuid(3) + "\",}", uuid(3), 3);
            deadNow.ordinal = 2;
            harness.processElement(written, 0);
            harness.processElement(deadBefore, 0);
            harness.processElement(acceptedNow, 0);
            harness.processElement(deadNow, 0);

            assertThat(harness.extractOutputValues()).singleElement().satisfies(e -> {
                assertThat(e.inLake).isTrue();
                assertThat(e.sourceOrdinal).isZero();
            });
            assertThat(harness.getSideOutput(DeadLetter.SIDE_OUTPUT)).singleElement()
                    .satisfies(d -> assertThat(d.getValue().sourceRecord).isEqualTo(2));
        }
    }

    @Test
    void everyRecordKeepsItsOwnObjectsPathAfterTheTrip() throws Exception {
        String first = "s3://raw/2026/01/05/23/clickstream-1-a.gz";
        String second = "s3://raw/2026/01/05/23/clickstream-1-b-\u00e9t\u00e9.gz";
        try (KeyedOneInputStreamOperatorTestHarness<EventKey, RawRecord, ClickEvent> harness = ProcessFunctionTestHarnesses
                .forKeyedProcessFunction(new ParseEvent(JobConfigTestSupport.config()), r -> r.key, TypeInformation.of(EventKey.class))) {
            harness.setProcessingTime(NOW);
            // Serialized and read back as between reader and parsers: each record gets its own array.
            for (RawRecord r : List.of(
                    RawRecord.record(pageView(uuid(1)).getBytes(StandardCharsets.UTF_8), uuid(1), first, 1),
                    RawRecord.record(pageView(uuid(2)).getBytes(StandardCharsets.UTF_8), uuid(2), first, 2),
                    RawRecord.record(pageView(uuid(3)).getBytes(StandardCharsets.UTF_8), uuid(3), second, 1),
                    RawRecord.record("{".getBytes(StandardCharsets.UTF_8), uuid(4), second, 2),
                    RawRecord.record(pageView(uuid(5)).getBytes(StandardCharsets.UTF_8), uuid(5), first, 3))) {
                harness.processElement(copy(r), 0);
            }
            assertThat(harness.extractOutputValues()).extracting(e -> e.sourceFile).containsExactly(first, first, second, first);
            assertThat(harness.getSideOutput(DeadLetter.SIDE_OUTPUT)).singleElement()
                    .satisfies(d -> assertThat(d.getValue().sourceFile).isEqualTo(second));
        }
    }

    private static RawRecord copy(RawRecord r) throws IOException {
        TypeSerializer<RawRecord> serializer = TypeInformation.of(RawRecord.class).createSerializer(new ExecutionConfig().getSerializerConfig());
        return InstantiationUtil.deserializeFromByteArray(serializer, InstantiationUtil.serializeToByteArray(serializer, r));
    }

    private static RawRecord raw(String json, String key, long line) {
        return RawRecord.record(json.getBytes(StandardCharsets.UTF_8), key, "s3://raw/o.gz", line);
    }
}
