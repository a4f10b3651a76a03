package io.clickstream.etl;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.metrics.Accounting;
import io.clickstream.generator.GeneratedRecord;
import io.clickstream.generator.GeneratorSettings;
import io.clickstream.generator.TrafficGenerator;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * MSF's autoscaling (on in the template) stops the job with a snapshot and starts it again at
 * another parallelism. The job goes 2 -> 3 -> 1 here, each time stopped while objects are being
 * read and small files wait for compaction: every event reaches the lake once, and Firehose
 * retries of events read before a change are still known as duplicates after it (the ids moved
 * with their key groups).
 */
class RescaleTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = FolderJob.cluster(2);

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH/", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final int PER_OBJECT = 400;

    @TempDir
    Path dir;

    private final Set<String> expected = new HashSet<>();
    private final List<GeneratedRecord> landed = new ArrayList<>();
    private int objects;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void stoppedWithASavepointAndResumedAtAnotherParallelismEveryEventIsWrittenOnce() throws Exception {
        Path lake = dir.resolve("lake");
        Files.createDirectories(dir.resolve("raw"));
        JobConfig config = FolderJob.config(dir, "input.mode", "continuous", "input.monitor-interval", "200ms",
                "checkpoint.interval", "500ms", "output.compaction.max-delay", "2s");

        String savepoint = null;
        int retried = 0;
        int[] parallelisms = {2, 3, 1};
        for (int round = 0; round < parallelisms.length; round++) {
            int parallelism = parallelisms[round];
            JobClient job = FolderJob.start(config, savepoint, env -> env.setParallelism(parallelism));
            try {
                if (round > 0) {
                    // Copies of events the job read before this change: Firehose retrying a delivery.
                    retried += retry(landed.subList(0, 150));
                }
                land(100 + 2 * round);
                LakeReader.awaitRows(lake, expected.size(), Duration.ofMinutes(2));
                land(101 + 2 * round); // stopped while these are listed, read, written or compacted
                savepoint = job.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(1, TimeUnit.MINUTES);
                Accounting run = new Accounting(job.getJobExecutionResult().get(1, TimeUnit.MINUTES).getAllAccumulatorResults());
                assertThat(run.balanced()).as("%s", run).isTrue();
                assertThat(run.deadLettered()).as("round %d at parallelism %d", round, parallelism).isZero();
                assertThat(run.duplicates).as("retries dropped at parallelism %d", parallelism).isEqualTo(round > 0 ? 150 : 0);
            } finally {
                if (!job.getJobStatus().get().isGloballyTerminalState()) {
                    job.cancel().get(1, TimeUnit.MINUTES);
                }
            }
        }

        // The last savepoint's objects, written by a final run at the first parallelism.
        JobClient last = FolderJob.start(config, savepoint, env -> env.setParallelism(2));
        try {
            LakeReader.assertHoldsEachOnce(lake, expected, Duration.ofMillis(2_500));
        } finally {
            last.cancel().get(1, TimeUnit.MINUTES);
        }
        assertThat(retried).isEqualTo(300);
    }

    /** Two Firehose-like objects of new events under the current UTC hour. */
    private void land(int seed) throws IOException {
        List<GeneratedRecord> records = TrafficGenerator.generate(GeneratorSettings.defaults().noFaults().seed(seed)
                .records(2 * PER_OBJECT).days(1).start(Instant.parse("2026-04-01T00:00:00Z")));
        write(records.subList(0, PER_OBJECT));
        write(records.subList(PER_OBJECT, 2 * PER_OBJECT));
        records.forEach(r -> expected.add(r.eventId()));
        landed.addAll(records);
    }

    private int retry(List<GeneratedRecord> copies) throws IOException {
        write(copies);
        return copies.size();
    }

    private void write(List<GeneratedRecord> records) throws IOException {
        Instant now = Instant.now();
        Path hour = dir.resolve("raw").resolve(HOUR.format(now));
        Files.createDirectories(hour);
        String name = "clicks-1-" + now.toEpochMilli() + "-" + objects++ + ".gz";
        // Written under a hidden name and renamed, so that it appears whole, as an S3 object does.
        Path hidden = hour.resolve("." + name);
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(hidden))) {
            for (GeneratedRecord r : records) {
                out.write((r.json() + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        Files.move(hidden, hour.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    }
}
