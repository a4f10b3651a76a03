package io.clickstream.etl;

import io.clickstream.etl.enrich.UrlParts;
import io.clickstream.etl.local.LocalAthena;
import io.clickstream.etl.sink.parquet.LakeSchema;
import io.clickstream.generator.Fate;
import io.clickstream.generator.FirehoseLocalWriter;
import io.clickstream.generator.GeneratedRecord;
import io.clickstream.generator.GeneratorSettings;
import io.clickstream.generator.TrafficGenerator;

import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.parquet.schema.Type;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every file in {@code athena-queries/} runs unchanged on Trino, Athena's engine, over a lake the
 * job wrote from generated traffic; several answers are checked against totals computed from the
 * generator's input.
 */
class AthenaQueriesTest {

    static final Path QUERIES = Paths.get("..", "athena-queries");

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = FolderJob.cluster(1);

    @TempDir
    static Path dir;

    static List<GeneratedRecord> traffic;
    static List<GeneratedRecord> valid;
    static LocalAthena athena;

    @BeforeAll
    static void writeTheLakeAndStartTrino() throws Exception {
        // Event days end yesterday, so the single-partition query has data.
        Instant start = LocalDate.now(ZoneOffset.UTC).minusDays(3).atStartOfDay().toInstant(ZoneOffset.UTC);
        traffic = TrafficGenerator.generate(GeneratorSettings.defaults().seed(77).records(15_000).days(3).start(start));
        valid = traffic.stream().filter(r -> r.fate() == Fate.VALID).collect(Collectors.toList());
        FirehoseLocalWriter.withDefaults(dir.resolve("raw"), 77).write(traffic);
        FolderJob.run(FolderJob.config(dir));

        Path work = Paths.get("target", "trino-run-test");
        athena = LocalAthena.start(LocalAthena.install(Paths.get("target", "trino-dist"), Paths.get("target", "trino")),
                work, LocalAthena.findJava(null));
        athena.registerTables(dir.resolve("lake"), dir.resolve("dead-letter"));
    }

    @AfterAll
    static void stopTrino() throws Exception {
        if (athena != null) {
            athena.close();
        }
    }

