package io.clickstream.etl;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.sink.parquet.ClickEventParquetWriter;

import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks {@code sam-template.yaml} against the job, the queries and the rules of a safe deployment. */
class SamTemplateTest {

    static final Path TEMPLATE = Paths.get("..", "sam-template.yaml");
    static final Set<String> LOCAL_ONLY_KEYS = Set.of("parallelism", "checkpoint.interval", "checkpoint.dir", "web-ui.port",
            "web-ui.enabled", "s3.endpoint", "s3.path-style-access", "s3.access-key", "s3.secret-key");
    /** Sample values a deployment gives the template's references. */
    static final Map<String, String> SAMPLE = Map.of("RawBucket", "raw-bucket", "LakeBucket", "lake-bucket",
            "AWS::AccountId", "123456789012", "AWS::Region", "eu-west-1", "AWS::Partition", "aws", "ProjectName", "clickstream");

    static Map<String, Object> template;
    static Map<String, Object> resources;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws Exception {
        try (Reader in = Files.newBufferedReader(TEMPLATE)) {
            template = new Yaml(new CloudFormationConstructor()).load(in);
        }
        resources = (Map<String, Object>) template.get("Resources");
    }

    @Test
    void declaresTheWholeStack() {
        assertThat(template.get("Transform")).isEqualTo("AWS::Serverless-2016-10-31");
        Map<String, Long> types = resources.values().stream().collect(Collectors.groupingBy(r -> (String) map(r).get("Type"), Collectors.counting()));
        assertThat(types).containsEntry("AWS::S3::Bucket", 3L).containsEntry("AWS::S3::BucketPolicy", 3L)
                .containsEntry("AWS::KinesisFirehose::DeliveryStream", 1L).containsEntry("AWS::KinesisAnalyticsV2::Application", 1L)
                .containsEntry("AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption", 1L).containsEntry("AWS::Glue::Database", 1L)
                .containsEntry("AWS::Glue::Crawler", 1L).containsEntry("AWS::Glue::Table", 2L).containsEntry("AWS::Athena::WorkGroup", 1L);
        assertThat(types.get("AWS::CloudWatch::Alarm")).isGreaterThanOrEqualTo(6);
        assertThat(map(map(resources.get("FlinkApplication")).get("Properties")).get("RuntimeEnvironment")).isEqualTo("FLINK-1_20");
        assertThat(map(template.get("Outputs")).keySet()).contains("DeliveryStreamName", "RawBucketName", "LakeBucketName",
                "ApplicationName", "GlueDatabaseName", "AthenaWorkGroupName", "StartApplicationCommand");
    }

    @Test
    void everyReferenceNamesAParameterResourceOrCondition() {
        Set<String> names = new HashSet<>(map(template.get("Parameters")).keySet());
        names.addAll(resources.keySet());
        Set<String> conditions = map(template.get("Conditions")).keySet();
        List<String> unknown = new ArrayList<>();
        walk(template, (key, value) -> {
            if (key.equals("Ref") && !((String) value).startsWith("AWS::") && !names.contains(value)) {
                unknown.add("Ref " + value);
            } else if (key.equals("Fn::GetAtt")) {
                String target = value instanceof List ? (String) ((List<?>) value).get(0) : ((String) value).split("\\.")[0];
                if (!resources.containsKey(target)) {
                    unknown.add("GetAtt " + value);
                }
            } else if (key.equals("Fn::Sub")) {
                String text = value instanceof List ? (String) ((List<?>) value).get(0) : (String) value;
                Matcher m = Pattern.compile("\\$\\{([^}!][^}]*)}").matcher(text);
                while (m.find()) {
                    String name = m.group(1).split("\\.")[0];
                    if (!name.startsWith("AWS::") && !names.contains(name)) {
                        unknown.add("Sub ${" + m.group(1) + "}");
                    }
                }
            } else if ((key.equals("Condition") || key.equals("Fn::Condition")) && value instanceof String && !conditions.contains(value)) {
                unknown.add("Condition " + value);
            } else if (key.equals("Fn::If") && !conditions.contains(((List<?>) value).get(0))) {
                unknown.add("If " + ((List<?>) value).get(0));
            }
        });
        assertThat(unknown).isEmpty();
    }

    @Test
    void theApplicationGetsExactlyValidJobKeys() {
        Map<String, String> keys = jobProperties();
        assertThat(JobConfig.DEFAULTS.keySet()).containsAll(keys.keySet());
        assertThat(keys.keySet()).doesNotContainAnyElementsOf(LOCAL_ONLY_KEYS);
        JobConfig config = JobConfig.fromMap(keys);
        assertThat(config.inputPath).isEqualTo("s3://raw-bucket/firehose");
        assertThat(config.lakePath).isEqualTo("s3://lake-bucket/events");
        assertThat(config.deadLetterPath).isEqualTo("s3://lake-bucket/dead-letter");
    }

