package io.clickstream.etl.local;

import io.clickstream.etl.LocalRunner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Paths;
import java.time.Duration;

/**
 * Stops the job running on a local cluster with a savepoint, through the Flink REST API, and prints
 * the savepoint's path for {@code --resume.from}. Unless told otherwise the savepoint goes where the
 * runner's own Ctrl+C puts one, {@code <checkpoint.dir>/savepoints}, where {@code resume.from latest}
 * looks:
 *
 * <pre>--port 8081 [--savepoint-dir file:///abs/data/savepoints]</pre>
 */
public final class StopWithSavepoint {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StopWithSavepoint() {
    }

    public static void main(String[] args) {
        EntryPoint.run(() -> runCommand(args));
    }

    private static void runCommand(String[] args) throws Exception {
        int port = 8081;
        String dir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--help": case "-h":
                    System.out.print(String.join("\n",
                            "Stops the job of a local runner with a savepoint, through its web UI's REST API, and prints the savepoint's path.",
                            "  --port N              the web UI's port (default 8081)",
                            "  --savepoint-dir URI   where the savepoint goes (default: the runner's <checkpoint.dir>/savepoints,"
                                    + " where Ctrl+C's go and --resume.from latest looks)",
                            ""));
                    return;
                case "--port": port = (int) EntryPoint.number(args, ++i, "--port", 1, 65_535); break;
                case "--savepoint-dir":
                    // A plain folder is meant from here: the runner resolves a relative one from its own working folder.
                    String given = EntryPoint.value(args, ++i, "--savepoint-dir");
                    dir = given.contains(":/") ? given : LocalRunner.location(Paths.get(given));
                    break;
                default:
                    System.err.println("Unknown option " + args[i] + " (known: --port, --savepoint-dir)");
                    System.exit(2);
            }
        }
        String base = "http://127.0.0.1:" + port;
        try {
            System.out.println(stop(base, dir));
        } catch (java.net.ConnectException e) {
            System.err.println("No Flink web UI at " + base + ": is a local runner with the web UI running there (--port)?");
            System.exit(2);
        } catch (IllegalStateException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    /**
     * Stops the one running job and returns the savepoint path once it is complete; a {@code null}
     * folder means the cluster's own savepoint folder.
     */
    public static String stop(String base, String savepointDir) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        JsonNode overview = get(http, base + "/jobs/overview");
        String jobId = null;
        for (JsonNode job : overview.path("jobs")) {
            if ("RUNNING".equals(job.path("state").asText())) {
                jobId = job.path("jid").asText();
            }
        }
        if (jobId == null) {
            throw new IllegalStateException("No running job at " + base + " (" + overview.path("jobs").size() + " finished or stopped ones)");
        }
        String job = base + "/jobs/" + jobId;
        ObjectNode body = JSON.createObjectNode().put("drain", false).put("formatType", "CANONICAL");
        if (savepointDir != null) {
            body.put("targetDirectory", savepointDir);
        }
        JsonNode trigger = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(job + "/stop"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        String request = trigger.path("request-id").asText(null);
        if (request == null) {
            throw new IllegalStateException("stop was refused: " + trigger);
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode status = get(http, job + "/savepoints/" + request);
            if ("COMPLETED".equals(status.path("status").path("id").asText())) {
                String location = status.path("operation").path("location").asText(null);
                if (location == null) {
                    throw new IllegalStateException("savepoint failed: " + status.path("operation").path("failure-cause"));
                }
                return location;
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("savepoint did not complete within 5 minutes");
    }

    private static JsonNode get(HttpClient http, String url) throws Exception {
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body());
    }
}
