package io.clickstream.etl.bench;

import io.clickstream.etl.LocalRunner;
import io.clickstream.etl.local.EntryPoint;
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
import java.util.zip.CRC32;

/**
 * The throughput benchmark: generates N events as Firehose objects, then measures on the same input
 * and machine the floor (gunzip and split lines), a full Jackson parse, DuckDB's conversion to
 * Snappy Parquet by day at 1 and 2 threads, and the ETL job at parallelism 1 and 2, each in its own
 * JVM pinned to as many cores as it may use, repeated and reported as medians. The job also runs
 * on twice the input: the difference is its rate once started and warm, as a long-running stream
 * sees it.
 *
 * <p>Then the lake on live streams: the generator sends traffic in live time into a folder that the
 * job (parallelism 2, its defaults) watches, at {@code --steady-rate} events/s for
 * {@code --steady-seconds} and at 3,000 events/min for {@code --quiet-seconds} (longer than the
 * 15 min compaction delay, so that the delay until data is visible is measured); 0 skips either.
 *
 * <pre>--events 2000000 --seed 42 --runs 3 --steady-seconds 300 --steady-rate 20000 --quiet-seconds 1080 --work target/bench --report docs/performance.md</pre>
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

    /** Generated Firehose objects: where, how many events, how many bytes of JSON. */
    private static final class Input {
        final String path;
        final int events;
        final long bytes;

        Input(Path path, int events, long bytes) {
            this.path = path.toAbsolutePath().toString();
            this.events = events;
            this.bytes = bytes;
        }
    }

    /** One measurement: what runs, on which input, on how many cores, in which JVM. */
    private static final class Task {
        final String label;
        final int cores;
        final List<String> jvm;
        final Input input;
        final String[] args;
        final List<Map<String, Double>> results = new ArrayList<>();

        Task(String label, int cores, List<String> jvm, Input input, String kind, String... options) {
            this.label = label;
            this.cores = cores;
            this.jvm = jvm;
            this.input = input;
            List<String> args = new ArrayList<>(List.of(kind, input.path));
            args.addAll(List.of(options));
            this.args = args.toArray(new String[0]);
        }

        String key() {
            return args[0] + cores + (jvm == THROUGHPUT_JVM ? "" : "-default-jvm");
        }

        double eventsPerSecond() {
            return input.events / median("wall");
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

    public static void main(String[] args) {
        EntryPoint.run(() -> runCommand(args));
    }

    private static void runCommand(String[] args) throws Exception {
        int events = 2_000_000;
        long seed = 42;
        int runs = 3;
        Path work = Paths.get("flink-app/target/bench");
        Path report = Paths.get("docs/performance.md");
        int steadySeconds = 300;
        int steadyRate = 20_000;
        int quietSeconds = 1_080;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help": case "-h":
                    System.out.print(String.join("\n",
                            "Measures the job against DuckDB and Flink SQL on the same input and writes the table into the report.",
                            "  --events N           events of the generated input (default " + events + ")",
                            "  --seed N             the input's seed (default " + seed + ")",
                            "  --runs N             runs of each measurement; medians are reported (default " + runs + ")",
                            "  --steady-seconds N   length of the live stream at --steady-rate (default " + steadySeconds + ")",
                            "  --steady-rate N      events per second of that stream (default " + steadyRate + ")",
                            "  --quiet-seconds N    length of the quiet stream at 3,000 events/min (default " + quietSeconds + ")",
                            "  --work DIR           inputs and outputs (default " + work + ")",
                            "  --report FILE        the markdown file whose table is replaced (default " + report + ")",
                            ""));
                    return;
                case "--steady-seconds": steadySeconds = (int) EntryPoint.number(args, ++i, "--steady-seconds", 0, 86_400); break;
                case "--steady-rate": steadyRate = (int) EntryPoint.number(args, ++i, "--steady-rate", 1, 1_000_000); break;
                case "--quiet-seconds": quietSeconds = (int) EntryPoint.number(args, ++i, "--quiet-seconds", 0, 86_400); break;
                case "--events": events = (int) EntryPoint.number(args, ++i, "--events", 1, Integer.MAX_VALUE); break;
                case "--seed": seed = EntryPoint.number(args, ++i, "--seed", Long.MIN_VALUE, Long.MAX_VALUE); break;
                case "--runs": runs = (int) EntryPoint.number(args, ++i, "--runs", 1, 100); break;
                case "--work": work = Paths.get(EntryPoint.value(args, ++i, "--work")); break;
                case "--report": report = Paths.get(EntryPoint.value(args, ++i, "--report")); break;
                default:
                    System.err.println("Unknown option " + args[i] + " (known: --events --seed --runs --steady-seconds --steady-rate --quiet-seconds --work --report)");
                    System.exit(2);
            }
        }
        int cores = Runtime.getRuntime().availableProcessors();
        if (cores < 2) {
            System.err.println("The benchmark compares 1 and 2 cores; this machine has " + cores);
            System.exit(2);
        }
        Path raw = work.resolve("raw-uniform-" + events + "-" + seed);
        Input input = new Input(raw, events, generate(raw, events, seed));
        System.out.printf(Locale.ROOT, "Input: %,d events, %.1f MB uncompressed JSON in %s%n", events, input.bytes / 1e6, raw);
        // Twice the events: the job's rate once started and warm is what the second half adds.
        Path raw2 = work.resolve("raw-uniform-" + 2 * events + "-" + seed);
        Input twice = new Input(raw2, 2 * events, runs > 0 ? generate(raw2, 2 * events, seed) : 0);

        List<Task> tasks = List.of(
                new Task("floor: gunzip + split lines", 1, THROUGHPUT_JVM, input, "floor"),
                new Task("gunzip + Jackson parse of every field", 1, THROUGHPUT_JVM, input, "jackson"),
                new Task("the job's reader alone, into a discarding sink", 1, THROUGHPUT_JVM, input, "reader"),
                new Task("DuckDB COPY, columns declared, to Snappy Parquet by day, threads=1", 1, THROUGHPUT_JVM, input, "duckdb", "1"),
                new Task("DuckDB COPY, columns declared, to Snappy Parquet by day, threads=2", 2, THROUGHPUT_JVM, input, "duckdb", "2"),
                new Task("DuckDB COPY with schema inference (extra row), threads=1", 1, THROUGHPUT_JVM, input, "duckdb-infer", "1"),
                new Task("Flink SQL: JSON source, ROW_NUMBER dedup, Parquet sink by day, parallelism 1", 1, THROUGHPUT_JVM, input, "flinksql", "1"),
                new Task("Flink SQL: JSON source, ROW_NUMBER dedup, Parquet sink by day, parallelism 2", 2, THROUGHPUT_JVM, input, "flinksql", "2"),
                new Task("ETL job, parallelism 1", 1, THROUGHPUT_JVM, input, "job", "1"),
                new Task("ETL job, parallelism 2", 2, THROUGHPUT_JVM, input, "job", "2"),
                new Task("ETL job, parallelism 2, JVM defaults (G1, growing heap)", 2, DEFAULT_JVM, input, "job", "2"),
                new Task(String.format(Locale.ROOT, "ETL job, parallelism 2, twice the input (%,d events)", 2 * events), 2, THROUGHPUT_JVM,
                        twice, "job", "2"));
        for (int run = 1; run <= runs; run++) {
            for (Task task : tasks) {
                Path out = work.resolve("out");
                deleteTree(out);
                Map<String, Double> result = runTask(task, out);
                task.results.add(result);
                System.out.printf(Locale.ROOT, "run %d  %-50s %6.2f s  %,10.0f events/s%n", run, task.label, result.get("wall"),
                        task.input.events / result.get("wall"));
                deleteTree(out);
            }
        }
        // --runs 0 measures the live streams alone.
        String table = runs > 0 ? render(tasks, input, runs) + "\n" : "";
        if (steadySeconds > 0 || quietSeconds > 0) {
            table += streams(work.resolve("streams"), steadySeconds, steadyRate, quietSeconds);
        }
        System.out.println(table);
        writeReport(report, table, events, seed, runs, steadySeconds, steadyRate, quietSeconds);
        System.out.println("Written to " + report.toAbsolutePath());
    }

    /**
     * Generates clean traffic (no faults) into Firehose objects once per size, seed and generator
     * output; returns raw bytes. The input is kept between runs, marked with a checksum of the first
     * sessions, so a changed generator (or another day's dates) makes it again instead of
     * measuring stale input.
     */
    static long generate(Path raw, int events, long seed) throws IOException {
        int days = 4;
        GeneratorSettings settings = GeneratorSettings.defaults().seed(seed).records(events).days(days).noFaults()
                .start(LocalDate.now(ZoneOffset.UTC).minusDays(days + 1).atStartOfDay().toInstant(ZoneOffset.UTC));
        settings.backToBackRate = 0;
        settings.lateRate = 0;
        settings.uniformTypes = true;
        CRC32 firstSessions = new CRC32();
        TrafficGenerator sample = new TrafficGenerator(settings);
        for (long session = 0; session < 100; session++) {
            for (GeneratedRecord r : sample.session(session)) {
                firstSessions.update(r.wire());
            }
        }
        String fingerprint = Long.toHexString(firstSessions.getValue());
        Path marker = raw.resolve(".complete");
        if (Files.exists(marker)) {
            String[] made = Files.readString(marker).trim().split(" ");
            if (made.length == 2 && made[1].equals(fingerprint)) {
                return Long.parseLong(made[0]);
            }
        }
        deleteTree(raw);
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
        Files.writeString(marker, bytes + " " + fingerprint);
        return bytes;
    }

    /**
     * The lake on two live streams, each the job (parallelism 2, its defaults: 60 s checkpoints,
     * compaction at 128 MB or 15 min) watching a folder while the generator writes live traffic into
     * it: a busy one at {@code busyRate} events/s and a quiet one at 3,000 events/min.
     */
    static String streams(Path dir, int busySeconds, int busyRate, int quietSeconds) throws Exception {
        StringBuilder t = new StringBuilder();
        t.append("Live streams: the generator sending traffic in live time into a folder that the job (parallelism 2, "
                + "its defaults: 60 s checkpoints, compaction at 128 MB or 15 min) watches; files counted 80 s after the last "
                + "event, visible ones only (what Athena reads); \"first visible\" is the time from the first event sent until "
                + "the lake first showed data (the generator buffers like Firehose, up to 60 s, before an object lands). Events sent "
                + "include the generator's faults and retries, which never reach the lake:\n\n");
        t.append("| traffic | events sent | visible files | median MiB | smallest MiB | largest MiB | rows visible | "
                + "hidden files not yet compacted | first visible after | target |\n|---|---|---|---|---|---|---|---|---|---|\n");
        if (busySeconds > 0) {
            t.append(stream(dir.resolve("busy"), String.format(Locale.ROOT, "%,d events/s for %d s", busyRate, busySeconds),
                    busySeconds, busyRate, "files >= 64 MiB"));
        }
        if (quietSeconds > 0) {
            t.append(stream(dir.resolve("quiet"), String.format(Locale.ROOT, "3,000 events/min for %d min", quietSeconds / 60),
                    quietSeconds, 50, "visible within 15 min; about 100 files per partition and day"));
        }
        return t.toString();
    }

    /** One live stream; returns its table row. */
    static String stream(Path dir, String label, int seconds, double rate, String target) throws Exception {
        deleteTree(dir);
        Path raw = dir.resolve("raw");
        Path lake = dir.resolve("lake");
        Files.createDirectories(raw);
        String java = ProcessHandle.current().info().command().orElse("java");
        String cp = System.getProperty("java.class.path");
        // One temp folder for both JVMs, deleted when both are gone.
        Path tmp = dir.resolve("jvm-tmp");
        String tmpOption = tmpOption(tmp);
        List<String> jobCommand = new ArrayList<>(List.of(java));
        jobCommand.addAll(THROUGHPUT_JVM);
        jobCommand.add(tmpOption);
        jobCommand.addAll(List.of("-cp", cp, "io.clickstream.etl.LocalRunner",
                "--input.path", raw.toAbsolutePath().toString(), "--output.lake.path", lake.toAbsolutePath().toString(),
                "--output.dead-letter.path", dir.resolve("dead-letter").toAbsolutePath().toString(),
                "--checkpoint.dir", LocalRunner.location(dir.resolve("checkpoints")),
                "--input.monitor-interval", "5s", "--parallelism", "2", "--web-ui.enabled", "false"));
        Process job = new ProcessBuilder(jobCommand)
                .redirectErrorStream(true).redirectOutput(dir.resolve("job.log").toFile()).start();
        long started = System.nanoTime();
        Process generator = new ProcessBuilder(java, "-Xmx2g", tmpOption, "-cp", cp, "io.clickstream.generator.job.GeneratorJob",
                "--target", "local", "--output.path", raw.toAbsolutePath().toString(), "--rate", Double.toString(rate),
                "--duration", seconds + "s", "--time.mode", "live")
                .redirectErrorStream(true).redirectOutput(dir.resolve("generator.log").toFile()).start();
        try {
            double firstVisible = -1;
            double firstLanded = -1;
            // Poll while sending, then one checkpoint interval plus the monitor interval and slack, so the tail is committed.
            long settleUntil = Long.MAX_VALUE;
            while (System.nanoTime() < settleUntil) {
                if (firstLanded < 0 && !BenchTask.objects(raw).isEmpty()) {
                    firstLanded = (System.nanoTime() - started) / 1e9;
                }
                if (firstVisible < 0 && !visibleFiles(lake).isEmpty()) {
                    firstVisible = (System.nanoTime() - started) / 1e9;
                }
                if (settleUntil == Long.MAX_VALUE && !generator.isAlive()) {
                    if (generator.exitValue() != 0) {
                        throw new IllegalStateException("generator failed, see " + dir.resolve("generator.log"));
                    }
                    System.out.printf(Locale.ROOT, "stream %s: generator done after %.0f s; waiting for the last checkpoint%n",
                            label, (System.nanoTime() - started) / 1e9);
                    settleUntil = System.nanoTime() + 80_000_000_000L;
                }
                if (!job.isAlive()) {
                    throw new IllegalStateException("the job stopped, see " + dir.resolve("job.log"));
                }
                Thread.sleep(1_000);
            }
            List<Path> visibleFiles = visibleFiles(lake);
            List<Long> sizes = new ArrayList<>();
            for (Path f : visibleFiles) {
                sizes.add(Files.size(f));
            }
            long[] pending = new long[2];
            try (Stream<Path> files = Files.exists(lake) ? Files.walk(lake) : Stream.empty()) {
                files.filter(Files::isRegularFile).forEach(f -> {
                    String name = f.getFileName().toString();
                    // Pending files keep their in-progress names (..part-*.inprogress.*) until compaction
                    // commits them as .part-*, so both count, as does the file a subtask is still writing.
                    if (name.startsWith(".part-") || name.startsWith("..part-")) {
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
            long visibleRows = sizes.isEmpty() ? 0 : BenchTask.parquetRows(visibleFiles);
            Collections.sort(sizes);
            double mib = 1 << 20;
            String waiting = String.format(Locale.ROOT, "%d (%.1f MiB)", pending[0], pending[1] / mib);
            String visible = firstVisible < 0 ? "not yet" : String.format(Locale.ROOT, "%.0f s (%.0f s after the first object landed)",
                    firstVisible, firstVisible - firstLanded);
            return sizes.isEmpty()
                    ? String.format(Locale.ROOT, "| %s | %,d | 0 | - | - | - | 0 | %s | %s | %s |%n", label, sent, waiting, visible, target)
                    : String.format(Locale.ROOT, "| %s | %,d | %d | %.2f | %.2f | %.2f | %,d | %s | %s | %s |%n", label, sent, sizes.size(),
                    sizes.get(sizes.size() / 2) / mib, sizes.get(0) / mib, sizes.get(sizes.size() - 1) / mib, visibleRows, waiting, visible, target);
        } finally {
            generator.destroyForcibly();
            job.destroyForcibly();
            job.waitFor();
            generator.waitFor();
            deleteTree(tmp);
        }
    }

    /** Committed lake files a query reads: hidden {@code .part-*} files are still waiting for compaction. */
    private static List<Path> visibleFiles(Path lake) throws IOException {
        if (!Files.exists(lake)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(lake)) {
            return files.filter(f -> Files.isRegularFile(f) && f.getFileName().toString().matches("(compacted-)?part-.*\\.parquet"))
                    .collect(java.util.stream.Collectors.toList());
        } catch (java.io.UncheckedIOException vanished) {
            return visibleFiles(lake); // a hidden file deleted by compaction during the walk: look again
        }
    }

    private static Map<String, Double> runTask(Task task, Path out) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("taskset");
        command.add("-c");
        command.add(task.cores == 1 ? "0" : "0-" + (task.cores - 1));
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(task.jvm);
        Path tmp = out.resolveSibling("jvm-tmp");
        command.add(tmpOption(tmp));
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
        int exitCode = process.waitFor();
        deleteTree(tmp);
        if (exitCode != 0 || !output.contains("RESULT ")) {
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

    static String render(List<Task> tasks, Input input, int runs) {
        StringBuilder t = new StringBuilder();
        t.append(String.format(Locale.ROOT, "Medians of %d runs, %,d events (%.0f MB of JSON) unless the row says otherwise:%n%n",
                runs, input.events, input.bytes / 1e6));
        t.append("| measurement | cores | wall s | events/s | MB/s | CPU s | peak RSS MiB | output MB | files |\n");
        t.append("|---|---|---|---|---|---|---|---|---|\n");
        Map<String, Task> byKey = new LinkedHashMap<>();
        for (Task task : tasks) {
            double wall = task.median("wall");
            byKey.putIfAbsent(task.input == input ? task.key() : task.key() + "-twice", task);
            t.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %,.0f | %.1f | %.1f | %.0f | %.1f | %.0f |%n",
                    task.label, task.cores, wall, task.eventsPerSecond(), task.input.bytes / 1e6 / wall, task.median("cpu"),
                    task.median("rssMiB"), task.median("outBytes") / 1e6, task.median("outFiles")));
        }
        Map<String, Double> rate = new LinkedHashMap<>();
        byKey.forEach((key, task) -> rate.put(key, task.eventsPerSecond()));
        Task once = byKey.get("job2");
        Task twice = byKey.get("job2-twice");
        double warm = (twice.input.events - once.input.events) / (twice.median("wall") - once.median("wall"));
        t.append("\n| ratio | value | target |\n|---|---|---|\n");
        t.append(ratio("job / DuckDB (columns declared) at 1 core", rate.get("job1") / rate.get("duckdb1"), ""));
        t.append(ratio("job / DuckDB (columns declared) at 2 cores", rate.get("job2") / rate.get("duckdb2"), ">= 0.25"));
        t.append(ratio("job / Flink SQL at 1 core", rate.get("job1") / rate.get("flinksql1"), ""));
        t.append(ratio("job / Flink SQL at 2 cores", rate.get("job2") / rate.get("flinksql2"), ">= 1.8"));
        t.append(ratio("job parallelism 2 / parallelism 1", rate.get("job2") / rate.get("job1"), ">= 1.7"));
        t.append(ratio("job / DuckDB at 2 cores, job on JVM defaults", rate.get("job2-default-jvm") / rate.get("duckdb2"), ""));
        t.append(ratio("job / floor (gunzip + lines) at 1 core", rate.get("job1") / rate.get("floor1"), ""));
        t.append(ratio("job / Jackson parse at 1 core", rate.get("job1") / rate.get("jackson1"), ""));
        t.append(ratio("job at 2 cores / its reader alone at 1 core", rate.get("job2") / rate.get("reader1"), ""));
        t.append(String.format(Locale.ROOT, "%nOnce warm: the job at parallelism 2 on 2 cores takes %.2f s more for the second %,d events "
                + "of the doubled input than for the first: **%,.0f events/s** as a long-running stream sees it (start-up, the JIT's first "
                + "compilations and the final checkpoint are paid once), %.2f x its whole-process rate.%n",
                twice.median("wall") - once.median("wall"), twice.input.events - once.input.events, warm, warm / rate.get("job2")));
        return t.toString();
    }

    private static String ratio(String name, double value, String target) {
        return String.format(Locale.ROOT, "| %s | %.2f | %s |%n", name, value, target);
    }

    private static void writeReport(Path report, String table, int events, long seed, int runs, int steadySeconds, int steadyRate,
                                    int quietSeconds) throws IOException {
        String machine = String.format(Locale.ROOT, "%d cores (%s), %.0f GiB memory, %s %s",
                Runtime.getRuntime().availableProcessors(), cpuModel(),
                ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getTotalPhysicalMemorySize() / (double) (1L << 30),
                System.getProperty("java.vm.name"), System.getProperty("java.version"));
        String generated = "<!-- benchmark:start -->\n"
                + "Measured " + java.time.LocalDate.now(ZoneOffset.UTC) + " on " + machine + " with\n"
                + "`java -cp \"flink-app/target/classes:$(cat flink-app/target/classpath.txt)\" io.clickstream.etl.bench.Benchmark --events "
                + events + " --seed " + seed + " --runs " + runs + " --steady-seconds " + steadySeconds + " --steady-rate " + steadyRate
                + " --quiet-seconds " + quietSeconds + "`.\n\n" + table + "<!-- benchmark:end -->";
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

    /**
     * Gives a child JVM its own, empty temp folder. Flink unpacks a 21 MB RPC jar and makes working
     * folders there for every embedded cluster; a JVM that exits before its cluster has shut down (the
     * Flink SQL peer) or is killed (the live streams) leaves them, and the benchmark deletes them.
     */
    private static String tmpOption(Path folder) throws IOException {
        deleteTree(folder);
        return "-Djava.io.tmpdir=" + Files.createDirectories(folder).toAbsolutePath();
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
