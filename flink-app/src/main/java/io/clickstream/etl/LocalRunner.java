package io.clickstream.etl;

import io.clickstream.etl.config.ConfigException;
import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.config.SecretsManagerSecrets;
import io.clickstream.etl.config.StartupChecks;
import io.clickstream.etl.enrich.UserAgentClassifier;
import io.clickstream.etl.local.ContinuousRun;
import io.clickstream.etl.local.EmbeddedCluster;
import io.clickstream.etl.local.EntryPoint;
import io.clickstream.etl.local.RetainedStates;
import io.clickstream.etl.metrics.Accounting;
import io.clickstream.etl.sink.LakeSinks;
import io.clickstream.etl.source.RawObjectSource;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.runtime.client.JobExecutionException;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
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

    public static void main(String[] args) {
        EntryPoint.run(() -> runCommand(args));
    }

    private static void runCommand(String[] args) throws Exception {
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
        // Flink's file systems (s3://, s3a://) with the run's S3 settings: an embedded cluster does not set them up by itself.
        FileSystem.initialize(config.s3Settings(), null);
        List<String> problems = new java.util.ArrayList<>(StartupChecks.problems(config));
        if (config.webUiEnabled && !portFree(config.webUiPort)) {
            problems.add("web-ui.port=" + config.webUiPort + ": in use (another job's web UI?); choose another port");
        }
        if (config.resumeFrom != null) {
            try {
                resumePath(config);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            problems.forEach(System.err::println);
            System.exit(2);
            return;
        }
        // Exit explicitly: a stopped embedded cluster can leave non-daemon threads behind.
        System.exit(run(config).balanced() ? 0 : 1);
    }

    /** Whether the web UI can listen on {@code port} on loopback (0: any port, always). */
    static boolean portFree(int port) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Where local checkpoints go: {@code checkpoint.dir}, or the lake's own folder under the temp
     * directory. Own, because {@code resume.from latest} takes the newest state in the folder: with
     * one folder for every pipeline it took whichever ran last, and a job resumed from another
     * one's state takes its own raw objects for new and writes them again.
     */
    static String checkpointDir(JobConfig config) {
        if (config.checkpointDir == null) {
            return location(Paths.get(System.getProperty("java.io.tmpdir"), "clickstream-etl-checkpoints", lakeFolder(config.lakePath)));
        }
        // Flink wants a scheme; a plain folder is meant as a local one.
        return config.checkpointDir.contains(":/") ? config.checkpointDir : location(Paths.get(config.checkpointDir));
    }

    /** A folder name for one lake: its last path segment, readable, and a hash of its whole location. */
    static String lakeFolder(String lakePath) {
        String trimmed = lakePath.replaceAll("/+$", "");
        String name = trimmed.substring(trimmed.lastIndexOf('/') + 1).replaceAll("[^A-Za-z0-9._-]", "_");
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(lakePath.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return name.substring(0, Math.min(name.length(), 40)) + "-" + String.format(java.util.Locale.ROOT, "%08x", java.nio.ByteBuffer.wrap(digest).getInt());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /**
     * A local folder as Flink reads a location: {@code file:} and the absolute path, unescaped.
     * Flink's {@code new Path(String)} takes URI escapes literally, so {@code file:///my%20data}
     * would be a folder named {@code my%20data} beside {@code my data}.
     */
    public static String location(Path folder) {
        return new org.apache.flink.core.fs.Path("file", null, folder.toAbsolutePath().normalize().toUri().getPath()).toString();
    }

    /** {@code word} as a shell takes it whole: quoted when it holds anything but safe characters (a space in a folder's name). */
    static String shellWord(String word) {
        return word.matches("[A-Za-z0-9_./:=@%+,-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }

    /** Where Ctrl+C's savepoints go: beside the checkpoints, so that {@code resume.from=latest} finds them too. */
    static String savepointDir(JobConfig config) {
        return checkpointDir(config).replaceAll("/+$", "") + "/savepoints";
    }

    /**
     * The state {@code resume.from} names: {@code latest} is the newest complete checkpoint or
     * savepoint under the checkpoint folder ({@code <job-id>/chk-<n>/_metadata},
     * {@code savepoints/savepoint-<id>/_metadata}); a local path must hold a {@code _metadata}.
     *
     * @throws IllegalArgumentException naming the key and what is missing, for a one-line refusal
     */
    static String resumePath(JobConfig config) {
        if (config.resumeFrom.equals("latest")) {
            String latest = latestState(checkpointDir(config)).orElseThrow(() -> new IllegalArgumentException(
                    "resume.from=latest: no retained checkpoint or savepoint under " + checkpointDir(config)
                            + " (checkpoint.dir); nothing to resume from"));
            checkReadable("resume.from=latest (" + latest + ")", latest);
            return latest;
        }
        checkReadable("resume.from='" + config.resumeFrom + "'", config.resumeFrom);
        return config.resumeFrom;
    }

    /**
     * That {@code location} (a savepoint or checkpoint folder, or its {@code _metadata}) holds
     * metadata this build of Flink reads: else the job failed to start with a page of stack traces
     * (a folder copied in part, a file that is no savepoint, state of another Flink version).
     */
    private static void checkReadable(String key, String location) {
        org.apache.flink.core.fs.Path state = statePath(location);
        org.apache.flink.core.fs.Path metadata = state.getName().equals("_metadata") ? state : new org.apache.flink.core.fs.Path(state, "_metadata");
        try {
            FileSystem fs = state.getFileSystem();
            FileStatus found = RetainedStates.status(fs, metadata);
            if (found == null || found.isDir()) {
                throw new IllegalArgumentException(key + ": " + (RetainedStates.status(fs, state) != null
                        ? "holds no _metadata, so it is not a savepoint or checkpoint" : "does not exist"));
            }
            try (java.io.DataInputStream in = new java.io.DataInputStream(fs.open(metadata))) {
                org.apache.flink.runtime.checkpoint.Checkpoints.loadCheckpointMetadata(in, LocalRunner.class.getClassLoader(), state.toString());
            }
        } catch (IOException | RuntimeException unreadable) {
            if (unreadable instanceof IllegalArgumentException && unreadable.getMessage().startsWith(key)) {
                throw (IllegalArgumentException) unreadable;
            }
            throw new IllegalArgumentException(key + ": its _metadata is not a savepoint or checkpoint Flink " + EnvironmentInformation.getVersion()
                    + " can read (" + StartupChecks.firstLine(unreadable) + ")");
        }
    }

    /** A saved state's location as Flink reads it: a local path made absolute. */
    private static org.apache.flink.core.fs.Path statePath(String location) {
        return localPath(location).map(p -> new org.apache.flink.core.fs.Path(p.toUri())).orElseGet(() -> new org.apache.flink.core.fs.Path(location));
    }

    private static Optional<Path> localPath(String location) {
        if (location.startsWith("file:")) {
            // Read as Flink reads it (escapes literally), so that this is the folder Flink writes to.
            return Optional.of(Paths.get(new org.apache.flink.core.fs.Path(location).toUri()));
        }
        return location.contains("://") ? Optional.empty() : Optional.of(Paths.get(location).toAbsolutePath());
    }

    /**
     * The newest complete checkpoint or savepoint under {@code checkpoints} (local or {@code s3://}),
     * by the time its {@code _metadata} was written: {@code <job id>/chk-<n>} or
     * {@code savepoints/savepoint-<id>}.
     */
    static Optional<String> latestState(String checkpoints) {
        try {
            return RetainedStates.newestFirst(checkpoints).stream().findFirst().map(org.apache.flink.core.fs.Path::toString);
        } catch (IOException e) {
            throw new IllegalArgumentException("resume.from=latest: cannot list " + checkpoints + " (checkpoint.dir): " + StartupChecks.firstLine(e));
        }
    }

    /** Keeps the checkpoint folder to {@link RetainedStates#KEPT} states and the one this run resumes from, saying what went. */
    private static void pruneStates(String checkpoints, String resumedFrom) {
        List<org.apache.flink.core.fs.Path> deleted;
        try {
            deleted = RetainedStates.prune(checkpoints, resumedFrom == null ? null : statePath(resumedFrom));
        } catch (IOException e) {
            // Housekeeping: a run that cannot tidy its checkpoint folder still runs, and the next one tries again.
            System.out.println("Could not delete older saved states in " + checkpoints + ": " + StartupChecks.firstLine(e));
            return;
        }
        if (!deleted.isEmpty()) {
            System.out.println("Deleted " + deleted.size() + " older saved state" + (deleted.size() == 1 ? "" : "s") + " in " + checkpoints
                    + " (the newest " + RetainedStates.KEPT + " and the one resumed from are kept)");
        }
    }

    /** The largest parallelism at which the embedded cluster uses {@link #LARGE_NETWORK_BUFFERS}. */
    static final int LARGE_NETWORK_BUFFERS_UP_TO_PARALLELISM = 8;
    /** How often a continuous run prints its progress (when something changed). */
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);
    private static final MemorySize LARGE_NETWORK_BUFFERS = MemorySize.parse("256kb");
    private static final Duration CLUSTER_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

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
        return run(config, null);
    }

    /**
     * As {@link #run(JobConfig)}; {@code resumeCommand} is what a user runs to go on after Ctrl+C
     * when that is not this command with {@code --resume.from} (the demo's own option), or null.
     */
    public static Accounting run(JobConfig config, String resumeCommand) throws Exception {
        // Starting the embedded cluster keeps one thread busy for a second or two; compile the
        // user-agent patterns meanwhile on another.
        UserAgentClassifier.preload();
        Configuration conf = cluster(config);
        // Always on a file system: memory-backed checkpoints are capped at 5 MB, far below real dedup state.
        String checkpoints = checkpointDir(config);
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints);
        // Savepoints asked for through the REST API without a folder (StopWithSavepoint) go where Ctrl+C's do.
        conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, savepointDir(config));
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        String from = config.resumeFrom == null ? null : resumePath(config);
        pruneStates(checkpoints, from);
        if (from != null) {
            System.out.println("Resuming from " + from);
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, from);
            conf.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, config.allowNonRestoredState);
        }
        conf.addAll(config.s3Settings());
        FileSystem.initialize(conf, null);

        Finished finished;
        try {
            // Closed before the JVM exits: else the cluster's working folder and RPC jar stay in the temp folder.
            try (EmbeddedCluster cluster = new EmbeddedCluster(CLUSTER_SHUTDOWN_TIMEOUT)) {
                finished = run(config, cluster.environment(conf), from, resumeCommand);
            }
        } catch (Exception failed) {
            // A job that failed before its first checkpoint leaves an empty folder too; one with a checkpoint keeps it.
            Optional<JobID> job = org.apache.flink.util.ExceptionUtils.findThrowable(failed, JobExecutionException.class)
                    .map(JobExecutionException::getJobID);
            if (job.isPresent()) {
                removeIfStateless(checkpoints, job.get());
            }
            removeDefaultFolderIfEmpty(config);
            throw failed;
        }
        // After the cluster's shutdown, which waits for the job's own cleanup (it discards the checkpoints of a finished run).
        removeIfStateless(checkpoints, finished.job);
        pruneStates(checkpoints, from);
        removeDefaultFolderIfEmpty(config);
        return finished.accounting;
    }

    /**
     * Deletes the lake's default checkpoint folder under the temp folder, and the folder of all of
     * them, when a run left them empty (a finished bounded run keeps no state): else every lake
     * ever run locally leaves an empty folder there. A folder named by {@code checkpoint.dir} is
     * the user's and stays.
     */
    private static void removeDefaultFolderIfEmpty(JobConfig config) {
        if (config.checkpointDir != null) {
            return;
        }
        Path own = Paths.get(new org.apache.flink.core.fs.Path(checkpointDir(config)).toUri().getPath());
        for (Path folder : new Path[] {own, own.getParent()}) {
            try {
                Files.deleteIfExists(folder);
            } catch (IOException notEmpty) {
                return; // it holds state or another lake's folder, which stays (or it could not go: housekeeping only)
            }
        }
    }

    /** A run that ended: its job and its accounting. */
    private static final class Finished {
        final JobID job;
        final Accounting accounting;

        Finished(JobID job, Accounting accounting) {
            this.job = job;
            this.accounting = accounting;
        }
    }

    private static Finished run(JobConfig config, StreamExecutionEnvironment env, String from, String resumeCommand) throws Exception {
        env.setParallelism(config.parallelism);
        env.enableCheckpointing(config.checkpointInterval.toMillis(), CheckpointingMode.EXACTLY_ONCE);

        ClickstreamEtlJob.build(env, config, RawObjectSource.create(config), LakeSinks.lake(config), LakeSinks.deadLetters(config));
        if (config.webUiEnabled) {
            System.out.println("Flink web UI: http://localhost:" + config.webUiPort + " (" + config + ")");
        }
        Accounting accounting;
        JobID job;
        if (config.inputMode == JobConfig.InputMode.BOUNDED) {
            JobExecutionResult result = env.execute("clickstream-etl");
            job = result.getJobID();
            accounting = ClickstreamEtlJob.account(result);
        } else {
            Path lake = localPath(config.lakePath).orElse(null);
            System.out.println("Running until stopped: Ctrl+C stops with a savepoint; progress is printed as objects are read.");
            JobClient client = env.executeAsync("clickstream-etl");
            job = client.getJobID();
            ContinuousRun.Outcome outcome = new ContinuousRun(client, savepointDir(config), lake, System.out)
                    .await(PROGRESS_EVERY);
            accounting = outcome.accounting;
            if (outcome.savepoint != null) {
                System.out.println("Stopped with a savepoint: " + outcome.savepoint);
                System.out.println("Events not visible yet wait in it (files before compaction); to go on where this run stopped, "
                        + (resumeCommand != null ? "run " + resumeCommand
                                : "run again with --resume.from " + shellWord(outcome.savepoint) + " (or --resume.from latest)"));
            }
            if (lake != null) {
                System.out.println("Lake: " + ContinuousRun.visibleParquetFiles(lake) + " files visible in " + lake);
            }
        }
        System.out.println(from == null ? accounting.toString()
                : "This run only (resumed from " + from + "; what the earlier run read is in its own accounting): " + accounting);
        return new Finished(job, accounting);
    }

    /**
     * Deletes the run's own checkpoint folder ({@code <checkpoint.dir>/<job id>}) when it holds no
     * checkpoint to resume from: a finished run leaves its empty {@code shared} and
     * {@code taskowned} folders behind, one set per run for ever. A retained checkpoint (a run
     * cancelled or killed) stays, for {@code resume.from latest}.
     */
    static void removeIfStateless(String checkpoints, JobID job) throws IOException {
        org.apache.flink.core.fs.Path own = new org.apache.flink.core.fs.Path(checkpoints, job.toHexString());
        FileSystem fs = own.getFileSystem();
        if (RetainedStates.status(fs, own) != null && !holdsMetadata(fs, own)) {
            fs.delete(own, true);
        }
    }

    private static boolean holdsMetadata(FileSystem fs, org.apache.flink.core.fs.Path folder) throws IOException {
        for (FileStatus entry : RetainedStates.listed(fs, folder)) {
            if (entry.isDir() ? holdsMetadata(fs, entry.getPath()) : entry.getPath().getName().equals("_metadata")) {
                return true;
            }
        }
        return false;
    }

    /** The embedded cluster: ports, slots, network buffers, restarts and how often tasks report. */
    static Configuration cluster(JobConfig config) {
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
        // Hadoop's S3 file system made for checkpoints on s3:// keeps the job's class loader, which Flink
        // closes when the job ends, and Hadoop's shutdown hook reads its settings through it as the JVM
        // exits: Flink's leak check then printed a stack trace after every such run.
        conf.set(CoreOptions.CHECK_LEAKED_CLASSLOADER, false);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 10);
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofSeconds(2));
        if (config.inputMode == JobConfig.InputMode.CONTINUOUS) {
            // Tasks send their accumulators with their heartbeats, every 10 s by default: the progress line
            // would say nothing was read while the lake already shows the files. A bounded run prints no
            // progress: there each heartbeat would only serialize every task's accumulators once more.
            conf.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, PROGRESS_EVERY.dividedBy(5));
        }
        return conf;
    }
}