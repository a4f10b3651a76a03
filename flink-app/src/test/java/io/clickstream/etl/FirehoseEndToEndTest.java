package io.clickstream.etl;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.deploy.IamPolicy;
import io.clickstream.etl.deploy.SamTemplate;
import io.clickstream.etl.metrics.Accounting;
import io.clickstream.etl.model.FailureType;
import io.clickstream.generator.Fate;
import io.clickstream.generator.GeneratedRecord;
import io.clickstream.generator.TrafficGenerator;
import io.clickstream.generator.endpoint.LocalFirehoseEndpoint;
import io.clickstream.generator.job.GeneratorConfig;
import io.clickstream.generator.job.GeneratorJob;

import org.apache.flink.connector.aws.config.AWSConfigConstants;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generator -> KinesisFirehoseSink -> a Firehose endpoint on loopback that fails a share of every
 * batch and throttles some calls -> raw objects -> the ETL -> lake and dead letters.
 */
class FirehoseEndToEndTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = FolderJob.cluster(1);

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void everyGeneratedEventReachesTheLakeOnceAndEveryFaultItsDeadLetter(@TempDir Path dir) throws Exception {
        Path raw = dir.resolve("raw");
        SamTemplate template = SamTemplate.load();
        String stream = template.resolveString(Map.of("Ref", "DeliveryStream"));
        Map<String, String> keys = new HashMap<>(Map.of(
                "target", "firehose", "firehose.stream", stream, "firehose.region", "eu-west-1",
                "records", "8000", "seed", "31", "start-date", "2026-06-01", "days", "2",
                "faults.oversized", "0.003", "faults.oversized-bytes", "100000"));
        GeneratorConfig generator;
        try (LocalFirehoseEndpoint firehose = LocalFirehoseEndpoint.start(raw, stream, 0.03, 25, 1 << 20, 1000, 31)) {
            keys.put("firehose.endpoint", firehose.endpoint());
            generator = GeneratorConfig.fromMap(keys);
            Properties credentials = new Properties();
            credentials.setProperty(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER, "BASIC");
            credentials.setProperty(AWSConfigConstants.accessKeyId(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER), "test");
            credentials.setProperty(AWSConfigConstants.secretKey(AWSConfigConstants.AWS_CREDENTIALS_PROVIDER), "test-secret");
            StreamExecutionEnvironment env = TestEnvironments.withoutRestarts(1, 500);
            GeneratorJob.build(env, generator, GeneratorJob.sink(generator, credentials));
            env.execute("generator");
            assertThat(firehose.failed()).as("injected partial failures").isPositive();
            assertThat(firehose.limitViolations()).isZero();
            assertProducerPolicyAllows(template, firehose.operations());
        }

        JobConfig etl = FolderJob.config(raw, dir.resolve("lake"), dir.resolve("dead-letter"), "input.max-record-bytes", "64kb");
        Accounting accounting = new Accounting(FolderJob.run(etl).getAllAccumulatorResults());

        List<GeneratedRecord> sent = TrafficGenerator.inSendingOrder(generator.traffic);
        Set<String> validIds = ids(sent, Fate.VALID);
        try (LakeReader lake = new LakeReader(dir.resolve("lake"))) {
            List<Map<String, Object>> rows = lake.query("SELECT event_id FROM events");
            assertThat(rows).hasSize(validIds.size());
            assertThat(rows.stream().map(r -> r.get("event_id")).collect(Collectors.toSet())).isEqualTo(validIds);
        }

        Map<FailureType, List<String>> dead = DeadLetters.rawTextsByType(dir.resolve("dead-letter"));
        assertThat(dead.get(FailureType.MALFORMED_JSON)).containsExactlyInAnyOrderElementsOf(jsons(sent, Fate.MALFORMED));
        assertThat(dead.get(FailureType.SCHEMA_VIOLATION)).containsExactlyInAnyOrderElementsOf(jsons(sent, Fate.SCHEMA_VIOLATION));
        assertThat(dead.get(FailureType.OVERSIZED_RECORD)).hasSize(jsons(sent, Fate.OVERSIZED).size()).isNotEmpty();
        // A retried original can land after its conflicting copy: then the copy wins and the original is the conflict.
        List<String> conflicts = jsons(sent, Fate.ID_CONFLICT);
        assertThat(dead.get(FailureType.ID_CONFLICT)).hasSize(conflicts.size());
        Set<String> conflictIds = ids(sent, Fate.ID_CONFLICT);
        assertThat(dead.get(FailureType.ID_CONFLICT)).allSatisfy(text -> assertThat(conflictIds).anyMatch(text::contains));

        assertThat(accounting.balanced()).as(accounting.toString()).isTrue();
        assertThat(accounting.written).isEqualTo(validIds.size());
        assertThat(accounting.duplicates).isEqualTo(sent.stream().filter(r -> r.fate() == Fate.DUPLICATE).count());
        assertThat(accounting.recordsIn).isEqualTo(sent.size());
    }

    /** Each Firehose call the generator made, evaluated against the template's ProducerPolicy as IAM would. */
    private static void assertProducerPolicyAllows(SamTemplate template, Set<String> operations) {
        assertThat(operations).isNotEmpty();
        IamPolicy producer = IamPolicy.ofDocument(template, "ProducerPolicy");
        String streamArn = template.resolveString(Map.of("Fn::GetAtt", List.of("DeliveryStream", "Arn")));
        List<String> refused = new java.util.ArrayList<>();
        for (String call : operations) {
            String[] parts = call.split(" ");
            String arn = streamArn.substring(0, streamArn.lastIndexOf('/') + 1) + parts[1];
            if (producer.evaluate("firehose:" + parts[0], arn, Map.of()) != IamPolicy.Decision.ALLOW) {
                refused.add(call + ": needs firehose:" + parts[0] + " on " + arn);
            }
        }
        System.out.println("Firehose calls the generator made: " + operations);
        assertThat(refused).as("calls sam-template.yaml's ProducerPolicy would not allow").isEmpty();
    }

    private static Set<String> ids(List<GeneratedRecord> records, Fate fate) {
        return records.stream().filter(r -> r.fate() == fate).map(GeneratedRecord::eventId).collect(Collectors.toSet());
    }

    private static List<String> jsons(List<GeneratedRecord> records, Fate fate) {
        return records.stream().filter(r -> r.fate() == fate).map(GeneratedRecord::json).collect(Collectors.toList());
    }
}
