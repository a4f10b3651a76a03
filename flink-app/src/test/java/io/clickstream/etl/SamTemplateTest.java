package io.clickstream.etl;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.deploy.IamPolicy;
import io.clickstream.etl.deploy.SamTemplate;
import io.clickstream.etl.local.LocalAthena;
import io.clickstream.etl.metrics.PipelineMetrics;
import io.clickstream.etl.sink.parquet.LakeSchema;
import io.clickstream.etl.source.RawObjectSource;

import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.parquet.schema.Type;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.clickstream.etl.deploy.SamTemplate.list;
import static io.clickstream.etl.deploy.SamTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks {@code sam-template.yaml} against the job, the queries and what AWS enforces at deploy
 * and run time that CloudFormation's schema does not: name lengths, who may publish to an
 * encrypted topic, deletable resources, metric names MSF publishes, permissions services need.
 * The schema itself is checked by {@link CloudFormationSchemaTest}.
 */
class SamTemplateTest {

    static final Set<String> LOCAL_ONLY_KEYS = Set.of("parallelism", "checkpoint.interval", "checkpoint.dir", "web-ui.port",
            "web-ui.enabled", "s3.endpoint", "s3.path-style-access", "s3.access-key", "s3.secret-key");
    /** Flink metrics MSF forwards that are counters since the task started (only their RATE() means anything). */
    static final Set<String> FLINK_COUNTERS = Set.of("fullRestarts", "numberOfFailedCheckpoints");

    static SamTemplate stack;
    static Map<String, Object> resources;

    @BeforeAll
    static void parse() {
        stack = SamTemplate.load();
        resources = stack.resources;
    }

    @Test
    void declaresTheWholeStack() {
        assertThat(stack.template.get("Transform")).isEqualTo("AWS::Serverless-2016-10-31");
        Map<String, Long> types = resources.keySet().stream().collect(Collectors.groupingBy(stack::type, Collectors.counting()));
        assertThat(types).containsEntry("AWS::S3::Bucket", 3L).containsEntry("AWS::S3::BucketPolicy", 3L)
                .containsEntry("AWS::KinesisFirehose::DeliveryStream", 1L).containsEntry("AWS::KinesisAnalyticsV2::Application", 1L)
                .containsEntry("AWS::KinesisAnalyticsV2::ApplicationCloudWatchLoggingOption", 1L).containsEntry("AWS::Glue::Database", 1L)
                .containsEntry("AWS::Glue::Crawler", 1L).containsEntry("AWS::Glue::Table", 2L).containsEntry("AWS::Athena::WorkGroup", 2L)
                .containsEntry("AWS::Lambda::Function", 1L).containsEntry("AWS::Events::Rule", 1L);
        assertThat(types.get("AWS::CloudWatch::Alarm")).isGreaterThanOrEqualTo(7);
        assertThat(stack.properties("FlinkApplication").get("RuntimeEnvironment")).isEqualTo("FLINK-1_20");
        assertThat(map(stack.template.get("Outputs")).keySet()).contains("DeliveryStreamName", "RawBucketName", "LakeBucketName",
                "ApplicationName", "GlueDatabaseName", "AthenaWorkGroupName", "AthenaOperationsWorkGroupName", "StartApplicationCommand",
                "ProducerPolicyArn", "AnalystPolicyArn");
    }

