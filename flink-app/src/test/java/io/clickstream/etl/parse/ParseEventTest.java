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
    void validRecordsBecomeEventsAndBadOnesDeadLetters() throws Exception {
        JobConfig config = JobConfigTestSupport.config();
        try (KeyedOneInputStreamOperatorTestHarness<EventKey, RawRecord, ClickEvent> harness =
                     ProcessFunctionTestHarnesses.forKeyedProcessFunction(new ParseEvent(config), r -> r.key, TypeInformation.of(EventKey.class))) {
            harness.setProcessingTime(NOW);
            harness.processElement(raw(pageView(uuid(1)), uuid(1), 3), 0);
            harness.processElement(raw("{\"event_id\":\"" + uuid(2) + "\",\"event_type\":\"hover\",\"timestamp\":1767600000000}", uuid(2), 4), 0);
            harness.processElement(raw("{\"event_id\":\"" + uuid(3) + "\",\"event_type\":}", uuid(3), 5), 0);
            harness.processElement(RawRecord.failure(FailureType.OVERSIZED_RECORD, "too big", "{\"a\":".getBytes(StandardCharsets.UTF_8), 5_000_000, "s3://raw/o.gz", 6), 0);
            harness.processElement(RawRecord.endOfObject("s3://raw/o.gz", 6), 0);

            List<ClickEvent> events = harness.extractOutputValues();
            assertThat(events).singleElement().satisfies(e -> {
                assertThat(e.eventId).isEqualTo(uuid(1));
                assertThat(e.sourceFile).isEqualTo("s3://raw/o.gz");
                assertThat(e.lineNumber).isEqualTo(3);
                assertThat(e.ingestedAt).isEqualTo(NOW);
                assertThat(e.raw).isNotNull();
            });

            List<DeadLetter> dead = harness.getSideOutput(DeadLetter.SIDE_OUTPUT).stream().map(StreamRecord::getValue).collect(Collectors.toList());
            assertThat(dead).extracting(d -> d.failureType)
                    .containsExactly(FailureType.SCHEMA_VIOLATION, FailureType.MALFORMED_JSON, FailureType.OVERSIZED_RECORD);
            DeadLetter schema = dead.get(0);
            assertThat(schema.field).isEqualTo("event_type");
            assertThat(schema.rule).isEqualTo("allowed_values");
            assertThat(schema.lineNumber).isEqualTo(4);
            assertThat(schema.rawText).contains("hover");
            assertThat(schema.jobVersion).isEqualTo(config.jobVersion);
            assertThat(schema.failureTime).isEqualTo(NOW);
            assertThat(dead.get(1).message).startsWith("invalid JSON");
            DeadLetter oversized = dead.get(2);
            assertThat(oversized.rawTruncated).isTrue();
            assertThat(oversized.rawBytes).isEqualTo(5_000_000);
            assertThat(oversized.message).isEqualTo("too big");
        }
    }

    /** On a start without state: a record an earlier run wrote goes on marked (for dedup), a bad one is not dead-lettered again. */
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
            deadBefore.inLake = true;
            RawRecord deadNow = raw("{\"event_id\":\"" + uuid(3) + "\",}", uuid(3), 3);
            deadNow.ordinal = 2;
            harness.processElement(written, 0);
            harness.processElement(deadBefore, 0);
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
