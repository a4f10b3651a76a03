package io.clickstream.etl;

import io.clickstream.etl.deploy.SamTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sam-template.yaml} against CloudFormation's own resource schemas: every resource type,
 * property name, required property, property type and allowed value, recursively, and every
 * Ref/GetAtt/Sub target and GetAtt attribute. The schemas come from the npm package
 * {@code @aws-cdk/aws-service-spec} (a database generated from the CloudFormation registry),
 * pinned by {@code src/test/cfn-schema/package-lock.json} and installed here with {@code npm ci}.
 */
class CloudFormationSchemaTest {

    static final Path SOURCE = Paths.get("src", "test", "cfn-schema");
    static final Path WORK = Paths.get("target", "cfn-schema");
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void install() throws Exception {
        Files.createDirectories(WORK);
        boolean changed = false;
        for (String file : List.of("package.json", "package-lock.json", "validate.js")) {
            Path target = WORK.resolve(file);
            changed |= !Files.exists(target) || !java.util.Arrays.equals(Files.readAllBytes(SOURCE.resolve(file)), Files.readAllBytes(target));
            Files.copy(SOURCE.resolve(file), target, StandardCopyOption.REPLACE_EXISTING);
        }
        if (changed || !Files.isDirectory(WORK.resolve("node_modules/@aws-cdk/aws-service-spec"))) {
            run(WORK, "npm", "ci", "--no-audit", "--no-fund", "--loglevel=error");
        }
    }

    @Test
    void theTemplateMatchesCloudFormationsResourceSchemas() throws Exception {
        JsonNode result = validate(SamTemplate.FILE);
        assertThat(result.path("errors")).as("schema errors").isEmpty();
        assertThat(result.path("checked").path("resources").asInt()).isEqualTo(SamTemplate.load().resources.size());
        assertThat(result.path("checked").path("properties").asInt()).as("properties checked").isGreaterThan(400);
    }

    @Test
    void anUnknownPropertyFails(@TempDir Path dir) throws Exception {
        assertThat(errorsOf(dir, "      RecursiveDeleteOption: true\n", "      RecursiveDeleteOption: true\n      Colour: blue\n"))
                .anyMatch(e -> e.contains("AthenaWorkGroup.Properties: unknown property Colour"));
    }

    @Test
    void aValueOutsideTheAllowedOnesFails(@TempDir Path dir) throws Exception {
        assertThat(errorsOf(dir, "DeliveryStreamType: DirectPut", "DeliveryStreamType: DirectPutt"))
                .anyMatch(e -> e.contains("DeliveryStreamType: 'DirectPutt' is not one of"));
    }

    @Test
    void aValueOfTheWrongTypeFails(@TempDir Path dir) throws Exception {
        assertThat(errorsOf(dir, "SnapshotsEnabled: true", "SnapshotsEnabled: [true]"))
                .anyMatch(e -> e.contains("SnapshotsEnabled: expected a boolean"));
        assertThat(errorsOf(dir, "RetentionInDays: 14", "RetentionInDays: fourteen"))
                .anyMatch(e -> e.contains("RetentionInDays: expected a integer"));
    }

    @Test
    void anAttributeTheResourceDoesNotHaveFails(@TempDir Path dir) throws Exception {
        assertThat(errorsOf(dir, "RoleARN: !GetAtt FirehoseRole.Arn", "RoleARN: !GetAtt FirehoseRole.Arnn"))
                .anyMatch(e -> e.contains("AWS::IAM::Role has no attribute Arnn"));
        assertThat(errorsOf(dir, "!Sub '${RawBucket.Arn}/firehose/*'", "!Sub '${RawBucket.Url}/firehose/*'"))
                .anyMatch(e -> e.contains("AWS::S3::Bucket has no attribute Url"));
    }

    @Test
    void aMissingRequiredPropertyAndAnUnknownTypeFail(@TempDir Path dir) throws Exception {
        assertThat(errorsOf(dir, "      Name: !Sub '${ProjectName}-analytics'\n", ""))
                .anyMatch(e -> e.contains("AthenaWorkGroup.Properties: required property Name is missing"));
        assertThat(errorsOf(dir, "Type: AWS::Athena::WorkGroup", "Type: AWS::Athena::Workgroup"))
                .anyMatch(e -> e.contains("unknown resource type AWS::Athena::Workgroup"));
    }

    /** The errors of a copy of the template with one text replaced (which must occur in it). */
    private static List<String> errorsOf(Path dir, String text, String replacement) throws Exception {
        String template = Files.readString(SamTemplate.FILE);
        assertThat(template).contains(text);
        Path mutated = dir.resolve("mutated.yaml");
        Files.writeString(mutated, template.replaceFirst(java.util.regex.Pattern.quote(text), java.util.regex.Matcher.quoteReplacement(replacement)));
        List<String> errors = new ArrayList<>();
        validate(mutated).path("errors").forEach(e -> errors.add(e.asText()));
        return errors;
    }

    private static JsonNode validate(Path template) throws Exception {
        return JSON.readTree(run(WORK, "node", "validate.js", template.toAbsolutePath().toString()));
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(false).start();
        } catch (IOException e) {
            throw new AssertionError(command[0] + " not found: the schema check needs Node.js and npm (apt-get install nodejs npm)", e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(4, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out + err);
        }
        return out;
    }
}
