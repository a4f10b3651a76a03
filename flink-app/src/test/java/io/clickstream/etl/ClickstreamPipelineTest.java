package io.clickstream.etl;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.metrics.Accounting;
import io.clickstream.etl.model.FailureType;
import io.clickstream.etl.source.RawObjectSource;
import io.clickstream.generator.Fate;
import io.clickstream.generator.FirehoseLocalWriter;
import io.clickstream.generator.GeneratedRecord;
import io.clickstream.generator.GeneratorSettings;
import io.clickstream.generator.TrafficGenerator;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static io.clickstream.etl.TestEvents.pageView;
import static io.clickstream.etl.TestEvents.uuid;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole job on an embedded cluster at parallelism 2: generated traffic plus every kind of
 * broken input in, the lake and the dead letters read back and checked against ground truth.
 */
class ClickstreamPipelineTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = FolderJob.cluster(1);

    private static final Pattern LAKE_FILE = LakeReader.LAKE_FILE;
    private static final Pattern DEAD_LETTER_FILE = Pattern.compile("part-[0-9a-f-]+-\\d+\\.json\\.gz");

    @TempDir
    static Path dir;

    static Path raw;
    static Path lake;
    static Path deadLetters;
    static List<GeneratedRecord> traffic;
    static int objectsWritten;
    static JobExecutionResult result;

    @BeforeAll
    static void runTheJobOverGeneratedAndBrokenInput() throws Exception {
        raw = dir.resolve("raw");
        lake = dir.resolve("lake");
        deadLetters = dir.resolve("dead-letter");
        traffic = TrafficGenerator.generate(GeneratorSettings.defaults().seed(7).records(20_000).days(3)
                .start(Instant.parse("2026-01-05T00:00:00Z")));
        objectsWritten = FirehoseLocalWriter.withDefaults(raw, 7).write(traffic).size();
        objectsWritten += Broken.write(raw.resolve("zz-broken"));

        result = FolderJob.run(config("bounded"));
    }

    @Test
    void theLakeHoldsEveryValidEventExactlyOnceWithItsValues() throws Exception {
        Map<String, GeneratedRecord> expected = new HashMap<>();
        traffic.stream().filter(r -> r.fate() == Fate.VALID).forEach(r -> expected.put(r.eventId(), r));
        try (LakeReader reader = new LakeReader(lake)) {
            List<Map<String, Object>> rows = reader.query("SELECT *, epoch_ms(event_timestamp) AS ts_ms, CAST(event_date AS VARCHAR) AS date_text "
                    + "FROM events WHERE source_file NOT LIKE '%zz-broken%'");
            assertThat(rows).hasSize(expected.size());
            assertThat(rows.stream().map(r -> r.get("event_id")).collect(Collectors.toSet())).isEqualTo(expected.keySet());
            for (Map<String, Object> row : rows) {
                GeneratedRecord source = expected.get((String) row.get("event_id"));
                Map<String, Object> f = source.fields();
                long millis = source.eventMillis();
                LocalDate day = Instant.ofEpochMilli(millis).atOffset(ZoneOffset.UTC).toLocalDate();
                assertThat(row.get("event_type")).isEqualTo(f.get("event_type"));
                assertThat(((Number) row.get("ts_ms")).longValue()).isEqualTo(millis);
                assertThat(row.get("date_text")).isEqualTo(day.toString());
                assertThat(row.get("year") + "-" + row.get("month") + "-" + row.get("day")).isEqualTo(day.toString());
                assertThat(row.get("hour")).isEqualTo(Instant.ofEpochMilli(millis).atOffset(ZoneOffset.UTC).getHour());
                assertThat(row.get("user_id")).isEqualTo(f.get("user_id"));
                assertThat(row.get("session_id")).isEqualTo(f.get("session_id"));
                assertThat(row.get("product_id")).isEqualTo(f.get("product_id"));
                assertThat(row.get("country")).isEqualTo(f.get("country"));
                assertThat(row.get("city")).isEqualTo(f.get("city").equals(f.get("email")) ? "[email]" : f.get("city"));
                assertThat(row.get("page_host")).isEqualTo("shop.example.com");
                assertThat(row.get("utm_source")).isEqualTo(queryValue((String) f.get("page_url"), "utm_source"));
                assertThat(row.get("utm_campaign")).isEqualTo(queryValue((String) f.get("page_url"), "utm_campaign"));
                assertThat(row.get("referrer_host")).isEqualTo(host((String) f.get("referrer")));
                BigDecimal price = f.containsKey("product_price") ? new BigDecimal(f.get("product_price").toString()).setScale(2) : null;
                assertThat(row.get("product_price")).isEqualTo(price);
                Integer quantity = f.containsKey("quantity") ? Integer.valueOf(f.get("quantity").toString()) : null;
                assertThat(row.get("quantity")).isEqualTo(quantity);
                BigDecimal revenue = "purchase".equals(f.get("event_type")) ? price.multiply(BigDecimal.valueOf(quantity)) : new BigDecimal("0.00");
                assertThat(row.get("revenue")).isEqualTo(revenue);
                assertThat(row.get("is_bot")).isEqualTo(((String) f.get("user_agent")).contains("Googlebot"));
                assertThat((String) row.get("source_file")).startsWith("file:" + raw.toAbsolutePath());
                if ("search".equals(f.get("event_type"))) {
                    String query = (String) row.get("search_query");
                    assertThat(query).doesNotContain("@");
                    assertThat(((String) f.get("search_query")).startsWith("call me") ? query : "call me [phone]").isEqualTo("call me [phone]");
                }
                if (f.containsKey("app_version")) {
                    assertThat(row.get("extra").toString()).contains("app_version").contains(f.get("app_version").toString());
                }
            }
        }
    }

    @Test
    void brokenObjectsAreReadAsFarAsTheyCanBe() throws Exception {
        try (LakeReader reader = new LakeReader(lake)) {
            Set<String> ids = reader.query("SELECT event_id FROM events WHERE source_file LIKE '%zz-broken%'").stream()
                    .map(r -> (String) r.get("event_id")).collect(Collectors.toSet());
            assertThat(ids).contains(uuid(3_000_000), uuid(3_000_002), uuid(5_000_000), uuid(5_000_001), uuid(5_000_002));
            assertThat(ids).doesNotContain(uuid(3_000_001), uuid(4_000_000), uuid(6_000_000), uuid(6_000_001), uuid(7_000_000), uuid(7_000_001));
            for (long base : new long[] {1_000_000, 2_000_000}) {
                long readable = ids.stream().filter(id -> id.compareTo(uuid(base)) >= 0 && id.compareTo(uuid(base + Broken.LINES)) < 0).count();
                assertThat(readable).as("a prefix of the damaged object %d", base).isGreaterThan(0).isLessThan(Broken.LINES);
                for (long i = 0; i < readable; i++) {
                    assertThat(ids).contains(uuid(base + i));
                }
            }
        }
    }

    @Test
    void theDeadLettersHoldExactlyTheBadRecordsWithTheirReasons() throws Exception {
        List<Map<String, Object>> letters = readDeadLetters();
        Map<FailureType, List<Map<String, Object>>> byType = new EnumMap<>(FailureType.class);
        for (Map<String, Object> d : letters) {
            byType.computeIfAbsent(FailureType.valueOf(((String) d.get("failure_type")).toUpperCase()), t -> new ArrayList<>()).add(d);
            assertThat(d).containsKeys("message", "source_file", "line_number", "source_record", "failure_time", "job_version", "raw_text", "raw_truncated", "raw_bytes");
            assertThat(d.get("job_version")).isEqualTo("pipeline-test");
        }
        assertThat(rawTexts(byType.get(FailureType.MALFORMED_JSON), false)).containsExactlyInAnyOrderElementsOf(jsons(Fate.MALFORMED));
        assertThat(rawTexts(byType.get(FailureType.SCHEMA_VIOLATION), false)).containsExactlyInAnyOrderElementsOf(jsons(Fate.SCHEMA_VIOLATION));
        assertThat(rawTexts(byType.get(FailureType.ID_CONFLICT), false)).containsExactlyInAnyOrderElementsOf(jsons(Fate.ID_CONFLICT));
        assertThat(byType.get(FailureType.SCHEMA_VIOLATION)).allSatisfy(d -> assertThat(d.get("field")).isNotNull());
        // Purchases whose price and quantity each pass but whose revenue would not fit the lake's decimal.
        assertThat(byType.get(FailureType.SCHEMA_VIOLATION)).anySatisfy(d -> assertThat(d.get("rule")).isEqualTo("max_revenue"));

        List<Map<String, Object>> brokenMalformed = byType.get(FailureType.MALFORMED_JSON).stream()
                .filter(d -> d.get("source_file").toString().contains("zz-broken") && !d.get("source_file").toString().endsWith("corrupt.gz"))
                .collect(Collectors.toList());
        assertThat(brokenMalformed).hasSize(Broken.GARBAGE_LINES + 2);
        assertThat(brokenMalformed).filteredOn(d -> d.get("source_file").toString().endsWith("hostile.json"))
                .singleElement().satisfies(d -> assertThat(d.get("message").toString()).containsIgnoringCase("nesting"));
        assertThat(byType.get(FailureType.SCHEMA_VIOLATION)).filteredOn(d -> d.get("source_file").toString().endsWith("hostile.json"))
                .singleElement().satisfies(d -> assertThat(d.get("rule")).isEqualTo("max_extra_fields"));
        assertThat(brokenMalformed).filteredOn(d -> d.get("source_file").toString().endsWith("bad-utf8"))
                .singleElement().satisfies(d -> assertThat(d.get("message").toString()).contains("UTF-8"));

        assertThat(byType.get(FailureType.OVERSIZED_RECORD)).singleElement().satisfies(d -> {
            assertThat(d.get("raw_truncated")).isEqualTo(true);
            assertThat(((Number) d.get("raw_bytes")).longValue()).isGreaterThan(50L << 20);
            assertThat(d.get("line_number")).isEqualTo(2L);
            assertThat(d.get("raw_text").toString()).startsWith("{\"event_id\":\"" + uuid(3_000_001));
        });
        assertThat(byType.get(FailureType.UNREADABLE_OBJECT)).extracting(d -> Path.of(d.get("source_file").toString()).getFileName().toString())
                .containsExactlyInAnyOrder("truncated.gz", "corrupt.gz");
    }

    @Test
    void atParallelismOneTheReaderIsChainedWithTheParserAndTheOutputIsTheSame() throws Exception {
        Path lakeP1 = dir.resolve("lake-p1");
        Path deadLettersP1 = dir.resolve("dead-letter-p1");
        JobConfig config = FolderJob.config(raw, lakeP1, deadLettersP1, "job.version", "pipeline-test");
        StreamExecutionEnvironment env = TestEnvironments.withoutRestarts(1, 500);
        FolderJob.build(config, env, RawObjectSource.create(config));
        // Reader, parser, dedup and the lake writer form one task: nothing is shuffled.
        assertThat(env.getStreamGraph(false).getJobGraph().getVertices()).anySatisfy(v -> assertThat(v.getName())
                .startsWith("Source: Raw Firehose objects -> Parse and validate -> Remove personal data -> Enrich -> Drop duplicates"));

        Accounting p1 = new Accounting(env.execute("pipeline-test-p1").getAllAccumulatorResults());
        Accounting p2 = new Accounting(result.getAllAccumulatorResults());
        assertThat(p1.toString()).isEqualTo(p2.toString());
        String rows = "SELECT event_id, source_file, event_timestamp, user_id, page_url, revenue, browser FROM events ORDER BY event_id";
        try (LakeReader one = new LakeReader(lakeP1); LakeReader two = new LakeReader(lake)) {
            assertThat(one.query(rows)).isEqualTo(two.query(rows));
        }
        assertThat(DeadLetters.read(deadLettersP1)).extracting(d -> d.get("failure_type") + " " + d.get("source_file") + " " + d.get("line_number"))
                .containsExactlyInAnyOrderElementsOf(readDeadLetters().stream()
                        .map(d -> d.get("failure_type") + " " + d.get("source_file") + " " + d.get("line_number")).collect(Collectors.toList()));
    }

    @Test
    void theAccountingBalancesAndMatchesTheOutputs() throws Exception {
        Accounting accounting = new Accounting(result.getAllAccumulatorResults());
        long deadLetterLines = readDeadLetters().size();
        try (LakeReader reader = new LakeReader(lake)) {
            assertThat(accounting.written).isEqualTo(reader.count());
            assertThat(reader.query("SELECT count(DISTINCT event_id) AS n FROM events").get(0).get("n")).isEqualTo(accounting.written);
        }
        assertThat(accounting.balanced()).as(accounting.toString()).isTrue();
        assertThat(accounting.deadLettered()).isEqualTo(deadLetterLines);
        assertThat(accounting.duplicates).isEqualTo(traffic.stream().filter(r -> r.fate() == Fate.DUPLICATE).count());
        assertThat(accounting.objectsRead).isEqualTo(objectsWritten);
        assertThat(accounting.piiFieldsRemoved).isGreaterThan(accounting.written);
    }

    @Test
    void noPersonalDataSurvivesInTheLake() throws Exception {
        Set<String> secrets = new HashSet<>();
        for (GeneratedRecord r : traffic) {
            for (String field : new String[] {"ip_address", "email"}) {
                Object v = r.fields().get(field);
                if (v != null) {
                    secrets.add(v.toString());
                    secrets.add(v.toString().replace("@", "%40"));
                }
            }
        }
        long planted = 0;
        for (GeneratedRecord r : traffic) {
            secrets.addAll(r.secrets());
            planted += r.secrets().size();
        }
        assertThat(planted).as("tokens, session ids, passwords, card and phone numbers, IBANs, addresses, JSON Web Tokens planted").isGreaterThan(100);
        secrets.add("81.2.69.160");
        secrets.add("jane.doe@example.org");
        assertThat(traffic).anyMatch(r -> String.valueOf(r.fields().get("page_url")).contains("email="));

        StringBuilder text = new StringBuilder();
        try (LakeReader reader = new LakeReader(lake)) {
            for (Map<String, Object> row : reader.query("SELECT * EXCLUDE (filename) FROM events")) {
                text.append(row.values()).append('\n');
            }
            // The profiles whose city autofill filled with the address.
            assertThat((Long) reader.query("SELECT count(*) AS n FROM events WHERE city = '[email]'").get(0).get("n")).isPositive();
        }
        assertThat(text.length()).isGreaterThan(1_000_000);
        String lakeText = text.toString();
        List<String> bytes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(lake)) {
            for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                bytes.add(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        assertThat(secrets.stream().filter(lakeText::contains)).as("secrets in the decoded lake values").isEmpty();
        assertThat(secrets.stream().filter(secret -> bytes.stream().anyMatch(file -> file.contains(secret))))
                .as("secrets in the lake files' bytes").isEmpty();
        assertThat(lakeText).contains("email=REDACTED", "token=REDACTED", "#access_token=REDACTED", ";jsessionid=REDACTED",
                "/account/verify/REDACTED", "q=pay+with+[card]", "q=call+me+[phone]", "pay with [card]",
                "?return_to=%2Faccount%2Freset%3Ftoken%3DREDACTED%26email%3DREDACTED", "\"password\":\"REDACTED\"",
                "user%5Bpassword%5D=REDACTED", "subscriber=REDACTED", "/unsubscribe/REDACTED/confirm", "where is my order [email]", "refund to [iban]",
                "{share={\"recipients\":{\"[email]\":\"sent\"}}}", "/newsletter/subscribed?first_name=REDACTED&last_name=REDACTED&zip=REDACTED");
        assertThat(lakeText).containsPattern("/stores\\?lat=-?\\d{1,3}\\.\\d\\d&lng=-?\\d{1,3}\\.\\d\\d&radius=25");
    }

    @Test
    void theLakeIsSnappyParquetWithInt64TimestampsAndOnlyCommittedVisibleFiles() throws Exception {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(lake)) {
            files = walk.filter(Files::isRegularFile).collect(Collectors.toList());
        }
        assertThat(files).isNotEmpty().allSatisfy(f -> {
            assertThat(f.getFileName().toString()).matches(LAKE_FILE);
            assertThat(lake.relativize(f.getParent()).toString()).matches("year=\\d{4}/month=\\d{2}/day=\\d{2}");
        });
        // Compaction: the run's small files per day, from both sink subtasks and every checkpoint, became one
        // file each; the hidden originals are gone.
        Map<Path, List<Path>> byDay = files.stream().collect(Collectors.groupingBy(Path::getParent));
        assertThat(byDay.values()).allSatisfy(day -> assertThat(day).hasSize(1)
                .allSatisfy(f -> assertThat(f.getFileName().toString()).startsWith("compacted-part-")));
        try (Stream<Path> walk = Files.walk(deadLetters)) {
            assertThat(walk.filter(Files::isRegularFile).collect(Collectors.toList())).isNotEmpty().allSatisfy(f -> {
                assertThat(f.getFileName().toString()).matches(DEAD_LETTER_FILE);
                assertThat(deadLetters.relativize(f.getParent()).toString()).matches("failure_type=[a-z_]+/processing_date=\\d{4}-\\d{2}-\\d{2}");
            });
        }
        String file = files.get(0).toAbsolutePath().toString();
        try (LakeReader reader = new LakeReader(lake)) {
            assertThat(reader.query("SELECT DISTINCT compression FROM parquet_metadata('" + lake.toAbsolutePath() + "/**/*.parquet')"))
                    .extracting(r -> r.get("compression")).containsExactly("SNAPPY");
            Map<String, Map<String, Object>> schema = new LinkedHashMap<>();
            for (Map<String, Object> col : reader.query("SELECT * FROM parquet_schema('" + file + "')")) {
                schema.put((String) col.get("name"), col);
            }
            assertThat(schema.keySet()).doesNotContain("year", "month", "day").contains("event_id", "extra", "ingested_at");
            for (String ts : new String[] {"event_timestamp", "ingested_at"}) {
                assertThat(schema.get(ts).get("type")).isEqualTo("INT64");
                assertThat(String.valueOf(schema.get(ts).get("logical_type"))).contains("TimestampType", "isAdjustedToUTC=1", "MILLIS");
            }
            assertThat(schema.get("product_price").get("type")).isEqualTo("INT64");
            assertThat(((Number) schema.get("product_price").get("scale")).intValue()).isEqualTo(2);
            assertThat(((Number) schema.get("product_price").get("precision")).intValue()).isEqualTo(12);
            assertThat(String.valueOf(schema.get("event_date").get("logical_type"))).contains("DateType");
            assertThat(reader.query("DESCRIBE SELECT revenue, quantity, is_bot, extra FROM events"))
                    .extracting(r -> r.get("column_type"))
                    .containsExactly("DECIMAL(12,2)", "INTEGER", "BOOLEAN", "MAP(VARCHAR, VARCHAR)");
        }
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void continuousModePicksUpNewObjectsAndResumesFromASavepointWithoutRereading() throws Exception {
        Path root = dir.resolve("continuous");
        Path in = root.resolve("raw");
        Path out = root.resolve("lake");
        Files.createDirectories(in);
        JobConfig config = continuous(root, "200ms", "500ms");
        Set<String> expected = new HashSet<>();
        List<GeneratedRecord> first = landBatch(in, 0, expected);

        JobClient job = FolderJob.start(config, null, env -> { });
        String savepoint;
        try {
            waitForLake(out, expected.size());
            landBatch(in, 1, expected);
            waitForLake(out, expected.size());
            savepoint = job.stopWithSavepoint(false, root.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(1, TimeUnit.MINUTES);
        } catch (Exception e) {
            job.cancel();
            throw e;
        }

        // While the job is down: a new batch, and a late retry of events written before the stop.
        landBatch(in, 2, expected);
        Files.createDirectories(in.resolve("2026/02/09"));
        Files.writeString(in.resolve("2026/02/09/retry-of-first-batch.json"),
                first.stream().limit(100).map(r -> r.json() + "\n").collect(Collectors.joining()));

        // A rebuilt job: another operator chain, the same uids.
        JobClient resumed = FolderJob.start(config, savepoint, StreamExecutionEnvironment::disableOperatorChaining);
        try {
            LakeReader.assertHoldsEachOnce(out, expected, java.time.Duration.ofMillis(1_500));
        } finally {
            resumed.cancel().get(1, TimeUnit.MINUTES);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void compactionBoundsTheFilesOfAPartitionWhileTrafficFlows() throws Exception {
        Path root = dir.resolve("compaction");
        Path in = root.resolve("raw");
        Path out = root.resolve("lake");
        Files.createDirectories(in);
        // Checkpoints every 200 ms: without compaction two sink subtasks would commit up to ten files a second.
        JobConfig config = continuous(root, "100ms", "200ms");
        // Checkpoints every 200 ms on a loaded CI machine: let the job restart as a deployed one would (seen once in
        // a full CI run: the job failed, cause not recorded); exactly once and the file bound must hold across it.
        StreamExecutionEnvironment env = TestEnvironments.withoutRestarts(2, 200);
        Configuration restarts = new Configuration();
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
        restarts.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 3);
        env.configure(restarts);
        env.getCheckpointConfig().setTolerableCheckpointFailureNumber(3);
        FolderJob.build(config, env, RawObjectSource.create(config));
        JobClient job = env.executeAsync("compaction-test");
        Set<String> expected = new HashSet<>();
        Set<String> days = new HashSet<>();
        long started = System.nanoTime();
        try {
            for (int batch = 0; batch < 12; batch++) {
                List<GeneratedRecord> records = TrafficGenerator.generate(GeneratorSettings.defaults().noFaults().seed(900 + batch)
                        .records(300).days(1).start(Instant.parse("2026-03-01T00:00:00Z")));
                FirehoseLocalWriter.withDefaults(in, 900 + batch).write(records);
                records.forEach(r -> expected.add(r.eventId()));
                // Sessions start on March 1st; one that starts late may end after midnight.
                records.forEach(r -> days.add("day=" + Instant.ofEpochMilli(r.eventMillis()).toString().substring(8, 10)));
                Thread.sleep(500);
            }
            long landed = System.nanoTime();
            try {
                waitForLake(out, expected.size());
            } catch (AssertionError notThere) {
                if (job.getJobStatus().get().isGloballyTerminalState()) {
                    job.getJobExecutionResult().get(); // throws the job's own failure
                }
                throw notThere;
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            List<Path> files = LakeReader.visibleFiles(out);
            System.out.printf("compaction: %d visible files after %.1f s of traffic with checkpoints every 200 ms; last batch visible after %.1f s%n",
                    files.size(), seconds, (System.nanoTime() - landed) / 1e9);
            Map<String, Long> perDay = files.stream().collect(Collectors.groupingBy(f -> f.getParent().getFileName().toString(), Collectors.counting()));
            assertThat(perDay.keySet()).isEqualTo(days).contains("day=01");
            // One file per compaction of a partition: at most one per max-delay (2 s) less the monitor
            // interval (100 ms) of traffic, plus the first and the last.
            assertThat(perDay.values()).allSatisfy(n -> assertThat(n).isLessThanOrEqualTo((int) Math.ceil(seconds / 1.9) + 2));
            try (LakeReader reader = new LakeReader(out)) {
                assertThat(reader.query("SELECT event_id FROM events").stream().map(r -> r.get("event_id")).collect(Collectors.toSet()))
                        .isEqualTo(expected);
                assertThat(reader.count()).isEqualTo(expected.size());
            }
        } finally {
            if (job.getJobStatus().get().isGloballyTerminalState()) {
                job.getJobExecutionResult().get(); // throws the job's own failure
            }
            job.cancel().get(1, TimeUnit.MINUTES);
        }
    }

    private static List<GeneratedRecord> landBatch(Path in, int batch, Set<String> expected) throws IOException {
        List<GeneratedRecord> records = TrafficGenerator.generate(GeneratorSettings.defaults().noFaults().seed(100 + batch)
                .records(1500).days(1).start(Instant.parse("2026-02-0" + (batch + 1) + "T00:00:00Z")));
        FirehoseLocalWriter.withDefaults(in, batch).write(records);
        records.forEach(r -> expected.add(r.eventId()));
        return records;
    }

    /** The tests' checkpoints (500 ms), and a compaction delay no run reaches: a bounded run compacts each day once, at the end. */
    private static JobConfig config(String mode) {
        return FolderJob.config(raw, lake, deadLetters, "input.mode", mode, "checkpoint.interval", "500ms",
                "output.compaction.max-delay", "1h", "job.version", "pipeline-test");
    }

    /** A continuous job over {@code root/raw} into {@code root/lake}, compacting every 2 s at the latest. */
    private static JobConfig continuous(Path root, String monitorInterval, String checkpointInterval) {
        // The generated objects land under the hours of their events, months before now, outside the
        // hour window: every round sweeps the root, so that each is read at once.
        return FolderJob.config(root, "input.mode", "continuous", "input.monitor-interval", monitorInterval,
                "input.sweep-interval", monitorInterval, "checkpoint.interval", checkpointInterval,
                "output.compaction.max-delay", "2s", "job.version", "pipeline-test");
    }

    private static void waitForLake(Path lakeRoot, long rows) throws Exception {
        LakeReader.awaitRows(lakeRoot, rows, java.time.Duration.ofMinutes(2));
    }

    private static List<Map<String, Object>> readDeadLetters() throws IOException {
        List<Map<String, Object>> letters = DeadLetters.read(deadLetters);
        assertThat(letters).allSatisfy(d -> assertThat(OffsetDateTime.parse(d.get("failure_time").toString())).isNotNull());
        return letters;
    }

    private static List<String> rawTexts(List<Map<String, Object>> letters, boolean includeBroken) {
        return letters.stream()
                .filter(d -> includeBroken || !d.get("source_file").toString().contains("zz-broken"))
                .map(d -> (String) d.get("raw_text"))
                .collect(Collectors.toList());
    }

    private static List<String> jsons(Fate fate) {
        return traffic.stream().filter(r -> r.fate() == fate).map(GeneratedRecord::json).collect(Collectors.toList());
    }

    private static String queryValue(String url, String name) {
        Matcher m = Pattern.compile("[?&]" + name + "=([^&#]*)").matcher(url);
        return m.find() ? m.group(1).replace('+', ' ') : null;
    }

    private static String host(String url) {
        return url == null ? null : url.replaceFirst("^https?://([^/?#]+).*$", "$1");
    }

    /** Objects that go wrong in every way the issue lists, with known contents. */
    static final class Broken {
        static final int LINES = 3000;
        static final int GARBAGE_LINES = 5;

        /** Writes the broken objects and returns how many visible objects it wrote. */
        static int write(Path folder) throws IOException {
            Files.createDirectories(folder);
            byte[] truncated = gzip(lines(1_000_000));
            Files.write(folder.resolve("truncated.gz"), Arrays.copyOf(truncated, truncated.length / 2));

            byte[] corrupt = gzip(lines(2_000_000));
            Random random = new Random(11);
            for (int i = corrupt.length / 3; i < corrupt.length / 3 + 200; i++) {
                corrupt[i] = (byte) random.nextInt(256);
            }
            Files.write(folder.resolve("corrupt.gz"), corrupt);

            Files.write(folder.resolve("empty.gz"), new byte[0]);
            Files.write(folder.resolve("empty-member.gz"), gzip(""));

            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(folder.resolve("oversized.gz")), 1 << 16)) {
                out.write((pageView(uuid(3_000_000)) + "\n{\"event_id\":\"" + uuid(3_000_001) + "\",\"blob\":\"").getBytes(StandardCharsets.UTF_8));
                byte[] chunk = "x".repeat(1 << 20).getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 50; i++) {
                    out.write(chunk);
                }
                out.write(("\"}\n" + pageView(uuid(3_000_002)) + "\n").getBytes(StandardCharsets.UTF_8));
            }

            ByteArrayOutputStream bomCrlf = new ByteArrayOutputStream();
            bomCrlf.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
            for (int i = 0; i < 3; i++) {
                bomCrlf.write((pageView(uuid(5_000_000 + i)) + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            Files.write(folder.resolve("bom-crlf.json"), bomCrlf.toByteArray());

            byte[] garbage = new byte[GARBAGE_LINES * 100];
            new Random(5).nextBytes(garbage);
            for (int i = 0; i < garbage.length; i++) {
                garbage[i] = i % 100 == 99 ? (byte) '\n' : i % 100 == 0 ? 0x01 : garbage[i] == '\n' ? 0x02 : garbage[i];
            }
            Files.write(folder.resolve("binary.bin"), garbage);

            byte[] badUtf8 = pageView(uuid(4_000_000)).replace("u-1", "u-\u00e9").getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < badUtf8.length; i++) {
                if (badUtf8[i] == (byte) 0xC3) {
                    badUtf8[i] = (byte) 0xFF;
                }
            }
            Files.write(folder.resolve("bad-utf8"), badUtf8);

            // 10,000 levels of nesting, and 10,000 fields: neither may hurt the job.
            String deep = "{\"event_id\":\"" + uuid(7_000_000) + "\",\"x\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
            StringBuilder wide = new StringBuilder(pageView(uuid(7_000_001)).replace("}", ""));
            for (int i = 0; i < 10_000; i++) {
                wide.append(",\"f").append(i).append("\":").append(i);
            }
            Files.writeString(folder.resolve("hostile.json"), deep + "\n" + wide + "}\n");

            // Hidden names, as in-progress uploads or markers have: never read.
            Files.write(folder.resolve(".in-progress.gz"), gzip(pageView(uuid(6_000_000))));
            Files.write(folder.resolve("_SUCCESS"), pageView(uuid(6_000_001)).getBytes(StandardCharsets.UTF_8));
            return 9;
        }

        private static String lines(long base) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < LINES; i++) {
                b.append(pageView(uuid(base + i))).append('\n');
            }
            return b.toString();
        }

        private static byte[] gzip(String text) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream out = new GZIPOutputStream(bytes)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
            return bytes.toByteArray();
        }
    }
}
