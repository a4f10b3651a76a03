package io.clickstream.etl.bench;

import io.clickstream.generator.FirehoseObjectWriter;
import io.clickstream.generator.GeneratedRecord;
import io.clickstream.generator.GeneratorSettings;
import io.clickstream.generator.TrafficGenerator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The throughput benchmark: generates N events as Firehose objects, then measures on the same input
 * and machine the floor (gunzip and split lines), a full Jackson parse, DuckDB's conversion to
 * Snappy Parquet by day at 1 and 2 threads, and the ETL job at parallelism 1 and 2, each in its own
 * JVM pinned to as many cores as it may use, repeated and reported as medians.
 *
 * <p>Then, unless {@code --steady-seconds 0}, the output quality on a steady stream: the generator
 * sends live traffic at {@code --steady-rate} events/s into a folder that the job (parallelism 2,
 * default 60 s checkpoints) watches, and the committed lake files are measured.
 *
 * <pre>--events 2000000 --seed 42 --runs 3 --steady-seconds 300 --steady-rate 20000 --work target/bench --report docs/performance.md</pre>
 */
public final class Benchmark {

    /**
     * The JVM of every measured Java process, set up like a Flink TaskManager for throughput: a heap
     * fixed at its size (Flink's start scripts set {@code -Xms} to {@code -Xmx}) and the throughput
     * collector. MSF chooses its own JVM settings, so the job also runs once more with the JVM's
     * defaults (G1, a heap that starts small and grows) for reference.
     */
    static final List<String> THROUGHPUT_JVM = List.of("-Xms4g", "-Xmx4g", "-XX:+UseParallelGC");
    static final List<String> DEFAULT_JVM = List.of("-Xmx4g");

    /** One measurement: what runs, on how many cores, in which JVM. */
    private static final class Task {
        final String label;
        final int cores;
        final List<String> jvm;
        final String[] args;
        final List<Map<String, Double>> results = new ArrayList<>();

        Task(String label, int cores, List<String> jvm, String... args) {
            this.label = label;
            this.cores = cores;
            this.jvm = jvm;
            this.args = args;
        }

        String key() {
            return args[0] + cores + (jvm == THROUGHPUT_JVM ? "" : "-default-jvm");
        }

        double median(String key) {
            List<Double> values = new ArrayList<>();
            results.forEach(r -> values.add(r.get(key)));
            Collections.sort(values);
            return values.get(values.size() / 2);
        }
    }

    private Benchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = 2_000_000;
        long seed = 42;
        int runs = 3;
        Path work = Paths.get("flink-app/target/bench");
        Path report = Paths.get("docs/performance.md");
        int steadySeconds = 300;
        int steadyRate = 20_000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--steady-seconds": steadySeconds = Integer.parseInt(args[++i]); break;
                case "--steady-rate": steadyRate = Integer.parseInt(args[++i]); break;
                case "--events": events = Integer.parseInt(args[++i]); break;
                case "--seed": seed = Long.parseLong(args[++i]); break;
                case "--runs": runs = Integer.parseInt(args[++i]); break;
                case "--work": work = Paths.get(args[++i]); break;
                case "--report": report = Paths.get(args[++i]); break;
                default:
                    System.err.println("Unknown option " + args[i] + " (known: --events --seed --runs --steady-seconds --steady-rate --work --report)");
                    System.exit(2);
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (cores < 2) {
            System.err.println("The benchmark compares 1 and 2 cores; this machine has " + cores);
            System.exit(2);
        }
        Path raw = work.resolve("raw-uniform-" + events + "-" + seed);
        long rawBytes = generate(raw, events, seed);
        System.out.printf(Locale.ROOT, "Input: %,d events, %.1f MB uncompressed JSON in %s%n", events, rawBytes / 1e6, raw);

