package io.clickstream.etl.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A standalone Flink 1.20 session cluster as separate processes, the way a Flink distribution's
 * scripts start one and MSF runs a job: a JobManager and TaskManagers in their own JVMs, the
 * cluster's own lib/ and plugins/ (copied by Maven to {@code target/flink-cluster}), child-first
 * user class loading, and the application jar uploaded and run through the REST API.
 *
 * <p>MSF writes the application's property groups to {@code /etc/flink/application_properties.json},
 * a path {@code aws-kinesisanalytics-runtime} reads from its {@code config.properties} on the
 * class path. The cluster puts a folder with its own {@code config.properties} first on that class
 * path, naming a file in the test's folder: the same reader and file shape, without writing /etc.
 */
public final class FlinkCluster implements AutoCloseable {

    public static final Path DISTRIBUTION = Paths.get("target", "flink-cluster");

    /** What Flink's default config.yaml sets as env.java.opts.all for Java 17. */
    private static final List<String> JAVA_17_OPTS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED", "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED", "--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED",
            "--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED", "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.text=ALL-UNNAMED", "--add-opens=java.base/java.time=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED", "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path home;
    private final Path conf;
    private final int restPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();
    private int started;

    private FlinkCluster(Path home, int restPort) {
        this.home = home;
        this.conf = home.resolve("conf");
        this.restPort = restPort;
    }