    static List<Path> queryFiles() throws Exception {
        return LocalAthena.queryFiles(QUERIES);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queryFiles")
    void everyQueryRunsOnAthenasEngineAndAnswers(Path file) throws Exception {
        String sql = LocalAthena.sqlOf(file);
        assertThat(sql).as("%s starts with a comment saying what it answers", file).startsWith("-- ");
        List<String[]> rows = athena.query(sql);
        assertThat(rows.size() - 1).as("rows of %s", file.getFileName()).isPositive();
    }

    @Test
    void thereAreAtLeastTwelveQueriesAndTheDdl() throws Exception {
        assertThat(queryFiles()).hasSizeGreaterThanOrEqualTo(12);
        assertThat(QUERIES.resolve("ddl/clickstream_events.sql")).exists();
        assertThat(QUERIES.resolve("ddl/dead_letters.sql")).exists();
    }

    @Test
    void eventsByTypeMatchTheInput() throws Exception {
        Map<String, Long> expected = valid.stream().collect(Collectors.groupingBy(r -> (String) r.fields().get("event_type"), TreeMap::new, Collectors.counting()));
        Map<String, Long> actual = new TreeMap<>();
        for (String[] row : data(athena.query(LocalAthena.sqlOf(QUERIES.resolve("01_events_by_type.sql"))))) {
            actual.put(row[0], Long.parseLong(row[1]));
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void dailyRevenueMatchesTheInput() throws Exception {
        Map<String, BigDecimal> expected = new TreeMap<>();
        for (GeneratedRecord r : valid) {
            if ("purchase".equals(r.fields().get("event_type"))) {
                BigDecimal revenue = new BigDecimal(r.fields().get("product_price").toString()).setScale(2)
                        .multiply(new BigDecimal(r.fields().get("quantity").toString()));
                expected.merge(Instant.ofEpochMilli(r.eventMillis()).atOffset(ZoneOffset.UTC).toLocalDate().toString(), revenue, BigDecimal::add);
            }
        }
        Map<String, BigDecimal> actual = new TreeMap<>();
        for (String[] row : data(athena.query(LocalAthena.sqlOf(QUERIES.resolve("02_daily_revenue.sql"))))) {
            BigDecimal revenue = new BigDecimal(row[3]);
            if (revenue.signum() > 0) {
                actual.put(row[0], revenue);
            }
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void theFunnelMatchesTheInput() throws Exception {
        Map<Object, List<GeneratedRecord>> sessions = valid.stream()
                .filter(r -> !r.fields().get("user_agent").toString().contains("Googlebot"))
                .collect(Collectors.groupingBy(r -> r.fields().get("session_id")));
        String[] row = data(athena.query(LocalAthena.sqlOf(QUERIES.resolve("06_conversion_funnel.sql")))).get(0);
        assertThat(Long.parseLong(row[0])).as("sessions").isEqualTo(sessions.size());
        assertThat(Long.parseLong(row[3])).as("carted").isEqualTo(sessionsWith(sessions, "add_to_cart"));
        assertThat(Long.parseLong(row[4])).as("purchased").isEqualTo(sessionsWith(sessions, "purchase"));
    }

    /**
     * Sessions go to their landing page's campaign: the generator's traffic also has internal
     * banners tagged with UTM parameters later in a session, which must not move it.
     */
    @Test
    void campaignsAreThoseOfTheLandingPages() throws Exception {
        Map<Object, List<GeneratedRecord>> sessions = valid.stream()
                .filter(r -> !r.fields().get("user_agent").toString().contains("Googlebot"))
                .collect(Collectors.groupingBy(r -> r.fields().get("session_id")));
        Map<String, String> expected = new TreeMap<>();
        Map<String, long[]> counts = new TreeMap<>();
        Map<String, BigDecimal> revenue = new TreeMap<>();
        long taggedLater = 0;
        for (List<GeneratedRecord> session : sessions.values()) {
            GeneratedRecord landing = session.stream().min(java.util.Comparator.comparingLong(GeneratedRecord::eventMillis)).orElseThrow();
            String[] utm = UrlParts.queryParameters((String) landing.fields().get("page_url"), "utm_source", "utm_medium", "utm_campaign");
            String campaign = (utm[0] == null ? "(direct/referral)" : utm[0]) + " | " + (utm[1] == null ? "-" : utm[1])
                    + " | " + (utm[2] == null ? "-" : utm[2]);
            boolean converted = session.stream().anyMatch(r -> "purchase".equals(r.fields().get("event_type")));
            long[] c = counts.computeIfAbsent(campaign, k -> new long[2]);
            c[0]++;
            c[1] += converted ? 1 : 0;
            BigDecimal sum = revenue.getOrDefault(campaign, BigDecimal.ZERO.setScale(2));
            for (GeneratedRecord r : session) {
                if ("purchase".equals(r.fields().get("event_type"))) {
                    sum = sum.add(new BigDecimal(r.fields().get("product_price").toString()).setScale(2)
                            .multiply(new BigDecimal(r.fields().get("quantity").toString())));
                }
            }
            revenue.put(campaign, sum);
            if (utm[0] == null && session.stream().anyMatch(r -> String.valueOf(r.fields().get("page_url")).contains("utm_source="))) {
                taggedLater++;
            }
        }
        counts.forEach((campaign, c) -> expected.put(campaign, c[0] + " sessions, " + c[1] + " converted, " + revenue.get(campaign)));
        assertThat(taggedLater).as("sessions landing without a campaign that meet a tagged page later").isGreaterThan(10);

        Map<String, String> actual = new TreeMap<>();
        for (String[] row : data(athena.query(LocalAthena.sqlOf(QUERIES.resolve("14_utm_campaigns.sql"))))) {
            actual.put(row[0] + " | " + row[1] + " | " + row[2], row[3] + " sessions, " + row[4] + " converted, " + row[6]);
        }
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void deadLettersByTypeMatchTheInjectedFaults() throws Exception {
        Map<String, Long> actual = new HashMap<>();
        for (String[] row : data(athena.query(LocalAthena.sqlOf(QUERIES.resolve("15_dead_letters_by_type.sql"))))) {
            actual.merge(row[0], Long.parseLong(row[3]), Long::sum);
        }
        Map<String, Long> expected = new HashMap<>();
        traffic.stream().filter(r -> r.fate() != Fate.VALID && r.fate() != Fate.DUPLICATE).forEach(r -> expected.merge(
                r.fate() == Fate.MALFORMED ? "malformed_json" : r.fate().name().toLowerCase(Locale.ROOT), 1L, Long::sum));
        assertThat(actual).isEqualTo(expected);
    }

    /**
     * A run whose input had no bad record writes no dead-letter folder (and one with no good record
     * no lake): each is then an empty table, as an S3 prefix without objects is on Athena, and the
     * other table still answers.
     */
    @Test
    void anAbsentFolderIsAnEmptyTable() throws Exception {
        String events = "SELECT count(*) FROM clickstream_events";
        String deadLetters = "SELECT count(*) FROM dead_letters";
        Path absent = dir.resolve("never-written");
        try {
            athena.registerTables(dir.resolve("lake"), absent);
            assertThat(data(athena.query(deadLetters)).get(0)[0]).isEqualTo("0");
            assertThat(Long.parseLong(data(athena.query(events)).get(0)[0])).isEqualTo(valid.size());
            assertThat(data(athena.query(LocalAthena.sqlOf(QUERIES.resolve("15_dead_letters_by_type.sql"))))).isEmpty();

            athena.registerTables(absent, dir.resolve("dead-letter"));
            assertThat(data(athena.query(events)).get(0)[0]).isEqualTo("0");
            assertThat(Long.parseLong(data(athena.query(deadLetters)).get(0)[0])).isPositive();
            assertThat(absent).as("nothing is created in the user's folders").doesNotExist();
        } finally {
            athena.registerTables(dir.resolve("lake"), dir.resolve("dead-letter"));
        }
    }

    /**
     * With {@code user_id} pseudonymised the lake holds {@code user_id_hash} and no {@code user_id}:
     * the queries that count users count the pseudonyms then, not zero.
     */
    @Test
    void usersAreCountedByTheirPseudonymsWhenUserIdIsPseudonymised() throws Exception {
        Path pseudonymised = dir.resolve("pseudonymised");
        FolderJob.run(FolderJob.config(dir.resolve("raw"), pseudonymised.resolve("lake"), pseudonymised.resolve("dead-letter"),
                "pii.pseudonym-key", "athena-test-key-0123456789", "pii.pseudonym-fields", "email,user_id"));
        String[] queries = {"01_events_by_type.sql", "04_top_products_by_revenue.sql", "08_geography.sql", "09_browsers.sql"};
        int[] userColumn = {2, 3, 3, 5};
        Map<String, List<String[]>> plain = new TreeMap<>();
        for (String q : queries) {
            plain.put(q, data(athena.query(LocalAthena.sqlOf(QUERIES.resolve(q)))));
        }
        try {
            athena.registerTables(pseudonymised.resolve("lake"), pseudonymised.resolve("dead-letter"));
            assertThat(data(athena.query("SELECT count(*) FROM clickstream_events WHERE user_id IS NOT NULL")).get(0)[0]).isEqualTo("0");
            for (int i = 0; i < queries.length; i++) {
                List<String[]> expected = plain.get(queries[i]);
                List<String[]> actual = data(athena.query(LocalAthena.sqlOf(QUERIES.resolve(queries[i]))));
                assertThat(actual).as(queries[i]).hasSameSizeAs(expected);
                long expectedUsers = 0;
                long actualUsers = 0;
                for (int row = 0; row < expected.size(); row++) {
                    expectedUsers += Long.parseLong(expected.get(row)[userColumn[i]]);
                    actualUsers += Long.parseLong(actual.get(row)[userColumn[i]]);
                }
                // approx_distinct estimates (about 2 % error) over other values: the ids, then their pseudonyms.
                assertThat((double) actualUsers).as("users in %s", queries[i]).isPositive()
                        .isCloseTo(expectedUsers, org.assertj.core.data.Percentage.withPercentage(5));
            }
        } finally {
            athena.registerTables(dir.resolve("lake"), dir.resolve("dead-letter"));
        }
    }

    @Test
    void everyQueryAnswersOverAnEmptyLake() throws Exception {
        // A new deployment's tables are empty until the first objects are processed: no query may fail then.
        Map<String, String> failures = new java.util.TreeMap<>();
        try {
            athena.registerTables(dir.resolve("no-lake-yet"), dir.resolve("no-dead-letters-yet"));
            assertThat(data(athena.query("SELECT count(*) FROM clickstream_events")).get(0)[0]).isEqualTo("0");
            for (Path file : queryFiles()) {
                try {
                    athena.query(LocalAthena.sqlOf(file));
                } catch (java.sql.SQLException e) {
                    failures.put(file.getFileName().toString(), e.getMessage());
                }
            }
        } finally {
            athena.registerTables(dir.resolve("lake"), dir.resolve("dead-letter"));
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void aQueryTrinoRefusesIsOneLineAndTheOthersStillRun() throws Exception {
        Path broken = Files.writeString(Files.createDirectories(dir.resolve("own-queries")).resolve("99_broken.sql"), "-- Broken: a column the lake does not have.\nSELECT no_such_column FROM clickstream_events\n");
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();

        List<String> failed = athena.print(List.of(broken, QUERIES.resolve("01_events_by_type.sql")),
                new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));

        assertThat(failed).containsExactly("99_broken.sql");
        List<String> lines = printed.toString(java.nio.charset.StandardCharsets.UTF_8).lines().collect(Collectors.toList());
        assertThat(lines).anyMatch(l -> l.startsWith("FAILED on Trino: ") && l.contains("no_such_column"))
                .contains("01_events_by_type.sql: Events by type: how many events of each type, and from how many users and sessions.")
                .anyMatch(l -> l.startsWith("| event_type "));
    }

    @Test
    void theAthenaDdlDeclaresExactlyTheLakeSchema() throws Exception {
        String ddl = Files.readString(QUERIES.resolve("ddl/clickstream_events.sql"));
        Matcher columns = Pattern.compile("^\\s+([a-z_]+) ([a-z0-9(),<>]+),?$", Pattern.MULTILINE).matcher(ddl.substring(0, ddl.indexOf("PARTITIONED BY")));
        List<String> declared = new ArrayList<>();
        while (columns.find()) {
            declared.add(columns.group(1));
        }
        assertThat(declared).isEqualTo(LakeSchema.SCHEMA.getFields().stream().map(Type::getName).collect(Collectors.toList()));
        assertThat(ddl).contains("PARTITIONED BY (year string, month string, day string)", "STORED AS PARQUET", "'projection.enabled' = 'true'");
        String deadLetters = Files.readString(QUERIES.resolve("ddl/dead_letters.sql"));
        for (String field : Set.of("message", "source_file", "line_number", "source_record", "failure_time", "job_version", "raw_truncated", "raw_bytes", "raw_text")) {
            assertThat(deadLetters).contains("  " + field + " ");
        }
    }

    private static long sessionsWith(Map<Object, List<GeneratedRecord>> sessions, String type) {
        return sessions.values().stream().filter(s -> s.stream().anyMatch(r -> type.equals(r.fields().get("event_type")))).count();
    }

    private static List<String[]> data(List<String[]> withHeader) {
        return withHeader.subList(1, withHeader.size());
    }
}
