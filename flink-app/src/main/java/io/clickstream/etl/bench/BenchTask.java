package io.clickstream.etl.bench;

import io.clickstream.etl.LocalRunner;
import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.local.EntryPoint;
import io.clickstream.etl.metrics.Accounting;
import io.clickstream.etl.model.RawRecord;
import io.clickstream.etl.source.RawObjectSource;

import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * One measurement of the benchmark, run in its own JVM (pinned to cores by the caller), printing
 * one {@code RESULT} line: wall and CPU seconds of the whole process (DuckDB's from an open
 * connection), peak RSS, records, output bytes and files.
 */
public final class BenchTask {

    private BenchTask() {
    }

    public static void main(String[] args) {
        // On a failure an embedded cluster's threads would keep the JVM, and so the benchmark, waiting forever.
        EntryPoint.run(() -> measure(args));
    }

    private static void measure(String[] args) throws Exception {
        String kind = args[0];
        Path raw = Paths.get(args[1]);
        Path out = Paths.get(args[2]);
        Clock clock = new Clock();
        long records;
        switch (kind) {
            case "floor": records = floor(raw); break;
            case "jackson": records = jackson(raw); break;
            case "duckdb": records = duckdb(raw, out, Integer.parseInt(args[3]), false, clock); break;
            case "duckdb-infer": records = duckdb(raw, out, Integer.parseInt(args[3]), true, clock); break;
            case "flinksql":
                flinkSql(raw, out, Integer.parseInt(args[3]));
                clock.stop(); // counting the rows is the benchmark's work, not the peer's
                try (Stream<Path> files = Files.walk(out.resolve("lake"))) {
                    records = parquetRows(files.filter(f -> f.getFileName().toString().startsWith("part-")).collect(Collectors.toList()));
                }
                break;
            case "job": records = job(raw, out, Integer.parseInt(args[3])); break;
            case "reader": records = reader(raw, out); break;
            default: throw new IllegalArgumentException(kind);
        }
        clock.stop();
        long[] output = output(out);
        System.out.printf(java.util.Locale.ROOT, "RESULT wall=%.3f cpu=%.3f rssMiB=%d records=%d outBytes=%d outFiles=%d%n",
                clock.wallSeconds, clock.cpuSeconds, peakRssMiB(), records, output[0], output[1]);
        System.exit(0);
    }

    /**
     * A measurement's wall and CPU time: from the JVM's start (the whole process, as a user runs
     * it) or from {@link #restart}, to the first {@link #stop}.
     */
    private static final class Clock {
        private long startMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
        private double cpuAtStart;
        private double wallSeconds = -1;
        private double cpuSeconds;

        void restart() {
            startMillis = System.currentTimeMillis();
            cpuAtStart = processCpuSeconds();
        }

        void stop() {
            if (wallSeconds < 0) {
                wallSeconds = (System.currentTimeMillis() - startMillis) / 1e3;
                cpuSeconds = processCpuSeconds() - cpuAtStart;
            }
        }

        private static double processCpuSeconds() {
            return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
        }
    }

    /** The floor: decompress and split lines, nothing else. */
    static long floor(Path raw) throws IOException {
        long lines = 0;
        for (Path object : objects(raw)) {
            try (BufferedReader in = reader(object)) {
                while (in.readLine() != null) {
                    lines++;
                }
            }
        }
        return lines;
    }

