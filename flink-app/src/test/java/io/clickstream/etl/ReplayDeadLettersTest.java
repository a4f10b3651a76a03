package io.clickstream.etl;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.metrics.Accounting;
import io.clickstream.etl.ops.ReplayDeadLetters;

import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.clickstream.etl.TestEvents.fields;
import static io.clickstream.etl.TestEvents.json;
import static io.clickstream.etl.TestEvents.uuid;
import static org.assertj.core.api.Assertions.assertThat;

/** Dead letters fed back through the job after the cause is fixed end up in the lake. */
class ReplayDeadLettersTest {

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void replayedDeadLettersReachTheLakeOnceTheRuleIsFixed(@TempDir java.nio.file.Path dir) throws Exception {
        writeEventsAheadOfTime(dir, 9_000_000, 100, 2);
        Accounting first = LocalRunner.run(config(dir, "raw", "1d"));
        assertThat(first.written).isEqualTo(50);
        assertThat(first.deadLettered()).isEqualTo(50);

        Path deadLetters = new Path(dir.resolve("dead-letter").toUri());
        ReplayDeadLetters.Result replay = ReplayDeadLetters.replay(deadLetters, new Path(dir.resolve("replay-input").toUri()), "schema_violation", null);
        assertThat(replay.replayed).isEqualTo(50);
        assertThat(replay.truncated).isZero();
        assertThat(replay.skippedFiles).isZero();

        // Replayed before the fix, they fail again: new dead letters, in new files.
        assertThat(LocalRunner.run(config(dir, "replay-input", "1d")).deadLettered()).isEqualTo(50);
        // A second replay takes those and leaves out the files the first one took.
        ReplayDeadLetters.Result second = ReplayDeadLetters.replay(deadLetters, new Path(dir.resolve("replay-input-2").toUri()), "schema_violation", null);
        assertThat(second.replayed).isEqualTo(50);
        assertThat(second.skippedFiles).isPositive();
        assertThat(second.toString()).contains("left out " + second.skippedFiles + " dead-letter file");
        ReplayDeadLetters.Result third = ReplayDeadLetters.replay(deadLetters, new Path(dir.resolve("replay-nothing").toUri()), null, null);
        assertThat(third.replayed).isZero();
        assertThat(third.object).isEqualTo("(nothing to replay)");
        assertThat(Files.exists(dir.resolve("replay-nothing"))).isFalse();
        assertThat(ReplayDeadLetters.replay(deadLetters, new Path(dir.resolve("replay-again").toUri()), null, null, true).replayed)
                .as("--again: both generations").isEqualTo(100);

        // The fix: accept a larger clock skew, then run the replayed object through the job.
        Accounting fixed = LocalRunner.run(config(dir, "replay-input-2", "7d"));
        assertThat(fixed.written).isEqualTo(50);
        try (LakeReader lake = new LakeReader(dir.resolve("lake"))) {
            assertThat(lake.query("SELECT DISTINCT event_id FROM events")).hasSize(100);
            assertThat(lake.count()).isEqualTo(100);
        }
    }

