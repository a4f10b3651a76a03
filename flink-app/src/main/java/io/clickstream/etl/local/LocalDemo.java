package io.clickstream.etl.local;

import io.clickstream.etl.LocalRunner;
import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.metrics.Accounting;
import io.clickstream.generator.Fate;
import io.clickstream.generator.FirehoseLocalWriter;
import io.clickstream.generator.GeneratedRecord;
import io.clickstream.generator.GeneratorSettings;
import io.clickstream.generator.TrafficGenerator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The README's first command: writes sample traffic in Firehose's layout into the demo's own folder
 * ({@code ./data/demo} unless {@code --data} says otherwise), runs the job on an embedded cluster
 * with the web UI, prints the accounting and answers a few questions over the lake with DuckDB and,
 * when a JDK for it is here, with Trino. {@code --watch} keeps the job running on new objects.
 *
 * <p>The demo deletes only what it created: a marker file in its folder lists the raw objects it
 * wrote, and a folder without the marker is refused. Objects someone else added to its raw folder
 * are kept unless {@code --fresh} says to delete them too.
 */
public final class LocalDemo {

    /** In the demo's folder: the raw objects the demo wrote there, one relative path per line. */
    static final String MARKER = ".clickstream-demo";
    /** The folders of a demo run, all made by the demo or by the job it ran. */
    private static final List<String> OWN = List.of("raw", "lake", "dead-letter", "checkpoints");
    static final String USAGE = String.join("\n",
            "Runs the clickstream ETL on sample traffic in its own folder and queries the lake.",
            "  --data DIR     the demo's folder (default data/demo); refused if something else made it",
            "  --records N    records to generate (default 300000), held in memory at about 2 KB each; for millions, use the generator",
            "  --watch        keep the job running on new objects in DIR/raw; Ctrl+C stops it with a savepoint",
            "  --resume       go on watching where the last --watch run stopped (its savepoint), over the same folder, without new sample traffic",
            "  --fresh        also delete objects in DIR/raw that the demo did not write",
            "");

    private LocalDemo() {
    }

    /** The demo's command line. */
    static final class Options {
        boolean help;
        boolean watch;
        boolean resume;
        boolean fresh;
        boolean recordsGiven;
        int records = 300_000;
        Path data = Paths.get("data", "demo");

