package io.clickstream.etl.dedup;

import io.clickstream.etl.model.ClickEvent;
import io.clickstream.etl.model.DeadLetter;
import io.clickstream.etl.model.EventKey;
import io.clickstream.etl.model.FailureType;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static io.clickstream.etl.TestEvents.uuid;
import static org.assertj.core.api.Assertions.assertThat;

class DeduplicateEventsTest {

    @Test
    void dropsRetriesAndDeadLettersConflicts() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<EventKey, ClickEvent, ClickEvent> harness = harness()) {
            harness.processElement(event(uuid(1), 11L, "first"), 0);
            harness.processElement(event(uuid(1), 11L, "retry"), 0);
            harness.processElement(event(uuid(2), 22L, "other"), 0);
            harness.processElement(event(uuid(1), 99L, "conflict"), 0);

            assertThat(harness.extractOutputValues()).extracting(e -> e.sourceFile).containsExactly("first", "other");
            assertThat(harness.extractOutputValues()).allMatch(e -> e.raw == null);
            List<DeadLetter> dead = harness.getSideOutput(DeadLetter.SIDE_OUTPUT).stream().map(StreamRecord::getValue).collect(Collectors.toList());
            assertThat(dead).singleElement().satisfies(d -> {
                assertThat(d.failureType).isEqualTo(FailureType.ID_CONFLICT);
                assertThat(d.sourceFile).isEqualTo("conflict");
                assertThat(d.rawText).isEqualTo("{\"raw\":\"conflict\"}");
                assertThat(d.message).contains(uuid(1));
            });
        }
    }

    /** On a start without state: events an earlier run wrote are remembered but not written again. */
    @Test
    void eventsAlreadyInTheLakeAreRememberedNotWritten() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<EventKey, ClickEvent, ClickEvent> harness = harness()) {
            ClickEvent written = event(uuid(1), 11L, "written before");
            written.inLake = true;
            harness.processElement(written, 0);
            harness.processElement(event(uuid(1), 11L, "retry"), 0);
            harness.processElement(event(uuid(1), 99L, "conflict"), 0);
            harness.processElement(event(uuid(2), 22L, "new"), 0);

            assertThat(harness.extractOutputValues()).extracting(e -> e.sourceFile).containsExactly("new");
            assertThat(harness.getSideOutput(DeadLetter.SIDE_OUTPUT)).singleElement()
                    .satisfies(d -> assertThat(d.getValue().sourceFile).isEqualTo("conflict"));
        }
    }

    @Test
    void rememberedIdsSurviveARestoreAndExpireAfterTheTtl() throws Exception {
        OperatorSubtaskState snapshot;
        try (KeyedOneInputStreamOperatorTestHarness<EventKey, ClickEvent, ClickEvent> harness = harness()) {
            harness.setStateTtlProcessingTime(0);
            harness.processElement(event(uuid(1), 11L, "first"), 0);
            snapshot = harness.snapshot(1, 1);
        }
        try (KeyedOneInputStreamOperatorTestHarness<EventKey, ClickEvent, ClickEvent> restored = harness(snapshot)) {
            restored.setStateTtlProcessingTime(Duration.ofHours(23).toMillis());
            restored.processElement(event(uuid(1), 11L, "retry within ttl"), 0);
            assertThat(restored.extractOutputValues()).isEmpty();
            restored.setStateTtlProcessingTime(Duration.ofHours(25).toMillis());
            restored.processElement(event(uuid(1), 11L, "after ttl"), 0);
            assertThat(restored.extractOutputValues()).extracting(e -> e.sourceFile).containsExactly("after ttl");
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<EventKey, ClickEvent, ClickEvent> harness() throws Exception {
        return harness(null);
    }

    private static KeyedOneInputStreamOperatorTestHarness<EventKey, ClickEvent, ClickEvent> harness(OperatorSubtaskState state) throws Exception {
        DeduplicateEvents fn = new DeduplicateEvents(Duration.ofHours(24), "test-1", 1024);
        if (state == null) {
            return ProcessFunctionTestHarnesses.forKeyedProcessFunction(fn, e -> e.key, TypeInformation.of(EventKey.class));
        }
        KeyedOneInputStreamOperatorTestHarness<EventKey, ClickEvent, ClickEvent> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(fn), e -> e.key, TypeInformation.of(EventKey.class));
        h.setup();
        h.initializeState(state);
        h.open();
        return h;
    }

    private static ClickEvent event(String id, long hash, String source) {
        ClickEvent e = new ClickEvent();
        e.eventId = id;
        e.key = EventKey.of(id);
        e.contentHash = hash;
        e.sourceFile = source;
        e.raw = ("{\"raw\":\"" + source + "\"}").getBytes(StandardCharsets.UTF_8);
        return e;
    }
}