    /**
     * Replayed into the input of a job that keeps running, the object is read within the monitor
     * interval, like a new Firehose object: not an hour later by a sweep, and not counted as late.
     */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aRunningJobReadsTheReplayWithinItsMonitorInterval(@TempDir java.nio.file.Path dir) throws Exception {
        writeEventsAheadOfTime(dir, 9_100_000, 40, 4);
        assertThat(LocalRunner.run(config(dir, "raw", "1d")).deadLettered()).isEqualTo(10);

        // The fix deployed: the job runs on with a larger skew; a sweep only every hour.
        Process job = LocalRunnerTest.startRunner(dir, new String[] {"--input.path", dir.resolve("raw").toString(),
                "--output.lake.path", dir.resolve("lake").toString(), "--output.dead-letter.path", dir.resolve("dead-letter").toString(),
                "--checkpoint.dir", dir.resolve("checkpoints").toString(), "--validation.max-future-skew", "7d",
                "--checkpoint.interval", "1s", "--input.monitor-interval", "200ms", "--input.sweep-interval", "1h",
                "--output.compaction.enabled", "false", "--web-ui.enabled", "false"});
        boolean readSoon;
        try {
            ProcessLines.awaitLine(job, line -> line.contains("read 1 objects, 40 records:"));
            ReplayDeadLetters.Result replay = ReplayDeadLetters.replay(new Path(dir.resolve("dead-letter").toUri()),
                    new Path(dir.resolve("raw").toUri()), "schema_violation", null);
            assertThat(replay.replayed).isEqualTo(10);
            readSoon = ProcessLines.awaitLine(job, line -> line.contains("read 2 objects, 50 records: 10 written"), java.time.Duration.ofSeconds(30));
        } finally {
            new ProcessBuilder("kill", "-TERM", Long.toString(job.pid())).start().waitFor();
        }
        ProcessLines stopped = ProcessLines.of(job);
        assertThat(readSoon).as("the replay read within seconds: %s", stopped.lines).isTrue();
        assertThat(stopped.exitCode).as("%s", stopped.lines).isZero();
        assertThat(stopped.lines).anyMatch(l -> l.startsWith("ACCOUNTING in=50 = written 10 + duplicates 0 + dead-lettered 0 + written by an earlier run 40"));
        try (LakeReader lake = new LakeReader(dir.resolve("lake"))) {
            assertThat(lake.query("SELECT DISTINCT event_id FROM events")).hasSize(40);
            assertThat(lake.count()).isEqualTo(40);
        }
    }

    /**
     * Deduplication comes after scrubbing and enrichment, so an event they fail on is not
     * remembered: its retry fails again (both are dead letters, neither a duplicate), and once a fix
     * is deployed its replay is written at once instead of after {@code dedup.ttl}.
     */
    @Test
    void anEventEnrichmentFailsOnIsNotRememberedByDeduplication(@TempDir java.nio.file.Path dir) throws Exception {
        // A clock skew allowance of millions of years lets through an event date enrichment cannot
        // represent (more days since 1970 than an int holds): it stands for any bug in a stage after parsing.
        Map<String, Object> broken = fields(uuid(9_200_000), "page_view");
        broken.put("timestamp", 200_000_000_000_000_000L);
        String line = json(broken);
        Files.createDirectories(dir.resolve("raw"));
        Files.writeString(dir.resolve("raw/events.json"), line + "\n" + json(fields(uuid(9_200_001), "page_view")) + "\n" + line + "\n");

        Accounting run = LocalRunner.run(config(dir, "raw", "3000000000d"));
        assertThat(run.written).isEqualTo(1);
        assertThat(run.duplicates).as("the retry is not taken for a copy of a written event").isZero();
        assertThat(run.deadLettered()).isEqualTo(2);
        assertThat(run.toString()).contains("processing_error 2");
    }

    /**
     * Writes {@code count} page views to {@code raw/events.json}, every {@code every}-th from a
     * producer with a clock two days ahead: those break validation.max-future-skew (1d).
     */
    private static void writeEventsAheadOfTime(java.nio.file.Path dir, int firstId, int count, int every) throws java.io.IOException {
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < count; i++) {
            Map<String, Object> f = fields(uuid(firstId + i), "page_view");
            if (i % every == 0) {
                f.put("timestamp", Instant.now().plus(2, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS).toString());
            }
            input.append(json(f)).append('\n');
        }
        Files.createDirectories(dir.resolve("raw"));
        Files.writeString(dir.resolve("raw/events.json"), input);
    }

    private static JobConfig config(java.nio.file.Path dir, String input, String skew) {
        Map<String, String> keys = new HashMap<>();
        keys.put("input.path", dir.resolve(input).toString());
        keys.put("output.lake.path", dir.resolve("lake").toString());
        keys.put("output.dead-letter.path", dir.resolve("dead-letter").toString());
        keys.put("input.mode", "bounded");
        keys.put("validation.max-future-skew", skew);
        keys.put("web-ui.enabled", "false");
        keys.put("checkpoint.dir", dir.resolve("checkpoints").toUri().toString());
        return JobConfig.fromMap(keys);
    }
}
