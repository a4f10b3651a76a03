package io.clickstream.generator.job;

import io.clickstream.generator.TrafficGenerator;
import io.clickstream.generator.endpoint.LocalFirehoseEndpoint;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.aws.config.AWSConfigConstants;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The generator job through the real Firehose connector, against a Firehose endpoint on loopback. */
class GeneratorJobTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void sendsEveryRecordThroughKinesisFirehoseSinkDespitePartialFailuresAndThrottling(@TempDir Path dir) throws Exception {
        GeneratorConfig config = GeneratorConfig.fromMap(Map.of(
                "target", "firehose", "firehose.stream", "clickstream", "firehose.region", "us-east-1",
                "records", "6000", "seed", "9", "start-date", "2026-05-01", "days", "2"));
        try (LocalFirehoseEndpoint firehose = LocalFirehoseEndpoint.start(dir, "clickstream", 0.03, 25, 1 << 20, 1000, 9)) {
            GeneratorConfig pointed = GeneratorConfig.fromMap(withEndpoint(config, firehose.endpoint()));
            Properties credentials = new Properties();
            credentials.setProperty(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER, "BASIC");
            credentials.setProperty(AWSConfigConstants.accessKeyId(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER), "test");
            credentials.setProperty(AWSConfigConstants.secretKey(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER), "test-secret");
            StreamExecutionEnvironment env = environment();
            GeneratorJob.build(env, pointed, GeneratorJob.sink(pointed, credentials));
            env.execute("generator-firehose-test");
            firehose.flush();

            assertThat(firehose.failed()).as("partial failures were injected").isGreaterThan(50);
            assertThat(firehose.throttled()).as("whole calls were throttled").isGreaterThan(0);
            assertThat(firehose.limitViolations()).isZero();
            assertThat(firehose.accepted()).isEqualTo(6000);
        }
        assertSameRecords(landed(dir), expected(config));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void landsRecordsLocallyInFirehoseLayout(@TempDir Path dir) throws Exception {
        Map<String, String> keys = new HashMap<>(Map.of("target", "local", "output.path", dir.toString(),
                "records", "5000", "seed", "4", "start-date", "2026-05-01", "buffer.size", "64kb"));
        GeneratorConfig config = GeneratorConfig.fromMap(keys);
        StreamExecutionEnvironment env = environment();
        GeneratorJob.build(env, config, GeneratorJob.sink(config, new Properties()));
        env.execute("generator-local-test");
        try (Stream<Path> files = Files.walk(dir)) {
            List<String> names = files.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().collect(Collectors.toList());
            assertThat(names).hasSizeGreaterThan(10).allSatisfy(n -> assertThat(n)
                    .matches("\\d{4}/\\d{2}/\\d{2}/\\d{2}/clickstream-1-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-[0-9a-f-]{36}\\.gz"));
        }
        assertSameRecords(landed(dir), expected(config));
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void saysWhereItWroteHowManyObjectsAndRecordsAndTheSeed(@TempDir Path dir) throws Exception {
        Process run = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                GeneratorJob.class.getName(), "--target", "local", "--output.path", "./raw", "--records", "700",
                "--buffer.size", "16kb").directory(dir.toFile()).redirectErrorStream(true).start();
        List<String> printed = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        assertThat(run.waitFor()).as("%s", printed).isZero();

        long objects;
        try (Stream<Path> files = Files.walk(dir.resolve("raw"))) {
            objects = files.filter(Files::isRegularFile).count();
        }
        String last = printed.get(printed.size() - 1);
        assertThat(objects).isGreaterThan(1);
        // Relative, as the docs spell it: printed as the folder it is, not "..././raw".
        assertThat(last).matches("wrote 700 records in " + objects + " objects to " + java.util.regex.Pattern.quote(dir.resolve("raw").toString())
                + " in Firehose's layout, seed (\\d+) \\(new for this run; --seed \\1 repeats this traffic\\)");
    }

