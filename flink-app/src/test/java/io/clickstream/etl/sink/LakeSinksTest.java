package io.clickstream.etl.sink;

import io.clickstream.etl.config.JobConfig;

import org.apache.flink.connector.file.sink.compactor.FileCompactStrategy;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** When the lake's compaction fires: its size threshold and the checkpoints that fit the freshness budget. */
class LakeSinksTest {

    @Test
    void aContinuousJobCompactsSoThatDataIsVisibleWithinTheMaxDelayOfLanding() {
        // 15 min less the 30 s monitor interval is 14 checkpoints of 60 s; the commit takes one of them.
        FileCompactStrategy strategy = LakeSinks.compactionStrategy(config("continuous", "15min"), Duration.ofSeconds(60));
        assertThat(strategy.getNumCheckpointsBeforeCompaction()).isEqualTo(13);
        assertThat(strategy.getSizeThreshold()).isEqualTo(128L << 20);
    }

    @Test
    void aBoundedJobHasNoDiscoveryDelayToAllowFor() {
        assertThat(LakeSinks.compactionStrategy(config("bounded", "15min"), Duration.ofSeconds(60)).getNumCheckpointsBeforeCompaction())
                .isEqualTo(14);
    }

    @Test
    void aDelayShorterThanTwoCheckpointsStillWaitsOne() {
        assertThat(LakeSinks.compactionStrategy(config("continuous", "1min"), Duration.ofSeconds(60)).getNumCheckpointsBeforeCompaction())
                .isEqualTo(1);
    }

    private static JobConfig config(String mode, String maxDelay) {
        Map<String, String> keys = new HashMap<>();
        keys.put("input.path", "/tmp/raw");
        keys.put("output.lake.path", "/tmp/lake");
        keys.put("output.dead-letter.path", "/tmp/dead-letter");
        keys.put("input.mode", mode);
        keys.put("output.compaction.max-delay", maxDelay);
        return JobConfig.fromMap(keys);
    }
}
