package io.clickstream.etl.pii;

import io.clickstream.etl.enrich.EnrichEvent;
import io.clickstream.etl.metrics.PipelineMetrics;
import io.clickstream.etl.model.ClickEvent;
import io.clickstream.etl.model.DeadLetter;
import io.clickstream.etl.model.FailureType;

import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The stateless operators between parsing and deduplication, in their test harnesses. */
class ScrubPersonalDataTest {

    /** On a start without state, events the lake holds only go on to deduplication, to be remembered: nothing is done to them. */
    @Test
    void eventsTheLakeHoldsPassBothUntouched() throws Exception {
        PiiScrubber scrubber = new PiiScrubber(Set.of(), Set.of("token"), Set.of("email"), "0123456789abcdef");
        try (OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> scrub =
                     ProcessFunctionTestHarnesses.forProcessFunction(new ScrubPersonalData(scrubber, "test", 1024));
             OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> enrich =
                     ProcessFunctionTestHarnesses.forProcessFunction(new EnrichEvent("test", 1024))) {
            ClickEvent e = PiiScrubberTest.event();
            e.inLake = true;
            scrub.processElement(e, 0);
            ClickEvent scrubbed = scrub.extractOutputValues().get(0);
            enrich.processElement(scrubbed, 0);
            ClickEvent out = enrich.extractOutputValues().get(0);
            assertThat(out.email).isEqualTo("jane@example.org");
            assertThat(out.emailHash).isNull();
            assertThat(out.pageHost).isNull();
            assertThat(((AbstractStreamOperator<?>) scrub.getOperator()).getRuntimeContext()
                    .getAccumulator(PipelineMetrics.PII_FIELDS_REMOVED).getLocalValue()).isEqualTo(0L);
        }
    }

    @Test
    void scrubsEveryEventAndCountsRemovedFields() throws Exception {
        PiiScrubber scrubber = new PiiScrubber(Set.of(), Set.of("token"), Set.of("email"), "0123456789abcdef");
        try (OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> harness =
                     ProcessFunctionTestHarnesses.forProcessFunction(new ScrubPersonalData(scrubber, "test", 1024))) {
            ClickEvent e = PiiScrubberTest.event();
            e.pageUrl = "https://shop.example.com/?token=abc";
            harness.processElement(e, 0);
            ClickEvent out = harness.extractOutputValues().get(0);
            assertThat(out.email).isNull();
            assertThat(out.ipAddress).isNull();
            assertThat(out.emailHash).hasSize(64);
            assertThat(out.pageUrl).isEqualTo("https://shop.example.com/?token=REDACTED");
            Accumulator<?, ?> removed = ((AbstractStreamOperator<?>) harness.getOperator()).getRuntimeContext()
                    .getAccumulator(PipelineMetrics.PII_FIELDS_REMOVED);
            assertThat(removed.getLocalValue()).as("email, ip_address and the token in page_url").isEqualTo(3L);
        }
    }

    @Test
    void enrichmentRunsInItsHarness() throws Exception {
        try (OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> harness =
                     ProcessFunctionTestHarnesses.forProcessFunction(new EnrichEvent("test", 1024))) {
            ClickEvent e = new ClickEvent();
            e.eventType = "purchase";
            e.productPriceCents = 250L;
            e.quantity = 4;
            e.eventTimestamp = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
            e.userAgent = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";
            e.raw = new byte[10];
            harness.processElement(e, 0);
            ClickEvent out = harness.extractOutputValues().get(0);
            assertThat(out.raw).as("kept for deduplication's id-conflict dead letters").isNotNull();
            assertThat(out.revenueCents).isEqualTo(1000L);
            assertThat(out.browser).isEqualTo("Firefox");
            assertThat(out.os).isEqualTo("Linux");
            assertThat(out.dayOfWeek).isEqualTo("Monday");
        }
    }

    @Test
    void anEventTheScrubberFailsOnIsDeadLetteredAndTheNextOneGoesOn() throws Exception {
        PiiScrubber scrubber = new PiiScrubber(Set.of(), Set.of("token"), Set.of(), null);
        // The parser never makes an extra without a name; an event that has one stands for any bug.
        assertProcessingErrorIsDeadLettered(new ScrubPersonalData(scrubber, "v7", 1024), "remove_personal_data",
                e -> e.extra = new HashMap<>(Collections.singletonMap(null, "x")), NullPointerException.class);
    }

    @Test
    void anEventEnrichmentFailsOnIsDeadLetteredAndTheNextOneGoesOn() throws Exception {
        // Validation keeps such timestamps out; one that got through stands for any bug.
        assertProcessingErrorIsDeadLettered(new EnrichEvent("v7", 1024), "enrich", e -> e.eventTimestamp = Long.MAX_VALUE,
                ArithmeticException.class);
    }

    @Test
    void aFailingEventWithoutItsRawBytesIsStillDeadLettered() throws Exception {
        try (OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> harness =
                     ProcessFunctionTestHarnesses.forProcessFunction(new EnrichEvent("v7", 1024))) {
            ClickEvent bad = event("{}", 3);
            bad.raw = null;
            bad.eventTimestamp = Long.MAX_VALUE;
            harness.processElement(bad, 0);
            assertThat(harness.getSideOutput(DeadLetter.SIDE_OUTPUT)).singleElement().satisfies(r -> {
                assertThat(r.getValue().rawText).isEmpty();
                assertThat(r.getValue().lineNumber).isEqualTo(3L);
            });
        }
    }

    private static void assertProcessingErrorIsDeadLettered(ProcessFunction<ClickEvent, ClickEvent> operator,
                                                            String stage, Consumer<ClickEvent> breaker, Class<?> error) throws Exception {
        try (OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> harness = ProcessFunctionTestHarnesses.forProcessFunction(operator)) {
            ClickEvent bad = event("{\"event_id\":\"bad\"}", 7);
            breaker.accept(bad);
            harness.processElement(bad, 0);
            harness.processElement(event("{\"event_id\":\"good\"}", 8), 0);

            assertThat(harness.extractOutputValues()).extracting(e -> e.lineNumber).containsExactly(8L);
            List<DeadLetter> deadLetters = harness.getSideOutput(DeadLetter.SIDE_OUTPUT).stream()
                    .map(StreamRecord::getValue).collect(Collectors.toList());
            assertThat(deadLetters).singleElement().satisfies(d -> {
                assertThat(d.failureType).isEqualTo(FailureType.PROCESSING_ERROR);
                assertThat(d.rule).isEqualTo(stage);
                assertThat(d.message).startsWith(stage + " failed: " + error.getName());
                assertThat(d.rawText).isEqualTo("{\"event_id\":\"bad\"}");
                assertThat(d.sourceFile).isEqualTo("s3://raw/2026/01/05/10/object.gz");
                assertThat(d.lineNumber).isEqualTo(7L);
                assertThat(d.jobVersion).isEqualTo("v7");
            });
            Accumulator<?, ?> failed = ((AbstractStreamOperator<?>) harness.getOperator()).getRuntimeContext()
                    .getAccumulator(PipelineMetrics.deadLetters(FailureType.PROCESSING_ERROR));
            assertThat(failed.getLocalValue()).isEqualTo(1L);
        }
    }

    private static ClickEvent event(String raw, long line) {
        ClickEvent e = PiiScrubberTest.event();
        e.eventType = "page_view";
        e.eventTimestamp = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
        e.raw = raw.getBytes(StandardCharsets.UTF_8);
        e.sourceFile = "s3://raw/2026/01/05/10/object.gz";
        e.lineNumber = line;
        return e;
    }
}
