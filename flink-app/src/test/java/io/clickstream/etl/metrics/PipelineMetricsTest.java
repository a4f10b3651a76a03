package io.clickstream.etl.metrics;

import io.clickstream.etl.model.FailureType;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.util.MockStreamingRuntimeContext;
import org.junit.jupiter.api.Test;

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
}