    @Test
    void everyReferenceNamesAParameterResourceOrCondition() {
        Set<String> names = new HashSet<>(map(stack.template.get("Parameters")).keySet());
        names.addAll(resources.keySet());
        Set<String> conditions = map(stack.template.get("Conditions")).keySet();
        List<String> unknown = new ArrayList<>();
        walk(stack.template, (key, value) -> {
            if (key.equals("Ref") && !((String) value).startsWith("AWS::") && !names.contains(value)) {
                unknown.add("Ref " + value);
            } else if (key.equals("Fn::GetAtt")) {
                String target = value instanceof List ? (String) ((List<?>) value).get(0) : ((String) value).split("\\.")[0];
                if (!resources.containsKey(target)) {
                    unknown.add("GetAtt " + value);
                }
            } else if (key.equals("Fn::Sub")) {
                String text = value instanceof List ? (String) ((List<?>) value).get(0) : (String) value;
                Set<String> local = value instanceof List ? map(((List<?>) value).get(1)).keySet() : Set.of();
                Matcher m = Pattern.compile("\\$\\{([^}!][^}]*)}").matcher(text);
                while (m.find()) {
                    String name = m.group(1).split("\\.")[0];
                    if (!name.startsWith("AWS::") && !names.contains(name) && !local.contains(name)) {
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
        Map<String, String> keys = stack.jobProperties(JobConfig.PROPERTY_GROUP);
        assertThat(JobConfig.DEFAULTS.keySet()).containsAll(keys.keySet());
        assertThat(keys.keySet()).doesNotContainAnyElementsOf(LOCAL_ONLY_KEYS);
        JobConfig config = JobConfig.fromMap(keys);
        assertThat(config.inputPath).isEqualTo("s3://clickstream-raw-123456789012-eu-west-1/firehose");
        assertThat(config.lakePath).isEqualTo("s3://clickstream-lake-123456789012-eu-west-1/events");
        assertThat(config.deadLetterPath).isEqualTo("s3://clickstream-lake-123456789012-eu-west-1/dead-letter");
    }

    /**
     * The documented deploy grants CAPABILITY_IAM only, and CloudFormation refuses a template whose
     * IAM resources carry names of their own without CAPABILITY_NAMED_IAM: the stack would never
     * start. (The template's SAM transform would need CAPABILITY_AUTO_EXPAND on a direct
     * CreateStack; {@code sam deploy} goes through a change set, to which that capability does not
     * apply.)
     */
    @Test
    void theDocumentedDeployGrantsEveryCapabilityTheTemplateNeeds() throws Exception {
        Matcher deploy = Pattern.compile("sam deploy (?:[^\\n]*\\\\\\n)*[^\\n]*").matcher(Files.readString(Paths.get("..", "docs", "deployment.md")));
        assertThat(deploy.find()).as("the deploy command in deployment.md").isTrue();
        Matcher capabilities = Pattern.compile("--capabilities((?:\\s+CAPABILITY_\\w+)+)").matcher(deploy.group());
        assertThat(capabilities.find()).as(deploy.group()).isTrue();
        Set<String> granted = Set.of(capabilities.group(1).trim().split("\\s+"));

        Map<String, String> nameProperties = Map.of("AWS::IAM::Role", "RoleName", "AWS::IAM::ManagedPolicy", "ManagedPolicyName",
                "AWS::IAM::User", "UserName", "AWS::IAM::Group", "GroupName", "AWS::IAM::InstanceProfile", "InstanceProfileName");
        Set<String> needed = new HashSet<>();
        List<String> iam = new ArrayList<>();
        nameProperties.forEach((type, nameProperty) -> stack.resourcesOfType(type).forEach(id -> {
            iam.add(id);
            needed.add(stack.properties(id).containsKey(nameProperty) ? "CAPABILITY_NAMED_IAM" : "CAPABILITY_IAM");
        }));
        assertThat(iam).as("the template's IAM resources").isNotEmpty();
        assertThat(granted).containsAll(needed);
    }

    /** An event before the projected table's first year would be in the lake and in no query: the job refuses it instead. */
    @Test
    void theJobRefusesEventsBeforeTheFirstYearTheProjectedTableShows() {
        assertThat(JobConfig.fromMap(stack.jobProperties(JobConfig.PROPERTY_GROUP)).earliestYear)
                .isEqualTo(Integer.parseInt(stack.parameter("LakeFirstYear"))).isEqualTo(2024);
        SamTemplate from2021 = SamTemplate.load("eu-west-1", Map.of("LakeFirstYear", "2021"));
        assertThat(JobConfig.fromMap(from2021.jobProperties(JobConfig.PROPERTY_GROUP)).earliestYear).isEqualTo(2021);
        Object range = map(map(from2021.properties("EventsTable").get("TableInput")).get("Parameters")).get("projection.year.range");
        assertThat(String.valueOf(from2021.resolve(range))).startsWith("2021,");
        // A crawled table shows every year the lake has: no bound but the parser's own.
        Map<String, String> crawled = SamTemplate.load("eu-west-1", Map.of("UsePartitionProjection", "false"))
                .jobProperties(JobConfig.PROPERTY_GROUP);
        assertThat(crawled).doesNotContainKey("validation.earliest-year");
        assertThat(JobConfig.fromMap(crawled).earliestYear).isEqualTo(2000);
    }

    /**
     * Flink fixes a job's key groups (its maximum parallelism) when it first starts, from the
     * parallelism then, keeps them in every snapshot and refuses to restore them at a higher
     * parallelism; MSF's autoscaling stops at them too. Whatever parallelism the stack first ran at,
     * every later one it accepts must restore.
     */
    @Test
    void everyParallelismTheStackAcceptsCanRestoreTheJobsState(@TempDir Path dir) {
        Map<String, Object> parallelism = map(map(stack.template.get("Parameters")).get("Parallelism"));
        int min = ((Number) parallelism.get("MinValue")).intValue();
        int max = ((Number) parallelism.get("MaxValue")).intValue();
        for (int first = min; first <= max; first++) {
            assertThat(KeyGroupRangeAssignment.computeDefaultMaxParallelism(first)).as("key groups of a job first started at %d", first)
                    .isGreaterThanOrEqualTo(max);
        }
        assertThat(KeyGroupRangeAssignment.computeDefaultMaxParallelism(Integer.parseInt(stack.parameter("Parallelism"))))
                .as("the bound is Flink's, not lower").isEqualTo(max);

        // The job leaves the number to Flink; one it set itself would be the bound instead.
        StreamExecutionEnvironment env = TestEnvironments.withoutRestarts(2, 60_000);
        JobConfig config = FolderJob.config(dir);
        FolderJob.build(config, env, RawObjectSource.create(config));
        assertThat(env.getStreamGraph(false).getJobGraph().getVertices()).hasSizeGreaterThan(1)
                .allSatisfy(v -> assertThat(v.getMaxParallelism()).as(v.getName()).isEqualTo(JobVertex.MAX_PARALLELISM_DEFAULT));
    }

    @Test
    void noSecretReachesTheApplicationsProperties() {
        // Anyone allowed kinesisanalytics:DescribeApplication reads the property groups in plain text.
        SamTemplate withKey = SamTemplate.load("eu-west-1", Map.of("PseudonymKeySecretArn",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:key-AbCdEf"));
        Map<String, String> keys = withKey.jobProperties(JobConfig.PROPERTY_GROUP);
        assertThat(keys).containsKey("pii.pseudonym-key-secret").doesNotContainKeys("pii.pseudonym-key", "s3.secret-key", "s3.access-key");
        // Pseudonym fields only with a key: the job refuses them without one.
        assertThat(JobConfig.fromMap(keys).pseudonymFields).containsExactly("email");
        assertThat(stack.jobProperties(JobConfig.PROPERTY_GROUP)).doesNotContainKeys("pii.pseudonym-key-secret", "pii.pseudonym-fields");
        Map<String, Object> parameters = map(stack.template.get("Parameters"));
        String properties = String.valueOf(stack.properties("FlinkApplication").get("ApplicationConfiguration"));
        parameters.forEach((name, p) -> {
            if (Boolean.TRUE.equals(map(p).get("NoEcho"))) {
                assertThat(properties).as("NoEcho parameter %s in the application's properties", name).doesNotContain(name);
            }
        });
    }

    /** CloudFormation checks the parameter against its pattern before the job ever sees it: both must agree. */
    @Test
    void thePseudonymFieldsParameterTakesWhatTheJobTakes() {
        String pattern = (String) map(map(stack.template.get("Parameters")).get("PseudonymFields")).get("AllowedPattern");
        for (String field : JobConfig.PSEUDONYM_CANDIDATES) {
            assertThat(field).matches(pattern);
        }
        assertThat(String.join(",", JobConfig.PSEUDONYM_CANDIDATES)).matches(pattern);
        for (String refused : new String[] {"", "country", "email,", "email,shoe_size", "EMAIL"}) {
            assertThat(refused).as("refused by CloudFormation").doesNotMatch(pattern);
        }
        SamTemplate sessions = SamTemplate.load("eu-west-1", Map.of("PseudonymKeySecretArn",
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:key-AbCdEf", "PseudonymFields", "session_id,user_id"));
        assertThat(JobConfig.fromMap(sessions.jobProperties(JobConfig.PROPERTY_GROUP)).pseudonymFields)
                .containsExactlyInAnyOrder("session_id", "user_id");
        assertThat(sessions.brokenRules()).isEmpty();
        // Without a key the job would never see the fields: the stack refuses them, as the job does.
        assertThat(SamTemplate.load("eu-west-1", Map.of("PseudonymFields", "session_id")).brokenRules())
                .singleElement().asString().startsWith("PseudonymFieldsNeedAKey: PseudonymFields takes effect only with PseudonymKeySecretArn");
        assertThat(stack.brokenRules()).isEmpty();
    }

    @Test
    void pathsLineUpBetweenFirehoseTheJobTheCrawlerAndTheTables() {
        Map<String, String> keys = stack.jobProperties(JobConfig.PROPERTY_GROUP);
        String raw = "s3://" + stack.resolveString(Map.of("Ref", "RawBucket")) + "/";
        Map<String, Object> s3 = map(stack.properties("DeliveryStream").get("ExtendedS3DestinationConfiguration"));
        assertThat(raw + s3.get("Prefix")).startsWith(keys.get("input.path") + "/");
        assertThat(raw + s3.get("ErrorOutputPrefix")).doesNotStartWith(keys.get("input.path") + "/");
        assertThat(s3.get("CompressionFormat")).isEqualTo("GZIP");

        String lake = keys.get("output.lake.path") + "/";
        Map<String, Object> crawler = stack.properties("LakeCrawler");
        assertThat(stack.resolveString(map(list(map(crawler.get("Targets")).get("S3Targets")).get(0)).get("Path"))).isEqualTo(lake);
        assertThat(map(crawler.get("RecrawlPolicy")).get("RecrawlBehavior")).isEqualTo("CRAWL_NEW_FOLDERS_ONLY");
        assertThat(map(crawler.get("SchemaChangePolicy")).get("DeleteBehavior")).isEqualTo("LOG");

        Map<String, Object> events = map(stack.properties("EventsTable").get("TableInput"));
        assertThat(stack.resolveString(map(events.get("StorageDescriptor")).get("Location"))).isEqualTo(lake);
        assertThat(stack.resolveString(map(events.get("Parameters")).get("storage.location.template")))
                .isEqualTo(lake + "year=${year}/month=${month}/day=${day}/");
        List<Object> columns = list(map(events.get("StorageDescriptor")).get("Columns"));
        assertThat(columns.stream().map(c -> map(c).get("Name")).collect(Collectors.toList()))
                .isEqualTo(LakeSchema.SCHEMA.getFields().stream().map(Type::getName).collect(Collectors.toList()));

        Map<String, Object> dead = map(stack.properties("DeadLettersTable").get("TableInput"));
        assertThat(stack.resolveString(map(dead.get("StorageDescriptor")).get("Location"))).isEqualTo(keys.get("output.dead-letter.path") + "/")
                .doesNotStartWith(lake);
    }

    @Test
    void everyIamStatementIsScoped() {
        // Every optional statement present: the pseudonym secret given, the crawler used.
        SamTemplate full = SamTemplate.load("eu-west-1", Map.of("UsePartitionProjection", "false",
                "PseudonymKeySecretArn", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:key-AbCdEf"));
        List<String> problems = new ArrayList<>();
        for (String id : resources.keySet()) {
            List<Object> documents = new ArrayList<>();
            if (full.type(id).equals("AWS::IAM::Role")) {
                assertThat(full.properties(id)).doesNotContainKey("ManagedPolicyArns");
                list(full.properties(id).get("Policies")).forEach(p -> documents.add(full.resolve(map(p).get("PolicyDocument"))));
            } else if (full.type(id).equals("AWS::IAM::ManagedPolicy")) {
                documents.add(full.resolve(full.properties(id).get("PolicyDocument")));
            }
            for (Object document : documents) {
                for (Object statement : list(map(document).get("Statement"))) {
                    Map<String, Object> s = map(statement);
                    List<Object> actions = list(s.get("Action"));
                    List<Object> targets = list(s.get("Resource"));
                    if (actions.stream().anyMatch(a -> a.toString().endsWith("*"))) {
                        problems.add(id + ": wildcard action " + actions);
                    }
                    boolean metricsOnly = actions.equals(List.of("cloudwatch:PutMetricData"));
                    if (targets.contains("*") && !metricsOnly) {
                        problems.add(id + ": '*' resource for " + actions);
                    }
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void everyBucketIsEncryptedPrivateTlsOnlyAndOutlivesTheStack() {
        for (String bucket : stack.resourcesOfType("AWS::S3::Bucket")) {
            Map<String, Object> props = stack.properties(bucket);
            assertThat(props).as(bucket).containsKeys("BucketEncryption", "LifecycleConfiguration");
            assertThat(map(props.get("PublicAccessBlockConfiguration")).values()).as(bucket).hasSize(4).containsOnly(true);
            // A stack delete fails on a non-empty bucket unless it is retained, and must never take the lake with it.
            assertThat(stack.resource(bucket)).as(bucket).containsEntry("DeletionPolicy", "Retain").containsEntry("UpdateReplacePolicy", "Retain");
            String name = stack.resolveString(Map.of("Ref", bucket));
            boolean tlsOnly = stack.resourcesOfType("AWS::S3::BucketPolicy").stream()
                    .filter(p -> name.equals(stack.resolveString(stack.properties(p).get("Bucket"))))
                    .map(p -> IamPolicy.ofDocument(stack, p))
                    .anyMatch(p -> p.evaluate("s3:GetObject", "arn:aws:s3:::" + name + "/x", Map.of("aws:SecureTransport", "false"))
                            == IamPolicy.Decision.EXPLICIT_DENY);
            assertThat(tlsOnly).as("%s denies non-TLS access", bucket).isTrue();
        }
    }

    @Test
    void everyLogGroupExpiresItsEvents() {
        // CloudWatch Logs keeps events for ever unless told otherwise; these are the values it accepts.
        Set<Integer> allowed = Set.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);
        List<String> groups = stack.resourcesOfType("AWS::Logs::LogGroup");
        assertThat(groups).hasSizeGreaterThanOrEqualTo(3);
        for (String group : groups) {
            assertThat(stack.properties(group).get("RetentionInDays")).as(group).isIn(allowed.toArray());
        }
    }

    @Test
    void theWorkgroupCanBeDeletedAfterQueriesRan() {
        for (String workgroup : stack.resourcesOfType("AWS::Athena::WorkGroup")) {
            assertThat(stack.properties(workgroup)).as(workgroup).containsEntry("RecursiveDeleteOption", true);
        }
    }

    @Test
    void everyNameFitsItsServiceForTheLongestProjectNameInTheLongestRegion() {
        String pattern = (String) map(map(stack.template.get("Parameters")).get("ProjectName")).get("AllowedPattern");
        Matcher bounds = Pattern.compile("\\[a-z\\]\\[a-z0-9-\\]\\{(\\d+),(\\d+)}").matcher(pattern);
        assertThat(bounds.matches()).as("ProjectName pattern %s", pattern).isTrue();
        String longest = "p" + "x-".repeat(30).substring(0, Integer.parseInt(bounds.group(2)));
        assertThat(longest).matches(pattern);
        SamTemplate big = SamTemplate.load(SamTemplate.LONGEST_REGION, Map.of("ProjectName", longest));
        List<String> problems = new ArrayList<>();
        for (String id : big.resources.keySet()) {
            for (NameRule rule : NAME_RULES) {
                if (!rule.type.equals(big.type(id))) {
                    continue;
                }
                String name = big.resolveString(rule.name(big.properties(id)));
                if (name.length() > rule.maxLength || !name.matches(rule.allowed)) {
                    problems.add(id + " " + rule.property + " '" + name + "' (" + name.length() + " chars): allowed " + rule.allowed
                            + " up to " + rule.maxLength);
                }
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void twoStacksInOneAccountShareNoName() {
        Map<String, String> a = names(SamTemplate.load("eu-west-1", Map.of("ProjectName", "shop-a")));
        Map<String, String> b = names(SamTemplate.load("eu-west-1", Map.of("ProjectName", "shop-b")));
        assertThat(a).hasSizeGreaterThanOrEqualTo(NAME_RULES.size());
        assertThat(a.values()).doesNotContainAnyElementsOf(b.values());
        assertThat(a).containsEntry("GlueDatabase", "shop_a_db");
        // IAM and queries name the stack's database, not a fixed one.
        String crawler = String.valueOf(SamTemplate.load("eu-west-1", Map.of("ProjectName", "shop-a")).resolve(stack.properties("CrawlerRole").get("Policies")));
        assertThat(crawler).contains("database/shop_a_db").doesNotContain("clickstream_db");
        for (String id : stack.resourcesOfType("AWS::Athena::NamedQuery")) {
            assertThat((String) stack.properties(id).get("QueryString")).as(id).doesNotContain("clickstream_db");
            assertThat(stack.properties(id).get("Database")).as(id).isEqualTo(Map.of("Ref", "GlueDatabase"));
        }
    }

    @Test
    void alarmsPublishToATopicCloudWatchMayUse() {
        for (String alarm : stack.resourcesOfType("AWS::CloudWatch::Alarm")) {
            for (Object action : list(stack.properties(alarm).get("AlarmActions"))) {
                String topic = (String) map(action).get("Ref");
                assertThat(stack.type(topic)).as(alarm).isEqualTo("AWS::SNS::Topic");
                Object key = stack.properties(topic).get("KmsMasterKeyId");
                if (key == null) {
                    continue;
                }
                // An AWS-managed key (alias/aws/sns) cannot grant cloudwatch.amazonaws.com: only a key of the stack can.
                assertThat(key).as("%s: KMS key of %s", alarm, topic).isInstanceOf(Map.class);
                String keyId = (String) map(key).get("Ref");
                assertThat(stack.type(keyId)).isEqualTo("AWS::KMS::Key");
                for (String needed : List.of("kms:Decrypt", "kms:GenerateDataKey")) {
                    assertThat(allowsService(stack.properties(keyId).get("KeyPolicy"), "cloudwatch.amazonaws.com", needed))
                            .as("%s key policy lets CloudWatch %s", keyId, needed).isTrue();
                }
            }
        }
    }

    @Test
    void alarmsOnTheJobsMetricsUsePublishedNamesAndRates() {
        Set<String> custom = new HashSet<>(PipelineMetrics.NAMES);
        List<String> problems = new ArrayList<>();
        for (String alarm : stack.resourcesOfType("AWS::CloudWatch::Alarm")) {
            Map<String, Object> p = stack.properties(alarm);
            boolean onMsf = "AWS/KinesisAnalytics".equals(p.get("Namespace"));
            String expressions = list(p.get("Metrics")).stream().map(m -> String.valueOf(map(m).get("Expression"))).collect(Collectors.joining(" "));
            for (Object m : list(p.get("Metrics"))) {
                Map<String, Object> query = map(m);
                if (!query.containsKey("MetricStat")) {
                    continue;
                }
                Map<String, Object> metric = map(map(query.get("MetricStat")).get("Metric"));
                if (!"AWS/KinesisAnalytics".equals(metric.get("Namespace"))) {
                    continue;
                }
                onMsf = true;
                String name = (String) metric.get("MetricName");
                boolean counter = custom.contains(name) || FLINK_COUNTERS.contains(name);
                if (!name.matches("[A-Za-z0-9]+")) {
                    problems.add(alarm + ": metric " + name + " is not alphanumeric (MSF does not publish it)");
                }
                if (Character.isLowerCase(name.charAt(0)) && !counter && !MSF_METRICS.contains(name)) {
                    problems.add(alarm + ": metric " + name + " is neither published by MSF nor registered by the job");
                }
                if (counter && (Boolean.TRUE.equals(query.get("ReturnData")) || !expressions.contains("RATE(" + query.get("Id") + ")"))) {
                    problems.add(alarm + ": counter " + name + " is cumulative; alarm on RATE(" + query.get("Id") + ")");
                }
            }
            if (onMsf && "breaching".equals(p.get("TreatMissingData"))) {
                problems.add(alarm + ": MSF sends no data before StartApplication; missing data must not breach");
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void anUpgradeThatDropsStateCanBeDeployedThroughTheStack() {
        Map<String, Object> run = map(stack.properties("FlinkApplication").get("RunConfiguration"));
        assertThat(run).as("FlinkApplication RunConfiguration (AllowNonRestoredState for upgrades)").isNotNull();
        Object allow = map(run.get("FlinkRunConfiguration")).get("AllowNonRestoredState");
        assertThat(allow).isEqualTo(Map.of("Ref", "AllowNonRestoredState"));
        Map<String, Object> parameter = map(map(stack.template.get("Parameters")).get("AllowNonRestoredState"));
        assertThat(parameter).containsEntry("Default", "false").containsEntry("AllowedValues", List.of("true", "false"));
        assertThat(map(run.get("ApplicationRestoreConfiguration"))).containsEntry("ApplicationRestoreType", "RESTORE_FROM_LATEST_SNAPSHOT");
    }

    @Test
    void servicesGetThePermissionsTheirDocumentationLists() {
        String lake = stack.resolveString(Map.of("Ref", "LakeBucket"));
        String raw = stack.resolveString(Map.of("Ref", "RawBucket"));
        String database = stack.resolveString(Map.of("Ref", "GlueDatabase"));
        String glue = "arn:aws:glue:eu-west-1:" + SamTemplate.ACCOUNT + ":";
        List<String[]> needs = new ArrayList<>();
        // Glue crawler (Glue developer guide, crawler prerequisites): catalog reads and writes, S3 reads of its target.
        for (String action : List.of("glue:GetDatabase", "glue:GetDatabases")) {
            needs.add(new String[] {"CrawlerRole", action, glue + "database/" + database});
        }
        for (String action : List.of("glue:GetTable", "glue:GetTables", "glue:CreateTable", "glue:UpdateTable", "glue:GetPartition",
                "glue:GetPartitions", "glue:BatchGetPartition", "glue:CreatePartition", "glue:BatchCreatePartition",
                "glue:UpdatePartition", "glue:BatchUpdatePartition")) {
            needs.add(new String[] {"CrawlerRole", action, glue + "table/" + database + "/clickstream_events"});
        }
        needs.add(new String[] {"CrawlerRole", "s3:GetBucketLocation", "arn:aws:s3:::" + lake});
        needs.add(new String[] {"CrawlerRole", "s3:ListBucket", "arn:aws:s3:::" + lake});
        needs.add(new String[] {"CrawlerRole", "s3:GetObject", "arn:aws:s3:::" + lake + "/events/year=2026/month=01/day=01/part-0-0.snappy.parquet"});
        needs.add(new String[] {"CrawlerRole", "logs:PutLogEvents", "arn:aws:logs:eu-west-1:" + SamTemplate.ACCOUNT + ":log-group:/aws-glue/crawlers:log-stream:x"});
        // Firehose to S3 (Firehose developer guide, "Grant Firehose access to an Amazon S3 destination").
        for (String action : List.of("s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket",
                "s3:ListBucketMultipartUploads", "s3:PutObject")) {
            needs.add(new String[] {"FirehoseRole", action, "arn:aws:s3:::" + raw});
            needs.add(new String[] {"FirehoseRole", action, "arn:aws:s3:::" + raw + "/firehose/2026/01/01/00/x.gz"});
        }
        // The snapshot pruner (MSF API reference: ListApplicationSnapshots, DeleteApplicationSnapshot on the application).
        String application = "arn:aws:kinesisanalytics:eu-west-1:" + SamTemplate.ACCOUNT + ":application/"
                + stack.resolveString(Map.of("Ref", "FlinkApplication"));
        needs.add(new String[] {"SnapshotPrunerRole", "kinesisanalytics:ListApplicationSnapshots", application});
        needs.add(new String[] {"SnapshotPrunerRole", "kinesisanalytics:DeleteApplicationSnapshot", application});
        needs.add(new String[] {"SnapshotPrunerRole", "logs:PutLogEvents", "arn:aws:logs:eu-west-1:" + SamTemplate.ACCOUNT + ":log-group:"
                + stack.resolveString(Map.of("Ref", "SnapshotPrunerLogGroup")) + ":log-stream:2026/12/07/[$LATEST]abc"});
        List<String> missing = new ArrayList<>();
        for (String[] need : needs) {
            if (IamPolicy.ofRole(stack, need[0]).evaluate(need[1], need[2], Map.of()) != IamPolicy.Decision.ALLOW) {
                missing.add(need[0] + " lacks " + need[1] + " on " + need[2]);
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void theSnapshotPrunerRunsDailyOnTheApplicationsSnapshotsAndLogsWhereTheStackSays() {
        Map<String, Object> function = stack.properties("SnapshotPruner");
        assertThat(stack.properties("SnapshotPrunerSchedule")).containsEntry("ScheduleExpression", "rate(1 day)");
        assertThat(list(stack.properties("SnapshotPrunerSchedule").get("Targets")))
                .anyMatch(t -> map(t).get("Arn").equals(Map.of("Fn::GetAtt", "SnapshotPruner.Arn")));
        // EventBridge may invoke it only with a resource policy naming that rule.
        Map<String, Object> permission = stack.properties("SnapshotPrunerInvokePermission");
        assertThat(permission).containsEntry("FunctionName", Map.of("Ref", "SnapshotPruner")).containsEntry("Principal", "events.amazonaws.com")
                .containsEntry("Action", "lambda:InvokeFunction")
                .containsEntry("SourceArn", Map.of("Fn::GetAtt", "SnapshotPrunerSchedule.Arn"));
        assertThat(map(function.get("LoggingConfig"))).containsEntry("LogGroup", Map.of("Ref", "SnapshotPrunerLogGroup"));
        assertThat(map(map(function.get("Environment")).get("Variables"))).containsEntry("APPLICATION_NAME", Map.of("Ref", "FlinkApplication"))
                .containsEntry("SNAPSHOTS_RETAINED", Map.of("Ref", "SnapshotsRetained"));
        // CloudFormation refuses inline code over 4 KB.
        assertThat(((String) map(function.get("Code")).get("ZipFile")).getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(4096);
        assertThat(stack.properties("SnapshotPrunerErrorsAlarm")).containsEntry("Namespace", "AWS/Lambda").containsEntry("MetricName", "Errors");
    }

    @Test
    void anUnfilteredQueryEnumeratesOnlyTheYearsThatCanHoldData() {
        Map<String, Object> parameters = map(map(stack.properties("EventsTable").get("TableInput")).get("Parameters"));
        int thisYear = LocalDate.now(ZoneOffset.UTC).getYear();
        long years;
        String range = stack.resolveString(parameters.get("projection.year.range"));
        String[] ends = range.split(",");
        if ("date".equals(parameters.get("projection.year.type"))) {
            assertThat(parameters).containsEntry("projection.year.format", "yyyy").containsEntry("projection.year.interval.unit", "YEARS");
            Matcher end = Pattern.compile("NOW(?:\\+(\\d+)YEARS)?").matcher(ends[1].trim());
            assertThat(end.matches()).as("year range %s ends at NOW", range).isTrue();
            years = thisYear + (end.group(1) == null ? 0 : Integer.parseInt(end.group(1))) - Integer.parseInt(ends[0].trim()) + 1;
        } else {
            years = Long.parseLong(ends[1].trim()) - Long.parseLong(ends[0].trim()) + 1;
        }
        long days = years * 12 * 31;
        assertThat(days).as("projected day prefixes an unfiltered query lists (%s)", range).isLessThanOrEqualTo(12L * 372);
        // And the newest data stays reachable: events up to validation.max-future-skew ahead land in next year's partitions.
        assertThat(range).endsWith("NOW+1YEARS");
    }

    @Test
    void thereIsOneNamedQueryPerQueryFileWithItsText() throws Exception {
        Map<String, String> named = new HashMap<>();
        for (String id : stack.resourcesOfType("AWS::Athena::NamedQuery")) {
            Map<String, Object> p = stack.properties(id);
            named.put((String) p.get("Name"), ((String) p.get("QueryString")).trim());
        }
        Map<String, String> files = new HashMap<>();
        for (Path f : LocalAthena.queryFiles(Paths.get("..", "athena-queries"))) {
            files.put(f.getFileName().toString().replace(".sql", ""), Files.readString(f).trim());
        }
        assertThat(named).isEqualTo(files);
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** Metrics MSF itself publishes that alarms here use (MSF developer guide, metrics and dimensions). */
    static final Set<String> MSF_METRICS = Set.of("downtime", "uptime", "fullRestarts", "numberOfFailedCheckpoints",
            "lastCheckpointDuration", "cpuUtilization", "heapMemoryUtilization", "millisBehindLatest");

    /** A service name's limits, from each service's API reference. */
    private static final class NameRule {
        final String type;
        final String property;
        final int maxLength;
        final String allowed;

        NameRule(String type, String property, int maxLength, String allowed) {
            this.type = type;
            this.property = property;
            this.maxLength = maxLength;
            this.allowed = allowed;
        }

        Object name(Map<String, Object> properties) {
            Object value = properties;
            for (String part : property.split("\\.")) {
                value = map(value).get(part);
            }
            return value;
        }
    }

    static final List<NameRule> NAME_RULES = List.of(
            new NameRule("AWS::S3::Bucket", "BucketName", 63, "[a-z0-9][a-z0-9.-]*[a-z0-9]"),
            new NameRule("AWS::KinesisFirehose::DeliveryStream", "DeliveryStreamName", 64, "[a-zA-Z0-9._-]+"),
            new NameRule("AWS::KinesisAnalyticsV2::Application", "ApplicationName", 128, "[a-zA-Z0-9_.-]+"),
            new NameRule("AWS::Glue::Database", "DatabaseInput.Name", 255, "[a-z0-9_]+"),
            new NameRule("AWS::Glue::Crawler", "Name", 255, "[^\\s]+"),
            new NameRule("AWS::Athena::WorkGroup", "Name", 128, "[a-zA-Z0-9._-]+"),
            new NameRule("AWS::SNS::Topic", "TopicName", 256, "[a-zA-Z0-9_-]+"),
            new NameRule("AWS::Logs::LogGroup", "LogGroupName", 512, "[\\.\\-_/#A-Za-z0-9]+"),
            new NameRule("AWS::Lambda::Function", "FunctionName", 64, "[a-zA-Z0-9_-]+"));

    /** Every explicit physical name in the stack, by logical id. */
    private static Map<String, String> names(SamTemplate template) {
        Map<String, String> names = new HashMap<>();
        for (String id : template.resources.keySet()) {
            for (NameRule rule : NAME_RULES) {
                if (rule.type.equals(template.type(id))) {
                    names.put(id, template.resolveString(rule.name(template.properties(id))));
                }
            }
        }
        return names;
    }

    private static boolean allowsService(Object keyPolicy, String service, String action) {
        for (Object s : list(map(stack.resolve(keyPolicy)).get("Statement"))) {
            Map<String, Object> statement = map(s);
            Object principal = statement.get("Principal");
            boolean forService = principal instanceof Map && list(map(principal).get("Service")).contains(service);
            if (forService && "Allow".equals(statement.get("Effect")) && statement.get("Condition") == null
                    && list(statement.get("Action")).stream().anyMatch(a -> IamPolicy.actionMatches(String.valueOf(a), action))) {
                return true;
            }
        }
        return false;
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
}
