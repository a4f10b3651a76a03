package io.clickstream.etl.local;

import io.clickstream.etl.config.ConfigException;
import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.sink.parquet.LakeSchema;

import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Athena on a laptop: a single-node Trino (the engine of Athena v3) on loopback with a Hive
 * catalog named {@code awsdatacatalog} over a lake in local folders or on S3 (or an S3-compatible
 * server, reached with the job's {@code s3.*} keys), so that {@code athena-queries/} run
 * unchanged. Trino needs a JDK 24 or newer, found by {@link #findJava}.
 *
 * <pre>--lake ./data/lake --dead-letters ./data/dead-letter [--s3.endpoint URL ...] [--queries athena-queries] [--query FILE]... [--keep]</pre>
 */
public final class LocalAthena implements AutoCloseable {

    public static final String CATALOG = "awsdatacatalog";
    /** Where Trino's catalog reads the S3 secret key from: its environment, so that the key is never written to disk. */
    static final String SECRET_KEY_VARIABLE = "LOCAL_ATHENA_S3_SECRET_KEY";
    public static final String DATABASE = "clickstream_db";
    private static final int MIN_JAVA = 24;

    private final Process server;
    private final String jdbcUrl;
    private final Connection connection;
    /** Trino's working folder, which also holds the empty stand-ins of {@link #existingOrEmpty}. */
    private final Path work;

    private LocalAthena(Process server, String jdbcUrl, Connection connection, Path work) {
        this.server = server;
        this.jdbcUrl = jdbcUrl;
        this.connection = connection;
        this.work = work;
    }

    /**
     * Unpacks {@code trino-server-core-<v>.tar.gz} and {@code trino-hive-<v>.zip} from {@code dist}
     * into {@code work/trino-server-core-<v>} unless already there, and returns that folder. The
     * tarball is unpacked with the system's {@code tar}, which keeps its hard-linked jars intact.
     */
    public static Path install(Path dist, Path work) throws IOException, InterruptedException {
        Path server;
        Path hive;
        try (Stream<Path> files = Files.list(dist)) {
            List<Path> all = files.collect(Collectors.toList());
            server = all.stream().filter(f -> f.getFileName().toString().matches("trino-server-core-.*\\.tar\\.gz")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no trino-server-core tarball in " + dist.toAbsolutePath()
                            + ": build once with mvn -DskipTests package (it fetches Trino from Maven Central)"));
            hive = all.stream().filter(f -> f.getFileName().toString().matches("trino-hive-.*\\.zip")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no trino-hive plugin zip in " + dist.toAbsolutePath()));
        }
        Path home = work.resolve(server.getFileName().toString().replace(".tar.gz", ""));
        if (Files.isExecutable(home.resolve("bin/launcher")) && Files.isDirectory(home.resolve("plugin/hive"))) {
            return home;
        }
        Files.createDirectories(work);
        Process tar = new ProcessBuilder("tar", "-xzf", server.toAbsolutePath().toString(), "-C", work.toAbsolutePath().toString())
                .redirectErrorStream(true).start();
        String output = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (tar.waitFor() != 0) {
            throw new IOException("tar failed on " + server + ": " + output);
        }
        Path plugin = home.resolve("plugin/hive");
        Files.createDirectories(plugin);
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(hive))) {
            for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
                if (!entry.isDirectory()) {
                    Files.copy(zip, plugin.resolve(Paths.get(entry.getName()).getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return home;
    }

    /**
     * Starts Trino from {@code trinoHome} (an unpacked trino-server-core with the hive plugin in
     * its {@code plugin/} folder), keeping its configuration, data and metastore in {@code work}.
     */
    public static LocalAthena start(Path trinoHome, Path work, Path javaHome) throws IOException, InterruptedException, SQLException {
        return start(trinoHome, work, javaHome, Map.of());
    }

    /**
     * As {@link #start(Path, Path, Path)}, reaching {@code s3://} tables with the job's {@code s3.*}
     * keys ({@code s3.endpoint}, {@code s3.path-style-access}, {@code s3.access-key},
     * {@code s3.secret-key}; none: AWS with the default credentials chain).
     *
     * @throws ConfigException naming every bad or unknown key
     */
    public static LocalAthena start(Path trinoHome, Path work, Path javaHome, Map<String, String> s3Keys)
            throws IOException, InterruptedException, SQLException {
        List<String> s3 = trinoS3Properties(s3Keys);
        String secretKey = JobConfig.s3Settings(s3Keys).toMap().get("s3.secret-key");
        if (!Files.isExecutable(trinoHome.resolve("bin/launcher"))) {
            throw new IllegalStateException("No Trino server at " + trinoHome.toAbsolutePath());
        }
        int port = LoopbackPorts.unused();
        Path etc = work.resolve("etc");
        Path data = work.resolve("data");
        Files.createDirectories(etc.resolve("catalog"));
        Files.createDirectories(data);
        Files.createDirectories(work.resolve("metastore"));
        write(etc.resolve("node.properties"), "node.environment=local", "node.id=clickstream-local",
                "node.data-dir=" + data.toAbsolutePath(), "node.internal-address=127.0.0.1", "node.bind-ip=127.0.0.1");
        write(etc.resolve("jvm.config"), "-server", "-Xmx1536m", "-XX:+UseG1GC", "-XX:+ExitOnOutOfMemoryError",
                "-Djdk.attach.allowAttachSelf=true", "-Duser.timezone=UTC",
                // Numbers in ASCII whatever the machine's LANG (see EntryPoint).
                "-Duser.language.format=en", "-Duser.country.format=US");
        write(etc.resolve("config.properties"), "coordinator=true", "node-scheduler.include-coordinator=true",
                "http-server.http.port=" + port, "discovery.uri=http://127.0.0.1:" + port, "query.max-memory=1GB");
        write(etc.resolve("log.properties"), "io.trino=WARN");
        List<String> catalog = new ArrayList<>(List.of("connector.name=hive", "hive.metastore=file",
                "hive.metastore.catalog.dir=local://" + work.resolve("metastore").toAbsolutePath(),
                "fs.native-local.enabled=true", "local.location=/", "hive.parquet.time-zone=UTC"));
        catalog.addAll(s3);
        write(etc.resolve("catalog").resolve(CATALOG + ".properties"), catalog.toArray(new String[0]));
        Files.deleteIfExists(data.resolve("var/run/launcher.pid"));

        ProcessBuilder launcher = new ProcessBuilder(trinoHome.resolve("bin/launcher").toAbsolutePath().toString(), "run",
                "--etc-dir=" + etc.toAbsolutePath(), "--data-dir=" + data.toAbsolutePath())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("server.log").toFile());
        launcher.environment().put("JAVA_HOME", javaHome.toString());
        launcher.environment().put("PATH", javaHome.resolve("bin") + ":" + System.getenv("PATH"));
        if (secretKey != null) {
            launcher.environment().put(SECRET_KEY_VARIABLE, secretKey);
        }
        Process server = launcher.start();
        String url = "jdbc:trino://127.0.0.1:" + port + "/" + CATALOG + "/" + DATABASE;
        Properties props = new Properties();
        props.setProperty("user", "local");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        SQLException last = null;
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new IllegalStateException("Trino stopped while starting; see " + work.resolve("server.log").toAbsolutePath());
            }
            try {
                Connection c = DriverManager.getConnection(url, props);
                // Trino answers before its node has announced itself: wait until it can schedule work.
                try (Statement s = c.createStatement();
                     ResultSet rs = s.executeQuery("SELECT count(*) FROM system.runtime.nodes WHERE state = 'active'")) {
                    rs.next();
                    if (rs.getLong(1) > 0) {
                        return new LocalAthena(server, url, c, work);
                    }
                }
                c.close();
                Thread.sleep(500);
            } catch (SQLException notYet) {
                last = notYet; // the server says it started before it can run queries
                Thread.sleep(500);
            }
        }
        server.destroyForcibly();
        throw new IllegalStateException("Trino did not answer within 120 s; see " + work.resolve("server.log").toAbsolutePath(), last);
    }

    /**
     * Registers the lake and the dead letters as Athena's tables and loads their partitions. A
     * folder that does not exist (a run whose input had no bad record writes no dead letters) is an
     * empty table, as an S3 prefix without objects is on Athena.
     */
    public void registerTables(Path lake, Path deadLetters) throws SQLException, IOException {
        registerTables(lake.toString(), deadLetters.toString());
    }

    /** As {@link #registerTables(Path, Path)}, each a local folder, a {@code file:} URI or an {@code s3://} (or {@code s3a://}) URI. */
    public void registerTables(String lake, String deadLetters) throws SQLException, IOException {
        execute("CREATE SCHEMA IF NOT EXISTS " + CATALOG + "." + DATABASE);
        execute("DROP TABLE IF EXISTS " + DATABASE + ".clickstream_events");
        execute("CREATE TABLE " + DATABASE + ".clickstream_events (" + lakeColumns() + ", year varchar, month varchar, day varchar) WITH ("
                + "external_location = '" + trinoLocation(lake, "lake") + "', format = 'PARQUET', partitioned_by = ARRAY['year', 'month', 'day'])");
        execute("CALL system.sync_partition_metadata('" + DATABASE + "', 'clickstream_events', 'FULL')");
        execute("DROP TABLE IF EXISTS " + DATABASE + ".dead_letters");
        execute("CREATE TABLE " + DATABASE + ".dead_letters (field varchar, rule varchar, message varchar, source_file varchar, "
                + "line_number bigint, source_record bigint, failure_time varchar, job_version varchar, raw_truncated boolean, raw_bytes bigint, raw_text varchar, "
                + "failure_type varchar, processing_date varchar) WITH (external_location = '" + trinoLocation(deadLetters, "dead-letters") + "', "
                + "format = 'JSON', partitioned_by = ARRAY['failure_type', 'processing_date'])");
        execute("CALL system.sync_partition_metadata('" + DATABASE + "', 'dead_letters', 'FULL')");
    }

    /**
     * A table's location as Trino's file systems take it: {@code s3://} for S3 (a prefix without
     * objects reads as an empty table, as on Athena), {@code local://} for a folder.
     */
    private String trinoLocation(String location, String table) throws IOException {
        if (isS3(location)) {
            return "s3://" + location.substring(location.indexOf("://") + 3);
        }
        Path folder = location.startsWith("file:") ? Paths.get(java.net.URI.create(location)) : Paths.get(location);
        return localUri(existingOrEmpty(folder, table));
    }

    static boolean isS3(String location) {
        return location.startsWith("s3://") || location.startsWith("s3a://");
    }

    /**
     * Trino's native S3 file system set up as the job's {@code s3.*} keys set up Flink's: the same
     * endpoint, path style and static keys (the secret one by reference to Trino's environment), or
     * AWS's default credentials chain. The region is
     * {@code AWS_REGION} (or {@code AWS_DEFAULT_REGION}, else us-east-1); on AWS, buckets in other
     * regions are reached too.
     */
    static List<String> trinoS3Properties(Map<String, String> s3Keys) {
        Map<String, String> flink = JobConfig.s3Settings(s3Keys).toMap();
        String region = System.getenv("AWS_REGION") != null ? System.getenv("AWS_REGION")
                : System.getenv("AWS_DEFAULT_REGION") != null ? System.getenv("AWS_DEFAULT_REGION") : "us-east-1";
        List<String> properties = new ArrayList<>(List.of("fs.native-s3.enabled=true", "s3.region=" + region,
                "s3.path-style-access=" + flink.get("s3.path.style.access")));
        if (flink.containsKey("s3.endpoint")) {
            properties.add("s3.endpoint=" + flink.get("s3.endpoint"));
        } else {
            properties.add("s3.cross-region-access=true");
        }
        if (flink.containsKey("s3.access-key")) {
            properties.add("s3.aws-access-key=" + flink.get("s3.access-key"));
            properties.add("s3.aws-secret-key=${ENV:" + SECRET_KEY_VARIABLE + "}");
        }
        return properties;
    }

    /**
     * The folder, or an empty one of ours if it does not exist: Trino's Hive connector refuses an
     * external location that is not a directory, where Athena reads a prefix without objects as an
     * empty table. Never created in the user's folders, so a mistyped path stays visibly absent.
     */
    private Path existingOrEmpty(Path folder, String table) throws IOException {
        if (Files.isDirectory(folder)) {
            return folder;
        }
        Path empty = work.resolve("absent").resolve(table);
        Files.createDirectories(empty);
        return empty;
    }

    /** The lake's columns in Trino types, derived from the schema the job writes. */
    static String lakeColumns() {
        StringJoiner columns = new StringJoiner(", ");
        for (Type field : LakeSchema.SCHEMA.getFields()) {
            columns.add(field.getName() + " " + trinoType(field));
        }
        return columns.toString();
    }

    static String trinoType(Type field) {
        if (!field.isPrimitive()) {
            GroupType keyValue = field.asGroupType().getType(0).asGroupType();
            return "map(" + trinoType(keyValue.getType("key")) + ", " + trinoType(keyValue.getType("value")) + ")";
        }
        PrimitiveType p = field.asPrimitiveType();
        LogicalTypeAnnotation logical = p.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation) {
            return "timestamp(3)";
        }
        if (logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
            return "date";
        }
        if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) {
            LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d = (LogicalTypeAnnotation.DecimalLogicalTypeAnnotation) logical;
            return "decimal(" + d.getPrecision() + "," + d.getScale() + ")";
        }
        switch (p.getPrimitiveTypeName()) {
            case INT32: return "integer";
            case INT64: return "bigint";
            case BOOLEAN: return "boolean";
            case BINARY: return "varchar";
            default: throw new IllegalArgumentException("no Trino type for " + field);
        }
    }

    public void execute(String sql) throws SQLException {
        retryingWhileStarting(() -> {
            try (Statement s = connection.createStatement()) {
                s.execute(sql);
                return null;
            }
        });
    }

    /** Runs one query and returns its rows, header first. */
    public List<String[]> query(String sql) throws SQLException {
        return retryingWhileStarting(() -> {
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
                return TextTable.rows(rs);
            }
        });
    }

    private interface Call<T> {
        T run() throws SQLException;
    }

    /**
     * A fresh single-node Trino lists itself as active some seconds before its scheduler sees it
     * and may answer "No nodes available" in between; that, and only that, is retried.
     */
    private static <T> T retryingWhileStarting(Call<T> call) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return call.run();
            } catch (SQLException e) {
                if (e.getMessage() == null || !e.getMessage().contains("No nodes available") || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(500);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** The SQL of a query file as Athena would get it: without a trailing semicolon. */
    public static String sqlOf(Path file) throws IOException {
        String sql = Files.readString(file, StandardCharsets.UTF_8).trim();
        return sql.endsWith(";") ? sql.substring(0, sql.length() - 1) : sql;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    @Override
    public void close() throws SQLException {
        try {
            connection.close();
        } finally {
            server.destroy();
            try {
                if (!server.waitFor(20, TimeUnit.SECONDS)) {
                    server.destroyForcibly();
                }
            } catch (InterruptedException e) {
                server.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A JDK that can run Trino: {@code override} if given, else {@code TRINO_JAVA_HOME}, else the
     * newest JDK >= 24 under {@code /usr/lib/jvm} or {@code JAVA_HOME}.
     */
    public static Path findJava(String override) throws IOException {
        List<Path> candidates = new ArrayList<>();
        if (override != null) {
            candidates.add(Paths.get(override));
        } else {
            if (System.getenv("TRINO_JAVA_HOME") != null) {
                candidates.add(Paths.get(System.getenv("TRINO_JAVA_HOME")));
            }
            if (System.getenv("JAVA_HOME") != null) {
                candidates.add(Paths.get(System.getenv("JAVA_HOME")));
            }
            for (String root : new String[] {"/usr/lib/jvm", "/opt/java", System.getProperty("user.home") + "/.sdkman/candidates/java"}) {
                Path dir = Paths.get(root);
                if (Files.isDirectory(dir)) {
                    try (Stream<Path> jdks = Files.list(dir)) {
                        candidates.addAll(jdks.sorted(Comparator.reverseOrder()).collect(Collectors.toList()));
                    }
                }
            }
        }
        for (Path jdk : candidates) {
            if (javaVersion(jdk) >= MIN_JAVA && Files.isExecutable(jdk.resolve("bin/java"))) {
                return jdk;
            }
        }
        throw new IllegalStateException("Trino (Athena's engine) needs a JDK " + MIN_JAVA + " or newer; none found"
                + (override != null ? " at " + override : " (looked at TRINO_JAVA_HOME, JAVA_HOME, /usr/lib/jvm)")
                + ". Install one (Debian 12's own archive has none: e.g. Eclipse Temurin 25 from https://adoptium.net)"
                + " and pass --java /path/to/jdk or set TRINO_JAVA_HOME.");
    }

    /** The feature version (17, 25) a JDK's {@code release} file names, or -1. */
    public static int javaVersion(Path jdk) {
        Path release = jdk.resolve("release");
        if (!Files.isRegularFile(release)) {
            return -1;
        }
        try {
            for (String line : Files.readAllLines(release)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    String major = v.startsWith("1.") ? v.substring(2) : v;
                    int end = 0;
                    while (end < major.length() && Character.isDigit(major.charAt(end))) {
                        end++;
                    }
                    return end == 0 ? -1 : Integer.parseInt(major.substring(0, end));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static String localUri(Path dir) {
        return "local://" + dir.toAbsolutePath().normalize();
    }

    private static void write(Path file, String... lines) throws IOException {
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
    }


    public static void main(String[] args) {
        EntryPoint.run(() -> runCommand(args));
    }

    /**
     * A table's location, checked: a local path, a {@code file:} URI as the job's paths may be
     * spelled, or {@code s3://bucket/prefix} ({@code s3a://} too). Another scheme is a problem, not
     * an empty table.
     */
    static String tableLocation(String option, String value, List<String> problems) {
        try {
            if (value.startsWith("file:")) {
                return Paths.get(java.net.URI.create(value)).toString();
            }
            if (isS3(value) && value.matches("s3a?://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?")) {
                return value;
            }
            if (!value.matches("[A-Za-z][A-Za-z0-9+.-]*:.*")) {
                return Paths.get(value).toString();
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        problems.add(option + " " + value + ": expected a local folder, a file:/// URI or s3://bucket/prefix");
        return null;
    }

    private static void runCommand(String[] args) throws Exception {
        String lakeArg = "data/lake";
        String deadLettersArg = "data/dead-letter";
        Path dist = Paths.get("flink-app/target/trino-dist");
        Path work = null;
        List<Path> queries = new ArrayList<>();
        Path folder = Paths.get("athena-queries");
        String java = null;
        boolean keep = false;
        Map<String, String> s3Keys = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help": case "-h":
                    System.out.print(String.join("\n",
                            "Runs the Athena queries, unchanged, on a local Trino (Athena's engine) over a local lake.",
                            "  --lake DIR          the lake (default data/lake)",
                            "  --dead-letters DIR  the dead letters (default data/dead-letter)",
                            "                      each a folder, a file:/// URI or s3://bucket/prefix",
                            "  --s3.endpoint, --s3.path-style-access, --s3.access-key, --s3.secret-key",
                            "                      as the job's keys, for an S3-compatible server (default: AWS, credentials from the",
                            "                      default chain, region AWS_REGION)",
                            "  --queries DIR       run every .sql file in DIR (default athena-queries)",
                            "  --query FILE        run only this file (repeatable)",
                            "  --trino-dist DIR    Trino's server distribution (default flink-app/target/trino-dist, fetched by the build)",
                            "  --work DIR          Trino's working folder (default trino-run beside the distribution's folder)",
                            "  --java HOME         a JDK 24 or newer for Trino (default: found under /usr/lib/jvm or TRINO_JAVA_HOME)",
                            "  --keep              leave Trino running afterwards",
                            ""));
                    return;
                case "--lake": lakeArg = EntryPoint.value(args, ++i, "--lake"); break;
                case "--dead-letters": deadLettersArg = EntryPoint.value(args, ++i, "--dead-letters"); break;
                case "--queries": folder = Paths.get(EntryPoint.value(args, ++i, "--queries")); break;
                case "--query": queries.add(Paths.get(EntryPoint.value(args, ++i, "--query"))); break;
                case "--trino-dist": dist = Paths.get(EntryPoint.value(args, ++i, "--trino-dist")); break;
                case "--work": work = Paths.get(EntryPoint.value(args, ++i, "--work")); break;
                case "--java": java = EntryPoint.value(args, ++i, "--java"); break;
                case "--keep": keep = true; break;
                default:
                    if (args[i].startsWith("--s3.")) {
                        s3Keys.put(args[i].substring(2), EntryPoint.value(args, i + 1, args[i]));
                        i++;
                        break;
                    }
                    System.err.println("Unknown option " + args[i] + " (known: --lake --dead-letters --s3.* --queries --query --trino-dist --work --java --keep)");
                    System.exit(2);
            }
        }
        // Before Trino's start (15 s and more): a mistyped path or key is one line at once.
        List<String> problems = new ArrayList<>();
        String lake = tableLocation("--lake", lakeArg, problems);
        String deadLetters = tableLocation("--dead-letters", deadLettersArg, problems);
        try {
            trinoS3Properties(s3Keys);
        } catch (ConfigException badKeys) {
            badKeys.problems().forEach(problem -> problems.add("--" + problem));
        }
        problems.addAll(queryProblems(queries, folder));
        problems.addAll(distProblems(dist));
        if (!problems.isEmpty()) {
            problems.forEach(System.err::println);
            System.exit(2);
        }
        if (queries.isEmpty()) {
            queries = queryFiles(folder);
        }
        if (work == null) {
            work = dist.toAbsolutePath().resolveSibling("trino-run");
        }
        Path javaHome = findJava(java);
        LocalAthena athena = start(install(dist, work), work, javaHome, s3Keys);
        List<String> failed;
        try {
            athena.registerTables(lake, deadLetters);
            for (String table : List.of(lake, deadLetters)) {
                if (!isS3(table) && !Files.isDirectory(Paths.get(table))) {
                    System.out.println("No folder " + table + " (nothing written there yet): its table is empty.");
                }
            }
            failed = athena.print(queries, System.out);
            if (keep) {
                System.out.println("\nTrino keeps running: " + athena.jdbcUrl() + " (Ctrl+C to stop)");
                Thread.currentThread().join();
            }
        } finally {
            athena.close();
        }
        if (!failed.isEmpty()) {
            System.err.println(failed.size() + " of " + queries.size() + " queries failed on Trino: " + String.join(", ", failed));
            System.exit(1);
        }
    }

    /**
     * Runs each query file and prints its title and result table; a query Trino refuses gets its
     * error on one line, and the others still run.
     *
     * @return the names of the files that failed
     */
    public List<String> print(List<Path> queries, java.io.PrintStream out) throws IOException {
        List<String> failed = new ArrayList<>();
        for (Path q : queries) {
            String sql = sqlOf(q);
            out.println("\n" + q.getFileName() + ": " + sql.lines().findFirst().orElse("").replaceFirst("^--\\s*", ""));
            try {
                out.print(TextTable.render(query(sql)));
            } catch (SQLException e) {
                failed.add(q.getFileName().toString());
                out.println("FAILED on Trino: " + e.getMessage());
            }
        }
        return failed;
    }

    /** What is wrong with the query files asked for ({@code --query}), or else with their folder ({@code --queries}): one line each. */
    static List<String> queryProblems(List<Path> queries, Path folder) throws IOException {
        List<String> problems = new ArrayList<>();
        for (Path q : queries) {
            if (!Files.isRegularFile(q)) {
                problems.add("--query " + q + ": " + (Files.exists(q) ? "not a file" : "no such file"));
            }
        }
        if (queries.isEmpty()) {
            if (!Files.isDirectory(folder)) {
                problems.add("--queries " + folder + ": no such folder" + (folder.isAbsolute() ? ""
                        : " in " + Paths.get("").toAbsolutePath() + " (the default is the repository's own: run from its root, or give --queries)"));
            } else if (queryFiles(folder).isEmpty()) {
                problems.add("--queries " + folder + ": holds no .sql file");
            }
        }
        return problems;
    }

    /** What is wrong with {@code --trino-dist}: a folder holding Trino's server tarball and its Hive plugin, as the build fetches them. */
    static List<String> distProblems(Path dist) throws IOException {
        String fetch = "build once with mvn -DskipTests package, which fetches Trino from Maven Central";
        if (!Files.isDirectory(dist)) {
            return List.of("--trino-dist " + dist + ": no such folder" + (dist.isAbsolute() ? "" : " in " + Paths.get("").toAbsolutePath()
                    + " (the default is the build's: run from the repository's root, or give --trino-dist)") + "; " + fetch);
        }
        try (Stream<Path> files = Files.list(dist)) {
            List<String> names = files.map(f -> f.getFileName().toString()).collect(Collectors.toList());
            if (names.stream().noneMatch(n -> n.matches("trino-server-core-.*\\.tar\\.gz")) || names.stream().noneMatch(n -> n.matches("trino-hive-.*\\.zip"))) {
                return List.of("--trino-dist " + dist + ": expected trino-server-core-<version>.tar.gz and trino-hive-<version>.zip in it; " + fetch);
            }
        }
        return List.of();
    }

    /** The query files of a folder, in name order. */
    public static List<Path> queryFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".sql")).sorted().collect(Collectors.toList());
        }
    }
}
