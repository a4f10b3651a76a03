package io.clickstream.etl.local;

import io.clickstream.etl.LocalRunner;
import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.metrics.Accounting;
import io.clickstream.generator.FirehoseLocalWriter;
import io.clickstream.generator.GeneratedRecord;
import io.clickstream.generator.GeneratorSettings;
import io.clickstream.generator.TrafficGenerator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The README's first command: writes sample traffic to {@code ./data/raw} in Firehose's layout,
 * runs the job on an embedded cluster with the web UI, prints the accounting and answers a few
 * questions over the lake with DuckDB. {@code --watch} keeps the job running on new objects.
 */
public final class LocalDemo {

    private LocalDemo() {
    }

    public static void main(String[] args) throws Exception {
        boolean watch = false;
        int records = 300_000;
        Path data = Paths.get("data");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--watch": watch = true; break;
                case "--records": records = Integer.parseInt(args[++i]); break;
                case "--data": data = Paths.get(args[++i]); break;
                default: throw new IllegalArgumentException("Unknown option " + args[i] + " (known: --watch, --records N, --data DIR)");
            }
        }
        Path raw = data.resolve("raw");
        Path lake = data.resolve("lake");
        Path deadLetters = data.resolve("dead-letter");
        for (Path p : new Path[] {lake, deadLetters, data.resolve("checkpoints")}) {
            deleteTree(p);
        }
        deleteTree(raw);

        int days = 4;
        GeneratorSettings settings = GeneratorSettings.defaults().records(records).days(days).seed(42)
                .start(LocalDate.now(ZoneOffset.UTC).minusDays(days).atStartOfDay().toInstant(ZoneOffset.UTC));
        List<GeneratedRecord> traffic = TrafficGenerator.generate(settings);
        int objects = FirehoseLocalWriter.withDefaults(raw, settings.seed).write(traffic).size();
        System.out.printf("Wrote %,d records (with malformed records, duplicates, PII and back-to-back JSON) in %,d GZIP objects to %s%n",
                traffic.size(), objects, raw);

        Map<String, String> keys = new HashMap<>();
        keys.put("input.path", raw.toAbsolutePath().toString());
        keys.put("output.lake.path", lake.toAbsolutePath().toString());
        keys.put("output.dead-letter.path", deadLetters.toAbsolutePath().toString());
        keys.put("checkpoint.dir", data.resolve("checkpoints").toAbsolutePath().toUri().toString());
        keys.put("input.mode", watch ? "continuous" : "bounded");
        keys.put("checkpoint.interval", watch ? "30s" : "60s");
        if (watch) {
            // A demo shows new traffic within a minute or two, not after the production default of 15 minutes.
            keys.put("output.compaction.max-delay", "90s");
            System.out.println("Watching " + raw + " for new objects; add some with the generator (docs/generator.md), stop with Ctrl+C."
                    + " New events become visible within about 90 s (compaction).");
        }
        Accounting accounting = LocalRunner.run(JobConfig.fromMap(keys));

        LakeQueries queries = new LakeQueries(lake, deadLetters);
        try {
            for (Map.Entry<String, String> q : LakeQueries.DEMO.entrySet()) {
                System.out.println("\n" + q.getKey());
                System.out.print(queries.table(q.getValue()));
            }
        } finally {
            queries.close();
        }
        athenaOnTrino(lake, deadLetters);
        System.out.println("\n" + accounting);
        System.out.println("Lake: " + lake.toAbsolutePath() + "   Dead letters: " + deadLetters.toAbsolutePath());
        if (!accounting.balanced()) {
            System.exit(1);
        }
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
                System.out.println("\nathena-queries/" + file + " (Trino): " + sql.lines().findFirst().orElse("").replaceFirst("^--\\s*", ""));
                System.out.print(TextTable.render(athena.query(sql)));
            }
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