    /** Decompress and parse every field of every record with Jackson's streaming parser. */
    static long jackson(Path raw) throws IOException {
        JsonFactory json = new JsonFactory();
        long records = 0;
        long sink = 0;
        for (Path object : objects(raw)) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(object), 1 << 16); JsonParser p = json.createParser(in)) {
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                    if (t == JsonToken.START_OBJECT && p.getParsingContext().getParent().inRoot()) {
                        records++;
                    } else if (t == JsonToken.VALUE_STRING) {
                        sink += p.getText().length();
                    } else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                        sink += p.getNumberValue().intValue();
                    }
                }
            }
        }
        return sink == Long.MIN_VALUE ? -1 : records;
    }

    /** The generator's fields (uniform types) as DuckDB and Flink SQL declare them. */
    static final String[][] FIELDS = {
        {"event_id", "VARCHAR", "STRING"}, {"event_type", "VARCHAR", "STRING"}, {"timestamp", "TIMESTAMPTZ", "TIMESTAMP_LTZ(3)"},
        {"user_id", "VARCHAR", "STRING"}, {"session_id", "VARCHAR", "STRING"}, {"device_type", "VARCHAR", "STRING"},
        {"browser", "VARCHAR", "STRING"}, {"user_agent", "VARCHAR", "STRING"}, {"ip_address", "VARCHAR", "STRING"},
        {"email", "VARCHAR", "STRING"}, {"country", "VARCHAR", "STRING"}, {"city", "VARCHAR", "STRING"},
        {"app_version", "VARCHAR", "STRING"}, {"page_url", "VARCHAR", "STRING"}, {"referrer", "VARCHAR", "STRING"},
        {"product_id", "VARCHAR", "STRING"}, {"product_name", "VARCHAR", "STRING"}, {"product_category", "VARCHAR", "STRING"},
        {"product_price", "DECIMAL(12,2)", "DECIMAL(12, 2)"}, {"quantity", "INTEGER", "INT"}, {"search_query", "VARCHAR", "STRING"},
        {"search_results_count", "INTEGER", "INT"}};

    /**
     * DuckDB converting the same objects to Snappy Parquet partitioned by event day, as a DuckDB
     * user converts files of a known schema: the columns declared, no inference (or, with
     * {@code infer}, the extra row: sampling and union by name). It does no deduplication,
     * validation, PII removal or enrichment. The clock starts with the connection open: the JDBC
     * driver unpacks and loads its native library first (about 0.4 s), which DuckDB's own command
     * line and its Python users never pay.
     */
    static long duckdb(Path raw, Path out, int threads, boolean infer, Clock clock) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            clock.restart();
            s.execute("SET threads = " + threads);
            s.execute("SET preserve_insertion_order = false");
            s.execute("SET TimeZone = 'UTC'");
            String files = "'" + raw.toAbsolutePath() + "/**/*.gz', format = 'newline_delimited', compression = 'gzip', ";
            String read = infer
                    ? "SELECT *, strftime(CAST(\"timestamp\" AS TIMESTAMPTZ), '%Y-%m-%d') AS day FROM read_json(" + files
                            + "union_by_name = true, sample_size = 20000, maximum_object_size = 1048576)"
                    : "SELECT *, strftime(\"timestamp\", '%Y-%m-%d') AS day FROM read_json(" + files + "columns = "
                            + Arrays.stream(FIELDS).map(f -> "'" + f[0] + "': '" + f[1] + "'").collect(Collectors.joining(", ", "{", "}")) + ")";
            return s.executeUpdate("COPY (" + read + ") TO '" + out.toAbsolutePath()
                    + "' (FORMAT PARQUET, COMPRESSION SNAPPY, PARTITION_BY (day), OVERWRITE_OR_IGNORE)");
        }
    }

    /**
     * The Flink SQL pipeline a Flink user would write for the same backfill: filesystem JSON source,
     * first row per {@code event_id} by processing time ({@code ROW_NUMBER() = 1}), filesystem
     * Parquet sink partitioned by day, Snappy, INT64 timestamps. No validation, dead letters, PII
     * removal or enrichment.
     */
    static void flinkSql(Path raw, Path out, int parallelism) throws Exception {
        Configuration conf = new Configuration();
        conf.setString("restart-strategy.type", "none");
        conf.setString("taskmanager.numberOfTaskSlots", Integer.toString(parallelism));
        // As the job: checkpoints on a file system (dedup state outgrows the JobManager's memory), RocksDB not needed.
        conf.setString("state.checkpoints.dir", LocalRunner.location(out.resolve("checkpoints")));
        conf.setString("state.checkpoint-storage", "filesystem");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
        env.enableCheckpointing(60_000);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        tables.getConfig().set("table.local-time-zone", "UTC");
        // No state TTL: the peer at its best for a backfill (the job keeps its 24 h dedup TTL and pays for it).
        String declared = Arrays.stream(FIELDS).map(f -> "`" + f[0] + "` " + f[2]).collect(Collectors.joining(", "));
        tables.executeSql("CREATE TABLE raw_events (" + declared + ", proctime AS PROCTIME()) WITH ('connector' = 'filesystem', "
                + "'path' = '" + raw.toAbsolutePath().toUri() + "', 'format' = 'json', 'json.timestamp-format.standard' = 'ISO-8601')");
        tables.executeSql("CREATE TABLE lake (" + declared + ", `day` STRING) PARTITIONED BY (`day`) WITH ('connector' = 'filesystem', "
                + "'path' = '" + out.resolve("lake").toAbsolutePath().toUri() + "', 'format' = 'parquet', "
                + "'parquet.compression' = 'SNAPPY', 'parquet.write.int64.timestamp' = 'true')");
        String names = Arrays.stream(FIELDS).map(f -> "`" + f[0] + "`").collect(Collectors.joining(", "));
        tables.executeSql("INSERT INTO lake SELECT " + names + ", DATE_FORMAT(`timestamp`, 'yyyy-MM-dd') FROM ("
                + "SELECT *, ROW_NUMBER() OVER (PARTITION BY event_id ORDER BY proctime ASC) AS rn FROM raw_events) WHERE rn = 1").await();
    }

    /** The whole ETL job, bounded, on an embedded cluster at the given parallelism. */
    static long job(Path raw, Path out, int parallelism) throws Exception {
        Map<String, String> keys = new HashMap<>();
        keys.put("input.path", raw.toAbsolutePath().toString());
        keys.put("output.lake.path", out.resolve("lake").toAbsolutePath().toString());
        keys.put("output.dead-letter.path", out.resolve("dead-letter").toAbsolutePath().toString());
        keys.put("checkpoint.dir", LocalRunner.location(out.resolve("checkpoints")));
        keys.put("input.mode", "bounded");
        keys.put("parallelism", Integer.toString(parallelism));
        keys.put("web-ui.enabled", "false");
        Accounting accounting = LocalRunner.run(JobConfig.fromMap(keys));
        return accounting.written;
    }

    /**
     * The job's source alone (discovery, GZIP, framing, the event id found) into a sink that discards:
     * what the single reader can deliver, the ceiling of the whole job.
     */
    static long reader(Path raw, Path out) throws Exception {
        Map<String, String> keys = new HashMap<>();
        keys.put("input.path", raw.toAbsolutePath().toString());
        keys.put("output.lake.path", out.resolve("lake").toAbsolutePath().toString());
        keys.put("output.dead-letter.path", out.resolve("dead-letter").toAbsolutePath().toString());
        keys.put("input.mode", "bounded");
        JobConfig config = JobConfig.fromMap(keys);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        env.getConfig().enableObjectReuse();
        env.fromSource(RawObjectSource.create(config), WatermarkStrategy.noWatermarks(), "Raw Firehose objects")
                .map(new CountRecords()).name("Count")
                .sinkTo(new DiscardingSink<>());
        return env.execute("reader-ceiling").<Long>getAccumulatorResult(CountRecords.NAME);
    }

    /** Counts the records (not the end-of-object markers) and passes nothing on worth keeping. */
    static final class CountRecords extends RichMapFunction<RawRecord, Boolean> {
        static final String NAME = "records";
        private final LongCounter records = new LongCounter();

        @Override
        public void open(OpenContext context) {
            getRuntimeContext().addAccumulator(NAME, records);
        }

        @Override
        public Boolean map(RawRecord r) {
            if (!r.objectEnd) {
                records.add(1);
            }
            return r.objectEnd;
        }
    }

    /** Rows in the given Parquet files, read by DuckDB. */
    static long parquetRows(List<Path> files) throws Exception {
        String list = files.stream().map(f -> "'" + f.toAbsolutePath() + "'").collect(Collectors.joining(", ", "[", "]"));
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM read_parquet(" + list + ")")) {
            r.next();
            return r.getLong(1);
        }
    }

    static List<Path> objects(Path raw) throws IOException {
        try (Stream<Path> files = Files.walk(raw)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".gz")).sorted().collect(Collectors.toList());
        }
    }

    private static BufferedReader reader(Path object) throws IOException {
        return new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(object), 1 << 16), StandardCharsets.UTF_8), 1 << 16);
    }

    /**
     * Bytes and files of Parquet output (lake, DuckDB or Flink SQL), ignoring hidden files and the
     * checkpoints, which Flink may still be cleaning up while this looks.
     */
    private static long[] output(Path out) throws IOException {
        long[] totals = new long[2];
        if (!Files.exists(out)) {
            return totals;
        }
        Files.walkFileTree(out, new java.nio.file.SimpleFileVisitor<Path>() {
            @Override
            public java.nio.file.FileVisitResult preVisitDirectory(Path dir, java.nio.file.attribute.BasicFileAttributes attrs) {
                return dir.getFileName().toString().equals("checkpoints")
                        ? java.nio.file.FileVisitResult.SKIP_SUBTREE : java.nio.file.FileVisitResult.CONTINUE;
            }

            @Override
            public java.nio.file.FileVisitResult visitFile(Path f, java.nio.file.attribute.BasicFileAttributes attrs) {
                String name = f.getFileName().toString();
                // Flink SQL's filesystem sink names its Parquet files part-<uuid>-<subtask>-<n>, without a suffix.
                if (attrs.isRegularFile() && (name.endsWith(".parquet") || name.startsWith("part-")) && !name.startsWith(".")) {
                    totals[0] += attrs.size();
                    totals[1]++;
                }
                return java.nio.file.FileVisitResult.CONTINUE;
            }
        });
        return totals;
    }

    private static long peakRssMiB() throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
            }
        }
        return -1;
    }
}
