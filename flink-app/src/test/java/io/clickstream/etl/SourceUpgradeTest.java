package io.clickstream.etl;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.metrics.Accounting;
import io.clickstream.etl.model.RawRecord;
import io.clickstream.etl.source.FirehoseObjectFormat;
import io.clickstream.generator.GeneratedRecord;
import io.clickstream.generator.GeneratorSettings;
import io.clickstream.generator.TrafficGenerator;

import org.apache.flink.connector.file.src.FileSource;
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
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Upgrading a running deployment: a job on the earlier builds' source (Flink's {@code FileSource},
 * which remembers every path) is stopped with a savepoint and resumed on the windowed source.
 * Objects land before, during and after the switch; each event reaches the lake exactly once.
 */
class SourceUpgradeTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = FolderJob.cluster(1);

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH/", Locale.ROOT).withZone(ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aFileSourceSavepointResumesOnTheWindowedSourceWithoutRereadingOrSkipping() throws Exception {
        Path raw = dir.resolve("raw");
        Path lake = dir.resolve("lake");
        Files.createDirectories(raw);
        JobConfig config = FolderJob.config(dir, "input.mode", "continuous", "input.monitor-interval", "200ms",
                "checkpoint.interval", "500ms", "output.compaction.max-delay", "2s");
        Set<String> expected = new HashSet<>();

        FileSource<RawRecord> earlier = FileSource
                .forBulkFileFormat(new FirehoseObjectFormat<>(config.maxRecordBytes, config.deadLetterMaxRawBytes),
                        new org.apache.flink.core.fs.Path(config.inputPath))
                .monitorContinuously(Duration.ofMillis(200))
                .build();
        JobClient before = FolderJob.start(config, null, env -> { }, earlier);
        String savepoint;
        try {
            land(raw, 0, expected);
            LakeReader.awaitRows(lake, expected.size(), Duration.ofMinutes(2));
            land(raw, 1, expected); // stopped while these are listed, read or committed
            savepoint = before.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(1, TimeUnit.MINUTES);
        } catch (Exception e) {
            before.cancel();
            throw e;
        }

        land(raw, 2, expected); // while no job runs
        JobClient after = FolderJob.start(config, savepoint, env -> { });
        try {
            LakeReader.awaitRows(lake, expected.size() - 3 * 400, Duration.ofMinutes(2));
            land(raw, 3, expected); // after the switch, under the current hour: found by the window rounds
            LakeReader.assertHoldsEachOnce(lake, expected, Duration.ofMillis(2_500));
            after.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(1, TimeUnit.MINUTES);
            // The lake alone cannot tell: deduplication would drop a re-read object's events. The source must not read one.
            Accounting resumed = new Accounting(after.getJobExecutionResult().get(1, TimeUnit.MINUTES).getAllAccumulatorResults());
            System.out.println("resumed job: " + resumed);
            assertThat(resumed.duplicates).as("events read twice").isZero();
            assertThat(resumed.recordsIn).isEqualTo(resumed.written).isPositive();
        } finally {
            if (!after.getJobStatus().get().isGloballyTerminalState()) {
                after.cancel().get(1, TimeUnit.MINUTES);
            }
        }
    }

    /** Three Firehose-like objects of 400 events each under the current UTC hour. */
    private static void land(Path raw, int batch, Set<String> expected) throws IOException {
        List<GeneratedRecord> records = TrafficGenerator.generate(GeneratorSettings.defaults().noFaults().seed(300 + batch)
                .records(1200).days(1).start(Instant.parse("2026-04-01T00:00:00Z")));
        Instant now = Instant.now();
        Path hour = raw.resolve(HOUR.format(now));
        Files.createDirectories(hour);
        for (int object = 0; object < 3; object++) {
            List<GeneratedRecord> part = records.subList(object * 400, (object + 1) * 400);
            String name = "clicks-1-" + now.toEpochMilli() + "-" + batch + "-" + object + ".gz";
            // Written under a hidden name and renamed, so that it appears whole, as an S3 object does.
            Path hidden = hour.resolve("." + name);
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(hidden))) {
                for (GeneratedRecord r : part) {
                    out.write((r.json() + "\n").getBytes(StandardCharsets.UTF_8));
                }
            }
            Files.move(hidden, hour.resolve(name), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            part.forEach(r -> expected.add(r.eventId()));
        }
    }
}
