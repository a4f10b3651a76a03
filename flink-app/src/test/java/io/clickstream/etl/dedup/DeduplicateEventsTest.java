package io.clickstream.etl.dedup;

import io.clickstream.etl.model.ClickEvent;
import io.clickstream.etl.model.DeadLetter;
import io.clickstream.etl.model.EventKey;
import io.clickstream.etl.model.FailureType;

import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.contrib.streaming.state.EmbeddedRocksDBStateBackend;
import org.apache.flink.contrib.streaming.state.RocksDBKeyedStateBackend;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

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
            assertThat(harness.extractOutputValues()).as("the raw record is not needed past the last stage that can dead-letter")
                    .allMatch(e -> e.raw == null);
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

    /**
     * A job runs for months: ids past the TTL must leave the live state, not only the snapshots.
     * Local runs keep it on the heap, where an unbounded run checks a few more entries for expiry
     * on each state access: five TTL windows of 10,000 new ids each leave at most two windows' worth.
     */
    @Test
    void expiredIdsLeaveTheHeapStateAsNewOnesArrive() throws Exception {
        assertThat(idsHeldAfterFiveWindows(true)).allSatisfy(held -> assertThat(held).isLessThanOrEqualTo(2 * WINDOW));
    }

    /** A bounded run does not sweep (it rarely outlives the processing-time TTL): it holds its input's ids. */
    @Test
    void aBoundedRunKeepsEveryIdOfItsInput() throws Exception {
        assertThat(idsHeldAfterFiveWindows(false)).containsExactly((long) WINDOW, 2L * WINDOW, 3L * WINDOW, 4L * WINDOW, 5L * WINDOW);
    }

    private static final int WINDOW = 10_000;

    private static List<Long> idsHeldAfterFiveWindows(boolean sweep) throws Exception {
        List<Long> held = new ArrayList<>();
        try (KeyedOneInputStreamOperatorTestHarness<EventKey, ClickEvent, ClickEvent> harness = harness(null, sweep)) {
            for (int day = 0; day < 5; day++) {
                harness.setStateTtlProcessingTime(day * Duration.ofHours(25).toMillis());
                for (int i = 0; i < WINDOW; i++) {
                    harness.processElement(event(uuid(day * WINDOW + i), 1L, "day " + day), 0);
                }
                held.add(idsHeld(harness));
            }
            assertThat(harness.extractOutputValues()).hasSize(5 * WINDOW);
        }
        return held;
    }

    /**
     * On MSF the state is in RocksDB with incremental checkpoints, where only compactions can drop
     * expired ids: Flink's TTL compaction filter must be on.
     */
    @Test
    void expiredIdsLeaveRocksDbStateWhenItCompacts() throws Exception {
        try (KeyedOneInputStreamOperatorTestHarness<EventKey, ClickEvent, ClickEvent> harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new DeduplicateEvents(Duration.ofHours(24), true, "test-1", 1024)), e -> e.key, TypeInformation.of(EventKey.class))) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
            harness.setStateTtlProcessingTime(0);
            harness.open();
            for (int i = 0; i < 1_000; i++) {
                harness.processElement(event(uuid(i), 1L, "old"), 0);
            }
            harness.setStateTtlProcessingTime(Duration.ofHours(25).toMillis());
            for (int i = 1_000; i < 1_100; i++) {
                harness.processElement(event(uuid(i), 1L, "new"), 0);
            }
            assertThat(idsHeld(harness)).isEqualTo(1_100);

            ((RocksDBKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend())
                    .compactState(new ValueStateDescriptor<>(DeduplicateEvents.STATE_NAME, Types.LONG));

            assertThat(idsHeld(harness)).isEqualTo(100);
        }
    }

    /** Ids physically in the backend, expired or not. */
    private static long idsHeld(KeyedOneInputStreamOperatorTestHarness<EventKey, ClickEvent, ClickEvent> harness) {
        try (Stream<EventKey> keys = harness.getOperator().<EventKey>getKeyedStateBackend().getKeys(DeduplicateEvents.STATE_NAME, VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<EventKey, ClickEvent, ClickEvent> harness() throws Exception {
        return harness(null, true);
    }

    private static KeyedOneInputStreamOperatorTestHarness<EventKey, ClickEvent, ClickEvent> harness(OperatorSubtaskState state) throws Exception {
        return harness(state, true);
    }

    private static KeyedOneInputStreamOperatorTestHarness<EventKey, ClickEvent, ClickEvent> harness(OperatorSubtaskState state, boolean sweep)
            throws Exception {
        DeduplicateEvents fn = new DeduplicateEvents(Duration.ofHours(24), sweep, "test-1", 1024);
        if (state == null) {
            return ProcessFunctionTestHarnesses.forKeyedProcessFunction(fn, e -> e.key, TypeInformation.of(EventKey.class));
        }
        KeyedOneInputStreamOperatorTestHarness<EventKey, ClickEvent, ClickEvent> h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(fn), e -> e.key, TypeInformation.of(EventKey.class));
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
