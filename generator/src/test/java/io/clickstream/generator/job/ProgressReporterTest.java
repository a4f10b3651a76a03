package io.clickstream.generator.job;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.StreamMap;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The count a stopped run reports goes on from a checkpoint after a restart, as the source does. */
class ProgressReporterTest {

    @Test
    void theCountIsCheckpointedAndAnAttemptRestoredFromItGoesOnFromThere() throws Exception {
        OperatorSubtaskState checkpoint;
        try (OneInputStreamOperatorTestHarness<String, String> first = harness()) {
            first.open();
            for (int i = 0; i < 7; i++) {
                first.processElement("r" + i, i);
            }
            checkpoint = first.snapshot(1, 100);
            first.processElement("after the checkpoint, generated again after a restart", 8);
            assertThat(records(first)).isEqualTo(8);
        }
        try (OneInputStreamOperatorTestHarness<String, String> restarted = harness()) {
            restarted.initializeState(checkpoint);
            restarted.open();
            restarted.processElement("r7", 9);
            restarted.processElement("r8", 10);
            assertThat(records(restarted)).isEqualTo(9);
            assertThat(restarted.getOutput()).hasSize(2);
        }
    }

    private static OneInputStreamOperatorTestHarness<String, String> harness() throws Exception {
        return new OneInputStreamOperatorTestHarness<>(new StreamMap<>(new ProgressReporter(60_000)));
    }

    private static long records(OneInputStreamOperatorTestHarness<String, String> harness) {
        return (Long) harness.getEnvironment().getAccumulatorRegistry().getUserMap().get(ProgressReporter.RECORDS).getLocalValue();
    }
}