    @Test
    void aLocalOutputPathThatCannotBeAFolderIsAConfigurationError(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> GeneratorJob.checkOutputFolder(file))
                .hasMessage("Invalid generator configuration:\n  - output.path='" + file + "': is a file, not a folder");
        assertThatThrownBy(() -> GeneratorJob.checkOutputFolder(file.resolve("raw")))
                .hasMessageStartingWith("Invalid generator configuration:\n  - output.path='" + file.resolve("raw") + "': cannot be created: ");
        GeneratorJob.checkOutputFolder(dir.resolve("new/raw"));
        assertThat(dir.resolve("new/raw")).isDirectory();
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aLocalRunThatKeepsFailingEndsWithItsCauseInsteadOfRestartingForever(@TempDir Path dir) throws Exception {
        // The output folder is fine at start, but a file stands where this year's folder must go.
        Path raw = Files.createDirectories(dir.resolve("raw"));
        for (int year = 2025; year <= 2030; year++) {
            Files.writeString(raw.resolve(Integer.toString(year)), "in the way");
        }
        Path temp = Files.createDirectories(dir.resolve("tmp"));
        Process run = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Djava.io.tmpdir=" + temp,
                "-cp", System.getProperty("java.class.path"),
                GeneratorJob.class.getName(), "--target", "local", "--output.path", raw.toString(), "--records", "500")
                .redirectErrorStream(true).start();
        List<String> printed = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        assertThat(run.waitFor()).as("%s", printed).isEqualTo(1);
        assertThat(printed).anyMatch(line -> line.startsWith("The generator failed: ") && line.contains("Not a directory"));
        // It exits after the embedded cluster's shutdown, which removes the cluster's working folder and RPC jar.
        try (Stream<Path> left = Files.list(temp)) {
            // The web UI's upload folder stays, as after any local Flink run; it is empty.
            assertThat(left.map(p -> p.getFileName().toString()).filter(name -> !name.equals("flink-web-upload")))
                    .as("left in the temp folder").isEmpty();
        }
    }

    @Test
    void paceFollowsTheRateWithBursts() {
        BurstRateLimiterStrategy pace = new BurstRateLimiterStrategy(100, 5, 60_000, 10_000);
        assertThat(pace.rateAt(5_000, 100)).isEqualTo(500);
        assertThat(pace.rateAt(15_000, 100)).isEqualTo(100);
        assertThat(pace.rateAt(65_000, 100)).isEqualTo(500);
    }

    @Test
    void aDurationBecomesACountAndFirehoseLimitsAreChecked() {
        GeneratorConfig config = GeneratorConfig.fromMap(Map.of("rate", "200", "duration", "90s"));
        assertThat(config.records).isEqualTo(18_000);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GeneratorConfig.fromMap(Map.of(
                        "target", "firehose", "faults.oversized", "0.01", "duration", "1 min", "bogus", "1")))
                .hasMessageContaining("firehose.stream: required")
                .hasMessageContaining("faults.oversized-bytes")
                .hasMessageContaining("duration: needs a rate")
                .hasMessageContaining("bogus: unknown key");
    }

    /** Without credentials the generator says so in one line, before a job starts that would fail, restart and fail again. */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void withoutAwsCredentialsFirehoseIsRefusedAtStartUp(@TempDir Path home) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), GeneratorJob.class.getName(),
                "--target", "firehose", "--firehose.stream", "clickstream", "--firehose.region", "eu-west-1", "--records", "10")
                .redirectErrorStream(true);
        // No credentials anywhere the default chain looks: no variables, an empty home, no instance metadata.
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().put("HOME", home.toString());
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        Process generator = pb.start();
        List<String> lines = new String(generator.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .collect(Collectors.toList());
        assertThat(generator.waitFor()).as("%s", lines).isEqualTo(2);
        assertThat(lines).containsExactly("Invalid generator configuration:",
                "  - target=firehose: the default AWS credentials chain finds no credentials; set AWS_PROFILE, or AWS_ACCESS_KEY_ID"
                        + " and AWS_SECRET_ACCESS_KEY, or run where an IAM role applies");
    }

    /**
     * The Firehose connector asks no region chain: without {@code firehose.region} its client failed
     * on every start ("region must not be null"), even with AWS_REGION set. The generator now takes
     * the SDK's default region, and says at start-up when there is none.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theRegionIsFirehoseRegionOrTheSdksDefaultAndNoneIsRefusedAtStartUp(@TempDir Path dir) throws Exception {
        List<String> args = List.of("--target", "firehose", "--firehose.stream", "clickstream", "--records", "300", "--seed", "4");
        ProcessLines none = generator(dir, Map.of(), args);
        assertThat(none.exitCode).as("%s", none.lines).isEqualTo(2);
        assertThat(none.lines).containsExactly("Invalid generator configuration:",
                "  - firehose.region: unset, and the AWS SDK finds no default region (AWS_REGION, the profile's region); give the"
                        + " delivery stream's region, such as eu-west-1");

        try (LocalFirehoseEndpoint firehose = LocalFirehoseEndpoint.start(dir.resolve("landed"), "clickstream", 0, 0, 1 << 20, 1000, 4)) {
            List<String> pointed = new ArrayList<>(args);
            pointed.addAll(List.of("--firehose.endpoint", firehose.endpoint()));
            ProcessLines sent = generator(dir, Map.of("AWS_REGION", "eu-central-1"), pointed);
            assertThat(sent.exitCode).as("%s", sent.lines).isZero();
            assertThat(sent.lines).anyMatch(l -> l.startsWith("sent 300 records to Firehose stream clickstream"));
            firehose.flush();
            assertThat(firehose.accepted()).isEqualTo(300);
        }
        assertThatThrownBy(() -> GeneratorConfig.fromMap(Map.of("target", "firehose", "firehose.stream", "s", "firehose.region", "eu-west")))
                .hasMessageContaining("firehose.region='eu-west': expected an AWS region such as eu-west-1");
    }

    /** The generator in its own JVM with credentials from the environment and nothing else of AWS's: no profile, no instance. */
    private static ProcessLines generator(Path home, Map<String, String> environment, List<String> args) throws Exception {
        Process generator = generatorProcess(home, environment, List.of(), args);
        List<String> lines = new String(generator.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.contains(" INFO ")).collect(Collectors.toList());
        return new ProcessLines(generator.waitFor(), lines);
    }

    private static Process generatorProcess(Path home, Map<String, String> environment, List<String> jvm, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        command.addAll(jvm);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), GeneratorJob.class.getName()));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().put("HOME", home.toString());
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        pb.environment().put("AWS_ACCESS_KEY_ID", "test");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "test-secret");
        pb.environment().putAll(environment);
        return pb.start();
    }

    private static final class ProcessLines {
        final int exitCode;
        final List<String> lines;

        ProcessLines(int exitCode, List<String> lines) {
            this.exitCode = exitCode;
            this.lines = lines;
        }
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void sigtermStopsALiveRunAfterDeliveringWhatItGenerated(@TempDir Path dir) throws Exception {
        // Up to a buffer interval (60 s) of records waits in memory for its object; dying lost them all.
        Path raw = dir.resolve("raw");
        StoppedRun local = stopWhenRunning(dir, Map.of(), List.of("--target", "local", "--output.path", raw.toString()));
        assertThat(local.records).isPositive();
        assertThat(local.lines.get(local.lines.size() - 1)).startsWith(String.format(Locale.ROOT, "wrote %,d records in 1 object to ", local.records));
        assertThat(landed(raw).values().stream().mapToLong(Long::longValue).sum()).isEqualTo(local.records);
        try (Stream<Path> files = Files.walk(raw)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
        }

        try (LocalFirehoseEndpoint firehose = LocalFirehoseEndpoint.start(dir.resolve("landed"), "clickstream", 0, 0, 1 << 20, 1000, 4)) {
            StoppedRun sent = stopWhenRunning(dir, Map.of("AWS_REGION", "eu-central-1"),
                    List.of("--target", "firehose", "--firehose.stream", "clickstream", "--firehose.endpoint", firehose.endpoint()));
            assertThat(sent.lines.get(sent.lines.size() - 1)).startsWith(String.format(Locale.ROOT, "sent %,d records to Firehose stream ", sent.records));
            firehose.flush();
            assertThat(firehose.accepted()).isEqualTo(sent.records);
        }
    }

    /** A live generator process, sent SIGTERM once it has generated records; what it said it delivered. */
    private static StoppedRun stopWhenRunning(Path home, Map<String, String> environment, List<String> target) throws Exception {
        List<String> args = new ArrayList<>(List.of("--rate", "200", "--duration", "10min", "--progress.interval", "1s", "--seed", "5"));
        args.addAll(target);
        Path temp = Files.createDirectories(home.resolve("tmp-" + target.get(1)));
        // The test class path's log configuration is silent; the progress line says when records flow.
        Path logging = Files.writeString(home.resolve("log4j2-progress.properties"), String.join("\n",
                "rootLogger.level = OFF", "logger.progress.name = " + ProgressReporter.class.getName(), "logger.progress.level = INFO",
                "logger.progress.appenderRef.out.ref = out", "appender.out.type = Console", "appender.out.name = out",
                "appender.out.layout.type = PatternLayout", "appender.out.layout.pattern = %c{1} - %m%n"));
        Process generator = generatorProcess(home, environment, List.of("-Djava.io.tmpdir=" + temp, "-Dlog4j2.configurationFile=" + logging), args);
        List<String> lines = new ArrayList<>();
        try (java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(generator.getInputStream(), StandardCharsets.UTF_8))) {
            boolean signalled = false;
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                if (line.startsWith("ProgressReporter - generated ") && !signalled) {
                    signalled = true;
                    generator.toHandle().destroy(); // SIGTERM; Process.destroy() would also close its output
                }
                if (!line.startsWith("ProgressReporter - ")) {
                    lines.add(line);
                }
            }
        }
        assertThat(generator.waitFor()).as("%s", lines).isZero();
        java.util.regex.Matcher stopped = java.util.regex.Pattern.compile("stopped by SIGTERM after ([\\d,]+) of the 120,000 records asked for;"
                + " all of them were delivered").matcher(String.join("\n", lines));
        assertThat(stopped.find()).as("%s", lines).isTrue();
        try (Stream<Path> left = Files.list(temp)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("the drain's savepoint is removed").noneMatch(n -> n.startsWith("clickstream"));
        }
        return new StoppedRun(Long.parseLong(stopped.group(1).replace(",", "")), lines);
    }

    private static final class StoppedRun {
        final long records;
        final List<String> lines;

        StoppedRun(long records, List<String> lines) {
            this.records = records;
            this.lines = lines;
        }
    }

    @Test
    void runsOnAMachineWhoseLocaleWritesOtherDigits(@TempDir Path dir) throws Exception {
        // What a JVM gets from LANG=fa_IR.UTF-8: Flink formatted the durations of its configuration as "۱ s" and failed on them.
        Process generator = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-Duser.language=fa", "-Duser.country=IR", "-cp", System.getProperty("java.class.path"), GeneratorJob.class.getName(),
                "--target", "local", "--output.path", dir.resolve("raw").toString(), "--records", "200", "--seed", "3")
                .redirectErrorStream(true).start();
        List<String> lines = new String(generator.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> !l.contains(" INFO ") && !l.contains(" WARN ")).collect(Collectors.toList());
        assertThat(generator.waitFor()).as("%s", lines).isZero();
        assertThat(lines).anyMatch(l -> l.startsWith("wrote 200 records in "));
    }

    @Test
    void theOutputIsALocalFolderAndAFileUriNamesOne() {
        assertThat(GeneratorConfig.fromMap(Map.of("output.path", "file:///tmp/raw")).outputPath).isEqualTo("/tmp/raw");
        assertThat(GeneratorConfig.fromMap(Map.of("output.path", " ./data/raw ")).outputPath).isEqualTo("./data/raw");
        // Before: a folder "s3:" in the working directory, and "file:" with the rest below it.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GeneratorConfig.fromMap(Map.of("output.path", "s3://raw-bucket/firehose")))
                .hasMessageContaining("output.path='s3://raw-bucket/firehose': expected a local folder or a file:/// URI");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GeneratorConfig.fromMap(Map.of("output.path", "file:raw")))
                .hasMessageContaining("output.path='file:raw': expected a local folder or a file:/// URI");
    }

    @Test
    void durationsNeedTheirUnit() {
        // Read by Flink as milliseconds: 600 meant as seconds would send for 0.6 s.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GeneratorConfig.fromMap(Map.of(
                        "rate", "100", "duration", "600", "buffer.interval", "500us")))
                .hasMessageContaining("duration='600': expected a duration with its unit, such as 10min")
                .hasMessageContaining("buffer.interval='500us': expected a duration with its unit, such as 60s");
        assertThat(GeneratorConfig.fromMap(Map.of("rate", "100", "duration", "10 min")).records).isEqualTo(60_000);
    }

    /** Compares multisets of records, reporting a few differences rather than everything. */
    private static void assertSameRecords(Map<String, Long> actual, Map<String, Long> expected) {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            long got = actual.getOrDefault(e.getKey(), 0L);
            if (got != e.getValue()) {
                problems.add("expected " + e.getValue() + " got " + got + ": " + clip(e.getKey()));
            }
        }
        for (Map.Entry<String, Long> e : actual.entrySet()) {
            if (!expected.containsKey(e.getKey())) {
                problems.add("unexpected " + e.getValue() + ": " + clip(e.getKey()));
            }
        }
        assertThat(problems).as("%d distinct records expected, %d landed", expected.size(), actual.size())
                .isEmpty();
    }

    private static String clip(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "..." : s;
    }

    private static StreamExecutionEnvironment environment() {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(conf);
        env.setParallelism(1);
        env.enableCheckpointing(500);
        return env;
    }

    private static Map<String, String> withEndpoint(GeneratorConfig config, String endpoint) {
        Map<String, String> keys = new HashMap<>(Map.of(
                "target", "firehose", "firehose.stream", config.firehoseStream, "firehose.region", config.firehoseRegion,
                "records", Long.toString(config.records), "seed", Long.toString(config.traffic.seed),
                "start-date", "2026-05-01", "days", Integer.toString(config.traffic.days)));
        keys.put("firehose.endpoint", endpoint);
        return keys;
    }

    /** The multiset of records the generator is expected to send. */
    private static Map<String, Long> expected(GeneratorConfig config) {
        return TrafficGenerator.inSendingOrder(config.traffic).stream()
                .map(r -> new String(r.wire(), StandardCharsets.UTF_8))
                .flatMap(GeneratorJobTest::lines)
                .collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    }

    /** The multiset of non-empty lines in all landed objects (back-to-back records stay joined). */
    private static Map<String, Long> landed(Path dir) throws IOException {
        StringBuilder all = new StringBuilder();
        List<Path> objects = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(p -> p.toString().endsWith(".gz")).forEach(objects::add);
        }
        for (Path object : objects) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(object))) {
                all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append('\n');
            }
        }
        return lines(all.toString()).collect(Collectors.groupingBy(s -> s, Collectors.counting()));
    }

    private static Stream<String> lines(String text) {
        return text.lines().filter(l -> !l.isEmpty()).flatMap(GeneratorJobTest::splitObjects);
    }

    /** Back-to-back records may be split differently by retries, so compare record by record. */
    private static Stream<String> splitObjects(String line) {
        return Stream.of(line.replace("}{\"", "}\u0000{\"").split("\u0000"));
    }
}
