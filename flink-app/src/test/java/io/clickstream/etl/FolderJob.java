package io.clickstream.etl;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.model.RawRecord;
import io.clickstream.etl.sink.LakeSinks;
import io.clickstream.etl.source.RawObjectSource;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import javax.annotation.Nullable;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The fixture of the embedded-cluster tests: the cluster, and the job over local folders (a raw
 * root in; a lake and dead letters out) configured with the keys it has on MSF, run bounded or
 * started continuous, with the same graph as {@link ClickstreamEtlJob#build}.
 */
final class FolderJob {

    private FolderJob() {
    }

    /** Task managers of two slots each: the job runs at parallelism 2. */
    static MiniClusterExtension cluster(int taskManagers) {
        return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
                .setNumberTaskManagers(taskManagers)
                .setNumberSlotsPerTaskManager(2)
                .build());
    }

    /** A job over {@code root/raw} into {@code root/lake} and {@code root/dead-letter}, then {@code key, value, ...}. */
    static JobConfig config(Path root, String... keyValues) {
        return config(root.resolve("raw"), root.resolve("lake"), root.resolve("dead-letter"), keyValues);
    }

    static JobConfig config(Path raw, Path lake, Path deadLetters, String... keyValues) {
        return JobConfig.fromMap(keys(raw, lake, deadLetters, keyValues));
    }

    static Map<String, String> keys(Path raw, Path lake, Path deadLetters, String... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("key, value pairs expected");
        }
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("input.path", raw.toUri().toString());
        keys.put("output.lake.path", lake.toUri().toString());
        keys.put("output.dead-letter.path", deadLetters.toUri().toString());
        keys.put("input.mode", "bounded");
        keys.put("job.version", "test");
        for (int i = 0; i < keyValues.length; i += 2) {
            keys.put(keyValues[i], keyValues[i + 1]);
        }
        return keys;
    }

    /** Runs the job to its end at parallelism 2, checkpoints every 500 ms, no restarts. */
    static JobExecutionResult run(JobConfig config) throws Exception {
        return run(config, TestEnvironments.withoutRestarts(2, 500));
    }

    static JobExecutionResult run(JobConfig config, StreamExecutionEnvironment env) throws Exception {
        build(config, env, RawObjectSource.create(config));
        return env.execute("folder-job");
    }

    /** Starts the job (from {@code savepoint} when given) at parallelism 2, checkpoints every 500 ms, no restarts. */
    static JobClient start(JobConfig config, @Nullable String savepoint, Consumer<StreamExecutionEnvironment> tune) throws Exception {
        return start(config, savepoint, tune, RawObjectSource.create(config));
    }

    static JobClient start(JobConfig config, @Nullable String savepoint, Consumer<StreamExecutionEnvironment> tune,
                           Source<RawRecord, ?, ?> source) throws Exception {
        StreamExecutionEnvironment env = TestEnvironments.withoutRestarts(2, 500);
        tune.accept(env);
        if (savepoint != null) {
            Configuration restore = new Configuration();
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            env.configure(restore);
        }
        build(config, env, source);
        return env.executeAsync("folder-job");
    }

    static void build(JobConfig config, StreamExecutionEnvironment env, Source<RawRecord, ?, ?> source) {
        ClickstreamEtlJob.build(env, config, source, LakeSinks.lake(config), LakeSinks.deadLetters(config));
    }
}