    /**
     * Starts a JobManager and one TaskManager with {@code settings} added to config.yaml, and the
     * given MSF property groups as the application's properties.
     */
    public static FlinkCluster start(Path home, Map<String, String> settings, Map<String, Map<String, String>> propertyGroups)
            throws Exception {
        if (!Files.isDirectory(DISTRIBUTION.resolve("lib"))) {
            throw new IllegalStateException(DISTRIBUTION + " is missing: run the integration tests through Maven (mvn verify)");
        }
        FlinkCluster cluster = new FlinkCluster(home, freePort());
        cluster.writeConfiguration(settings, propertyGroups);
        cluster.jobManager = cluster.launch("jobmanager", "GET_JM_RESOURCE_PARAMS",
                "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint", "--executionMode", "cluster");
        cluster.startTaskManager();
        cluster.awaitSlots(1);
        return cluster;
    }

    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    /** Starts one more TaskManager process. */
    public void startTaskManager() throws IOException, InterruptedException {
        taskManagers.add(launch("taskmanager-" + taskManagers.size(), "GET_TM_RESOURCE_PARAMS",
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner"));
    }

    /** SIGKILLs the newest TaskManager, as a lost host or an out-of-memory kill would. */
    public void killTaskManager() throws InterruptedException {
        Process tm = taskManagers.get(taskManagers.size() - 1);
        tm.destroyForcibly();
        tm.waitFor();
    }

    /** Uploads a jar and runs its main class at a parallelism, as {@code flink run} does over REST; returns the job id. */
    public String submit(Path jar, int parallelism) throws Exception {
        String boundary = UUID.randomUUID().toString();
        byte[] head = ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName()
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8);
        HttpRequest upload = HttpRequest.newBuilder(URI.create(restUrl() + "/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(concat(head, Files.readAllBytes(jar), tail)))
                .build();
        JsonNode uploaded = send(upload);
        String jarId = Paths.get(uploaded.path("filename").asText()).getFileName().toString();
        JsonNode run = null;
        for (int attempt = 1; attempt <= 2 && run == null; attempt++) {
            try {
                run = post("/jars/" + jarId + "/run", "{\"parallelism\": " + parallelism + "}");
            } catch (IllegalStateException e) {
                // Seen once on a fresh cluster: the JobManager's first program run fails in a static initializer; the next works.
                if (attempt == 2) {
                    throw e;
                }
            }
        }
        return run.path("jobid").asText();
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(restUrl() + path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    public String getText(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(restUrl() + path)).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    public JsonNode post(String path, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(restUrl() + path)).header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public void cancel(String jobId) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(restUrl() + "/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException("cancel " + jobId + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    public String jobState(String jobId) throws IOException, InterruptedException {
        return get("/jobs/" + jobId).path("state").asText();
    }

    /** Waits until the job's state is one of {@code states}; fails fast if it reaches a terminal state that is not. */
    public String awaitState(String jobId, Duration timeout, String... states) throws Exception {
        List<String> wanted = Arrays.asList(states);
        long deadline = System.nanoTime() + timeout.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            state = jobState(jobId);
            if (wanted.contains(state)) {
                return state;
            }
            if (List.of("FAILED", "CANCELED", "FINISHED").contains(state)) {
                throw new AssertionError("job " + jobId + " is " + state + ", not " + wanted + ": " + get("/jobs/" + jobId + "/exceptions") + logTails());
            }
            Thread.sleep(250);
        }
        throw new AssertionError("job " + jobId + " still " + state + " after " + timeout + logTails());
    }

    /** Polls until {@code condition} holds on a REST answer. */
    public JsonNode await(String path, Predicate<JsonNode> condition, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = get(path);
                if (condition.test(last)) {
                    return last;
                }
            } catch (IOException | IllegalStateException notYet) {
                // not answering yet
            }
            Thread.sleep(250);
        }
        throw new AssertionError(path + " never met the condition; last answer " + last + logTails());
    }

    /** The job's user accumulators (the pipeline's counters), by name. */
    public Map<String, Object> accumulators(String jobId) throws IOException, InterruptedException {
        Map<String, Object> values = new LinkedHashMap<>();
        for (JsonNode a : get("/jobs/" + jobId + "/accumulators").path("user-task-accumulators")) {
            values.put(a.path("name").asText(), Long.parseLong(a.path("value").asText()));
        }
        return values;
    }

    /** The last lines of every process's log, for failure messages. */
    public String logTails() {
        StringBuilder out = new StringBuilder();
        try (Stream<Path> logs = Files.list(home.resolve("log"))) {
            for (Path log : logs.sorted().collect(Collectors.toList())) {
                List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
                out.append("\n--- ").append(log.getFileName()).append('\n')
                        .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
            }
        } catch (IOException e) {
            out.append("\n(no logs: ").append(e).append(')');
        }
        return out.toString();
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : taskManagers) {
            p.destroy();
        }
        if (jobManager != null) {
            jobManager.destroy();
        }
        for (Process p : taskManagers) {
            p.waitFor();
        }
        if (jobManager != null) {
            jobManager.waitFor();
        }
    }

    private void awaitSlots(int taskManagerCount) throws Exception {
        await("/overview", o -> o.path("taskmanagers").asInt() >= taskManagerCount && o.path("slots-available").asInt() > 0,
                Duration.ofSeconds(60));
    }

    private void writeConfiguration(Map<String, String> settings, Map<String, Map<String, String>> propertyGroups) throws IOException {
        Files.createDirectories(conf);
        Files.createDirectories(home.resolve("log"));
        Map<String, String> c = new LinkedHashMap<>();
        c.put("jobmanager.rpc.address", "127.0.0.1");
        c.put("jobmanager.rpc.port", String.valueOf(freePort()));
        c.put("jobmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.bind-host", "127.0.0.1");
        c.put("taskmanager.host", "127.0.0.1");
        c.put("rest.address", "127.0.0.1");
        c.put("rest.bind-address", "127.0.0.1");
        c.put("rest.port", String.valueOf(restPort));
        c.put("jobmanager.memory.process.size", "1024m");
        c.put("taskmanager.memory.process.size", "1728m");
        c.put("taskmanager.numberOfTaskSlots", "2");
        c.put("classloader.resolve-order", "child-first");
        c.put("state.backend.type", "rocksdb");
        c.put("state.checkpoints.dir", home.resolve("checkpoints").toUri().toString());
        c.put("restart-strategy.type", "fixed-delay");
        c.put("restart-strategy.fixed-delay.attempts", "5");
        c.put("restart-strategy.fixed-delay.delay", "1 s");
        // A killed TaskManager is noticed by missed heartbeats: seconds here, not the default 50.
        c.put("heartbeat.interval", "1000");
        c.put("heartbeat.timeout", "5000");
        c.put("web.upload.dir", home.resolve("uploads").toString());
        c.put("io.tmp.dirs", home.resolve("tmp").toString());
        c.putAll(settings);
        Files.createDirectories(home.resolve("uploads"));
        Files.createDirectories(home.resolve("tmp"));
        StringBuilder yaml = new StringBuilder();
        for (Map.Entry<String, String> e : c.entrySet()) {
            yaml.append(e.getKey()).append(": ").append(JSON.writeValueAsString(e.getValue())).append('\n');
        }
        Files.writeString(conf.resolve("config.yaml"), yaml.toString());
        Files.writeString(conf.resolve("log4j.properties"), String.join("\n",
                "rootLogger.level = INFO", "rootLogger.appenderRef.file.ref = MainAppender",
                "appender.main.name = MainAppender", "appender.main.type = File", "appender.main.fileName = ${sys:log.file}",
                "appender.main.layout.type = PatternLayout", "appender.main.layout.pattern = %d{HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
                "logger.akka.name = akka", "logger.akka.level = WARN", "logger.pekko.name = org.apache.pekko", "logger.pekko.level = WARN",
                "logger.hadoop.name = org.apache.hadoop", "logger.hadoop.level = WARN", ""));

        // MSF's property groups, read by KinesisAnalyticsRuntime.getApplicationProperties().
        List<Map<String, Object>> groups = new ArrayList<>();
        propertyGroups.forEach((id, map) -> groups.add(Map.of("PropertyGroupId", id, "PropertyMap", map)));
        Path properties = home.resolve("application_properties.json");
        Files.writeString(properties, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(groups));
        Path msf = home.resolve("msf-runtime");
        Files.createDirectories(msf);
        Files.writeString(msf.resolve("config.properties"), "application_properties_file = " + properties.toAbsolutePath() + "\n");
    }

    private Process launch(String name, String resourceParams, String mainClass, String... args) throws IOException, InterruptedException {
        String classpath = home.resolve("msf-runtime").toAbsolutePath() + java.io.File.pathSeparator
                + DISTRIBUTION.resolve("lib").toAbsolutePath() + "/*";
        List<String> derived = derivedResourceParams(classpath, resourceParams);
        List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(derived.get(0).trim().split("\\s+")));
        command.addAll(JAVA_17_OPTS);
        // A SIGKILLed TaskManager cannot clean up its temp files (snappy-java's native library, blob
        // caches): they stay in the cluster's folder, which goes with the test, not in /tmp.
        command.add("-Djava.io.tmpdir=" + Files.createDirectories(home.resolve("tmp")).toAbsolutePath());
        command.add("-Dlog.file=" + home.resolve("log").resolve(name + "-" + (started++) + ".log").toAbsolutePath());
        command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.add("--configDir");
        command.add(conf.toAbsolutePath().toString());
        command.addAll(Arrays.asList(args));
        if (derived.size() > 1 && !derived.get(1).isBlank()) {
            command.addAll(Arrays.asList(derived.get(1).trim().split("\\s+")));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(home.resolve("log").resolve(name + "-" + started + ".out").toFile());
        builder.environment().put("FLINK_PLUGINS_DIR", DISTRIBUTION.resolve("plugins").toAbsolutePath().toString());
        builder.environment().put("FLINK_CONF_DIR", conf.toAbsolutePath().toString());
        return builder.start();
    }

    /** JVM memory options and dynamic properties, as Flink's scripts get them from BashJavaUtils. */
    private List<String> derivedResourceParams(String classpath, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                "org.apache.flink.runtime.util.bash.BashJavaUtils", command, "--configDir", conf.toAbsolutePath().toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        List<String> results = output.lines().filter(l -> l.startsWith("BASH_JAVA_UTILS_EXEC_RESULT:"))
                .map(l -> l.substring("BASH_JAVA_UTILS_EXEC_RESULT:".length())).collect(Collectors.toList());
        if (results.isEmpty()) {
            throw new IllegalStateException("BashJavaUtils " + command + " printed no result:\n" + output);
        }
        return results;
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(request.method() + " " + request.uri() + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static int freePort() {
        return io.clickstream.etl.local.LoopbackPorts.unused();
    }
}
