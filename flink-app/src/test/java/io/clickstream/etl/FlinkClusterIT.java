package io.clickstream.etl;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.deploy.FlinkCluster;
import io.clickstream.etl.deploy.LocalS3;
import io.clickstream.etl.deploy.SamTemplate;
import io.clickstream.etl.metrics.Accounting;
import io.clickstream.etl.model.FailureType;
import io.clickstream.generator.Fate;
import io.clickstream.generator.FirehoseLocalWriter;
import io.clickstream.generator.GeneratedRecord;
import io.clickstream.generator.GeneratorSettings;
import io.clickstream.generator.TrafficGenerator;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged MSF jar on a real Flink 1.20.1 cluster (JobManager and TaskManager processes,
 * RocksDB, checkpoints, child-first class loading, submitted over REST, configured by an
 * MSF-shaped application_properties.json), first over local folders, then over an S3 API through
 * the cluster's S3 plugin with a TaskManager killed mid-stream.
 */
class FlinkClusterIT {

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void theMsfJarRunsOnAFlinkClusterConfiguredByApplicationProperties(@TempDir Path dir) throws Exception {
        List<GeneratedRecord> traffic = TrafficGenerator.generate(GeneratorSettings.defaults().seed(41).records(20_000).days(2)
                .start(Instant.parse("2026-05-01T00:00:00Z")));
        new FirehoseLocalWriter(dir.resolve("raw"), "clickstream", 1L << 20, 3_600_000L, 41).write(traffic);
        Map<String, String> keys = Map.of(
                "input.path", dir.resolve("raw").toUri().toString(),
                "input.mode", "bounded",
                "output.lake.path", dir.resolve("lake").toUri().toString(),
                "output.dead-letter.path", dir.resolve("dead-letter").toUri().toString(),
                "job.version", "cluster-it");

        try (FlinkCluster cluster = FlinkCluster.start(dir.resolve("flink"), Map.of("execution.checkpointing.interval", "2 s"),
                Map.of(JobConfig.PROPERTY_GROUP, keys))) {
            assertThat(cluster.getText("/")).as("web UI").contains("Apache Flink Web Dashboard");
            String job = cluster.submit(msfJar(), 2);
            cluster.awaitState(job, Duration.ofMinutes(3), "FINISHED");

            JsonNode vertices = cluster.get("/jobs/" + job).path("vertices");
            assertThat(vertices.findValuesAsText("name")).anyMatch(n -> n.contains("Drop duplicates"));
            assertThat(vertices.findValues("parallelism").stream().map(JsonNode::asInt)).contains(2);
            assertThat(cluster.get("/jobs/" + job + "/checkpoints/config").path("interval").asLong()).isEqualTo(2000L);
            assertThat(cluster.get("/jobmanager/config").toString()).contains("child-first");

            Accounting accounting = new Accounting(cluster.accumulators(job));
            assertThat(accounting.balanced()).as(accounting.toString()).isTrue();
            assertThat(accounting.recordsIn).isEqualTo(traffic.size());
            Set<String> valid = ids(traffic, Fate.VALID);
            assertThat(accounting.written).isEqualTo(valid.size());
            try (LakeReader lake = new LakeReader(dir.resolve("lake"))) {
                List<Map<String, Object>> rows = lake.query("SELECT event_id, count(*) AS n FROM events GROUP BY event_id");
                assertThat(rows.stream().map(r -> r.get("event_id")).collect(Collectors.toSet())).isEqualTo(valid);
                assertThat(rows).allSatisfy(r -> assertThat(((Number) r.get("n")).longValue()).isEqualTo(1L));
            }
            assertThat(DeadLetters.rawTextsByType(dir.resolve("dead-letter")).get(FailureType.MALFORMED_JSON))
                    .containsExactlyInAnyOrderElementsOf(jsons(traffic, Fate.MALFORMED));
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void onS3ATaskManagerKilledMidStreamLosesAndDuplicatesNothing(@TempDir Path dir) throws Exception {
        SamTemplate template = SamTemplate.load();
        String rawBucket = template.resolveString(Map.of("Ref", "RawBucket"));
        String lakeBucket = template.resolveString(Map.of("Ref", "LakeBucket"));
        Map<String, String> keys = new HashMap<>(template.jobProperties(JobConfig.PROPERTY_GROUP));
        keys.put("input.monitor-interval", "1s");
        keys.put("input.sweep-interval", "1s"); // the objects land under May's hours, outside the hour window
        keys.put("output.compaction.max-delay", "4s");
        keys.put("job.version", "cluster-s3-it");

        List<GeneratedRecord> traffic = TrafficGenerator.generate(GeneratorSettings.defaults().seed(42).records(60_000).days(1)
                .start(Instant.parse("2026-05-10T00:00:00Z")));
        List<Path> objects = new FirehoseLocalWriter(dir.resolve("raw"), "clickstream", 256 * 1024, 3_600_000L, 42).write(traffic);
        assertThat(objects.size()).isGreaterThan(20);

        try (LocalS3 s3 = LocalS3.start(rawBucket, lakeBucket)) {
            Map<String, String> settings = new HashMap<>(s3.flinkSettings());
            settings.put("execution.checkpointing.interval", "1 s");
            try (FlinkCluster cluster = FlinkCluster.start(dir.resolve("flink"), settings, Map.of(JobConfig.PROPERTY_GROUP, keys))) {
                int half = objects.size() / 2;
                land(s3, dir, objects.subList(0, half), keys.get("input.path"));
                String job = cluster.submit(msfJar(), 2);
                cluster.awaitState(job, Duration.ofMinutes(1), "RUNNING");
                // Mid-stream: a checkpoint has committed part of the lake, the rest is still arriving.
                cluster.await("/jobs/" + job + "/checkpoints", c -> c.path("counts").path("completed").asInt() >= 1, Duration.ofMinutes(2));
                awaitUntil(() -> !s3.visibleKeys(lakeBucket, "events/").isEmpty(), Duration.ofMinutes(2));
                land(s3, dir, objects.subList(half, half + 4), keys.get("input.path"));

                Set<String> valid = ids(traffic, Fate.VALID);
                long committedBeforeKill = lakeRows(s3, lakeBucket, dir);
                cluster.killTaskManager();
                System.out.printf("TaskManager killed with %,d of %,d events committed%n", committedBeforeKill, valid.size());
                assertThat(committedBeforeKill).as("killed mid-stream").isPositive().isLessThan(valid.size());
                land(s3, dir, objects.subList(half + 4, objects.size()), keys.get("input.path"));
                cluster.startTaskManager();

                long deadExpected = traffic.stream().filter(r -> r.fate() != Fate.VALID && r.fate() != Fate.DUPLICATE).count();
                awaitUntil(() -> lakeRows(s3, lakeBucket, dir) >= valid.size(), Duration.ofMinutes(3));
                awaitUntil(() -> deadLetterCount(s3, lakeBucket, dir) >= deadExpected, Duration.ofMinutes(1));
                assertThat(cluster.get("/jobs/" + job + "/exceptions").path("exceptionHistory").path("entries").size())
                        .as("the job failed over when its TaskManager died").isPositive();
                cluster.cancel(job);

                Path lake = s3.download(lakeBucket, s3.visibleKeys(lakeBucket, "events/"), dir.resolve("lake-copy"));
                try (LakeReader reader = new LakeReader(lake)) {
                    List<Map<String, Object>> rows = reader.query("SELECT event_id, count(*) AS n FROM events GROUP BY event_id");
                    assertThat(rows.stream().map(r -> r.get("event_id")).collect(Collectors.toSet())).isEqualTo(valid);
                    assertThat(rows).allSatisfy(r -> assertThat(((Number) r.get("n")).longValue()).as("copies of %s", r.get("event_id")).isEqualTo(1L));
                }
                Path dead = s3.download(lakeBucket, s3.visibleKeys(lakeBucket, "dead-letter/"), dir.resolve("dead-copy"));
                Map<FailureType, List<String>> deadLetters = DeadLetters.rawTextsByType(dead.resolve("dead-letter"));
                assertThat(deadLetters.get(FailureType.MALFORMED_JSON)).containsExactlyInAnyOrderElementsOf(jsons(traffic, Fate.MALFORMED));
                assertThat(deadLetters.get(FailureType.SCHEMA_VIOLATION)).containsExactlyInAnyOrderElementsOf(jsons(traffic, Fate.SCHEMA_VIOLATION));
                System.out.println("S3 operations of the cluster's job (S3 plugin, recovery included): " + s3.log.requests().stream()
                        .collect(Collectors.groupingBy(r -> r.operation(), java.util.TreeMap::new, Collectors.counting())));
                List<String> refused = S3EndToEndTest.refusedByTheTemplate(template, s3.log.requests());
                assertThat(refused).as("requests of the cluster that FlinkRole would not allow").isEmpty();
            }
        }
    }

    /** Lands objects as Firehose would, straight into the store: the request log holds only the job's requests. */
    private static void land(LocalS3 s3, Path dir, List<Path> objects, String inputPath) throws Exception {
        for (Path object : objects) {
            s3.put(inputPath + "/" + dir.resolve("raw").relativize(object), object);
        }
    }

    private static long deadLetterCount(LocalS3 s3, String bucket, Path dir) {
        try {
            Path copy = s3.download(bucket, s3.visibleKeys(bucket, "dead-letter/"), dir.resolve("poll-" + System.nanoTime()));
            return Files.isDirectory(copy.resolve("dead-letter")) ? DeadLetters.read(copy.resolve("dead-letter")).size() : 0;
        } catch (Exception e) {
            return 0;
        }
    }

    private static long lakeRows(LocalS3 s3, String bucket, Path dir) {
        try {
            Path copy = dir.resolve("poll-" + System.nanoTime());
            List<String> keys = s3.visibleKeys(bucket, "events/");
            if (keys.isEmpty()) {
                return 0;
            }
            try (LakeReader reader = new LakeReader(s3.download(bucket, keys, copy))) {
                return reader.count();
            }
        } catch (Exception e) {
            return 0;
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitUntil(Condition condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + timeout);
            }
            Thread.sleep(500);
        }
    }

    static Path msfJar() throws Exception {
        try (Stream<Path> files = Files.list(Paths.get("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("clickstream-etl-[^-]+(-SNAPSHOT)?\\.jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("run mvn package first"));
        }
    }

    private static Set<String> ids(List<GeneratedRecord> records, Fate fate) {
        return records.stream().filter(r -> r.fate() == fate).map(GeneratedRecord::eventId).collect(Collectors.toSet());
    }

    private static List<String> jsons(List<GeneratedRecord> records, Fate fate) {
        return records.stream().filter(r -> r.fate() == fate).map(GeneratedRecord::json).collect(Collectors.toList());
    }
}
