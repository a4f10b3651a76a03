package io.clickstream.etl.metrics;

import io.clickstream.etl.model.FailureType;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.util.MockStreamingRuntimeContext;
import org.junit.jupiter.api.Test;

import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineMetricsTest {

    @Test
    void operatorsChainedIntoOneTaskShareTheAccumulatorAndEachCountsItsOwnMetric() {
        // Removing personal data and enriching both count processing errors, chained into one task.
        RuntimeContext task = new MockStreamingRuntimeContext(false, 2, 0);
        String name = PipelineMetrics.deadLetters(FailureType.PROCESSING_ERROR);
        Counter scrub = PipelineMetrics.counter(task, name);
        Counter enrich = PipelineMetrics.counter(task, name);
        scrub.inc();
        enrich.inc(2);
        assertThat(scrub.getCount()).isEqualTo(1L);
        assertThat(enrich.getCount()).isEqualTo(2L);
        assertThat(task.getAccumulator(name).getLocalValue()).as("the task's total, read back for the accounting").isEqualTo(3L);
        assertThat(name).isEqualTo("deadLettersProcessingError");
    }

    @Test
    void theAccountingLineIsWrittenInAsciiDigitsWhateverTheMachinesLocale() {
        Map<String, Object> run = Map.of(PipelineMetrics.RECORDS_IN, 1234L, PipelineMetrics.WRITTEN, 1200L,
                PipelineMetrics.DUPLICATES, 30L, PipelineMetrics.deadLetters(FailureType.MALFORMED_JSON), 4L,
                PipelineMetrics.OBJECTS_READ, 2L, PipelineMetrics.PII_FIELDS_REMOVED, 56L);
        Locale before = Locale.getDefault();
        Locale.setDefault(Locale.forLanguageTag("fa-IR")); // whose digits String.format would write: scripts grep this line
        try {
            assertThat(new Accounting(run)).hasToString("ACCOUNTING in=1234 = written 1200 + duplicates 30 + dead-lettered 4 "
                    + "(malformed_json 4) -> BALANCED (objects read 2, PII fields removed 56)");
        } finally {
            Locale.setDefault(before);
        }
    }
}