        /** @throws IllegalArgumentException with a one-line reason for an unknown option or a bad value */
        static Options parse(String... args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--help": case "-h": o.help = true; break;
                    case "--watch": o.watch = true; break;
                    case "--resume": o.resume = true; o.watch = true; break;
                    case "--fresh": o.fresh = true; break;
                    case "--records": o.records = positive("--records", EntryPoint.value(args, ++i, "--records")); o.recordsGiven = true; break;
                    case "--data": o.data = Paths.get(EntryPoint.value(args, ++i, "--data")); break;
                    default:
                        throw new IllegalArgumentException("Unknown option " + args[i] + " (known: --data DIR, --records N, --watch, --resume, --fresh;"
                                + " --help explains them)");
                }
            }
            if (o.resume && (o.fresh || o.recordsGiven)) {
                throw new IllegalArgumentException("--resume goes on with the previous run's folder and traffic: it takes neither --fresh nor --records");
            }
            return o;
        }

        private static int positive(String option, String value) {
            try {
                int n = Integer.parseInt(value.replace("_", "").replace(",", ""));
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException notANumber) {
                // reported below, with the value
            }
            throw new IllegalArgumentException(option + " '" + value + "': expected a positive number of records, up to " + Integer.MAX_VALUE);
        }
    }

    public static void main(String[] args) {
        EntryPoint.run(() -> runCommand(args));
    }

    private static void runCommand(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException bad) {
            System.err.println(bad.getMessage());
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.print(USAGE);
            return;
        }
        String tooMany = tooManyForTheHeap(options.records, Runtime.getRuntime().maxMemory());
        if (tooMany != null) {
            System.err.println(tooMany);
            System.exit(2);
            return;
        }
        boolean watch = options.watch;
        Path data = options.data;
        Path raw = data.resolve("raw");
        Path lake = data.resolve("lake");
        Path deadLetters = data.resolve("dead-letter");
        try {
            if (options.resume) {
                checkResumable(data);
            } else {
                prepare(data, options.fresh, System.out);
            }
        } catch (IllegalStateException refused) {
            System.err.println(refused.getMessage());
            System.exit(2);
            return;
        }
        if (!options.resume) {
            int days = 4;
            GeneratorSettings settings = GeneratorSettings.defaults().records(options.records).days(days).seed(42)
                    .start(LocalDate.now(ZoneOffset.UTC).minusDays(days).atStartOfDay().toInstant(ZoneOffset.UTC));
            System.out.println(writeTraffic(settings, data, raw));
        }

        Map<String, String> keys = new HashMap<>();
        keys.put("input.path", raw.toAbsolutePath().toString());
        keys.put("output.lake.path", lake.toAbsolutePath().toString());
        keys.put("output.dead-letter.path", deadLetters.toAbsolutePath().toString());
        keys.put("checkpoint.dir", data.resolve("checkpoints").toAbsolutePath().toString());
        keys.put("input.mode", watch ? "continuous" : "bounded");
        keys.put("checkpoint.interval", watch ? "30s" : "60s");
        if (options.resume) {
            keys.put("resume.from", "latest");
        }
        if (!JobConfig.compactionCarries(lake.toAbsolutePath().toString())) {
            // Flink's compaction cannot work under such a folder (JobConfig says why); the demo still runs, with small files.
            keys.put("output.compaction.enabled", "false");
            System.out.println("The demo's folder has a space or another character that Flink's compaction cannot carry:"
                    + " running without compaction (one file per day and checkpoint). Move the repository, or pass --data, to see it.");
        }
        if (watch) {
            // A demo shows new traffic within a minute or two, not after the production default of 15 minutes.
            keys.put("output.compaction.max-delay", "90s");
            System.out.println("Watching " + raw + " for new objects. New events become visible within about 90 s (compaction)."
                    + " Add traffic from another terminal (" + CLASS_PATH + "):\n  " + generatorCommand(raw)
                    + "\nStop with Ctrl+C: the job stops with a savepoint, then the queries run.");
        }
        JobConfig config = JobConfig.fromMap(keys);
        Accounting accounting = LocalRunner.run(config, "java -cp \"$CP\" " + LocalDemo.class.getName() + " --data " + data + " --resume");

        try (LakeQueries queries = new LakeQueries(lake, deadLetters)) {
            for (LakeQueries.Question q : LakeQueries.DEMO) {
                System.out.println("\n" + q.title);
                System.out.print(queries.answer(q));
            }
        }
        athenaOnTrino(lake, deadLetters);
        System.out.println("\n" + accounting);
        System.out.print(closing(data, config.webUiPort, watch));
        System.exit(accounting.balanced() ? 0 : 1);
    }

    /**
     * The traffic in memory, about this much per record (1.85 KB measured, with its wire bytes, JSON
     * and fate): the generator sorts a whole run's records by arrival before they are written.
     */
    static final long TRAFFIC_BYTES_PER_RECORD = 1_900;

    /**
     * Why {@code records} would not fit in a heap of {@code maxHeapBytes} while the demo builds its
     * traffic (at most three quarters of it, the rest for the writer and the JVM), or {@code null}.
     * Without this check a large {@code --records} ran out of heap after a while, with a stack trace.
     * Measured in a 1 GiB heap: 400,000 records ran in 23 s, 500,000 in 130 s (the collector
     * thrashing), 600,000 ran out of heap; the check lets about 420,000 through.
     */
    static String tooManyForTheHeap(int records, long maxHeapBytes) {
        long fits = maxHeapBytes / 4 * 3 / TRAFFIC_BYTES_PER_RECORD;
        if (records <= fits) {
            return null;
        }
        return String.format(Locale.ROOT, "--records %,d: the demo builds its traffic in memory, about %,d MB for so many, and this JVM's heap"
                + " (%,d MB) holds about %,d records; give java a larger -Xmx, or write large inputs with the generator, which streams"
                + " (GeneratorJob --target local --records %d), and run LocalRunner over them",
                records, (long) records * TRAFFIC_BYTES_PER_RECORD >> 20, maxHeapBytes >> 20, fits, records);
    }

    /** Writes the demo's traffic as Firehose objects and says what it is; the records themselves are let go before the job runs. */
    private static String writeTraffic(GeneratorSettings settings, Path data, Path raw) throws java.io.IOException {
        List<GeneratedRecord> traffic = TrafficGenerator.generate(settings);
        List<Path> objects = FirehoseLocalWriter.withDefaults(raw, settings.seed).write(traffic);
        Files.write(data.resolve(MARKER), objects.stream().map(o -> raw.relativize(o).toString()).collect(Collectors.toList()));
        return String.format(Locale.ROOT, "Wrote %s in %s to %s: %s", count(traffic.size(), "record"), count(objects.size(), "GZIP object"), raw, mix(traffic));
    }

    /** What the generated records are, from the generator's own record of each: small inputs may have no faults at all. */
    static String mix(List<GeneratedRecord> traffic) {
        Map<Fate, Long> counts = traffic.stream().collect(Collectors.groupingBy(GeneratedRecord::fate, () -> new EnumMap<>(Fate.class), Collectors.counting()));
        String mix = String.format(java.util.Locale.ROOT, "%,d valid, %,d retries, %,d malformed, %,d breaking the schema, %,d reusing an id with other content, %,d oversized",
                counts.getOrDefault(Fate.VALID, 0L), counts.getOrDefault(Fate.DUPLICATE, 0L), counts.getOrDefault(Fate.MALFORMED, 0L),
                counts.getOrDefault(Fate.SCHEMA_VIOLATION, 0L), counts.getOrDefault(Fate.ID_CONFLICT, 0L), counts.getOrDefault(Fate.OVERSIZED, 0L));
        long planted = traffic.stream().filter(r -> r.fate() == Fate.VALID && !r.secrets().isEmpty()).count();
        long backToBack = traffic.stream().filter(GeneratedRecord::backToBack).count();
        return mix + String.format(java.util.Locale.ROOT, "; personal data in every valid event, secrets in the URLs, search text or captured forms of %,d; %s",
                planted, count(backToBack, "record") + " sent back-to-back, without a newline");
    }

    private static String count(long n, String noun) {
        return String.format(java.util.Locale.ROOT, "%,d %s%s", n, noun, n == 1 ? "" : "s");
    }

    /**
     * Makes {@code data} ready for a run: creates it, or clears what an earlier demo run left in it.
     *
     * @throws IllegalStateException with a one-line reason when the folder is not the demo's, or
     *     its raw folder holds objects the demo did not write and {@code fresh} is not set
     */
    /**
     * That {@code data} holds a demo run stopped with a savepoint (Ctrl+C on {@code --watch}), to
     * go on from; else why not, in one line.
     */
    static void checkResumable(Path data) throws IOException {
        if (!Files.isRegularFile(data.resolve(MARKER))) {
            throw new IllegalStateException("--resume: " + data + " holds no demo run (no " + MARKER + "); start one with --watch");
        }
        Path checkpoints = data.resolve("checkpoints");
        if (RetainedStates.newestFirst(LocalRunner.location(checkpoints)).isEmpty()) {
            throw new IllegalStateException("--resume: no savepoint in " + checkpoints + " to go on from (a run without --watch ends"
                    + " when its input does and keeps none); start one with --watch and stop it with Ctrl+C");
        }
    }

    static void prepare(Path data, boolean fresh, java.io.PrintStream out) throws IOException {
        Path marker = data.resolve(MARKER);
        if (!Files.exists(data) || isEmptyFolder(data)) {
            Files.createDirectories(data);
            Files.write(marker, List.of());
            return;
        }
        if (!Files.isRegularFile(marker)) {
            throw new IllegalStateException(data + " exists and was not made by the demo (no " + MARKER
                    + " in it); the demo deletes nothing it did not create: choose another folder with --data DIR");
        }
        Path raw = data.resolve("raw");
        Set<Path> written = Files.readAllLines(marker).stream().filter(l -> !l.isBlank()).map(raw::resolve).collect(Collectors.toSet());
        List<Path> foreign = regularFiles(raw).stream().filter(f -> !written.contains(f)).collect(Collectors.toList());
        if (!foreign.isEmpty() && !fresh) {
            throw new IllegalStateException(raw + " holds " + foreign.size() + " objects the demo did not write (e.g. "
                    + raw.relativize(foreign.get(0)) + ", added with the generator?): move them, or add --fresh to delete them with the previous run");
        }
        for (String own : OWN) {
            deleteTree(data.resolve(own));
        }
        Files.write(marker, List.of());
        List<String> kept;
        try (Stream<Path> entries = Files.list(data)) {
            kept = entries.map(p -> p.getFileName().toString()).filter(n -> !n.equals(MARKER) && !OWN.contains(n)).sorted().collect(Collectors.toList());
        }
        out.println("Replacing the previous demo run in " + data + " (the demo's own folder: raw, lake, dead-letter, checkpoints"
                + (foreign.isEmpty() ? "" : ", and " + foreign.size() + " objects others added, as --fresh asked") + ")"
                + (kept.isEmpty() ? "" : "; kept, not the demo's: " + String.join(", ", kept)));
    }

    private static final String CLASS_PATH = "CP=\"flink-app/target/classes:$(cat flink-app/target/classpath.txt)\"";

    private static String generatorCommand(Path raw) {
        return "java -cp \"$CP\" io.clickstream.generator.job.GeneratorJob --target local --output.path " + raw + " --records 20000";
    }

    /** The block a user reads last: where everything is, and what to try next. */
    static String closing(Path data, int webUiPort, boolean stoppedWithSavepoint) {
        Path root = data.toAbsolutePath().normalize();
        return String.join("\n",
                "",
                "Where things are",
                "  lake (Snappy Parquet, by event date):   " + root.resolve("lake"),
                "  dead letters (JSON lines, by type):     " + root.resolve("dead-letter"),
                "  raw objects (Firehose's layout):        " + root.resolve("raw"),
                "  Flink web UI, while a job runs:         http://localhost:" + webUiPort,
                "Try next (from the repository root, " + CLASS_PATH + "):",
                stoppedWithSavepoint
                        ? "  1. go on where the job stopped:           java -cp \"$CP\" " + LocalDemo.class.getName() + " --data " + data + " --resume"
                        : "  1. keep the job watching for new traffic:  java -cp \"$CP\" " + LocalDemo.class.getName() + " --data " + data + " --watch",
                "  2. send it new traffic (new seed each run): " + generatorCommand(data.resolve("raw")),
                "  3. run all Athena queries on Trino:         java -cp \"$CP\" " + LocalAthena.class.getName() + " --lake " + data.resolve("lake")
                        + " --dead-letters " + data.resolve("dead-letter"),
                "");
    }

    /** A few of the Athena queries, unchanged, on Trino (Athena's engine) when a JDK for it is here. */
    private static void athenaOnTrino(Path lake, Path deadLetters) throws Exception {
        Path dist = Paths.get("flink-app/target/trino-dist");
        Path java;
        try {
            java = LocalAthena.findJava(null);
        } catch (IllegalStateException noJdk) {
            System.out.println("\nSkipping the Athena queries on Trino: " + noJdk.getMessage());
            return;
        }
        if (!Files.isDirectory(dist)) {
            System.out.println("\nSkipping the Athena queries on Trino: no " + dist + " (run from the repository root after mvn package)");
            return;
        }
        System.out.println("\nStarting Trino (the engine of Athena v3) with " + java + " ...");
        Path work = Paths.get("flink-app/target/trino-run");
        try (LocalAthena athena = LocalAthena.start(LocalAthena.install(dist, Paths.get("flink-app/target/trino")), work, java)) {
            athena.registerTables(lake, deadLetters);
            for (String file : new String[] {"06_conversion_funnel.sql", "14_utm_campaigns.sql", "15_dead_letters_by_type.sql"}) {
                String sql = LocalAthena.sqlOf(Paths.get("athena-queries", file));
                String title = sql.lines().findFirst().orElse("").replaceFirst("^--\\s*", "");
                System.out.println("\nathena-queries/" + file + " on Trino: " + title + (sql.contains("NOT is_bot") && !title.contains("bots") ? " (bots left out)" : ""));
                System.out.print(TextTable.render(athena.query(sql)));
            }
        }
    }

    private static boolean isEmptyFolder(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.findAny().isEmpty();
        }
    }

    private static List<Path> regularFiles(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        }
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }
}
