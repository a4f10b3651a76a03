package io.clickstream.etl;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.metrics.Accounting;
import io.clickstream.etl.sink.LakeSinks;
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
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job against an S3 API (S3Proxy on loopback) through Flink's {@code s3://} file system, the
 * same way it runs against Amazon S3: raw objects listed and read from a bucket, lake and dead
 * letters committed to it with multipart uploads.
 */
class S3EndToEndTest {

    private static final String ACCESS_KEY = "test-access";
    private static final String SECRET_KEY = "test-secret-key";
    private static final String BUCKET = "clickstream";

    static S3Proxy proxy;
    static BlobStore blobs;

    @BeforeAll
    static void startS3() throws Exception {
        BlobStoreContext context = ContextBuilder.newBuilder("transient")
                .credentials(ACCESS_KEY, SECRET_KEY)
                .build(BlobStoreContext.class);
        blobs = context.getBlobStore();
        blobs.createContainerInLocation(null, BUCKET);
        proxy = S3Proxy.builder()
                .blobStore(blobs)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        Configuration conf = new Configuration();
        conf.setString("s3.endpoint", endpoint());
        conf.setString("s3.path.style.access", "true");
        conf.setString("s3.access-key", ACCESS_KEY);
        conf.setString("s3.secret-key", SECRET_KEY);
        FileSystem.initialize(conf, null);
    }

