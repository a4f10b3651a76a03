package io.clickstream.etl;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.model.FailureType;
import io.clickstream.etl.source.RawObjectSource;
import io.clickstream.generator.Fate;
import io.clickstream.generator.FirehoseLocalWriter;
import io.clickstream.generator.GeneratedRecord;
import io.clickstream.generator.GeneratorSettings;
import io.clickstream.generator.TrafficGenerator;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Input with known fates, a job run with faults injected, and the exactly-once checks of the outputs. */
final class RecoveryFixture {

    final List<GeneratedRecord> traffic;
    final Path raw;

    RecoveryFixture(Path dir, long seed, int records) throws IOException {
        raw = dir.resolve("raw");
        traffic = TrafficGenerator.generate(GeneratorSettings.defaults().seed(seed).records(records).days(2)
                .start(Instant.parse("2026-07-01T00:00:00Z")));
        FirehoseLocalWriter.withDefaults(raw, seed).write(traffic);
    }

    JobConfig config(Path out, String mode) {
        return JobConfig.fromMap(keys(out, mode));
    }

    Map<String, String> keys(Path out, String mode) {
        return FolderJob.keys(raw, out.resolve("lake"), out.resolve("dead-letter"), "input.mode", mode, "input.monitor-interval", "200ms",
                "job.version", "recovery-test");
    }

    /** Runs the bounded job with its source wrapped for fault injection and restarts allowed. */
    JobExecutionResult runBounded(Path out, Consumer<StreamExecutionEnvironment> tune) throws Exception {
        JobConfig config = config(out, "bounded");
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 5);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(conf);
        env.setParallelism(2);
        env.enableCheckpointing(300);
        tune.accept(env);
        FolderJob.build(config, env, new FaultInjectingSource<>(RawObjectSource.create(config)));
        return env.execute("recovery-test");
    }

    Set<String> validIds() {
        return traffic.stream().filter(r -> r.fate() == Fate.VALID).map(GeneratedRecord::eventId).collect(Collectors.toSet());
    }

    /** The lake holds each valid event once, the dead letters exactly the bad records, nothing half-written is visible. */
    void assertExactlyOnce(Path out) throws Exception {
        Path lake = out.resolve("lake");
        try (LakeReader reader = new LakeReader(lake)) {
            List<Map<String, Object>> rows = reader.query("SELECT event_id FROM events");
            assertThat(rows.stream().map(r -> (String) r.get("event_id")).collect(Collectors.toSet())).isEqualTo(validIds());
            assertThat(rows).hasSize(validIds().size());
        }
        Map<FailureType, List<String>> dead = DeadLetters.rawTextsByType(out.resolve("dead-letter"));
        assertThat(dead.get(FailureType.MALFORMED_JSON)).containsExactlyInAnyOrderElementsOf(jsons(Fate.MALFORMED));
        assertThat(dead.get(FailureType.SCHEMA_VIOLATION)).containsExactlyInAnyOrderElementsOf(jsons(Fate.SCHEMA_VIOLATION));
        assertThat(dead.get(FailureType.ID_CONFLICT)).containsExactlyInAnyOrderElementsOf(jsons(Fate.ID_CONFLICT));
        LakeReader.assertOnlyCommittedFilesVisible(lake);
    }

    private List<String> jsons(Fate fate) {
        return traffic.stream().filter(r -> r.fate() == fate).map(GeneratedRecord::json).collect(Collectors.toList());
    }
}
