package io.clickstream.etl;

import io.clickstream.etl.deploy.IamPolicy;
import io.clickstream.etl.deploy.LocalS3;
import io.clickstream.etl.deploy.S3RequestLog.S3Request;
import io.clickstream.etl.deploy.SamTemplate;
import io.clickstream.etl.local.LocalAthena;
import io.clickstream.generator.FirehoseLocalWriter;
import io.clickstream.generator.GeneratorSettings;
import io.clickstream.generator.TrafficGenerator;

import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stack's {@code AnalystPolicy}, evaluated as IAM evaluates it: on every S3 request that
 * Trino, Athena's engine, makes for the Athena queries over a lake on an S3 API (S3Proxy), and on
 * the Athena and Glue resources of the template. Analysts read the events; the dead letters, which
 * keep raw records with their personal data, and the operations workgroup's results stay out of
 * their reach. Also LocalAthena over a lake on S3.
 */
class AnalystAccessTest {

    static final Path QUERIES = Paths.get("..", "athena-queries");
    static final String DEAD_LETTER_QUERY = "15_dead_letters_by_type.sql";

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = FolderJob.cluster(1);

    @TempDir
    static Path dir;

    static SamTemplate template;
    static String lakeBucket;
    static LocalS3 s3;
    static LocalAthena athena;
    static IamPolicy analyst;

    @BeforeAll
    static void writeTheLakeOntoS3AndStartTrino() throws Exception {
        Instant start = LocalDate.now(ZoneOffset.UTC).minusDays(2).atStartOfDay().toInstant(ZoneOffset.UTC);
        FirehoseLocalWriter.withDefaults(dir.resolve("raw"), 31)
                .write(TrafficGenerator.generate(GeneratorSettings.defaults().seed(31).records(3_000).days(2).start(start)));
        FolderJob.run(FolderJob.config(dir));

        template = SamTemplate.load();
        lakeBucket = template.resolveString(Map.of("Ref", "LakeBucket"));
        s3 = LocalS3.start(lakeBucket);
        // Where the stack's job writes them: s3://<lake bucket>/events and /dead-letter.
        upload(dir.resolve("lake"), "events/");
        upload(dir.resolve("dead-letter"), "dead-letter/");
        athena = LocalAthena.start(LocalAthena.install(Paths.get("target", "trino-dist"), Paths.get("target", "trino")),
                Paths.get("target", "trino-run-analyst"), LocalAthena.findJava(null), s3.jobKeys());
        athena.registerTables("s3://" + lakeBucket + "/events", "s3://" + lakeBucket + "/dead-letter");
        analyst = IamPolicy.ofDocument(template, "AnalystPolicy");
    }