    @AfterAll
    static void stopS3() throws Exception {
        FileSystem.initialize(new Configuration(), null);
        if (proxy != null) {
            proxy.stop();
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void readsRawObjectsFromS3AndCommitsTheLakeToS3ExactlyOnce(@TempDir Path local) throws Exception {
        List<GeneratedRecord> traffic = TrafficGenerator.generate(GeneratorSettings.defaults().seed(21).records(4000).days(2)
                .start(Instant.parse("2026-04-01T00:00:00Z")));
        Path staged = local.resolve("raw");
        FirehoseLocalWriter writer = new FirehoseLocalWriter(staged, "clickstream", 5L << 20, 3_600_000L, 21);
        for (Path object : writer.write(traffic)) {
            upload(object, "s3://" + BUCKET + "/firehose/" + staged.relativize(object));
        }

        // Run as a user would locally: the local runner, configured only through job keys.
        Map<String, String> keys = new HashMap<>();
        keys.put("input.path", "s3://" + BUCKET + "/firehose");
        keys.put("output.lake.path", "s3a://" + BUCKET + "/lake/events");
        keys.put("output.dead-letter.path", "s3://" + BUCKET + "/lake/dead-letter");
        keys.put("input.mode", "bounded");
        keys.put("job.version", "s3-test");
        keys.put("checkpoint.interval", "1s");
        keys.put("web-ui.enabled", "false");
        keys.put("s3.endpoint", endpoint());
        keys.put("s3.path-style-access", "true");
        keys.put("s3.access-key", ACCESS_KEY);
        keys.put("s3.secret-key", SECRET_KEY);
        Accounting accounting = LocalRunner.run(JobConfig.fromMap(keys));

        List<String> lakeKeys = keys("lake/events/");
        assertThat(lakeKeys).isNotEmpty().allSatisfy(k -> assertThat(k)
                .matches("lake/events/year=2026/month=04/day=0[1-3]/part-[0-9a-f-]+-\\d+\\.snappy\\.parquet"));
        assertThat(keys("lake/dead-letter/")).isNotEmpty()
                .allSatisfy(k -> assertThat(k).matches("lake/dead-letter/failure_type=[a-z_]+/processing_date=[0-9-]+/part-[0-9a-f-]+-\\d+\\.json\\.gz"));

        Path downloaded = download(lakeKeys, local.resolve("lake"));
        Set<String> expected = traffic.stream().filter(r -> r.fate() == Fate.VALID).map(GeneratedRecord::eventId).collect(Collectors.toSet());
        try (LakeReader reader = new LakeReader(downloaded)) {
            List<Map<String, Object>> rows = reader.query("SELECT event_id, source_file FROM events");
            assertThat(rows).hasSize(expected.size());
            assertThat(rows.stream().map(r -> r.get("event_id")).collect(Collectors.toSet())).isEqualTo(expected);
            assertThat(rows).allSatisfy(r -> assertThat((String) r.get("source_file")).startsWith("s3://" + BUCKET + "/firehose/2026/04/"));
        }
        assertThat(accounting.balanced()).as(accounting.toString()).isTrue();
        assertThat(accounting.written).isEqualTo(expected.size());
        assertThat(accounting.deadLettered()).isEqualTo(traffic.stream()
                .filter(r -> r.fate() != Fate.VALID && r.fate() != Fate.DUPLICATE).count());
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aTaskFailureOnS3IsRecoveredWithoutLossOrDuplicates(@TempDir Path local) throws Exception {
        List<GeneratedRecord> traffic = TrafficGenerator.generate(GeneratorSettings.defaults().seed(22).records(6000).days(1)
                .start(Instant.parse("2026-04-10T00:00:00Z")));
        Path staged = local.resolve("raw");
        for (Path object : new FirehoseLocalWriter(staged, "clickstream", 256 * 1024, 3_600_000L, 22).write(traffic)) {
            upload(object, "s3://" + BUCKET + "/failover/raw/" + staged.relativize(object));
        }
        JobConfig config = JobConfig.fromMap(Map.of(
                "input.path", "s3://" + BUCKET + "/failover/raw",
                "output.lake.path", "s3://" + BUCKET + "/failover/lake",
                "output.dead-letter.path", "s3://" + BUCKET + "/failover/dead-letter",
                "input.mode", "bounded"));
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

        List<String> visible = keys("failover/lake/").stream()
                .filter(k -> !k.substring(k.lastIndexOf('/') + 1).startsWith("_") && !k.substring(k.lastIndexOf('/') + 1).startsWith("."))
                .collect(Collectors.toList());
        assertThat(visible).isNotEmpty().allSatisfy(k -> assertThat(k).matches("failover/lake/year=2026/month=04/day=1[01]/part-[0-9a-f-]+-\\d+\\.snappy\\.parquet"));
        Path downloaded = download(visible, local.resolve("lake"));
        Set<String> expected = traffic.stream().filter(r -> r.fate() == Fate.VALID).map(GeneratedRecord::eventId).collect(Collectors.toSet());
        try (LakeReader reader = new LakeReader(downloaded)) {
            List<Map<String, Object>> rows = reader.query("SELECT event_id FROM events");
            assertThat(rows).hasSize(expected.size());
            assertThat(rows.stream().map(r -> r.get("event_id")).collect(Collectors.toSet())).isEqualTo(expected);
        }
    }

    /** Copies objects out of the bucket, keeping their keys as paths, so DuckDB can read them. */
    private static Path download(List<String> keys, Path folder) throws IOException {
        for (String key : keys) {
            Path target = folder.resolve(key);
            Files.createDirectories(target.getParent());
            try (InputStream in = blobs.getBlob(BUCKET, key).getPayload().openStream()) {
                Files.copy(in, target);
            }
        }
        return folder;
    }

    private static String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    private static void upload(Path file, String uri) throws Exception {
        org.apache.flink.core.fs.Path target = new org.apache.flink.core.fs.Path(uri);
        try (FSDataOutputStream out = target.getFileSystem().create(target, FileSystem.WriteMode.NO_OVERWRITE)) {
            Files.copy(file, out);
        }
    }

    /** Every object under a prefix, in-progress uploads and markers included. */
    private static List<String> keys(String prefix) {
        List<String> keys = new ArrayList<>();
        for (StorageMetadata m : blobs.list(BUCKET, ListContainerOptions.Builder.prefix(prefix).recursive())) {
            if (m.getName().endsWith("/")) {
                continue;
            }
            keys.add(m.getName());
        }
        return keys;
    }
}
