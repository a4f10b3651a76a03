package io.clickstream.etl;

import io.clickstream.etl.deploy.SamTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.clickstream.etl.deploy.SamTemplate.map;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The template's snapshot pruner, its Python code as deployed, run with the real AWS SDK for
 * Python (boto3, as in Lambda's runtime) against an MSF API on loopback that answers
 * {@code ListApplicationSnapshots} in pages and, as MSF does, deletes a snapshot only when named
 * with its exact creation time.
 */
class SnapshotPrunerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET_PREFIX = "KinesisAnalytics_20180523.";

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void keepsTheNewestSnapshotsAndDeletesTheRestEveryDay(@TempDir Path dir) throws Exception {
        SamTemplate stack = SamTemplate.load();
        Map<String, Object> function = stack.properties("SnapshotPruner");
        Map<String, String> environment = new LinkedHashMap<>();
        map(map(function.get("Environment")).get("Variables")).forEach((k, v) -> environment.put(k, stack.resolveString(v)));
        String application = stack.resolveString(Map.of("Ref", "FlinkApplication"));
        assertThat(environment).containsEntry("APPLICATION_NAME", application).containsEntry("SNAPSHOTS_RETAINED", "10");
        Files.writeString(dir.resolve("index.py"), (String) map(function.get("Code")).get("ZipFile"));

        // Months of autoscaling: 120 snapshots, a few failed, one being taken right now.
        FakeMsf msf = new FakeMsf(application);
        for (int i = 0; i < 120; i++) {
            msf.add("autoscale-" + i, 1_700_000_017L + i * 86_400L, i % 40 == 7 ? "FAILED" : "READY");
        }
        msf.add("taken-now", 1_700_000_017L + 121 * 86_400L, "CREATING");
        msf.refuseOnce("autoscale-50", "ResourceInUseException", "The application is being updated");
        try (AutoCloseable server = msf.start()) {
            ProcessLines first = runHandler(dir, environment, msf.endpoint());
            assertThat(first.exitCode).as("one snapshot could not be deleted: the invocation fails, for the alarm\n%s", first.lines).isNotZero();
            assertThat(String.join("\n", first.lines)).contains("1 snapshots not deleted").contains("autoscale-50: ")
                    .contains("ResourceInUseException");

            ProcessLines nextDay = runHandler(dir, environment, msf.endpoint());
            assertThat(nextDay.exitCode).as("%s", nextDay.lines).isZero();
        }
        List<String> expected = new ArrayList<>();
        for (int i = 119; i >= 110; i--) {
            expected.add("autoscale-" + i);
        }
        expected.add("taken-now");
        assertThat(msf.names()).as("the ten newest ready ones and the one being taken").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(msf.listCalls).as("121 snapshots in three pages of at most 50, then the 12 left in one").isEqualTo(4);
        assertThat(msf.problems).isEmpty();
    }

    private static ProcessLines runHandler(Path code, Map<String, String> environment, String endpoint) throws Exception {
        // Lambda's runtime resolves the client's endpoint itself; here it is the loopback API.
        String driver = String.join("\n",
                "import boto3, sys",
                "sys.path.insert(0, sys.argv[1])",
                "real = boto3.client",
                "boto3.client = lambda name, **kw: real(name, endpoint_url=sys.argv[2], **kw)",
                "import index",
                "index.handler({}, None)");
        ProcessBuilder pb = new ProcessBuilder("python3", "-c", driver, code.toString(), endpoint).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_"));
        pb.environment().putAll(environment);
        pb.environment().put("AWS_DEFAULT_REGION", "eu-west-1");
        pb.environment().put("AWS_ACCESS_KEY_ID", "test");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "test-secret");
        pb.environment().put("AWS_EC2_METADATA_DISABLED", "true");
        pb.environment().put("HOME", code.toString());
        Process python;
        try {
            python = pb.start();
        } catch (IOException e) {
            throw new AssertionError("python3 not found: the snapshot pruner's test needs Python 3 with boto3 (apt-get install python3-boto3)", e);
        }
        ProcessLines out = ProcessLines.of(python);
        if (out.lines.stream().anyMatch(l -> l.contains("No module named 'boto3'"))) {
            throw new AssertionError("the snapshot pruner's test needs boto3 for python3 (apt-get install python3-boto3)");
        }
        return out;
    }

    /** MSF's snapshot API for one application, as its API reference describes it. */
    private static final class FakeMsf {
        final String application;
        final Map<String, ObjectNode> snapshots = Collections.synchronizedMap(new LinkedHashMap<>());
        final List<String> problems = Collections.synchronizedList(new ArrayList<>());
        final Map<String, String[]> refusals = new LinkedHashMap<>();
        int listCalls;
        private HttpServer server;

        FakeMsf(String application) {
            this.application = application;
        }

        /** Creation times in whole seconds: the SDK sends them back so (as AWS's own snapshot manager for MSF does). */
        void add(String name, long created, String status) {
            ObjectNode s = JSON.createObjectNode().put("SnapshotName", name).put("SnapshotStatus", status)
                    .put("SnapshotCreationTimestamp", created).put("ApplicationVersionId", 3).put("RuntimeEnvironment", "FLINK-1_20");
            snapshots.put(name, s);
        }

        void refuseOnce(String name, String type, String message) {
            refusals.put(name, new String[] {type, message});
        }

        List<String> names() {
            return new ArrayList<>(snapshots.keySet());
        }

        String endpoint() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        AutoCloseable start() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/", this::handle);
            server.start();
            return () -> server.stop(0);
        }

        private synchronized void handle(HttpExchange exchange) throws IOException {
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            JsonNode request = JSON.readTree(exchange.getRequestBody().readAllBytes());
            if (!exchange.getRequestHeaders().getFirst("Authorization").startsWith("AWS4-HMAC-SHA256 Credential=test/")) {
                problems.add("unsigned request " + target);
            }
            if (!application.equals(request.path("ApplicationName").asText())) {
                reply(exchange, 400, error("ResourceNotFoundException", "no application " + request.path("ApplicationName")));
                return;
            }
            if (target.equals(TARGET_PREFIX + "ListApplicationSnapshots")) {
                listCalls++;
                int limit = request.path("Limit").asInt(50);
                if (limit < 1 || limit > 50) {
                    reply(exchange, 400, error("InvalidArgumentException", "Limit must be 1 to 50"));
                    return;
                }
                List<ObjectNode> all = new ArrayList<>(snapshots.values());
                int from = request.has("NextToken") ? Integer.parseInt(request.get("NextToken").asText()) : 0;
                ObjectNode answer = JSON.createObjectNode();
                ArrayNode page = answer.putArray("SnapshotSummaries");
                all.subList(from, Math.min(all.size(), from + limit)).forEach(page::add);
                if (from + limit < all.size()) {
                    answer.put("NextToken", Integer.toString(from + limit));
                }
                reply(exchange, 200, answer);
            } else if (target.equals(TARGET_PREFIX + "DeleteApplicationSnapshot")) {
                String name = request.path("SnapshotName").asText();
                ObjectNode snapshot = snapshots.get(name);
                String[] refusal = refusals.remove(name);
                if (refusal != null) {
                    reply(exchange, 400, error(refusal[0], refusal[1]));
                } else if (snapshot == null) {
                    reply(exchange, 400, error("ResourceNotFoundException", "no snapshot " + name));
                } else if (snapshot.get("SnapshotCreationTimestamp").asLong() != request.path("SnapshotCreationTimestamp").asDouble()) {
                    reply(exchange, 400, error("InvalidArgumentException", "the creation timestamp does not match snapshot " + name));
                } else if (snapshot.get("SnapshotStatus").asText().equals("CREATING")) {
                    problems.add("deleted a snapshot being taken: " + name);
                    reply(exchange, 400, error("ResourceInUseException", "snapshot " + name + " is being created"));
                } else {
                    snapshots.remove(name);
                    reply(exchange, 200, JSON.createObjectNode());
                }
            } else {
                problems.add("unexpected call " + target);
                reply(exchange, 400, error("UnknownOperationException", target));
            }
        }

        private static ObjectNode error(String type, String message) {
            return JSON.createObjectNode().put("__type", type).put("message", message);
        }

        private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
            byte[] bytes = JSON.writeValueAsBytes(body);
            exchange.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        }
    }
}
