package io.clickstream.etl.bench;

import io.clickstream.etl.LocalRunner;
import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.metrics.Accounting;

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
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * One measurement of the benchmark, run in its own JVM (pinned to cores by the caller), printing
 * one {@code RESULT} line: wall seconds of the work, CPU seconds of the process, peak RSS, records,
 * output bytes and files.
 */
public final class BenchTask {

    private BenchTask() {
    }

    public static void main(String[] args) throws Exception {
        String kind = args[0];
        Path raw = Paths.get(args[1]);
        Path out = Paths.get(args[2]);
        long started = System.nanoTime();
        long records;
        switch (kind) {
            case "floor": records = floor(raw); break;
            case "jackson": records = jackson(raw); break;
            case "duckdb": records = duckdb(raw, out, Integer.parseInt(args[3])); break;
            case "job": records = job(raw, out, Integer.parseInt(args[3])); break;
            default: throw new IllegalArgumentException(kind);
        }
        double wall = (System.nanoTime() - started) / 1e9;
        double cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
        long[] output = output(out);
        System.out.printf(java.util.Locale.ROOT, "RESULT wall=%.3f cpu=%.3f rssMiB=%d records=%d outBytes=%d outFiles=%d%n",
                wall, cpu, peakRssMiB(), records, output[0], output[1]);
        System.exit(0);
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

    /** DuckDB converting the same objects to Snappy Parquet partitioned by event day. */
    static long duckdb(Path raw, Path out, int threads) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement()) {
            s.execute("SET threads = " + threads);
            s.execute("SET preserve_insertion_order = false");
            String files = raw.toAbsolutePath() + "/**/*.gz";
            // Timestamps come as ISO strings or epoch millis, so the column is read as JSON: unquote it first.
            String ts = "trim(CAST(\"timestamp\" AS VARCHAR), '\"')";
            String sql = "COPY (SELECT *, strftime(CASE WHEN regexp_full_match(" + ts + ", '[0-9]+') "
                    + "THEN make_timestamp(CAST(" + ts + " AS BIGINT) * 1000) ELSE CAST(" + ts + " AS TIMESTAMPTZ) END, '%Y-%m-%d') AS day "
                    + "FROM read_json('" + files + "', format = 'newline_delimited', compression = 'gzip', union_by_name = true, "
                    + "sample_size = 20000, maximum_object_size = 1048576)) "
                    + "TO '" + out.toAbsolutePath() + "' (FORMAT PARQUET, COMPRESSION SNAPPY, PARTITION_BY (day), OVERWRITE_OR_IGNORE)";
            return s.executeUpdate(sql);
        }
    }

    /** The whole ETL job, bounded, on an embedded cluster at the given parallelism. */
    static long job(Path raw, Path out, int parallelism) throws Exception {
        Map<String, String> keys = new HashMap<>();
        keys.put("input.path", raw.toAbsolutePath().toString());
        keys.put("output.lake.path", out.resolve("lake").toAbsolutePath().toString());
        keys.put("output.dead-letter.path", out.resolve("dead-letter").toAbsolutePath().toString());
        keys.put("checkpoint.dir", out.resolve("checkpoints").toUri().toString());
        keys.put("input.mode", "bounded");
        keys.put("parallelism", Integer.toString(parallelism));
        keys.put("web-ui.enabled", "false");
        Accounting accounting = LocalRunner.run(JobConfig.fromMap(keys));
        return accounting.written;
    }

    static List<Path> objects(Path raw) throws IOException {
        try (Stream<Path> files = Files.walk(raw)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".gz")).sorted().collect(Collectors.toList());
        }
    }

    private static BufferedReader reader(Path object) throws IOException {
        return new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(object), 1 << 16), StandardCharsets.UTF_8), 1 << 16);
    }

    /** Bytes and files of Parquet output (lake or DuckDB), ignoring checkpoints and hidden files. */
    private static long[] output(Path out) throws IOException {
        if (!Files.exists(out)) {
            return new long[] {0, 0};
        }
        long bytes = 0;
        long files = 0;
        try (Stream<Path> walk = Files.walk(out)) {
            for (Path f : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(".parquet") && !name.startsWith(".")) {
                    bytes += Files.size(f);
                    files++;
                }
            }
        }
        return new long[] {bytes, files};
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
