package io.clickstream.etl;

import io.clickstream.etl.model.FailureType;
import io.clickstream.generator.Fate;
import io.clickstream.generator.FirehoseLocalWriter;
import io.clickstream.generator.GeneratedRecord;
import io.clickstream.generator.GeneratorSettings;
import io.clickstream.generator.TrafficGenerator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The local runner as a user runs it: a real JVM, killed with SIGKILL, resumed, or squeezed into 1 GiB. */
class ProcessRecoveryTest {

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aKilledJvmResumesFromItsLatestCheckpointWithoutLossOrDuplicates(@TempDir Path dir) throws Exception {
        Path raw = dir.resolve("raw");
        Path lake = dir.resolve("lake");
        Set<String> expected = new HashSet<>();
        List<GeneratedRecord> first = land(raw, 0, expected);
        List<String> command = runner(dir, "--input.mode", "continuous", "--input.monitor-interval", "200ms", "--input.sweep-interval", "200ms",
                "--checkpoint.interval", "500ms", "--output.compaction.max-delay", "2s");

        Process before = start(command, dir.resolve("before.log"));
        try {
            LakeReader.awaitRows(lake, expected.size(), Duration.ofMinutes(2));
            Thread.sleep(1_500); // a few more retained checkpoints after the commit
        } finally {
            before.destroyForcibly().waitFor(); // SIGKILL: no shutdown hooks, no final checkpoint
        }

        land(raw, 1, expected);
        Path retries = raw.resolve("2026/08/09/late-retries.json");
        Files.createDirectories(retries.getParent());
        Files.writeString(retries, first.stream().filter(r -> r.fate() == Fate.VALID).limit(200)
                .map(r -> r.json() + "\n").collect(Collectors.joining()));

        List<String> resume = new ArrayList<>(command);
        resume.addAll(List.of("--resume.from", "latest"));
        Process after = start(resume, dir.resolve("after.log"));
        try {
            LakeReader.awaitRows(lake, expected.size(), Duration.ofMinutes(2));
            Thread.sleep(1_500);
        } finally {
            after.destroyForcibly().waitFor();
        }
        assertThat(Files.readString(dir.resolve("after.log"))).contains("Resuming from file:");
        LakeReader.assertOnlyCommittedFilesVisible(lake);
        try (LakeReader reader = new LakeReader(lake)) {
            List<Map<String, Object>> rows = reader.query("SELECT event_id FROM events");
            assertThat(rows.stream().map(r -> (String) r.get("event_id")).collect(Collectors.toSet())).isEqualTo(expected);
            assertThat(rows).hasSize(expected.size());
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aJvmKilledWhileCompactingLosesAndDuplicatesNothing(@TempDir Path dir) throws Exception {
        Path raw = dir.resolve("raw");
        Path lake = dir.resolve("lake");
        Set<String> expected = new HashSet<>();
        // Compaction every few checkpoints, over files large enough that a rewrite takes a while;
        // one round with small row groups, so that its files' row groups are copied instead.
        List<String> command = runner(dir, "--input.mode", "continuous", "--input.monitor-interval", "200ms", "--input.sweep-interval", "200ms",
                "--checkpoint.interval", "300ms", "--output.compaction.max-delay", "1200ms");
        int killedMidCompaction = 0;
        for (int round = 0; round < 3; round++) {
            land(raw, 2 + round, expected, 30_000);
            List<String> run = new ArrayList<>(command);
            if (round > 0) {
                run.addAll(List.of("--resume.from", "latest"));
            }
            if (round == 1) {
                // Row groups small enough that each checkpoint's files fill several: compaction copies them.
                run.addAll(List.of("--output.parquet.row-group-size", "64kb"));
            }
            // A killed run leaves its in-progress file behind: wait for one this run starts.
            Set<String> leftOver = files(lake);
            Process job = start(run, dir.resolve("round-" + round + ".log"));
            try {
                // SIGKILL the moment a compacted file is being written (its in-progress file exists).
                if (awaitFile(lake, n -> n.startsWith(".compacted-part-") && n.contains(".inprogress") && !leftOver.contains(n),
                        Duration.ofMinutes(1))) {
                    killedMidCompaction++;
                }
            } finally {
                job.destroyForcibly().waitFor();
            }
        }
        assertThat(killedMidCompaction).as("kills that hit a compaction in progress").isPositive();

        List<String> resume = new ArrayList<>(command);
        resume.addAll(List.of("--resume.from", "latest", "--output.parquet.row-group-size", "64kb"));
        Process last = start(resume, dir.resolve("final.log"));
        try {
            LakeReader.awaitRows(lake, expected.size(), Duration.ofMinutes(2));
            Thread.sleep(1_500);
        } finally {
            last.destroyForcibly().waitFor();
        }
        LakeReader.assertOnlyCommittedFilesVisible(lake);
        try (LakeReader reader = new LakeReader(lake)) {
            List<Map<String, Object>> rows = reader.query("SELECT event_id, count(*) AS n FROM events GROUP BY event_id");
            assertThat(rows.stream().map(r -> (String) r.get("event_id")).collect(Collectors.toSet())).isEqualTo(expected);
            assertThat(rows).allSatisfy(r -> assertThat(((Number) r.get("n")).longValue()).as("copies of %s", r.get("event_id")).isEqualTo(1L));
        }
        String logs = Files.readString(dir.resolve("round-0.log")) + Files.readString(dir.resolve("round-1.log"))
                + Files.readString(dir.resolve("round-2.log")) + Files.readString(dir.resolve("final.log"));
        assertThat(logs).as("both ways of compacting ran").contains("by copying their row groups", "by writing their records again");
        System.out.printf("killed %d of 3 runs while a compacted file was being written; %,d events exactly once%n",
                killedMidCompaction, expected.size());
    }

    /**
     * Starts without saved state after SIGKILLs: each run is killed the moment the lake commits a
     * file it wrote (between that commit and the next checkpoint), and the next run starts fresh
     * over the same raw root, new objects landing between runs. The lake's footers are its ledger:
     * a final fresh bounded run leaves every valid event in the lake once and every bad record in
     * the dead letters once.
     */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void startsWithoutStateAfterKillsWriteEachRecordOnce(@TempDir Path dir) throws Exception {
        Path raw = dir.resolve("raw");
        Path lake = dir.resolve("lake");
        Set<String> expected = new HashSet<>();
        List<GeneratedRecord> traffic = new ArrayList<>(land(raw, 5, expected, 30_000));
        List<String> command = runner(dir, "--input.mode", "continuous", "--input.monitor-interval", "200ms", "--input.sweep-interval", "200ms",
                "--checkpoint.interval", "300ms", "--output.compaction.max-delay", "1200ms");
        int killedAfterCommit = 0;
        for (int round = 0; round < 3; round++) {
            if (round > 0) {
                traffic.addAll(land(raw, 5 + round, expected, 10_000));
            }
            Set<String> committed = files(lake);
            Process job = start(command, dir.resolve("fresh-" + round + ".log"));
            try {
                if (awaitFile(lake, name -> LakeReader.LAKE_FILE.matcher(name).matches() && !committed.contains(name), Duration.ofMinutes(1))) {
                    killedAfterCommit++;
                }
            } finally {
                job.destroyForcibly().waitFor();
            }
        }
        assertThat(killedAfterCommit).as("runs killed right after a commit").isEqualTo(3);

        Process last = start(runner(dir, "--input.mode", "bounded"), dir.resolve("final.log"));
        assertThat(last.waitFor(3, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(dir.resolve("final.log"));
        assertThat(log).contains("Started without saved state: the lake and the dead letters already hold", "BALANCED");
        LakeReader.assertOnlyCommittedFilesVisible(lake);
        try (LakeReader reader = new LakeReader(lake)) {
            List<Map<String, Object>> rows = reader.query("SELECT event_id, count(*) AS n FROM events GROUP BY event_id");
            assertThat(rows.stream().map(r -> (String) r.get("event_id")).collect(Collectors.toSet())).isEqualTo(expected);
            assertThat(rows).allSatisfy(r -> assertThat(((Number) r.get("n")).longValue()).as("copies of %s", r.get("event_id")).isEqualTo(1L));
        }
        Map<FailureType, List<String>> dead = DeadLetters.rawTextsByType(dir.resolve("dead-letter"));
        for (Fate fate : List.of(Fate.MALFORMED, Fate.SCHEMA_VIOLATION, Fate.ID_CONFLICT)) {
            FailureType type = fate == Fate.MALFORMED ? FailureType.MALFORMED_JSON
                    : fate == Fate.SCHEMA_VIOLATION ? FailureType.SCHEMA_VIOLATION : FailureType.ID_CONFLICT;
            assertThat(dead.getOrDefault(type, List.of())).as("dead letters of type %s", type).containsExactlyInAnyOrderElementsOf(
                    traffic.stream().filter(r -> r.fate() == fate).map(GeneratedRecord::json).collect(Collectors.toList()));
        }
        System.out.printf("3 runs killed right after a commit, each started without state; %,d events once, %s%n", expected.size(),
                log.lines().filter(l -> l.startsWith("ACCOUNTING")).findFirst().orElse(""));
    }

    /** The names of the files under a folder tree (none if it does not exist). */
    private static Set<String> files(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return Set.of();
        }
        try (java.util.stream.Stream<Path> files = Files.walk(root)) {
            return files.map(f -> f.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /** Polls a folder tree every few milliseconds for a file whose name matches; false on timeout. */
    private static boolean awaitFile(Path root, java.util.function.Predicate<String> name, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(root)) {
                try (java.util.stream.Stream<Path> files = Files.walk(root)) {
                    if (files.anyMatch(f -> name.test(f.getFileName().toString()))) {
                        return true;
                    }
                } catch (java.io.UncheckedIOException | java.io.IOException vanished) {
                    // a file went away during the walk: look again
                }
            }
            Thread.sleep(5);
        }
        return false;
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aBackfillOver400DaysRunsInA1GiBJvm(@TempDir Path dir) throws Exception {
        List<GeneratedRecord> traffic = TrafficGenerator.generate(GeneratorSettings.defaults().seed(400).records(250_000).days(400)
                .start(Instant.parse("2025-01-01T00:00:00Z")));
        // A backlog as large objects (one buffer per simulated day), not a quarter million tiny ones.
        new FirehoseLocalWriter(dir.resolve("raw"), "clickstream", 5L << 20, 86_400_000L, 400).write(traffic);
        // Checkpoints in their default folder, under the JVM's temp folder.
        List<String> command = runner(dir, "--input.mode", "bounded");
        command.subList(command.indexOf("--checkpoint.dir"), command.indexOf("--checkpoint.dir") + 2).clear();
        Process job = start(command, dir.resolve("backfill.log"));
        assertThat(job.waitFor(3, TimeUnit.MINUTES)).isTrue();
        String log = Files.readString(dir.resolve("backfill.log"));
        assertThat(log).doesNotContain("OutOfMemoryError").contains("BALANCED");
        assertThat(job.exitValue()).isZero();
        // A run that ends cleanly waits for its embedded cluster to shut down, which removes the
        // cluster's working folder and the RPC jar Flink unpacked (21 MB per run otherwise), and
        // leaves no empty default checkpoint folder for its lake.
        assertThat(new JvmTempFolder(dir).leftovers()).isEmpty();
        try (LakeReader reader = new LakeReader(dir.resolve("lake"))) {
            long days = ((Number) reader.query("SELECT count(DISTINCT event_date) AS n FROM events").get(0).get("n")).longValue();
            assertThat(days).isGreaterThanOrEqualTo(395);
            assertThat(reader.count()).isEqualTo(traffic.stream().filter(r -> r.fate() == Fate.VALID).count());
        }
    }

    /**
     * The local runner in its own JVM with a 1 GiB heap (job manager and task manager together), and
     * its own temp folder: a killed JVM leaves Flink's temporary files behind, and there they go with
     * the test's folder.
     */
    private static List<String> runner(Path dir, String... extra) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-Xmx1g", "-XX:MaxDirectMemorySize=256m",
                new JvmTempFolder(dir).option(),
                // The job's own logging, not the test classpath's silent configuration.
                "-Dlog4j.configurationFile=log4j2.properties",
                "-cp", System.getProperty("java.class.path"), LocalRunner.class.getName(),
                "--input.path", dir.resolve("raw").toString(),
                "--output.lake.path", dir.resolve("lake").toString(),
                "--output.dead-letter.path", dir.resolve("dead-letter").toString(),
                "--checkpoint.dir", dir.resolve("checkpoints").toUri().toString(),
                "--web-ui.enabled", "false",
                "--parallelism", "2"));
        command.addAll(List.of(extra));
        return command;
    }

    private static Process start(List<String> command, Path log) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static List<GeneratedRecord> land(Path raw, int batch, Set<String> expected) throws IOException {
        return land(raw, batch, expected, 4_000);
    }

    private static List<GeneratedRecord> land(Path raw, int batch, Set<String> expected, int records) throws IOException {
        List<GeneratedRecord> traffic = TrafficGenerator.generate(GeneratorSettings.defaults().seed(700 + batch)
                .records(records).days(1).start(Instant.parse("2026-08-0" + (batch + 1) + "T00:00:00Z")));
        FirehoseLocalWriter.withDefaults(raw, batch).write(traffic);
        traffic.stream().filter(r -> r.fate() == Fate.VALID).forEach(r -> expected.add(r.eventId()));
        return traffic;
    }
}