    @Test
    void pathsLineUpBetweenFirehoseTheJobTheCrawlerAndTheTables() {
        Map<String, String> keys = jobProperties();
        Map<String, Object> s3 = map(map(map(resources.get("DeliveryStream")).get("Properties")).get("ExtendedS3DestinationConfiguration"));
        String landing = "s3://raw-bucket/" + s3.get("Prefix");
        String errors = "s3://raw-bucket/" + s3.get("ErrorOutputPrefix");
        assertThat(landing).startsWith(keys.get("input.path") + "/");
        assertThat(errors).doesNotStartWith(keys.get("input.path") + "/");
        assertThat(s3.get("CompressionFormat")).isEqualTo("GZIP");

        String lake = keys.get("output.lake.path") + "/";
        Map<String, Object> crawler = map(map(resources.get("LakeCrawler")).get("Properties"));
        List<?> targets = (List<?>) map(crawler.get("Targets")).get("S3Targets");
        assertThat(resolve(map(targets.get(0)).get("Path"))).isEqualTo(lake);
        assertThat(map(crawler.get("RecrawlPolicy")).get("RecrawlBehavior")).isEqualTo("CRAWL_NEW_FOLDERS_ONLY");
        assertThat(map(crawler.get("SchemaChangePolicy")).get("DeleteBehavior")).isEqualTo("LOG");

        Map<String, Object> events = map(map(map(resources.get("EventsTable")).get("Properties")).get("TableInput"));
        assertThat(resolve(map(events.get("StorageDescriptor")).get("Location"))).isEqualTo(lake);
        assertThat(resolve(map(events.get("Parameters")).get("storage.location.template"))).isEqualTo(lake + "year=${year}/month=${month}/day=${day}/");
        List<?> columns = (List<?>) map(events.get("StorageDescriptor")).get("Columns");
        assertThat(columns.stream().map(c -> map(c).get("Name")).collect(Collectors.toList()))
                .isEqualTo(ClickEventParquetWriter.SCHEMA.getFields().stream().map(Type::getName).collect(Collectors.toList()));

        Map<String, Object> dead = map(map(map(resources.get("DeadLettersTable")).get("Properties")).get("TableInput"));
        assertThat(resolve(map(dead.get("StorageDescriptor")).get("Location"))).isEqualTo(keys.get("output.dead-letter.path") + "/")
                .doesNotStartWith(lake);
    }