        String rawPath = raw.toAbsolutePath().toString();
        List<Task> tasks = List.of(
                new Task("floor: gunzip + split lines", 1, THROUGHPUT_JVM, "floor", rawPath),
                new Task("gunzip + Jackson parse of every field", 1, THROUGHPUT_JVM, "jackson", rawPath),
                new Task("DuckDB COPY, columns declared, to Snappy Parquet by day, threads=1", 1, THROUGHPUT_JVM, "duckdb", rawPath, "1"),
                new Task("DuckDB COPY, columns declared, to Snappy Parquet by day, threads=2", 2, THROUGHPUT_JVM, "duckdb", rawPath, "2"),
                new Task("DuckDB COPY with schema inference (extra row), threads=1", 1, THROUGHPUT_JVM, "duckdb-infer", rawPath, "1"),
                new Task("Flink SQL: JSON source, ROW_NUMBER dedup, Parquet sink by day, parallelism 1", 1, THROUGHPUT_JVM, "flinksql", rawPath, "1"),
                new Task("Flink SQL: JSON source, ROW_NUMBER dedup, Parquet sink by day, parallelism 2", 2, THROUGHPUT_JVM, "flinksql", rawPath, "2"),
                new Task("ETL job, parallelism 1", 1, THROUGHPUT_JVM, "job", rawPath, "1"),
                new Task("ETL job, parallelism 2", 2, THROUGHPUT_JVM, "job", rawPath, "2"),
                new Task("ETL job, parallelism 2, JVM defaults (G1, growing heap)", 2, DEFAULT_JVM, "job", rawPath, "2"));
        for (int run = 1; run <= runs; run++) {
            for (Task task : tasks) {
                Path out = work.resolve("out");
                deleteTree(out);
                Map<String, Double> result = runTask(task, out);
                task.results.add(result);
                System.out.printf(Locale.ROOT, "run %d  %-50s %6.2f s  %,10.0f events/s%n", run, task.label, result.get("wall"), events / result.get("wall"));
                deleteTree(out);
            }
        }
        String table = render(tasks, events, rawBytes, runs);
        if (steadySeconds > 0) {
            table += "\n" + steadyStream(work.resolve("steady"), steadySeconds, steadyRate);
        }
        System.out.println(table);
        writeReport(report, table, events, seed, runs, steadySeconds, steadyRate);
        System.out.println("Written to " + report.toAbsolutePath());
    }

    /** Generates clean traffic (no faults) into Firehose objects once per size and seed; returns raw bytes. */
    static long generate(Path raw, int events, long seed) throws IOException {
        Path marker = raw.resolve(".complete");
        if (Files.exists(marker)) {
            return Long.parseLong(Files.readString(marker).trim());
        }
        deleteTree(raw);
        int days = 4;
        GeneratorSettings settings = GeneratorSettings.defaults().seed(seed).records(events).days(days).noFaults()
                .start(LocalDate.now(ZoneOffset.UTC).minusDays(days + 1).atStartOfDay().toInstant(ZoneOffset.UTC));
        settings.backToBackRate = 0;
        settings.lateRate = 0;
        settings.uniformTypes = true;
        TrafficGenerator traffic = new TrafficGenerator(settings);
        // Firehose's largest buffers (128 MiB is the maximum; 5 MiB and 900 s here) at a steady arrival clock.
        FirehoseObjectWriter objects = new FirehoseObjectWriter(raw, "clickstream", 5L << 20, 900_000L, seed);
        long arrival = Instant.now().minusSeconds(86_400L * days).toEpochMilli();
        long step = Math.max(1, 86_400_000L * days / events);
        long bytes = 0;
        int written = 0;
        for (long session = 0; written < events; session++) {
            for (GeneratedRecord r : traffic.session(session)) {
                if (written == events) {
                    break;
                }
                byte[] wire = r.wire();
                objects.add(wire, arrival += step);
                bytes += wire.length;
                written++;
            }
        }
        objects.flush();
        Files.writeString(marker, Long.toString(bytes));
        return bytes;
    }

    /**
     * The job watching a folder while the generator writes live traffic into it; returns a table of
     * the committed lake files. Part files are visible only once committed, so every file counted
     * is one a query would read.
     */
    static String steadyStream(Path dir, int seconds, int rate) throws IOException, InterruptedException {
        deleteTree(dir);
        Path raw = dir.resolve("raw");
        Path lake = dir.resolve("lake");
        Files.createDirectories(raw);
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        List<String> jobCommand = new ArrayList<>(List.of(java));
        jobCommand.addAll(THROUGHPUT_JVM);
        jobCommand.addAll(List.of("-cp", cp, "io.clickstream.etl.LocalRunner",
                "--input.path", raw.toAbsolutePath().toString(), "--output.lake.path", lake.toAbsolutePath().toString(),
                "--output.dead-letter.path", dir.resolve("dead-letter").toAbsolutePath().toString(),
                "--checkpoint.dir", dir.resolve("checkpoints").toUri().toString(),
                "--input.monitor-interval", "5s", "--parallelism", "2", "--web-ui.enabled", "false"));
        Process job = new ProcessBuilder(jobCommand)
                .redirectErrorStream(true).redirectOutput(dir.resolve("job.log").toFile()).start();
        long started = System.nanoTime();
        Process generator = new ProcessBuilder(java, "-Xmx2g", "-cp", cp, "io.clickstream.generator.job.GeneratorJob",
                "--target", "local", "--output.path", raw.toAbsolutePath().toString(), "--rate", Integer.toString(rate),
                "--duration", seconds + "s", "--time.mode", "live")
                .redirectErrorStream(true).redirectOutput(dir.resolve("generator.log").toFile()).start();
        try {
            if (generator.waitFor() != 0) {
                throw new IllegalStateException("generator failed, see " + dir.resolve("generator.log"));
            }
            double sendSeconds = (System.nanoTime() - started) / 1e9;
            System.out.printf(Locale.ROOT, "steady stream: generator done after %.0f s; waiting for the last checkpoint%n", sendSeconds);
            // One checkpoint interval plus the monitor interval and slack, so the tail is committed.
            Thread.sleep(80_000);
            if (!job.isAlive()) {
                throw new IllegalStateException("the job stopped, see " + dir.resolve("job.log"));
            }
            // Visible files only (what Athena reads); hidden .part-* files are still waiting for compaction.
            List<Long> sizes = new ArrayList<>();
            long[] pending = new long[2];
            try (Stream<Path> files = Files.exists(lake) ? Files.walk(lake) : Stream.empty()) {
                files.filter(Files::isRegularFile).forEach(f -> {
                    String name = f.getFileName().toString();
                    if (name.matches("(compacted-)?part-.*\\.parquet")) {
                        sizes.add(f.toFile().length());
                    } else if (name.startsWith(".part-") && !name.contains(".inprogress")) {
                        pending[0]++;
                        pending[1] += f.toFile().length();
                    }
                });
            }
            long sent = 0;
            for (Path object : BenchTask.objects(raw)) {
                try (Stream<String> lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                        new java.util.zip.GZIPInputStream(Files.newInputStream(object)), StandardCharsets.UTF_8)).lines()) {
                    sent += lines.count();
                }
            }
            Collections.sort(sizes);
            double mib = 1 << 20;
            StringBuilder t = new StringBuilder();
            t.append(String.format(Locale.ROOT, "Steady stream: the generator sending live traffic at %,d events/s for %d s "
                    + "(%,d events sent: %,.0f events/s over the sending time); the job at parallelism 2 watching the folder "
                    + "with its defaults (60 s checkpoints, compaction at 128 MB or 15 min), measured 80 s after the last event:%n%n",
                    rate, seconds, sent, sent / (double) seconds));
            t.append("| visible lake files | median MiB | smallest MiB | largest MiB | total MiB | hidden files waiting for compaction | target |\n"
                    + "|---|---|---|---|---|---|---|\n");
            String waiting = String.format(Locale.ROOT, "%d (%.1f MiB)", pending[0], pending[1] / mib);
            t.append(sizes.isEmpty() ? "| 0 | - | - | - | - | " + waiting + " | files >= 64 MiB |\n"
                    : String.format(Locale.ROOT, "| %d | %.2f | %.2f | %.2f | %.1f | %s | files >= 64 MiB |%n", sizes.size(),
                    sizes.get(sizes.size() / 2) / mib, sizes.get(0) / mib, sizes.get(sizes.size() - 1) / mib,
                    sizes.stream().mapToLong(Long::longValue).sum() / mib, waiting));
            return t.toString();
        } finally {
            generator.destroyForcibly();
            job.destroyForcibly();
            job.waitFor();
        }
    }

    private static Map<String, Double> runTask(Task task, Path out) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("taskset");
        command.add("-c");
        command.add(task.cores == 1 ? "0" : "0-" + (task.cores - 1));
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(task.jvm);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(BenchTask.class.getName());
        command.add(task.args[0]);
        command.add(task.args[1]);
        command.add(out.toAbsolutePath().toString());
        for (int i = 2; i < task.args.length; i++) {
            command.add(task.args[i]);
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0 || !output.contains("RESULT ")) {
            throw new IllegalStateException(task.label + " failed:\n" + output);
        }
        String line = output.substring(output.lastIndexOf("RESULT ") + 7).split("\n")[0];
        Map<String, Double> result = new LinkedHashMap<>();
        for (String pair : line.trim().split(" ")) {
            String[] kv = pair.split("=");
            result.put(kv[0], Double.parseDouble(kv[1]));
        }
        return result;
    }

    static String render(List<Task> tasks, int events, long rawBytes, int runs) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "Medians of %d runs, %,d events (%.0f MB of JSON):%n%n", runs, events, rawBytes / 1e6));
        t.append("| measurement | cores | wall s | events/s | MB/s | CPU s | peak RSS MiB | output MB | files |\n");
        t.append("|---|---|---|---|---|---|---|---|---|\n");
        Map<String, Double> rate = new LinkedHashMap<>();
        for (Task task : tasks) {
            double wall = task.median("wall");
            rate.put(task.key(), events / wall);
            t.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %,.0f | %.1f | %.1f | %.0f | %.1f | %.0f |%n",
                    task.label, task.cores, wall, events / wall, rawBytes / 1e6 / wall, task.median("cpu"), task.median("rssMiB"),
                    task.median("outBytes") / 1e6, task.median("outFiles")));
        }
        t.append("\n| ratio | value | target |\n|---|---|---|\n");
        t.append(ratio("job / DuckDB (columns declared) at 1 core", rate.get("job1") / rate.get("duckdb1"), ""));
        t.append(ratio("job / DuckDB (columns declared) at 2 cores", rate.get("job2") / rate.get("duckdb2"), ">= 0.25"));
        t.append(ratio("job / Flink SQL at 1 core", rate.get("job1") / rate.get("flinksql1"), ""));
        t.append(ratio("job / Flink SQL at 2 cores", rate.get("job2") / rate.get("flinksql2"), ">= 1.8"));
        t.append(ratio("job parallelism 2 / parallelism 1", rate.get("job2") / rate.get("job1"), ">= 1.7"));
        t.append(ratio("job / DuckDB at 2 cores, job on JVM defaults", rate.get("job2-default-jvm") / rate.get("duckdb2"), ""));
        t.append(ratio("job / floor (gunzip + lines) at 1 core", rate.get("job1") / rate.get("floor1"), ""));
        t.append(ratio("job / Jackson parse at 1 core", rate.get("job1") / rate.get("jackson1"), ""));
        return t.toString();
    }

    private static String ratio(String name, double value, String target) {
        return String.format(Locale.ROOT, "| %s | %.2f | %s |%n", name, value, target);
    }

    private static void writeReport(Path report, String table, int events, long seed, int runs, int steadySeconds, int steadyRate) throws IOException {
        String machine = String.format(Locale.ROOT, "%d cores (%s), %.0f GiB memory, %s %s",
                Runtime.getRuntime().availableProcessors(), cpuModel(),
                ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalPhysicalMemorySize() / (double) (1L << 30),
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        String generated = "<!-- benchmark:start -->\n"
                + "Measured " + java.time.LocalDate.now(ZoneOffset.UTC) + " on " + machine + " with\n"
                + "`java -cp \"flink-app/target/classes:$(cat flink-app/target/classpath.txt)\" io.clickstream.etl.bench.Benchmark --events "
                + events + " --seed " + seed + " --runs " + runs + " --steady-seconds " + steadySeconds + " --steady-rate " + steadyRate
                + "`.\n\n" + table + "<!-- benchmark:end -->";
        String text = Files.exists(report) ? Files.readString(report) : "# Performance\n\n<!-- benchmark:start -->\n<!-- benchmark:end -->\n";
        int start = text.indexOf("<!-- benchmark:start -->");
        int end = text.indexOf("<!-- benchmark:end -->");
        text = start >= 0 && end > start
                ? text.substring(0, start) + generated + text.substring(end + "<!-- benchmark:end -->".length())
                : text + "\n" + generated + "\n";
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, text);
    }

    private static String cpuModel() {
        try (Stream<String> lines = Files.lines(Paths.get("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
