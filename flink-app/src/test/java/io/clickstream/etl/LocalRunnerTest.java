package io.clickstream.etl;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.local.StopWithSavepoint;
import io.clickstream.etl.metrics.Accounting;
import io.clickstream.generator.Fate;
import io.clickstream.generator.FirehoseLocalWriter;
import io.clickstream.generator.GeneratedRecord;
import io.clickstream.generator.GeneratorSettings;
import io.clickstream.generator.TrafficGenerator;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.HeartbeatManagerOptions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The local runner: an embedded cluster with the Flink web UI, where the job's counters show. */
class LocalRunnerTest {

    private static final String SECRET = "s3cr3t-pseudonym-key-0123456789";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void tasksReportTheirCountersMoreOftenThanTheProgressLineIsPrintedAndABoundedRunKeepsFlinksHeartbeat(@TempDir Path dir) {
        Map<String, String> keys = Map.of("input.path", dir.resolve("raw").toString(),
                "output.lake.path", dir.resolve("lake").toString(), "output.dead-letter.path", dir.resolve("dead-letter").toString());
        // A continuous run's progress comes from the accumulators that tasks send with their heartbeats.
        Configuration continuous = LocalRunner.cluster(JobConfig.fromMap(keys));
        assertThat(continuous.get(HeartbeatManagerOptions.HEARTBEAT_INTERVAL)).isLessThan(LocalRunner.PROGRESS_EVERY);
        assertThat(continuous.get(HeartbeatManagerOptions.HEARTBEAT_TIMEOUT)).isGreaterThan(continuous.get(HeartbeatManagerOptions.HEARTBEAT_INTERVAL));

        // A bounded run prints its accounting once, from the job's result.
        Map<String, String> bounded = new HashMap<>(keys);
        bounded.put("input.mode", "bounded");
        assertThat(LocalRunner.cluster(JobConfig.fromMap(bounded)).contains(HeartbeatManagerOptions.HEARTBEAT_INTERVAL)).isFalse();
    }

    /**
     * The embedded cluster has network buffers for the job's channels at the highest parallelism
     * with large buffers, and at the highest the configuration accepts (with Flink's own size).
     */
    @ParameterizedTest(name = "parallelism {0}")
    @ValueSource(ints = {LocalRunner.LARGE_NETWORK_BUFFERS_UP_TO_PARALLELISM, JobConfig.MAX_LOCAL_PARALLELISM})
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void hasNetworkBuffersForItsChannelsAtTheHighestParallelismsAndNeedsNoPortWithoutTheWebUi(int parallelism, @TempDir Path dir) throws Exception {
        List<GeneratedRecord> records = TrafficGenerator.generate(GeneratorSettings.defaults().seed(6).records(2000).days(2)
                .start(Instant.parse("2026-03-01T00:00:00Z")));
        FirehoseLocalWriter.withDefaults(dir.resolve("raw"), 20).write(records);
        int largest = LocalRunner.LARGE_NETWORK_BUFFERS_UP_TO_PARALLELISM;
        assertThat(LocalRunner.networkBufferSize(largest)).isGreaterThan(LocalRunner.networkBufferSize(largest + 1));

        Accounting accounting;
        // Without the web UI, its port being taken (another local job) must not matter.
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            accounting = LocalRunner.run(JobConfig.fromMap(Map.of(
                    "input.path", dir.resolve("raw").toString(),
                    "input.mode", "bounded",
                    "parallelism", Integer.toString(parallelism),
                    "web-ui.enabled", "false",
                    "web-ui.port", Integer.toString(taken.getLocalPort()),
                    "output.lake.path", dir.resolve("lake").toString(),
                    "output.dead-letter.path", dir.resolve("dead-letter").toString(),
                    "checkpoint.dir", dir.resolve("checkpoints").toUri().toString())));
        }

