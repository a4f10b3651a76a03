package io.clickstream.etl;

import io.clickstream.etl.config.ConfigException;
import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.config.SecretsManagerSecrets;
import io.clickstream.etl.config.StartupChecks;
import io.clickstream.etl.enrich.UserAgentClassifier;
import io.clickstream.etl.metrics.Accounting;
import io.clickstream.etl.sink.LakeSinks;
import io.clickstream.etl.source.RawObjectSource;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.time.Duration;

/**
 * Runs the job on an embedded Flink MiniCluster with the web UI, configured with the same keys as
 * on MSF, given as {@code --key value}:
 *
 * <pre>--input.path ./data/raw --output.lake.path ./data/lake --output.dead-letter.path ./data/dead-letter --input.mode bounded</pre>
 */
public final class LocalRunner {

    private LocalRunner() {
    }

    public static void main(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print("Runs the clickstream ETL job on an embedded Flink cluster.\n" + JobConfig.usage());
            return;
        }
        JobConfig config;
        try {
            config = JobConfig.fromMap(JobConfig.parseArgs(args)).withSecretsResolved(SecretsManagerSecrets.aws()::value);
        } catch (ConfigException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        initializeFileSystems(new Configuration(), config);
        List<String> problems = new java.util.ArrayList<>(StartupChecks.problems(config));
        if (config.webUiEnabled && !portFree(config.webUiPort)) {
            problems.add("web-ui.port=" + config.webUiPort + ": in use (another job's web UI?); choose another port");
        }
        if (!problems.isEmpty()) {
            problems.forEach(System.err::println);
            System.exit(2);
            return;
        }
        run(config);
    }

    /** Whether the web UI can listen on {@code port} on loopback (0: any port, always). */
    static boolean portFree(int port) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Flink's file systems (s3://, s3a://) with the run's S3 settings: an embedded cluster does not set them up by itself. */
    private static void initializeFileSystems(Configuration conf, JobConfig config) {
        if (config.s3Endpoint != null) {
            conf.setString("s3.endpoint", config.s3Endpoint);
        }
        conf.setString("s3.path.style.access", Boolean.toString(config.s3PathStyleAccess));
        if (config.s3AccessKey != null) {
            conf.setString("s3.access-key", config.s3AccessKey);
            conf.setString("s3.secret-key", config.s3SecretKey());
        }
        FileSystem.initialize(conf, null);
    }

    /** Where local checkpoints go: {@code checkpoint.dir}, or a folder under the temp directory. */
    static String checkpointDir(JobConfig config) {
        return config.checkpointDir != null ? config.checkpointDir
                : Paths.get(System.getProperty("java.io.tmpdir"), "clickstream-etl-checkpoints").toUri().toString();
    }

    /**
     * The newest complete checkpoint retained under {@code checkpoints} (layout
     * {@code <job-id>/chk-<n>/_metadata}), by completion time.
     */
    static String latestCheckpoint(String checkpoints) throws IOException {
        Path root = Paths.get(URI.create(checkpoints.contains("://") ? checkpoints : "file://" + Paths.get(checkpoints).toAbsolutePath()));
        Optional<Path> latest;
        try (Stream<Path> files = Files.walk(root, 3)) {
            latest = files.filter(p -> p.getFileName().toString().equals("_metadata") && p.getParent().getFileName().toString().startsWith("chk-"))
                    .max(Comparator.comparingLong(p -> p.toFile().lastModified()));
        } catch (NoSuchFileException e) {
            latest = Optional.empty();
        }
        return latest.map(p -> p.getParent().toUri().toString())
                .orElseThrow(() -> new IllegalStateException("resume.from=latest: no retained checkpoint under " + root));
    }

    /** The largest parallelism at which the embedded cluster uses {@link #LARGE_NETWORK_BUFFERS}. */
    static final int LARGE_NETWORK_BUFFERS_UP_TO_PARALLELISM = 8;
    private static final MemorySize LARGE_NETWORK_BUFFERS = MemorySize.parse("256kb");

    /**
     * Network buffers of 256 KiB instead of Flink's 32 KiB while they fit. Every buffer the reader
     * hands to a parser wakes a thread, and at 32 KiB (about 55 raw records) the parallelism-2 job
     * sat idle for a tenth of its run between them (see docs/performance.md). The embedded cluster
     * has 64 MiB of network memory: 256 such buffers, which this job's channels outgrow between
     * parallelism 16 and 32, so above 8 it keeps Flink's size.
     */
    static MemorySize networkBufferSize(int parallelism) {
        return parallelism <= LARGE_NETWORK_BUFFERS_UP_TO_PARALLELISM
                ? LARGE_NETWORK_BUFFERS
                : TaskManagerOptions.MEMORY_SEGMENT_SIZE.defaultValue();
    }

    /** Runs until a bounded input is done (or forever when continuous) and returns the accounting. */
    public static Accounting run(JobConfig config) throws Exception {
        // Starting the embedded cluster keeps one thread busy for a second or two; compile the
        // user-agent patterns meanwhile on another.
        UserAgentClassifier.preload();
        Configuration conf = new Configuration();
        conf.set(RestOptions.PORT, config.webUiPort);
        if (!config.webUiEnabled) {
            // The embedded cluster serves REST even without the web UI: on any free port, so that a
            // second local run (a benchmark, a test) never collides with one on web-ui.port.
            conf.set(RestOptions.BIND_PORT, "0");
        }
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(CoreOptions.DEFAULT_PARALLELISM, config.parallelism);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, config.parallelism);
        conf.set(TaskManagerOptions.MEMORY_SEGMENT_SIZE, networkBufferSize(config.parallelism));
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
        // Always on a file system: memory-backed checkpoints are capped at 5 MB, far below real dedup state.
        String checkpoints = checkpointDir(config);
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints);
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        if (config.resumeFrom != null) {
            String from = config.resumeFrom.equals("latest") ? latestCheckpoint(checkpoints) : config.resumeFrom;
            System.out.println("Resuming from " + from);
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, from);
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, config.allowNonRestoredState);
        }
        initializeFileSystems(conf, config);

        StreamExecutionEnvironment env = config.webUiEnabled
                ? StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(conf)
                : StreamExecutionEnvironment.createLocalEnvironment(conf);
        env.setParallelism(config.parallelism);
        env.enableCheckpointing(config.checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);

        ClickstreamEtlJob.build(env, config, RawObjectSource.create(config), LakeSinks.lake(config), LakeSinks.deadLetters(config));
        if (config.webUiEnabled) {
            System.out.println("Flink web UI: http://localhost:" + config.webUiPort + " (" + config + ")");
        }
        Accounting accounting = ClickstreamEtlJob.executeAndAccount(env, "clickstream-etl");
        System.out.println(accounting);
        return accounting;
    }
}
