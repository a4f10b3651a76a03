package io.clickstream.generator.job;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Sends synthetic clickstream to Amazon Data Firehose through {@code KinesisFirehoseSink}, or
 * lands it in a local folder exactly as Firehose would. On MSF the settings come from the property
 * group {@value GeneratorConfig#PROPERTY_GROUP}; locally from {@code --key value} arguments.
 */
public final class GeneratorJob {

    private static final String NO_REGION = "firehose.region: unset, and the AWS SDK finds no default region (AWS_REGION, the"
            + " profile's region); give the delivery stream's region, such as eu-west-1";

    private GeneratorJob() {
    }

    public static void main(String[] args) throws Exception {
        if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
            System.out.print(GeneratorConfig.usage());
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        GeneratorConfig config;
        if (env instanceof LocalStreamEnvironment) {
            // The machine's locale (LANG) may write Persian, Arabic or Devanagari digits; Flink formats the
            // durations of its configuration with it and cannot parse them back ("۱ s").
            Locale.setDefault(Locale.Category.FORMAT, Locale.ROOT);
            try {
                config = GeneratorConfig.fromArgs(args);
                if (config.target != GeneratorConfig.Target.FIREHOSE) {
                    checkOutputFolder(Paths.get(config.outputPath));
                } else {
                    List<String> problems = new ArrayList<>();
                    if (!FirehoseSinks.hasCredentials(config)) {
                        problems.add("target=firehose: the default AWS credentials chain finds no credentials; set AWS_PROFILE, or"
                                + " AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run where an IAM role applies");
                    }
                    if (FirehoseSinks.region(config) == null) {
                        problems.add(NO_REGION);
                    }
                    if (!problems.isEmpty()) {
                        throw new IllegalArgumentException("Invalid generator configuration:\n  - " + String.join("\n  - ", problems));
                    }
                }
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                System.exit(2);
                return;
            }
            env.setParallelism(config.parallelism);
            // A failure that does not go away (no credentials, a full disk, a file where a folder
            // should be) ends the run with its cause instead of restarting it for ever, Flink's
            // default with checkpoints; a rare one in a long live run is still survived.
            Configuration restarts = new Configuration();
            restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "failure-rate");
            restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_MAX_FAILURES_PER_INTERVAL, 3);
            restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_FAILURE_RATE_INTERVAL, Duration.ofMinutes(1));
            restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FAILURE_RATE_DELAY, Duration.ofSeconds(1));
            env.configure(restarts);
        } else {
            config = GeneratorConfig.fromPropertyGroups(KinesisAnalyticsRuntime.getApplicationProperties());
            if (config.target == GeneratorConfig.Target.FIREHOSE && FirehoseSinks.region(config) == null) {
                throw new IllegalArgumentException("Invalid generator configuration:\n  - " + NO_REGION);
            }
        }
        env.enableCheckpointing(10_000, CheckpointingMode.AT_LEAST_ONCE);
        build(env, config, sink(config, new Properties()));
        if (!(env instanceof LocalStreamEnvironment)) {
            env.execute("clickstream-generator");
            return;
        }
        boolean local = config.target != GeneratorConfig.Target.FIREHOSE;
        long objectsBefore = local ? objects(Paths.get(config.outputPath)) : 0;
        JobClient job = env.executeAsync("clickstream-generator");
        GracefulStop stop = new GracefulStop(job);
        JobExecutionResult result;
        try (StopSignals signals = StopSignals.install(stop)) {
            result = job.getJobExecutionResult().get();
        } catch (Exception e) {
            stop.removeSavepoint();
            System.err.println("The generator failed: " + rootCause(e));
            exitOnceAlone(1, Duration.ofSeconds(30));
            return;
        }
        stop.removeSavepoint();
        Long counted = result.getAccumulatorResult(ProgressReporter.RECORDS);
        long records = counted == null ? 0 : counted;
        if (stop.signal != null && records < config.records) {
            System.out.printf(Locale.ROOT, "stopped by %s after %,d of the %,d records asked for; all of them were delivered%n",
                    stop.signal, records, config.records);
        }
        String seed = "seed " + config.traffic.seed + (config.seedGiven ? "" : " (new for this run; --seed " + config.traffic.seed + " repeats this traffic)");
        if (local) {
            long written = objects(Paths.get(config.outputPath)) - objectsBefore;
            System.out.printf(Locale.ROOT, "wrote %,d records in %,d object%s to %s in Firehose's layout, %s%n", records,
                    written, written == 1 ? "" : "s", Paths.get(config.outputPath).toAbsolutePath().normalize(), seed);
        } else {
            System.out.printf(Locale.ROOT, "sent %,d records to Firehose stream %s, %s%n", records, config.firehoseStream, seed);
        }
    }

    /**
     * Ctrl+C or SIGTERM on a local run. The first stops the job with a drain (Flink's
     * stop-with-savepoint): the source stops and the sink delivers what it still buffers, up to a
     * Firehose buffer interval of records that dying would lose. The savepoint itself is of no use
     * to a generator and is removed. A second signal exits at once.
     */
    private static final class GracefulStop implements Consumer<String> {
        private final JobClient job;
        private volatile String signal;
        private Path savepoint;

        GracefulStop(JobClient job) {
            this.job = job;
        }

        @Override
        public synchronized void accept(String name) {
            if (signal != null) {
                System.out.println(name + ": stopping at once; records not yet delivered are lost");
                try {
                    removeSavepoint();
                } catch (IOException e) {
                    System.out.println("Left " + savepoint + ": " + e);
                }
                System.exit(130);
            }
            signal = name;
            System.out.println(name + ": stopping; delivering the records generated so far first (Ctrl+C again stops at once and loses them)");
            try {
                savepoint = Files.createTempDirectory("clickstream-generator-stop");
            } catch (IOException e) {
                System.out.println("Cannot stop gracefully: no temp folder for Flink's drain (" + e + "). Ctrl+C again stops at once.");
                return;
            }
            job.stopWithSavepoint(true, savepoint.toUri().toString(), SavepointFormatType.CANONICAL).whenComplete((path, failure) -> {
                if (failure != null) {
                    System.out.println("Cannot stop gracefully yet: " + rootCause(failure).getMessage() + ". Ctrl+C again stops at once.");
                }
            });
        }

        synchronized void removeSavepoint() throws IOException {
            if (savepoint == null) {
                return;
            }
            try (Stream<Path> files = Files.walk(savepoint)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /**
     * Creates the local output folder, or says in the configuration's words why it cannot be used,
     * before a job starts that would fail on its first object.
     */
    static void checkOutputFolder(Path root) {
        String problem = null;
        if (Files.exists(root) && !Files.isDirectory(root)) {
            problem = "is a file, not a folder";
        } else {
            try {
                Files.createDirectories(root);
                if (!Files.isWritable(root)) {
                    problem = "is not writable";
                }
            } catch (IOException e) {
                problem = "cannot be created: " + e;
            }
        }
        if (problem != null) {
            throw new IllegalArgumentException("Invalid generator configuration:\n  - output.path='" + root + "': " + problem);
        }
    }

    /**
     * Exits once the embedded cluster has shut itself down (its threads are the JVM's only other
     * non-daemon ones), as the JVM would at the end of {@code main}: exiting at once would leave
     * the cluster's working folder and its 21 MB RPC jar in the temp folder.
     */
    private static void exitOnceAlone(int status, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t != Thread.currentThread() && !t.isDaemon() && t.isAlive() && !"DestroyJavaVM".equals(t.getName()))) {
            Thread.sleep(50);
        }
        System.exit(status);
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Objects under a local Firehose-layout folder, to tell how many this run added. */
    private static long objects(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).count();
        }
    }

    /** The sink for the configured target; {@code firehoseClient} overrides client properties. */
    public static Sink<String> sink(GeneratorConfig config, Properties firehoseClient) {
        return config.target == GeneratorConfig.Target.FIREHOSE
                ? FirehoseSinks.create(config, firehoseClient)
                : new LocalFirehoseSink(config.outputPath, config.bufferBytes, config.bufferInterval.toMillis(), config.traffic.seed);
    }

    /** Wires {@code generated sessions -> progress -> sink}. */
    public static void build(StreamExecutionEnvironment env, GeneratorConfig config, Sink<String> sink) {
        RateLimiterStrategy pace = config.rate > 0
                ? new BurstRateLimiterStrategy(config.rate, config.burstFactor, config.burstEvery.toMillis(), config.burstLength.toMillis())
                : RateLimiterStrategy.noOp();
        DataGeneratorSource<String> source = new DataGeneratorSource<>(
                new SessionRecordsFunction(config.traffic, config.live), config.records, pace, Types.STRING);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "Synthetic clickstream")
                .uid("generator-source")
                .map(new ProgressReporter(config.progressInterval.toMillis())).uid("progress").name("Progress")
                .sinkTo(sink).uid(config.target == GeneratorConfig.Target.FIREHOSE ? "firehose-sink" : "local-firehose-sink")
                .name(config.target == GeneratorConfig.Target.FIREHOSE ? "Amazon Data Firehose" : "Local Firehose layout");
    }
}
