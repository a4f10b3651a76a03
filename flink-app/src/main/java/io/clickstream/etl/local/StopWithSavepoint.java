package io.clickstream.etl.local;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Stops the job running on a local cluster with a savepoint, through the Flink REST API, and prints
 * the savepoint's path for {@code --resume.from}:
 *
 * <pre>--port 8081 --savepoint-dir file:///abs/data/savepoints</pre>
 */
public final class StopWithSavepoint {

    private StopWithSavepoint() {
    }

    public static void main(String[] args) throws Exception {
        int port = 8081;
        String dir = Paths.get("data", "savepoints").toAbsolutePath().toUri().toString();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port": port = Integer.parseInt(args[++i]); break;
                case "--savepoint-dir": dir = args[++i]; break;
                default:
                    System.err.println("Unknown option " + args[i] + " (known: --port, --savepoint-dir)");
                    System.exit(2);
            }
        }
        System.out.println(stop("http://127.0.0.1:" + port, dir));
    }

    /** Stops the one running job and returns the savepoint path once it is complete. */
    public static String stop(String base, String savepointDir) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String overview = get(http, base + "/jobs/overview");
        Matcher running = Pattern.compile("\"jid\":\"([0-9a-f]+)\",\"name\":\"[^\"]*\",[^}]*?\"state\":\"RUNNING\"").matcher(overview);
        if (!running.find()) {
            throw new IllegalStateException("no running job at " + base + ": " + overview);
        }
        String job = base + "/jobs/" + running.group(1);
        String body = "{\"targetDirectory\":\"" + savepointDir + "\",\"drain\":false,\"formatType\":\"CANONICAL\"}";
        String trigger = http.send(HttpRequest.newBuilder(URI.create(job + "/stop"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher request = Pattern.compile("\"request-id\":\"([0-9a-f]+)\"").matcher(trigger);
        if (!request.find()) {
            throw new IllegalStateException("stop was refused: " + trigger);
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            String status = get(http, job + "/savepoints/" + request.group(1));
            if (status.contains("\"COMPLETED\"")) {
                Matcher location = Pattern.compile("\"location\":\"([^\"]+)\"").matcher(status);
                if (location.find()) {
                    return location.group(1);
                }
                throw new IllegalStateException("savepoint failed: " + status);
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("savepoint did not complete within 5 minutes");
    }

    private static String get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