    private static void upload(Path folder, String prefix) throws Exception {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path f : files.filter(Files::isRegularFile).collect(Collectors.toList())) {
                s3.put("s3://" + lakeBucket + "/" + prefix + folder.relativize(f).toString().replace('\\', '/'), f);
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (athena != null) {
            athena.close();
        }
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void everyQueryOfTheEventsReadsOnlyWhatTheAnalystPolicyAllows() throws Exception {
        List<S3Request> requests = new ArrayList<>();
        for (Path file : LocalAthena.queryFiles(QUERIES)) {
            if (file.getFileName().toString().equals(DEAD_LETTER_QUERY)) {
                continue;
            }
            s3.log.clear();
            assertThat(athena.query(LocalAthena.sqlOf(file)).size() - 1).as("rows of %s over the lake on S3", file.getFileName()).isPositive();
            requests.addAll(s3.log.requests());
        }

        assertThat(requests).as("S3 requests of the queries")
                .anyMatch(r -> r.operation().equals("GetObject") && r.key.startsWith("events/year="))
                .anyMatch(r -> r.operation().startsWith("ListObjects"));
        assertThat(S3EndToEndTest.refusedByTheTemplate(template, analyst, requests))
                .as("requests sam-template.yaml's AnalystPolicy would not allow on Amazon S3").isEmpty();
    }

    @Test
    void theDeadLettersAreOutOfAnAnalystsReach() throws Exception {
        s3.log.clear();
        // Trino here holds the server's keys, so it answers; Athena would check the analyst's.
        assertThat(athena.query(LocalAthena.sqlOf(QUERIES.resolve(DEAD_LETTER_QUERY))).size() - 1).isPositive();
        List<S3Request> reads = s3.log.requests().stream().filter(r -> r.operation().equals("GetObject")).collect(Collectors.toList());
        assertThat(reads).isNotEmpty().allMatch(r -> r.key.startsWith("dead-letter/"));
        assertThat(S3EndToEndTest.refusedByTheTemplate(template, analyst, reads)).hasSameSizeAs(reads);

        String database = template.resolveString(Map.of("Ref", "GlueDatabase"));
        assertThat(analyst.evaluate("glue:GetTable", arn("glue", "table/" + database + "/clickstream_events"), Map.of()))
                .isEqualTo(IamPolicy.Decision.ALLOW);
        assertThat(analyst.evaluate("glue:GetTable", arn("glue", "table/" + database + "/dead_letters"), Map.of()))
                .isEqualTo(IamPolicy.Decision.IMPLICIT_DENY);
        String analytics = template.resolveString(Map.of("Ref", "AthenaWorkGroup"));
        String operations = template.resolveString(Map.of("Ref", "AthenaOperationsWorkGroup"));
        assertThat(analyst.evaluate("athena:StartQueryExecution", arn("athena", "workgroup/" + analytics), Map.of()))
                .isEqualTo(IamPolicy.Decision.ALLOW);
        assertThat(analyst.evaluate("athena:GetQueryResults", arn("athena", "workgroup/" + operations), Map.of()))
                .isEqualTo(IamPolicy.Decision.IMPLICIT_DENY);
        // The table browser shows names and columns of both tables, which hold no personal data.
        assertThat(analyst.evaluate("athena:ListTableMetadata", arn("athena", "datacatalog/AwsDataCatalog"), Map.of()))
                .isEqualTo(IamPolicy.Decision.ALLOW);
    }

    /** Athena writes each query's result where its workgroup says; the analyst reads and writes its own workgroup's only. */
    @Test
    void analystsReachTheirWorkgroupsResultsAndNotTheOperationsOnes() {
        String results = template.resolveString(Map.of("Ref", "AthenaResultsBucket"));
        String analyticsOutput = resultLocation("AthenaWorkGroup");
        String operationsOutput = resultLocation("AthenaOperationsWorkGroup");
        assertThat(analyticsOutput).isEqualTo("s3://" + results + "/results/");
        assertThat(operationsOutput).startsWith("s3://" + results + "/").isNotEqualTo(analyticsOutput);
        Map<String, String> https = Map.of("aws:SecureTransport", "true");
        for (String action : List.of("s3:PutObject", "s3:GetObject")) {
            assertThat(analyst.evaluate(action, "arn:aws:s3:::" + analyticsOutput.substring(5) + "0f6a.csv", https)).isEqualTo(IamPolicy.Decision.ALLOW);
            assertThat(analyst.evaluate(action, "arn:aws:s3:::" + operationsOutput.substring(5) + "0f6a.csv", https))
                    .isEqualTo(IamPolicy.Decision.IMPLICIT_DENY);
        }
        assertThat(SamTemplate.map(template.properties("QueryDeadLettersByType")).get("WorkGroup"))
                .isEqualTo(Map.of("Ref", "AthenaOperationsWorkGroup"));
    }

    /** The command a user runs, with the job's s3.* keys: the lake on an S3-compatible server, queried as on Athena. */
    @Test
    void localAthenaRunsTheQueriesOverALakeOnAnS3CompatibleServer() throws Exception {
        String eventsByType = QUERIES.resolve("01_events_by_type.sql").toString();
        Map<String, String> keys = s3.jobKeys();
        Process run = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                LocalAthena.class.getName(), "--lake", "s3://" + lakeBucket + "/events", "--dead-letters", "s3://" + lakeBucket + "/dead-letter",
                "--s3.endpoint", keys.get("s3.endpoint"), "--s3.path-style-access", "true",
                "--s3.access-key", keys.get("s3.access-key"), "--s3.secret-key", keys.get("s3.secret-key"),
                "--query", eventsByType, "--query", QUERIES.resolve(DEAD_LETTER_QUERY).toString(),
                "--trino-dist", Paths.get("target", "trino-dist").toString(), "--work", Paths.get("target", "trino-run-analyst-cli").toString())
                .redirectErrorStream(true).start();
        ProcessLines out = ProcessLines.of(run, java.time.Duration.ofMinutes(3));

        assertThat(out.exitCode).as("%s", out.lines).isZero();
        List<String[]> expected = athena.query(LocalAthena.sqlOf(Paths.get(eventsByType)));
        for (String[] row : expected.subList(1, expected.size())) {
            assertThat(out.lines).as("a row of %s", String.join(" | ", row)).anyMatch(l -> l.contains(row[0]) && l.contains(row[1]));
        }
        assertThat(out.lines).anyMatch(l -> l.startsWith(DEAD_LETTER_QUERY + ": "))
                .noneMatch(l -> l.contains("FAILED") || l.startsWith("No folder"));
    }

    /** The ARN of a resource of the template's default stack (eu-west-1, account 123456789012). */
    private static String arn(String service, String resource) {
        return "arn:aws:" + service + ":eu-west-1:" + SamTemplate.ACCOUNT + ":" + resource;
    }

    private static String resultLocation(String workGroup) {
        Object configuration = SamTemplate.map(template.properties(workGroup).get("WorkGroupConfiguration")).get("ResultConfiguration");
        return template.resolveString(SamTemplate.map(configuration).get("OutputLocation"));
    }
}
