package io.clickstream.etl;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.config.StartupChecks;
import io.clickstream.etl.deploy.IamPolicy;
import io.clickstream.etl.deploy.LocalS3;
import io.clickstream.etl.deploy.S3RequestLog.Authorization;
import io.clickstream.etl.deploy.S3RequestLog.S3Request;
import io.clickstream.etl.deploy.SamTemplate;
import io.clickstream.etl.metrics.Accounting;
import io.clickstream.etl.model.FailureType;
import io.clickstream.etl.ops.ReplayDeadLetters;
import io.clickstream.etl.sink.LakeSinks;
import io.clickstream.etl.source.DiscoveryDriver;
import io.clickstream.etl.source.RawObjectSource;
import io.clickstream.generator.Fate;
import io.clickstream.generator.FirehoseLocalWriter;
import io.clickstream.generator.GeneratedRecord;
import io.clickstream.generator.GeneratorSettings;
import io.clickstream.generator.TrafficGenerator;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job against an S3 API (S3Proxy on loopback) through Flink's S3 file system, laid out exactly
 * as {@code sam-template.yaml} deploys it (its bucket names and the application's paths), the
 * same way it runs against Amazon S3: raw objects listed and read, lake and dead letters committed
 * with multipart uploads. After each run every request the server answered is evaluated against
 * the template's {@code FlinkRole} and bucket policies as IAM would: one the role does not allow
 * fails the test with the request and the missing permission.
 */
class S3EndToEndTest {

    static SamTemplate template;
    static LocalS3 s3;
    static String rawBucket;
    static String lakeBucket;
    static Map<String, String> deployed;
    /** Every S3 operation seen in this class, with the IAM action it needed: printed at the end. */
    static final Map<String, Set<String>> OPERATIONS = new TreeMap<>();

    @BeforeAll
    static void startS3() throws Exception {
        template = SamTemplate.load();
        rawBucket = template.resolveString(Map.of("Ref", "RawBucket"));
        lakeBucket = template.resolveString(Map.of("Ref", "LakeBucket"));
        deployed = template.jobProperties(JobConfig.PROPERTY_GROUP);
        s3 = LocalS3.start(rawBucket, lakeBucket);
    }

    @AfterAll
    static void stopS3() throws Exception {
        System.out.println("S3 operations the job made, with the IAM action each needs:");
        OPERATIONS.forEach((op, actions) -> System.out.println("  " + op + " -> " + actions));
        if (s3 != null) {
            s3.close();
        }
    }

    @BeforeEach
    void emptyBuckets() {
        for (String bucket : List.of(rawBucket, lakeBucket)) {
            s3.blobs.clearContainer(bucket);
        }
        s3.log.clear();
    }

    /** Row groups of 64kb make the checkpoints' files' row groups large enough for compaction to copy them. */
    @ParameterizedTest(name = "input.path as {0}://, row groups of {1}")
    @CsvSource({"s3, 32mb", "s3a, 64kb"})
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void readsRawObjectsFromS3AndCommitsTheLakeToS3ExactlyOnce(String scheme, String rowGroups, @TempDir Path local) throws Exception {
        List<GeneratedRecord> traffic = TrafficGenerator.generate(GeneratorSettings.defaults().seed(21).records(4000).days(2)
                .start(Instant.parse("2026-04-01T00:00:00Z")));
        land(traffic, local.resolve("raw"), 5L << 20, 21);

        // Run as a user would locally: the local runner, configured only through job keys, with the template's paths.
        Map<String, String> keys = new HashMap<>(deployed);
        keys.put("input.path", deployed.get("input.path").replaceFirst("^s3:", scheme + ":"));
        keys.put("input.mode", "bounded");
        keys.put("job.version", "s3-test");
        keys.put("checkpoint.interval", "1s");
        keys.put("output.parquet.row-group-size", rowGroups);
        keys.put("web-ui.enabled", "false");
        keys.putAll(s3.jobKeys());
        Accounting accounting = LocalRunner.run(JobConfig.fromMap(keys));

        List<String> lakeKeys = s3.keys(lakeBucket, "events/");
        assertThat(lakeKeys).isNotEmpty().allSatisfy(k -> assertThat(k)
                .matches("events/year=2026/month=04/day=0[1-3]/compacted-part-[0-9a-f-]+-\\d+\\.snappy\\.parquet"));
        // One compacted file per day partition at the end of a bounded run (sessions start on two days, and
        // one that starts late may end on the third); the hidden small files are deleted.
        Set<String> days = traffic.stream().filter(r -> r.fate() == Fate.VALID)
                .map(r -> "day=" + Instant.ofEpochMilli(r.eventMillis()).toString().substring(8, 10)).collect(Collectors.toSet());
        assertThat(lakeKeys.stream().map(k -> k.split("/")[3])).containsExactlyInAnyOrderElementsOf(days);
        assertThat(s3.keys(lakeBucket, "dead-letter/")).isNotEmpty()
                .allSatisfy(k -> assertThat(k).matches("dead-letter/failure_type=[a-z_]+/processing_date=[0-9-]+/part-[0-9a-f-]+-\\d+\\.json\\.gz"));

        Path downloaded = s3.download(lakeBucket, lakeKeys, local.resolve("lake"));
        Set<String> expected = ids(traffic);
        try (LakeReader reader = new LakeReader(downloaded)) {
            List<Map<String, Object>> rows = reader.query("SELECT event_id, source_file FROM events");
            assertThat(rows).hasSize(expected.size());
            assertThat(rows.stream().map(r -> r.get("event_id")).collect(Collectors.toSet())).isEqualTo(expected);
            assertThat(rows).allSatisfy(r -> assertThat((String) r.get("source_file")).startsWith(keys.get("input.path") + "/2026/04/"));
        }
        assertThat(accounting.balanced()).as(accounting.toString()).isTrue();
        assertThat(accounting.written).isEqualTo(expected.size());
        assertThat(accounting.deadLettered()).isEqualTo(traffic.stream()
                .filter(r -> r.fate() != Fate.VALID && r.fate() != Fate.DUPLICATE).count());

        // The same command again, without state: the lake's footers and the dead letters on S3 say it is all written.
        List<String> written = s3.keys(lakeBucket, "");
        Accounting again = LocalRunner.run(JobConfig.fromMap(keys));
        assertThat(again.written).as(again.toString()).isZero();
        assertThat(again.deadLettered()).isZero();
        assertThat(again.alreadyWritten).isEqualTo(accounting.written + accounting.deadLettered());
        assertThat(s3.keys(lakeBucket, "")).containsExactlyInAnyOrderElementsOf(written);

        assertEveryRequestAllowedByTheFlinkRole();
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aTaskFailureOnS3IsRecoveredWithoutLossOrDuplicates(@TempDir Path local) throws Exception {
        List<GeneratedRecord> traffic = TrafficGenerator.generate(GeneratorSettings.defaults().seed(22).records(6000).days(1)
                .start(Instant.parse("2026-04-10T00:00:00Z")));
        land(traffic, local.resolve("raw"), 256 * 1024, 22);
        Map<String, String> keys = new HashMap<>(deployed);
        keys.put("input.mode", "bounded");
        JobConfig config = JobConfig.fromMap(keys);
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        conf.set(TaskManagerOptions.NUM_TASK_SLOTS, 2);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
        env.enableCheckpointing(500);
        AtomicInteger failures = new AtomicInteger();
        FaultInjectingSource.pauseMillis = 100;
        FaultInjectingSource.atRecord(3_000, () -> {
            failures.incrementAndGet();
            throw new IllegalStateException("injected task failure on S3");
        });
        try {
            ClickstreamEtlJob.build(env, config, new FaultInjectingSource<>(RawObjectSource.create(config)),
                    LakeSinks.lake(config), LakeSinks.deadLetters(config));
            env.execute("s3-failover");
        } finally {
            FaultInjectingSource.reset();
        }
        assertThat(failures).hasValue(1);

        List<String> visible = s3.visibleKeys(lakeBucket, "events/");
        assertThat(visible).isNotEmpty().allSatisfy(k -> assertThat(k).matches("events/year=2026/month=04/day=1[01]/(compacted-)?part-[0-9a-f-]+-\\d+\\.snappy\\.parquet"));
        Path downloaded = s3.download(lakeBucket, visible, local.resolve("lake"));
        Set<String> expected = ids(traffic);
        try (LakeReader reader = new LakeReader(downloaded)) {
            List<Map<String, Object>> rows = reader.query("SELECT event_id FROM events");
            assertThat(rows).hasSize(expected.size());
            assertThat(rows.stream().map(r -> r.get("event_id")).collect(Collectors.toSet())).isEqualTo(expected);
        }
        assertEveryRequestAllowedByTheFlinkRole();
    }

    /**
     * Continuous discovery on S3: 10 days of raw objects under their hour folders; the first round sweeps
     * them all, every later round lists only the hours in the window, whatever the bucket holds.
     */
    @Test
    void discoveryRoundsListOnlyTheHourWindowOnS3(@TempDir Path local) throws Exception {
        List<GeneratedRecord> traffic = TrafficGenerator.generate(GeneratorSettings.defaults().noFaults().seed(23).records(2400).days(10)
                .start(Instant.parse("2026-04-01T00:00:00Z")));
        land(traffic, local.resolve("raw"), 5L << 20, 23);
        int objects = s3.keys(rawBucket, "").size();
        long folders = s3.keys(rawBucket, "").stream().map(k -> k.substring(0, k.lastIndexOf('/'))).distinct().count();
        JobConfig config = JobConfig.fromMap(deployed);
        long[] now = {Instant.parse("2026-04-10T23:40:00Z").toEpochMilli()};
        DiscoveryDriver discovery = new DiscoveryDriver(config, () -> now[0]);

        assertThat(discovery.round()).as("the first round sweeps").isTrue();
        long sweepLists = lists();
        assertThat(discovery.assigned()).hasSize(objects);
        s3.log.clear();
        now[0] += 60_000;
        assertThat(discovery.round()).isFalse();
        long windowLists = lists();
        Map<String, Long> windowFolders = listedPrefixes();
        s3.log.clear();
        Path landing = Files.writeString(local.resolve("new.json"), traffic.get(0).json() + "\n");
        s3.put(deployed.get("input.path") + "/2026/04/10/23/clickstream-1-2026-04-10-23-41-00-new", landing);
        now[0] += 60_000;
        discovery.round();
        System.out.printf("discovery on S3: %d objects under %d hour folders; LIST requests: %d for the first round's sweep, %d and %d "
                + "for window rounds%n", objects, folders, sweepLists, windowLists, lists());

        assertThat(discovery.assigned()).hasSize(objects + 1);
        // The hours from input.lookback (2 h) before now to now: three folders, against hundreds for a sweep.
        // S3A lists a folder once, and an empty one once more (with a HEAD) to tell it from a missing one.
        String root = "firehose/2026/04/10/";
        assertThat(windowFolders).isNotEmpty().containsOnlyKeys(root + "21/", root + "22/", root + "23/");
        assertThat(windowFolders.values()).allSatisfy(lists -> assertThat(lists).isBetween(1L, 2L));
        assertThat(lists()).isEqualTo(windowLists);
        assertThat(sweepLists).isGreaterThanOrEqualTo(folders);
        assertEveryRequestAllowedByTheFlinkRole(Set.of("ListObjectsV2"));
    }

    /**
     * The replay tool reaches the lake and raw buckets with the job's own {@code s3.*} keys, as a
     * local run does: the dead letters of one failure type become one new raw object. Keys the
     * server refuses are one line and exit code 2, not a stack trace.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void deadLettersOnS3AreReplayedWithTheJobsS3Keys(@TempDir Path local) throws Exception {
        List<GeneratedRecord> traffic = TrafficGenerator.generate(GeneratorSettings.defaults().seed(24).records(1500).days(1)
                .start(Instant.parse("2026-04-12T00:00:00Z")));
        land(traffic, local.resolve("raw"), 5L << 20, 24);
        Map<String, String> keys = new HashMap<>(deployed);
        keys.put("input.mode", "bounded");
        keys.put("web-ui.enabled", "false");
        keys.putAll(s3.jobKeys());
        long malformed = LocalRunner.run(JobConfig.fromMap(keys)).deadLetters.get(FailureType.MALFORMED_JSON);
        assertThat(malformed).as("the default traffic has malformed records").isPositive();
        String deadLetters = deployed.get("output.dead-letter.path");
        List<String> s3Options = new ArrayList<>();
        s3.jobKeys().forEach((key, value) -> s3Options.addAll(List.of("--" + key, value)));
        List<String> rawBefore = s3.keys(rawBucket, "");

        ProcessLines replay = replay(local, s3Options, "--dead-letters", deadLetters, "--to", deployed.get("input.path"), "--type", "malformed_json");

        assertThat(replay.exitCode).as("%s", replay.lines).isZero();
        List<String> added = new ArrayList<>(s3.keys(rawBucket, ""));
        added.removeAll(rawBefore);
        assertThat(added).singleElement().asString().matches("firehose/\\d{4}/\\d\\d/\\d\\d/\\d\\d/replay-1-[0-9-]+-[0-9a-f-]+\\.gz");
        assertThat(replay.lines).containsExactly("replayed " + malformed + " records into s3://" + rawBucket + "/" + added.get(0));
        Path object = s3.download(rawBucket, added, local.resolve("replayed")).resolve(added.get(0));
        try (java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                new java.util.zip.GZIPInputStream(Files.newInputStream(object)), java.nio.charset.StandardCharsets.UTF_8))) {
            assertThat(lines.lines().count()).isEqualTo(malformed);
        }

        List<String> wrongKeys = List.of("--s3.endpoint", s3.endpoint(), "--s3.path-style-access", "true",
                "--s3.access-key", "someone-else", "--s3.secret-key", "not-the-key");
        ProcessLines refused = replay(local, wrongKeys, "--dead-letters", deadLetters, "--to", deployed.get("input.path"));
        assertThat(refused.exitCode).as("%s", refused.lines).isEqualTo(2);
        assertThat(refused.lines).singleElement().asString().startsWith("--dead-letters '" + deadLetters + "': cannot be read: ");
    }

    /**
     * A local run's checkpoint folder on S3: {@code resume.from latest} finds the newest state there
     * (it looked on local folders only, though the stop message offered it), and a finished run's
     * own folder without a checkpoint is removed while one holding a checkpoint stays.
     */
    @Test
    void theLatestStateAndAFinishedRunsEmptyFolderAreFoundOnAnS3CheckpointFolder(@TempDir Path local) throws Exception {
        String root = "s3://" + lakeBucket + "/checkpoints";
        assertThat(LocalRunner.latestState(root)).isEmpty();
        Path file = Files.writeString(local.resolve("state"), "state");
        org.apache.flink.api.common.JobID finished = new org.apache.flink.api.common.JobID();
        org.apache.flink.api.common.JobID killed = new org.apache.flink.api.common.JobID();
        s3.put(root + "/" + killed + "/chk-3/_metadata", file);
        s3.put(root + "/" + killed + "/shared/part", file);
        Thread.sleep(1_100); // S3 keeps modification times to the second
        s3.put(root + "/savepoints/savepoint-1a2b3c-0d4e5f/_metadata", file);
        s3.put(root + "/" + finished + "/shared/part", file);
        s3.put(root + "/" + finished + "/taskowned/part", file);

        assertThat(LocalRunner.latestState(root)).contains(root + "/savepoints/savepoint-1a2b3c-0d4e5f");
        LocalRunner.removeIfStateless(root, finished);
        LocalRunner.removeIfStateless(root, killed);
        assertThat(s3.keys(lakeBucket, "checkpoints/")).containsExactlyInAnyOrder("checkpoints/" + killed + "/chk-3/_metadata",
                "checkpoints/" + killed + "/shared/part", "checkpoints/savepoints/savepoint-1a2b3c-0d4e5f/_metadata");
    }

    private static ProcessLines replay(Path dir, List<String> s3Options, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), new JvmTempFolder(dir).option(),
                "-cp", System.getProperty("java.class.path"), ReplayDeadLetters.class.getName()));
        command.addAll(List.of(options));
        command.addAll(s3Options);
        return ProcessLines.of(new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start());
    }

    /** A bucket that does not exist is named at start-up; an empty raw prefix is fine for a continuous job. */
    @Test
    void aMissingBucketIsOneLineAtStartUp() {
        Map<String, String> keys = new HashMap<>(deployed);
        keys.put("input.path", "s3a://no-such-bucket-here/firehose");
        keys.put("input.mode", "bounded");
        List<String> problems = StartupChecks.problems(JobConfig.fromMap(keys));
        System.out.println("a missing bucket at start-up: " + problems);
        assertThat(problems).singleElement().asString()
                .startsWith("input.path='s3a://no-such-bucket-here/firehose': ").contains("bucket no-such-bucket-here, prefix 'firehose'");

        keys.put("input.path", deployed.get("input.path"));
        keys.put("input.mode", "continuous");
        assertThat(StartupChecks.problems(JobConfig.fromMap(keys))).as("nothing landed yet").isEmpty();
        keys.put("input.mode", "bounded");
        assertThat(StartupChecks.problems(JobConfig.fromMap(keys))).singleElement().asString().contains("does not exist");
    }

    /** The prefixes listed since the log was cleared, with how many LIST requests each took. */
    private static Map<String, Long> listedPrefixes() {
        return s3.log.requests().stream().filter(r -> r.operation().startsWith("ListObjects"))
                .collect(Collectors.groupingBy(r -> r.query.getOrDefault("prefix", ""), java.util.TreeMap::new, Collectors.counting()));
    }

    private static long lists() {
        return s3.log.requests().stream().filter(r -> r.operation().startsWith("ListObjects")).count();
    }

    /** Lands traffic in Firehose's layout under the deployed input path, straight into the store (not the job's requests). */
    private static void land(List<GeneratedRecord> traffic, Path staged, long objectBytes, long seed) throws Exception {
        for (Path object : new FirehoseLocalWriter(staged, "clickstream", objectBytes, 3_600_000L, seed).write(traffic)) {
            s3.put(deployed.get("input.path") + "/" + staged.relativize(object), object);
        }
    }

    private static void assertEveryRequestAllowedByTheFlinkRole() {
        assertEveryRequestAllowedByTheFlinkRole(Set.of("HeadObject", "ListObjectsV2", "GetObject", "CreateMultipartUpload", "UploadPart",
                "CompleteMultipartUpload"));
    }

    private static void assertEveryRequestAllowedByTheFlinkRole(Set<String> made) {
        List<S3Request> requests = s3.log.requests();
        assertThat(requests).as("requests the job made").isNotEmpty();
        List<String> refused = refusedByTheTemplate(template, requests);
        for (S3Request r : requests) {
            synchronized (OPERATIONS) {
                OPERATIONS.computeIfAbsent(r.operation(), o -> new java.util.TreeSet<>())
                        .addAll(r.authorizations().stream().map(a -> a.action).collect(Collectors.toList()));
            }
        }
        assertThat(refused).as("requests sam-template.yaml's FlinkRole would not allow on Amazon S3").isEmpty();
        assertThat(requests.stream().map(S3Request::operation).collect(Collectors.toSet()))
                .as("the operations made")
                .containsAll(made);
    }

    /** Each request the job's role and the buckets' policies would refuse, with the permission it lacks. */
    static List<String> refusedByTheTemplate(SamTemplate template, List<S3Request> requests) {
        return refusedByTheTemplate(template, IamPolicy.ofRole(template, "FlinkRole"), requests);
    }

    /** Each request a principal with {@code role}'s permissions would be refused by it and the template's bucket policies. */
    static List<String> refusedByTheTemplate(SamTemplate template, IamPolicy role, List<S3Request> requests) {
        Map<String, IamPolicy> bucketPolicies = new HashMap<>();
        for (String id : template.resourcesOfType("AWS::S3::BucketPolicy")) {
            String bucket = template.resolveString(template.properties(id).get("Bucket"));
            bucketPolicies.put(bucket, IamPolicy.ofDocument(template, id));
        }
        List<String> refused = new ArrayList<>();
        for (S3Request r : requests) {
            for (Authorization a : r.authorizations()) {
                IamPolicy.Decision identity = role.evaluate(a.action, a.resource, a.context);
                IamPolicy bucketPolicy = bucketPolicies.get(r.bucket);
                IamPolicy.Decision resource = bucketPolicy == null ? IamPolicy.Decision.IMPLICIT_DENY : bucketPolicy.evaluate(a.action, a.resource, a.context);
                IamPolicy.Decision decision = IamPolicy.combine(identity, resource);
                if (decision != IamPolicy.Decision.ALLOW) {
                    refused.add(r + ": needs " + a + " (" + decision + ")");
                }
            }
        }
        return refused;
    }

    private static Set<String> ids(List<GeneratedRecord> traffic) {
        return traffic.stream().filter(r -> r.fate() == Fate.VALID).map(GeneratedRecord::eventId).collect(Collectors.toSet());
    }
}