    @Test
    void everyIamStatementIsScoped() {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Object> r : resources.entrySet()) {
            if (!"AWS::IAM::Role".equals(map(r.getValue()).get("Type"))) {
                continue;
            }
            Map<String, Object> props = map(map(r.getValue()).get("Properties"));
            assertThat(props).doesNotContainKey("ManagedPolicyArns");
            for (Object policy : (List<?>) props.get("Policies")) {
                for (Object statement : (List<?>) map(map(policy).get("PolicyDocument")).get("Statement")) {
                    Map<String, Object> s = map(statement);
                    List<?> actions = s.get("Action") instanceof List ? (List<?>) s.get("Action") : List.of(s.get("Action"));
                    List<?> targets = s.get("Resource") instanceof List ? (List<?>) s.get("Resource") : List.of(s.get("Resource"));
                    if (actions.stream().anyMatch(a -> a.toString().endsWith("*"))) {
                        problems.add(r.getKey() + ": wildcard action " + actions);
                    }
                    boolean metricsOnly = actions.equals(List.of("cloudwatch:PutMetricData"));
                    if (targets.contains("*") && !metricsOnly) {
                        problems.add(r.getKey() + ": '*' resource for " + actions);
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyBucketIsEncryptedPrivateAndTlsOnly() {
        for (Map.Entry<String, Object> r : resources.entrySet()) {
            if (!"AWS::S3::Bucket".equals(map(r.getValue()).get("Type"))) {
                continue;
            }
            Map<String, Object> props = map(map(r.getValue()).get("Properties"));
            assertThat(props).as(r.getKey()).containsKeys("BucketEncryption", "LifecycleConfiguration");
            assertThat(map(props.get("PublicAccessBlockConfiguration")).values()).as(r.getKey()).hasSize(4).containsOnly(true);
            boolean tlsOnly = resources.values().stream().map(SamTemplateTest::map)
                    .filter(p -> "AWS::S3::BucketPolicy".equals(p.get("Type")))
                    .map(p -> map(p.get("Properties")))
                    .filter(p -> Map.of("Ref", r.getKey()).equals(p.get("Bucket")))
                    .flatMap(p -> ((List<?>) map(p.get("PolicyDocument")).get("Statement")).stream().map(SamTemplateTest::map))
                    .anyMatch(s -> "Deny".equals(s.get("Effect")) && String.valueOf(s.get("Condition")).contains("aws:SecureTransport=false"));
            assertThat(tlsOnly).as("%s denies non-TLS access", r.getKey()).isTrue();
        }
    }

    @Test
    void thereIsOneNamedQueryPerQueryFileWithItsText() throws Exception {
        Map<String, String> named = new HashMap<>();
        for (Object r : resources.values()) {
            if ("AWS::Athena::NamedQuery".equals(map(r).get("Type"))) {
                Map<String, Object> p = map(map(r).get("Properties"));
                named.put((String) p.get("Name"), ((String) p.get("QueryString")).trim());
            }
        }
        Map<String, String> files = new HashMap<>();
        for (Path f : io.clickstream.etl.local.LocalAthena.queryFiles(Paths.get("..", "athena-queries"))) {
            files.put(f.getFileName().toString().replace(".sql", ""), Files.readString(f).trim());
        }
        assertThat(named).isEqualTo(files);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static Map<String, String> jobProperties() {
        Map<String, Object> app = map(map(resources.get("FlinkApplication")).get("Properties"));
        List<?> groups = (List<?>) map(map(app.get("ApplicationConfiguration")).get("EnvironmentProperties")).get("PropertyGroups");
        assertThat(groups).hasSize(1);
        assertThat(map(groups.get(0)).get("PropertyGroupId")).isEqualTo(JobConfig.PROPERTY_GROUP);
        Map<String, String> keys = new LinkedHashMap<>();
        map(map(groups.get(0)).get("PropertyMap")).forEach((k, v) -> {
            String value = resolve(v);
            if (value != null) {
                keys.put(k, value);
            }
        });
        return keys;
    }

    /** Evaluates the few intrinsics used in values with sample names; NoValue and unknown If branches give null. */
    private static String resolve(Object value) {
        if (value instanceof String) {
            return (String) value;
        }
        Map<String, Object> fn = map(value);
        if (fn.containsKey("Ref")) {
            return fn.get("Ref").equals("AWS::NoValue") ? null : SAMPLE.getOrDefault((String) fn.get("Ref"), "sample-" + fn.get("Ref"));
        }
        if (fn.containsKey("Fn::Sub")) {
            Matcher m = Pattern.compile("\\$\\{([^}!.]+)(\\.[^}]+)?}").matcher((String) fn.get("Fn::Sub"));
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(out, Matcher.quoteReplacement(SAMPLE.getOrDefault(m.group(1), "sample-" + m.group(1))));
            }
            return m.appendTail(out).toString();
        }
        if (fn.containsKey("Fn::Join")) {
            List<?> args = (List<?>) fn.get("Fn::Join");
            return ((List<?>) args.get(1)).stream().map(SamTemplateTest::resolve).collect(Collectors.joining((String) args.get(0)));
        }
        if (fn.containsKey("Fn::If")) {
            return resolve(((List<?>) fn.get("Fn::If")).get(2));
        }
        throw new AssertionError("cannot resolve " + value);
    }

    private interface Visitor {
        void visit(String key, Object value);
    }

    private static void walk(Object node, Visitor visitor) {
        if (node instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
                visitor.visit(String.valueOf(e.getKey()), e.getValue());
                walk(e.getValue(), visitor);
            }
        } else if (node instanceof List) {
            ((List<?>) node).forEach(n -> walk(n, visitor));
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return (Map<String, Object>) o;
    }

    /** Reads CloudFormation's short-form tags (!Ref, !Sub, ...) as their long form. */
    private static final class CloudFormationConstructor extends SafeConstructor {
        CloudFormationConstructor() {
            super(new LoaderOptions());
            for (String fn : new String[] {"Ref", "Sub", "GetAtt", "Join", "If", "Equals", "Not", "And", "Or", "Condition",
                "Select", "Split", "FindInMap", "Base64", "GetAZs", "ImportValue", "Cidr"}) {
                String name = fn.equals("Ref") || fn.equals("Condition") ? fn : "Fn::" + fn;
                yamlConstructors.put(new Tag("!" + fn), new AbstractConstruct() {
                    @Override
                    public Object construct(Node node) {
                        Object value;
                        if (node instanceof ScalarNode) {
                            value = constructScalar((ScalarNode) node);
                        } else if (node instanceof SequenceNode) {
                            value = constructSequence((SequenceNode) node);
                        } else {
                            value = constructMapping((MappingNode) node);
                        }
                        return Map.of(name, value);
                    }
                });
            }
        }
    }
}