        assertThat(accounting.balanced()).isTrue();
        assertThat(accounting.written).isEqualTo(records.stream().filter(r -> r.fate() == Fate.VALID).count());
        // A finished run leaves nothing to resume from, and so no folder of its own among the checkpoints.
        try (java.util.stream.Stream<Path> left = Files.list(dir.resolve("checkpoints"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void wrongPathsAndATakenWebUiPortAreOneLineEachAndExitCode2AtStartUp(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a-file"), "x");
        String err;
        Process runner;
        long started = System.nanoTime();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            runner = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), LocalRunner.class.getName(),
                    "--input.path", dir.resolve("nope").toString(), "--input.mode", "bounded",
                    "--output.lake.path", dir.resolve("a-file").toString(), "--output.dead-letter.path", dir.resolve("dead-letter").toString(),
                    "--web-ui.port", Integer.toString(taken.getLocalPort()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            err = new String(runner.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(runner.waitFor(1, TimeUnit.MINUTES)).isTrue();
            System.out.printf("wrong paths and a taken port refused in %.1f s (JVM start included)%n", (System.nanoTime() - started) / 1e9);
            assertThat(err).contains("web-ui.port=" + taken.getLocalPort() + ": in use");
        }

        assertThat(runner.exitValue()).isEqualTo(2);
        assertThat(err.lines()).hasSize(3).startsWith(
                "input.path='" + dir.resolve("nope") + "': does not exist, so a bounded run has nothing to read",
                "output.lake.path='" + dir.resolve("a-file") + "': is a file, not a folder");
    }



    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void aResumePathWithoutStateIsOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("raw"));
        Files.createDirectories(dir.resolve("not-a-savepoint"));
        String[] common = {"--input.path", dir.resolve("raw").toString(), "--output.lake.path", dir.resolve("lake").toString(),
                "--output.dead-letter.path", dir.resolve("dead-letter").toString(), "--checkpoint.dir", dir.resolve("checkpoints").toString(),
                "--web-ui.enabled", "false"};

        // A _metadata that is none (a copy cut short, another tool's file): the job failed at start with a page of stack traces.
        Files.writeString(Files.createDirectories(dir.resolve("cut-short")).resolve("_metadata"), "not a savepoint");

        ProcessLines latest = ProcessLines.of(startRunner(dir, common, "--resume.from", "latest"));
        ProcessLines wrong = ProcessLines.of(startRunner(dir, common, "--resume.from", dir.resolve("not-a-savepoint").toString()));
        ProcessLines unreadable = ProcessLines.of(startRunner(dir, common, "--resume.from", dir.resolve("cut-short").toString()));

        assertThat(latest.exitCode).isEqualTo(2);
        assertThat(latest.lines).containsExactly("resume.from=latest: no retained checkpoint or savepoint under "
                + LocalRunner.location(dir.resolve("checkpoints")) + " (checkpoint.dir); nothing to resume from");
        assertThat(wrong.exitCode).isEqualTo(2);
        assertThat(wrong.lines).containsExactly("resume.from='" + dir.resolve("not-a-savepoint")
                + "': holds no _metadata, so it is not a savepoint or checkpoint");
        assertThat(unreadable.exitCode).isEqualTo(2);
        assertThat(unreadable.lines).singleElement().asString().startsWith("resume.from='" + dir.resolve("cut-short")
                + "': its _metadata is not a savepoint or checkpoint Flink 1.20.1 can read (Unexpected magic number.");
    }

    /**
     * A run whose job fails before its first checkpoint removes its own empty checkpoint folder, as a
     * finished one does (each failed run left one). The lake's day folder is a file here, so every
     * attempt to write fails until the restarts are spent.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aFailedRunLeavesNoEmptyCheckpointFolder(@TempDir Path dir) throws Exception {
        FirehoseLocalWriter.withDefaults(dir.resolve("raw"), 8).write(TrafficGenerator.generate(GeneratorSettings.defaults().seed(8)
                .records(200).days(1).start(Instant.parse("2026-03-01T00:00:00Z"))));
        Files.createFile(Files.createDirectories(dir.resolve("lake")).resolve("year=2026"));
        JobConfig config = JobConfig.fromMap(Map.of("input.path", dir.resolve("raw").toString(), "input.mode", "bounded",
                "output.lake.path", dir.resolve("lake").toString(), "output.dead-letter.path", dir.resolve("dead-letter").toString(),
                "checkpoint.dir", dir.resolve("checkpoints").toString(), "web-ui.enabled", "false"));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LocalRunner.run(config))
                .hasStackTraceContaining("Failed to create the parent directory");
        try (java.util.stream.Stream<Path> left = Files.list(dir.resolve("checkpoints"))) {
            assertThat(left).as("the failed job's own folder").isEmpty();
        }
    }

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void stopWithSavepointWithoutAJobIsOneLineAndExitCode2() throws Exception {
        int port = freePort();
        Process stop = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                StopWithSavepoint.class.getName(), "--port", Integer.toString(port)).redirectErrorStream(true).start();

        ProcessLines out = ProcessLines.of(stop);

        assertThat(out.exitCode).isEqualTo(2);
        assertThat(out.lines).containsExactly("No Flink web UI at http://127.0.0.1:" + port
                + ": is a local runner with the web UI running there (--port)?");
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void ctrlCStopsWithASavepointPrintsTheAccountingAndExits0AndTheResumedRunCountsOnlyItself(@TempDir Path dir) throws Exception {
        // A checkpoint folder with a space, as on many laptops: Flink takes escapes in a location literally.
        Path checkpoints = dir.resolve("my checkpoints");
        List<GeneratedRecord> first = TrafficGenerator.generate(GeneratorSettings.defaults().seed(21).records(2000).days(1)
                .start(Instant.parse("2026-03-01T00:00:00Z")));
        FirehoseLocalWriter.withDefaults(dir.resolve("raw"), 21).write(first);
        String[] continuous = {"--input.path", dir.resolve("raw").toString(), "--output.lake.path", dir.resolve("lake").toString(),
                "--output.dead-letter.path", dir.resolve("dead-letter").toString(), "--checkpoint.dir", checkpoints.toString(),
                "--checkpoint.interval", "1s", "--input.monitor-interval", "500ms", "--input.sweep-interval", "500ms",
                "--web-ui.enabled", "false"};

        // What months of stops and crashes leave: older savepoints and a killed run's checkpoint.
        Path killedRun = olderState(checkpoints.resolve("0123456789abcdef0123456789abcdef/chk-12"), 3);
        Path oldest = olderState(checkpoints.resolve("savepoints/savepoint-000000-000000000001"), 2);
        Path older = olderState(checkpoints.resolve("savepoints/savepoint-000000-000000000002"), 1);

        Process run = startRunner(dir, continuous);
        ProcessLines.awaitLine(run, line -> line.contains("2,000 records:"));
        new ProcessBuilder("kill", "-INT", Long.toString(run.pid())).start().waitFor();
        ProcessLines stopped = ProcessLines.of(run);

        assertThat(stopped.exitCode).as("%s", stopped.lines).isZero();
        // Stopped cleanly, the runner waited for its embedded cluster's shutdown: nothing left in the temp folder.
        assertThat(new JvmTempFolder(dir).leftovers()).isEmpty();
        assertThat(stopped.lines).anyMatch(l -> l.startsWith("SIGINT: stopping the job with a savepoint in " + LocalRunner.location(checkpoints) + "/savepoints"))
                .anyMatch(l -> l.startsWith("ACCOUNTING in=2000 = written ") && l.contains("BALANCED"));
        String savepoint = stopped.lines.stream().filter(l -> l.startsWith("Stopped with a savepoint: "))
                .map(l -> l.substring("Stopped with a savepoint: ".length())).findFirst().orElseThrow();
        assertThat(Paths.get(new org.apache.flink.core.fs.Path(savepoint).toUri()).resolve("_metadata")).exists();
        assertThat(stopped.lines).as("a path to paste into a shell").anyMatch(l -> l.contains("run again with --resume.from '" + savepoint + "' "));
        try (java.util.stream.Stream<Path> beside = Files.list(dir)) {
            assertThat(beside.map(f -> f.getFileName().toString())).as("no folder named with escapes beside it").doesNotContain("my%20checkpoints");
        }
        try (java.util.stream.Stream<Path> kept = Files.list(checkpoints)) {
            assertThat(kept.map(f -> f.getFileName().toString())).as("the savepoints; the stopped job's own folder held nothing more,"
                    + " the killed run's was the oldest of four states").containsExactly("savepoints");
        }
        assertThat(killedRun).doesNotExist();
        assertThat(stopped.lines).contains("Deleted 1 older saved state in " + LocalRunner.location(checkpoints)
                + " (the newest 3 and the one resumed from are kept)");

        List<GeneratedRecord> second = TrafficGenerator.generate(GeneratorSettings.defaults().seed(22).records(1000).days(1)
                .start(Instant.parse("2026-03-02T00:00:00Z")));
        FirehoseLocalWriter.withDefaults(dir.resolve("raw"), 22).write(second);
        String[] resumed = java.util.stream.Stream.concat(Arrays.stream(continuous), java.util.stream.Stream.of("--resume.from", "latest"))
                .toArray(String[]::new);
        Process again = startRunner(dir, resumed);
        ProcessLines.awaitLine(again, line -> line.contains("1,000 records:"));
        // SIGTERM, as a service manager stops it (Process.destroy would also close the output the test reads).
        new ProcessBuilder("kill", "-TERM", Long.toString(again.pid())).start().waitFor();
        ProcessLines resumedOutput = ProcessLines.of(again);

        assertThat(resumedOutput.exitCode).as("%s", resumedOutput.lines).isZero();
        assertThat(resumedOutput.lines).contains("Resuming from " + savepoint)
                .anyMatch(l -> l.startsWith("SIGTERM: stopping the job with a savepoint"))
                .anyMatch(l -> l.startsWith("This run only (resumed from ") && l.contains("ACCOUNTING in=1000 = written "));
        try (java.util.stream.Stream<Path> kept = Files.list(checkpoints.resolve("savepoints"))) {
            assertThat(kept).as("the two runs' savepoints and the newest older one").hasSize(3)
                    .contains(Paths.get(new org.apache.flink.core.fs.Path(savepoint).toUri()), older).doesNotContain(oldest);
        }
    }

    /** A complete state (its {@code _metadata} is all that counts) written {@code hoursAgo}. */
    private static Path olderState(Path folder, int hoursAgo) throws java.io.IOException {
        Path metadata = Files.writeString(Files.createDirectories(folder).resolve("_metadata"), "an older run's state");
        Files.setLastModifiedTime(metadata, java.nio.file.attribute.FileTime.from(Instant.now().minusSeconds(3600L * hoursAgo)));
        return folder;
    }

    @Test
    void eachLakeHasItsOwnDefaultCheckpointFolderSoThatResumingTheLatestNeverTakesAnotherPipelinesState(@TempDir Path dir) throws Exception {
        Map<String, String> keys = new HashMap<>(Map.of("input.path", dir.resolve("raw").toString(),
                "output.lake.path", dir.resolve("lake").toString(), "output.dead-letter.path", dir.resolve("dead-letter").toString()));
        String first = LocalRunner.checkpointDir(JobConfig.fromMap(keys));
        String again = LocalRunner.checkpointDir(JobConfig.fromMap(keys));
        keys.put("output.lake.path", dir.resolve("other/lake").toString());
        String other = LocalRunner.checkpointDir(JobConfig.fromMap(keys));

        String shared = LocalRunner.location(Paths.get(System.getProperty("java.io.tmpdir"), "clickstream-etl-checkpoints"));
        assertThat(first).isEqualTo(again).startsWith(shared + "/lake-").isNotEqualTo(other);
        assertThat(other).startsWith(shared + "/lake-");
        assertThat(LocalRunner.lakeFolder("s3://lake-bucket/my events/")).matches("my_events-[0-9a-f]{8}");
        assertThat(LocalRunner.lakeFolder("s3://lake-bucket")).matches("lake-bucket-[0-9a-f]{8}");

        // A state of another lake's pipeline beside it is not the latest of this one.
        Path otherRoot = Paths.get(new org.apache.flink.core.fs.Path(other).toUri());
        assertThat(otherRoot).as("a folder of this test's own lake").doesNotExist();
        Path otherState = Files.createDirectories(otherRoot.resolve("savepoints/savepoint-1"));
        Files.writeString(otherState.resolve("_metadata"), "x");
        try {
            assertThat(LocalRunner.latestState(first)).isEmpty();
            assertThat(LocalRunner.latestState(other)).contains(LocalRunner.location(otherState));
        } finally {
            try (java.util.stream.Stream<Path> made = Files.walk(otherRoot)) {
                made.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void pathsPrintedForAShellAreQuotedOnlyWhenTheyNeedIt() {
        assertThat(LocalRunner.shellWord("file:/data/checkpoints/savepoints/savepoint-1a2b-3c")).isEqualTo("file:/data/checkpoints/savepoints/savepoint-1a2b-3c");
        assertThat(LocalRunner.shellWord("file:/home/anna/my data/savepoint-1")).isEqualTo("'file:/home/anna/my data/savepoint-1'");
        assertThat(LocalRunner.shellWord("/data/O'Brien's/sp")).isEqualTo("'/data/O'\\''Brien'\\''s/sp'");
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aFailedSavepointSaysSoKeepsTheJobRunningAndASecondCtrlCStopsWithoutOne(@TempDir Path dir) throws Exception {
        FirehoseLocalWriter.withDefaults(dir.resolve("raw"), 23).write(TrafficGenerator.generate(GeneratorSettings.defaults().seed(23)
                .records(500).days(1).start(Instant.parse("2026-03-01T00:00:00Z"))));
        Files.createDirectories(dir.resolve("checkpoints"));
        Files.writeString(dir.resolve("checkpoints/savepoints"), "a file where the savepoint folder would go");
        Process run = startRunner(dir, new String[] {"--input.path", dir.resolve("raw").toString(), "--output.lake.path", dir.resolve("lake").toString(),
                "--output.dead-letter.path", dir.resolve("dead-letter").toString(), "--checkpoint.dir", dir.resolve("checkpoints").toString(),
                "--checkpoint.interval", "1s", "--web-ui.enabled", "false"});
        ProcessLines.awaitLine(run, line -> line.contains("500 records:"));

        new ProcessBuilder("kill", "-INT", Long.toString(run.pid())).start().waitFor();
        ProcessLines.awaitLine(run, line -> line.equals("The savepoint failed, the job runs on: Failed to create savepoint directory at file:"
                + dir.resolve("checkpoints/savepoints") + " (FileAlreadyExistsException: " + dir.resolve("checkpoints/savepoints")
                + "). Press Ctrl+C again to stop without one (its last checkpoint is kept)."));
        assertThat(run.isAlive()).isTrue();
        new ProcessBuilder("kill", "-INT", Long.toString(run.pid())).start().waitFor();
        ProcessLines out = ProcessLines.of(run);

        assertThat(out.exitCode).isEqualTo(130);
        assertThat(out.lines).contains("SIGINT: stopping without a savepoint; the last checkpoint is kept: resume with --resume.from latest");
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void runsOnAMachineWhoseLocaleWritesOtherDigits(@TempDir Path dir) throws Exception {
        // What a JVM gets from LANG=fa_IR.UTF-8: Flink formatted the durations of its configuration as
        // "۱ s", failed to read them back at start-up, and the JVM then hung on the cluster's threads.
        List<GeneratedRecord> records = TrafficGenerator.generate(GeneratorSettings.defaults().noFaults().seed(8).records(500).days(1)
                .start(Instant.parse("2026-03-01T00:00:00Z")));
        FirehoseLocalWriter.withDefaults(dir.resolve("raw"), 8).write(records);
        String[] args = {"--input.path", dir.resolve("raw").toString(), "--output.lake.path", dir.resolve("lake").toString(),
                "--output.dead-letter.path", dir.resolve("dead-letter").toString(), "--input.mode", "bounded", "--web-ui.enabled", "false"};

        ProcessLines run = ProcessLines.of(startRunner(dir, List.of("-Duser.language=fa", "-Duser.country=IR"), args));

        assertThat(run.exitCode).as("%s", run.lines).isZero();
        assertThat(run.lines).anyMatch(l -> l.matches("ACCOUNTING in=500 = written 500 \\+ duplicates 0 \\+ dead-lettered 0"
                + " -> BALANCED \\(objects read [0-9]+, PII fields removed [0-9]+\\)"));
    }

    /**
     * The README's own spelling, folders relative to where the command runs: run again, it writes
     * nothing. Listings name objects by absolute path, so before the paths were made absolute the
     * lake's ledger matched none of them and the second run wrote every event a second time.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void withRelativeFoldersASecondRunWritesNothingAgain(@TempDir Path dir) throws Exception {
        FirehoseLocalWriter.withDefaults(dir.resolve("data/raw"), 9).write(TrafficGenerator.generate(GeneratorSettings.defaults().seed(9)
                .records(1000).days(1).start(Instant.parse("2026-03-01T00:00:00Z"))));
        String[] args = {"--input.path", "./data/raw", "--output.lake.path", "./data/lake", "--output.dead-letter.path", "data/dead-letter",
                "--checkpoint.dir", "data/checkpoints", "--input.mode", "bounded", "--web-ui.enabled", "false",
                "--pii.drop-fields", "referer"};

        // With the log configuration a user's run has (the test class path's is silent).
        Process logged = startRunner(dir, List.of("-Dlog4j2.configurationFile=" + Paths.get("target/classes/log4j2.properties").toAbsolutePath()), args);
        // Logged where MSF's log shows it too: the job's own start-up.
        assertThat(ProcessLines.awaitLine(logged, l -> l.matches("\\d\\d:\\d\\d:\\d\\d WARN  ClickstreamEtlJob - pii.drop-fields: 'referer'"
                + " is no field of the event schema, .*did you mean referrer\\?"), Duration.ofMinutes(1))).isTrue();
        ProcessLines first = ProcessLines.of(logged);
        List<Path> lakeFiles = files(dir.resolve("data/lake"));
        ProcessLines second = ProcessLines.of(startRunner(dir, args));

        assertThat(first.exitCode).as("%s", first.lines).isZero();
        Matcher wrote = Pattern.compile("ACCOUNTING in=1000 = written (\\d+) \\+ duplicates (\\d+) \\+ dead-lettered (\\d+) .*BALANCED.*")
                .matcher(first.lines.stream().filter(l -> l.startsWith("ACCOUNTING")).findFirst().orElse(""));
        assertThat(wrote.matches()).as("%s", first.lines).isTrue();
        assertThat(Long.parseLong(wrote.group(1))).isGreaterThan(900);
        assertThat(Long.parseLong(wrote.group(3))).as("the default traffic has bad records").isPositive();
        assertThat(second.exitCode).as("%s", second.lines).isZero();
        assertThat(second.lines).anyMatch(l -> l.startsWith("ACCOUNTING in=1000 = written 0 + duplicates " + wrote.group(2)
                + " + dead-lettered 0 + written by an earlier run " + (Long.parseLong(wrote.group(1)) + Long.parseLong(wrote.group(3))) + " -> BALANCED"));
        assertThat(files(dir.resolve("data/lake"))).as("no lake file added").isEqualTo(lakeFiles);
        assertThat(dir.resolve("data/checkpoints")).isDirectory();
    }

    private static List<Path> files(Path root) throws java.io.IOException {
        try (java.util.stream.Stream<Path> all = Files.walk(root)) {
            return all.filter(Files::isRegularFile).sorted().collect(java.util.stream.Collectors.toList());
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void onAJavaWhereHadoopCannotRunS3PathsAreOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        // The JDK 24+ these machines keep for Trino. Before: "cannot be listed ...: getSubject is not supported".
        Path jdk = io.clickstream.etl.local.LocalAthena.findJava(null);
        Process runner = new ProcessBuilder(jdk.resolve("bin/java").toString(), new JvmTempFolder(dir).option(),
                "-cp", System.getProperty("java.class.path"), LocalRunner.class.getName(),
                "--input.path", "s3://raw-bucket/firehose/", "--output.lake.path", dir.resolve("lake").toString(),
                "--output.dead-letter.path", dir.resolve("dead-letter").toString(), "--web-ui.enabled", "false")
                .directory(dir.toFile()).redirectErrorStream(true).start();
        ProcessLines out = ProcessLines.of(runner);

        assertThat(out.exitCode).as("%s", out.lines).isEqualTo(2);
        assertThat(out.lines).filteredOn(l -> !l.startsWith("WARNING: ")).containsExactly("input.path='s3://raw-bucket/firehose':"
                + " Flink 1.20's S3 file system runs on Hadoop 3.3, which cannot run on Java " + io.clickstream.etl.local.LocalAthena.javaVersion(jdk)
                + " (Subject.getSubject is unsupported from Java 23); run with Java 11, 17 or 21");
    }

    /** The local runner in its own JVM, with its own temp folder {@code dir/jvm-tmp}. */
    static Process startRunner(Path dir, String[] args, String... more) throws java.io.IOException {
        return startRunner(dir, List.of(), args, more);
    }

    static Process startRunner(Path dir, List<String> jvmOptions, String[] args, String... more) throws java.io.IOException {
        List<String> command = new java.util.ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                new JvmTempFolder(dir).option()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), LocalRunner.class.getName()));
        command.addAll(Arrays.asList(args));
        command.addAll(Arrays.asList(more));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void runsWithTheWebUiAndShowsTheCounters(@TempDir Path dir) throws Exception {
        List<GeneratedRecord> records = TrafficGenerator.generate(GeneratorSettings.defaults().seed(5).records(2000).days(1)
                .start(Instant.parse("2026-03-01T00:00:00Z")));
        FirehoseLocalWriter.withDefaults(dir.resolve("raw"), 5).write(records);
        long valid = records.stream().filter(r -> r.fate() == Fate.VALID).count();
        int port = freePort();
        JobConfig config = JobConfig.fromMap(Map.of(
                "input.path", dir.resolve("raw").toString(),
                "output.lake.path", dir.resolve("lake").toString(),
                "output.dead-letter.path", dir.resolve("dead-letter").toString(),
                "checkpoint.dir", dir.resolve("checkpoints").toUri().toString(),
                "checkpoint.interval", "1s",
                "input.monitor-interval", "500ms",
                "input.sweep-interval", "500ms",
                "web-ui.port", Integer.toString(port),
                "pii.pseudonym-key", SECRET));

        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
            try {
                LocalRunner.run(config);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        String base = "http://127.0.0.1:" + port;
        String overview = poll(base + "/jobs/overview", body -> body.contains("\"RUNNING\""));
        Matcher id = Pattern.compile("\"jid\":\"([0-9a-f]+)\"").matcher(overview);
        assertThat(id.find()).isTrue();
        String job = base + "/jobs/" + id.group(1);

        String accumulators = poll(job + "/accumulators", body -> body.contains("\"recordsWritten\",\"type\":\"LongCounter\",\"value\":\"" + valid + "\""));
        assertThat(accumulators).contains("\"recordsIn\"", "\"duplicatesDropped\"", "\"deadLettersMalformedJson\"", "\"piiFieldsRemoved\"");
        assertThat(get(base + "/"))
                .as("the web UI itself is served").containsIgnoringCase("<html");

        for (String page : new String[] {job, job + "/config", job + "/plan", base + "/jobmanager/config", base + "/taskmanagers"}) {
            assertThat(get(page)).as("%s does not show the pseudonym key", page).doesNotContain(SECRET);
        }

        // Stop as a user would, with the documented command, and check the savepoint it reports: where Ctrl+C
        // puts one, so that resume.from latest finds it (it went to ./data/savepoints, where latest never looks).
        String savepoint = StopWithSavepoint.stop(base, null);
        run.get(1, TimeUnit.MINUTES);
        assertThat(Paths.get(URI.create(savepoint)).resolve("_metadata")).exists();
        assertThat(Paths.get(URI.create(savepoint)).getParent()).isEqualTo(dir.resolve("checkpoints/savepoints"));
        assertThat(LocalRunner.latestState(config.checkpointDir)).contains(savepoint);
    }

    private String get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private String poll(String url, java.util.function.Predicate<String> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (done.test(last)) {
                    return last;
                }
            } catch (java.io.IOException notYet) {
                // the cluster is still starting
            }
            Thread.sleep(300);
        }
        throw new AssertionError("gave up waiting on " + url + ", last answer: " + last);
    }

    private static int freePort() {
        return io.clickstream.etl.local.LoopbackPorts.unused();
    }
}
