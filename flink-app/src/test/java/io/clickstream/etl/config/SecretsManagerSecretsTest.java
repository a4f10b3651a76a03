package io.clickstream.etl.config;

import io.clickstream.etl.deploy.IamPolicy;
import io.clickstream.etl.deploy.SamTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pseudonym key read from Secrets Manager by the real AWS SDK, against an endpoint on
 * loopback that speaks the Secrets Manager JSON protocol; each call is then checked against the
 * template's {@code FlinkRole} as IAM would.
 */
class SecretsManagerSecretsTest {

    static final String ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:clickstream/pseudonym-key-AbCdEf";
    static final ObjectMapper JSON = new ObjectMapper();
    static final Map<String, String> SECRETS = new ConcurrentHashMap<>();
    static final List<String> CALLS = new CopyOnWriteArrayList<>();
    static HttpServer server;

    @BeforeAll
    static void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", SecretsManagerSecretsTest::answer);
        server.start();
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test-secret");
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Test
    void theKeyComesFromTheSecretAndTheRoleMayReadIt() {
        SECRETS.put(ARN, "a-pseudonym-key-of-32-characters");
        CALLS.clear();
        JobConfig config = JobConfig.fromMap(Map.of("input.path", "/in", "output.lake.path", "/lake", "output.dead-letter.path", "/dead",
                "pii.pseudonym-key-secret", ARN));
        assertThat(config.pseudonymKey()).isNull();

        JobConfig resolved = config.withSecretsResolved(local()::value);
        assertThat(resolved.pseudonymKey()).isEqualTo("a-pseudonym-key-of-32-characters");
        assertThat(resolved.toString()).doesNotContain("a-pseudonym-key");
        assertThat(CALLS).containsExactly("GetSecretValue " + ARN);

        SamTemplate stack = SamTemplate.load("eu-west-1", Map.of("PseudonymKeySecretArn", ARN));
        assertThat(stack.jobProperties(JobConfig.PROPERTY_GROUP)).containsEntry("pii.pseudonym-key-secret", ARN).doesNotContainKey("pii.pseudonym-key");
        IamPolicy role = IamPolicy.ofRole(stack, "FlinkRole");
        for (String call : CALLS) {
            String[] parts = call.split(" ");
            assertThat(role.evaluate("secretsmanager:" + parts[0], parts[1], Map.of())).as(call).isEqualTo(IamPolicy.Decision.ALLOW);
        }
        assertThat(IamPolicy.ofRole(SamTemplate.load(), "FlinkRole").evaluate("secretsmanager:GetSecretValue", ARN, Map.of()))
                .as("no secret configured, no secret readable").isEqualTo(IamPolicy.Decision.IMPLICIT_DENY);
    }

    @Test
    void aMissingOrShortSecretStopsTheStartNamingTheKey() {
        JobConfig config = JobConfig.fromMap(Map.of("input.path", "/in", "output.lake.path", "/lake", "output.dead-letter.path", "/dead",
                "pii.pseudonym-key-secret", ARN + "-gone"));
        assertThatThrownBy(() -> config.withSecretsResolved(local()::value)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("pii.pseudonym-key-secret='" + ARN + "-gone': cannot read the secret").hasMessageContaining("not found");

        SECRETS.put(ARN + "-short", "tiny-value");
        JobConfig shortKey = JobConfig.fromMap(Map.of("input.path", "/in", "output.lake.path", "/lake", "output.dead-letter.path", "/dead",
                "pii.pseudonym-key-secret", ARN + "-short"));
        assertThatThrownBy(() -> shortKey.withSecretsResolved(local()::value)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("at least 16 characters").hasMessageNotContaining("tiny-value");
    }

    @Test
    void aKeyAndASecretTogetherOrABadArnAreRefused() {
        assertThatThrownBy(() -> JobConfig.fromMap(Map.of("input.path", "/in", "output.lake.path", "/lake", "output.dead-letter.path", "/dead",
                "pii.pseudonym-key", "0123456789abcdef0123", "pii.pseudonym-key-secret", ARN)))
                .hasMessageContaining("pii.pseudonym-key/pii.pseudonym-key-secret: set one, not both");
        assertThatThrownBy(() -> JobConfig.fromMap(Map.of("input.path", "/in", "output.lake.path", "/lake", "output.dead-letter.path", "/dead",
                "pii.pseudonym-key-secret", "clickstream/pseudonym-key")))
                .hasMessageContaining("pii.pseudonym-key-secret='clickstream/pseudonym-key': expected a Secrets Manager secret ARN");
    }

    private static SecretsManagerSecrets local() {
        return SecretsManagerSecrets.at(URI.create("http://127.0.0.1:" + server.getAddress().getPort()));
    }

    /** GetSecretValue of the Secrets Manager JSON protocol (application/x-amz-json-1.1). */
    private static void answer(HttpExchange exchange) throws IOException {
        String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
        JsonNode request = JSON.readTree(exchange.getRequestBody());
        String id = request.path("SecretId").asText();
        CALLS.add(target.substring(target.indexOf('.') + 1) + " " + id);
        String secret = SECRETS.get(id);
        int status;
        String body;
        if (!target.equals("secretsmanager.GetSecretValue")) {
            status = 400;
            body = JSON.writeValueAsString(Map.of("__type", "UnknownOperationException", "message", target));
        } else if (secret == null) {
            status = 400;
            body = JSON.writeValueAsString(Map.of("__type", "ResourceNotFoundException", "message", "Secrets Manager can't find the specified secret (not found)."));
        } else {
            status = 200;
            body = JSON.writeValueAsString(Map.of("ARN", id, "Name", id.substring(id.lastIndexOf(':') + 1), "SecretString", secret,
                    "VersionId", "v1", "VersionStages", List.of("AWSCURRENT"), "CreatedDate", 1.7e9));
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
