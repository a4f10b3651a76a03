package io.clickstream.etl;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.local.StopWithSavepoint;
import io.clickstream.etl.metrics.Accounting;
import io.clickstream.generator.Fate;
import io.clickstream.generator.FirehoseLocalWriter;
import io.clickstream.generator.GeneratedRecord;
import io.clickstream.generator.GeneratorSettings;
import io.clickstream.generator.TrafficGenerator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The local runner: an embedded cluster with the Flink web UI, where the job's counters show. */
class LocalRunnerTest {

    private static final String SECRET = "s3cr3t-pseudonym-key-0123456789";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void hasNetworkBuffersForItsChannelsAtTheHighestParallelismWithLargeBuffersAndNeedsNoPortWithoutTheWebUi(@TempDir Path dir) throws Exception {
        List<GeneratedRecord> records = TrafficGenerator.generate(GeneratorSettings.defaults().seed(6).records(2000).days(2)
                .start(Instant.parse("2026-03-01T00:00:00Z")));
        FirehoseLocalWriter.withDefaults(dir.resolve("raw"), 20).write(records);
        int parallelism = LocalRunner.LARGE_NETWORK_BUFFERS_UP_TO_PARALLELISM;
        assertThat(LocalRunner.networkBufferSize(parallelism)).isGreaterThan(LocalRunner.networkBufferSize(parallelism + 1));

        Accounting accounting;
        // Without the web UI, its port being taken (another local job) must not matter.
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            accounting = LocalRunner.run(JobConfig.fromMap(Map.of(
                    "input.path", dir.resolve("raw").toString(),
                    "input.mode", "bounded",
                    "parallelism", Integer.toString(parallelism),
                    "web-ui.enabled", "false",
                    "web-ui.port", Integer.toString(taken.getLocalPort()),
                    "output.lake.path", dir.resolve("lake").toString(),
                    "output.dead-letter.path", dir.resolve("dead-letter").toString(),
                    "checkpoint.dir", dir.resolve("checkpoints").toUri().toString())));
        }

        assertThat(accounting.balanced()).isTrue();
        assertThat(accounting.written).isEqualTo(records.stream().filter(r -> r.fate() == Fate.VALID).count());
    }

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void wrongPathsAndATakenWebUiPortAreOneLineEachAndExitCode2AtStartUp(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a-file"), "x");
        String err;
        Process runner;
        long started = System.nanoTime();
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            runner = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path"), LocalRunner.class.getName(),
                    "--input.path", dir.resolve("nope").toString(), "--input.mode", "bounded",
                    "--output.lake.path", dir.resolve("a-file").toString(), "--output.dead-letter.path", dir.resolve("dead-letter").toString(),
                    "--web-ui.port", Integer.toString(taken.getLocalPort()))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            err = new String(runner.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(runner.waitFor(1, TimeUnit.MINUTES)).isTrue();
            System.out.printf("wrong paths and a taken port refused in %.1f s (JVM start included)%n", (System.nanoTime() - started) / 1e9);
            assertThat(err).contains("web-ui.port=" + taken.getLocalPort() + ": in use");
        }

        assertThat(runner.exitValue()).isEqualTo(2);
        assertThat(err.lines()).hasSize(3).startsWith(
                "input.path='" + dir.resolve("nope") + "': does not exist, so a bounded run has nothing to read",
                "output.lake.path='" + dir.resolve("a-file") + "': is a file, not a folder");
    }



    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void runsWithTheWebUiAndShowsTheCounters(@TempDir Path dir) throws Exception {
        List<GeneratedRecord> records = TrafficGenerator.generate(GeneratorSettings.defaults().seed(5).records(2000).days(1)
                .start(Instant.parse("2026-03-01T00:00:00Z")));
        FirehoseLocalWriter.withDefaults(dir.resolve("raw"), 5).write(records);
        long valid = records.stream().filter(r -> r.fate() == Fate.VALID).count();
        int port = freePort();
        JobConfig config = JobConfig.fromMap(Map.of(
                "input.path", dir.resolve("raw").toString(),
                "output.lake.path", dir.resolve("lake").toString(),
                "output.dead-letter.path", dir.resolve("dead-letter").toString(),
                "checkpoint.dir", dir.resolve("checkpoints").toUri().toString(),
                "checkpoint.interval", "1s",
                "input.monitor-interval", "500ms",
                "input.sweep-interval", "500ms",
                "web-ui.port", Integer.toString(port),
                "pii.pseudonym-key", SECRET));

        CompletableFuture<Void> run = CompletableFuture.runAsync(() -> {
            try {
                LocalRunner.run(config);
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });
        String base = "http://127.0.0.1:" + port;
        String overview = poll(base + "/jobs/overview", body -> body.contains("\"RUNNING\""));
        Matcher id = Pattern.compile("\"jid\":\"([0-9a-f]+)\"").matcher(overview);
        assertThat(id.find()).isTrue();
        String job = base + "/jobs/" + id.group(1);

        String accumulators = poll(job + "/accumulators", body -> body.contains("\"recordsWritten\",\"type\":\"LongCounter\",\"value\":\"" + valid + "\""));
        assertThat(accumulators).contains("\"recordsIn\"", "\"duplicatesDropped\"", "\"deadLettersMalformedJson\"", "\"piiFieldsRemoved\"");
        assertThat(get(base + "/"))
                .as("the web UI itself is served").containsIgnoringCase("<html");

        for (String page : new String[] {job, job + "/config", job + "/plan", base + "/jobmanager/config", base + "/taskmanagers"}) {
            assertThat(get(page)).as("%s does not show the pseudonym key", page).doesNotContain(SECRET);
        }

        // Stop as a user would, with the documented command, and check the savepoint it reports.
        String savepoint = StopWithSavepoint.stop(base, dir.resolve("savepoints").toUri().toString());
        run.get(1, TimeUnit.MINUTES);
        assertThat(Paths.get(URI.create(savepoint)).resolve("_metadata")).exists();
    }

    private String get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private String poll(String url, java.util.function.Predicate<String> done) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                if (done.test(last)) {
                    return last;
                }
            } catch (java.io.IOException notYet) {
                // the cluster is still starting
            }
            Thread.sleep(300);
        }
        throw new AssertionError("gave up waiting on " + url + ", last answer: " + last);
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
