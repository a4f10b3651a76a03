package io.clickstream.etl.pii;

import io.clickstream.etl.enrich.EnrichEvent;
import io.clickstream.etl.metrics.PipelineMetrics;
import io.clickstream.etl.model.ClickEvent;

import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;

import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The stateless operators after deduplication, in their test harnesses. */
class ScrubPersonalDataTest {

    @Test
    void scrubsEveryEventAndCountsRemovedFields() throws Exception {
        PiiScrubber scrubber = new PiiScrubber(Set.of(), Set.of("token"), Set.of("email"), "0123456789abcdef");
        try (OneInputStreamOperatorTestHarness<ClickEvent, ClickEvent> harness =
                     ProcessFunctionTestHarnesses.forProcessFunction(new ScrubPersonalData(scrubber))) {
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
                     ProcessFunctionTestHarnesses.forProcessFunction(new EnrichEvent())) {
            ClickEvent e = new ClickEvent();
            e.eventType = "purchase";
            e.productPriceCents = 250L;
            e.quantity = 4;
            e.eventTimestamp = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
            e.userAgent = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";
            harness.processElement(e, 0);
            ClickEvent out = harness.extractOutputValues().get(0);
            assertThat(out.revenueCents).isEqualTo(1000L);
            assertThat(out.browser).isEqualTo("Firefox");
            assertThat(out.os).isEqualTo("Linux");
            assertThat(out.dayOfWeek).isEqualTo("Monday");
        }
    }
}
