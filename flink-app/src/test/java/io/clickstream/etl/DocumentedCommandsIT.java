package io.clickstream.etl;

import io.clickstream.etl.deploy.LocalS3;
import io.clickstream.etl.deploy.SamTemplate;
import io.clickstream.generator.endpoint.LocalFirehoseEndpoint;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Docs that run: every command in the {@code bash} blocks of README.md and docs/ is either run as
 * a user would paste it (bash, from the repository root, after the build) on small inputs (a run
 * against an S3-compatible server on S3Proxy), or, when it needs AWS, checked for the names it uses
 * against the template. A wrong class, key, class path or name in the docs fails the build, and so
 * does a stack trace or a warning in what a command prints. The README's two commands run in {@code .ci/run}
 * themselves (the demo profile, the tests).
 */
class DocumentedCommandsIT {

    private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();
    private static final SamTemplate TEMPLATE = SamTemplate.load();
    /** The S3-compatible endpoint the docs' example names (MinIO's default port). */
    private static final String S3_ENDPOINT = "http://127.0.0.1:9000";

    /** One command as the docs show it, continuation lines joined. */
    static final class Command {
        final String file;
        final int line;
        final String text;

        Command(String file, int line, String text) {
            this.file = file;
            this.line = line;
            this.text = text;
        }

        @Override
        public String toString() {
            return file + ":" + line + ": " + text;
        }
    }

    @Test
    @Timeout(value = 20, unit = TimeUnit.MINUTES)
    void everyLocalCommandRunsAndEveryAwsCommandNamesWhatTheTemplateDeploys(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Files.copy(ROOT.resolve("docs/performance.md"), tmp.resolve("performance.md"));
        String stream = (String) TEMPLATE.resolve(TEMPLATE.properties("DeliveryStream").get("DeliveryStreamName"));
        List<String> ran = new ArrayList<>();
        Set<String> distinct = new LinkedHashSet<>();
        String savepoint = null;
        try (LocalFirehoseEndpoint firehose = LocalFirehoseEndpoint.start(data.resolve("firehose"), stream, 0, 0, 1 << 20, 1000, 7)) {
            for (Path doc : docs()) {
                Map<String, String> variables = new LinkedHashMap<>();
                for (Command c : commands(doc)) {
                    String text = c.text;
                    if (text.matches("[A-Z_]+=.*")) {
                        variables.put(text.substring(0, text.indexOf('=')), inTestFolders(text, data));
                    } else if (text.startsWith("mvn ")) {
                        checkMaven(c);
                    } else if (text.startsWith("aws ") || text.startsWith("sam ")) {
                        checkAws(c);
                    } else if (text.startsWith("java ")) {
                        String local = small(text, data, tmp, savepoint, firehose.endpoint());
                        if (!distinct.add(local.replaceFirst("-cp \"[^\"]*\"", "-cp CP"))) {
                            continue; // the same command in two docs (class path spelled out or as $CP) runs once
                        }
                        long started = System.nanoTime();
                        if (local.contains(S3_ENDPOINT)) {
                            try (LocalS3 s3 = s3With(local, data.resolve("raw"))) {
                                savepoint = run(c, String.join("\n", variables.values()), local.replace(S3_ENDPOINT, s3.endpoint()), savepoint);
                                assertThat(s3.visibleKeys(bucket(local, "--output.lake.path"), "")).as("%s wrote the lake", c)
                                        .anyMatch(k -> k.endsWith(".snappy.parquet"));
                            }
                        } else {
                            savepoint = run(c, String.join("\n", variables.values()), local, savepoint);
                        }
                        ran.add(String.format("%5.1f s  %s", (System.nanoTime() - started) / 1e9, c));
                    } else {
                        throw new AssertionError("a documented command this test does not know how to run or check: " + c);
                    }
                }
            }
        }
        System.out.println("ran " + ran.size() + " documented commands:\n  " + String.join("\n  ", ran));
        assertThat(ran).as("the docs' java commands ran").hasSizeGreaterThanOrEqualTo(10);
        assertThat(ran).anyMatch(c -> c.contains("LocalRunner") && c.contains("--resume.from"))
                .anyMatch(c -> c.contains("--target firehose"))
                .anyMatch(c -> c.contains("Benchmark"))
                .anyMatch(c -> c.contains("LocalAthena"));
    }

    /**
     * A documented run against an S3-compatible server: S3Proxy on loopback in its place, with the
     * command's buckets, and the raw objects an earlier documented command wrote into {@code raw}
     * under the command's input path.
     */
    private static LocalS3 s3With(String command, Path raw) throws Exception {
        String input = option(command, "--input.path");
        LocalS3 s3 = LocalS3.start(bucket(command, "--input.path"), bucket(command, "--output.lake.path"));
        try (Stream<Path> files = Files.walk(raw)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                s3.put(input.replaceFirst("/?$", "/") + raw.relativize(f), f);
            }
        }
        assertThat(s3.keys(bucket(command, "--input.path"), "")).as("raw objects for %s", command).isNotEmpty();
        return s3;
    }

    private static String option(String command, String name) {
        Matcher m = Pattern.compile(Pattern.quote(name) + " (\\S+)").matcher(command);
        assertThat(m.find()).as("%s in %s", name, command).isTrue();
        return m.group(1);
    }

    private static String bucket(String command, String name) {
        return java.net.URI.create(option(command, name)).getHost();
    }

    /** README.md, then docs/ in name order: each doc's commands in its own order. */
    private static List<Path> docs() throws IOException {
        List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md")));
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            files.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        }
        return docs;
    }

    /** The commands of a markdown file's {@code bash} blocks, with comments and continuation lines resolved. */
    static List<Command> commands(Path markdown) throws IOException {
        List<Command> commands = new ArrayList<>();
        List<String> lines = Files.readAllLines(markdown);
        boolean inBash = false;
        StringBuilder pending = null;
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("```")) {
                inBash = !inBash && line.equals("```bash");
                continue;
            }
            if (!inBash) {
                continue;
            }
            String code = line.replaceFirst("(^|\\s)#.*$", "").strip();
            if (code.isEmpty() && pending == null) {
                continue;
            }
            if (pending == null) {
                pending = new StringBuilder();
                start = i + 1;
            }
            boolean continues = code.endsWith("\\");
            pending.append(continues ? code.substring(0, code.length() - 1).strip() + " " : code);
            if (!continues) {
                commands.add(new Command(ROOT.relativize(markdown).toString(), start, pending.toString().strip()));
                pending = null;
            }
        }
        return commands;
    }

    /**
     * The command on small inputs in the test's own folder: data paths into {@code tmp}, record and
     * event counts a few hundred, the benchmark without its minutes-long live streams and writing
     * its report into a copy, Firehose on loopback for a few seconds, placeholders filled in.
     */
    static String small(String text, Path data, Path tmp, String savepoint, String firehoseEndpoint) {
        String s = inTestFolders(text, data);
        if (s.contains("<savepoint path>")) {
            assertThat(savepoint).as("a savepoint from an earlier command for: %s", text).isNotNull();
            s = s.replace("<savepoint path>", savepoint);
        }
        s = atMost(s, "--records", 300);
        if (s.contains("io.clickstream.etl.local.LocalDemo")) {
            s += " --data " + data.resolve("demo"); // not the repository's own data/demo
        }
        if (s.contains("io.clickstream.etl.bench.Benchmark")) {
            // Without the live streams (minutes by design) the rate of the busy one does not matter.
            s = atMost(atMost(atMost(atMost(s, "--events", 3000), "--runs", 1), "--steady-seconds", 0), "--quiet-seconds", 0)
                    .replaceAll(" --steady-rate \\d+", "")
                    + " --work " + tmp.resolve("bench") + " --report " + tmp.resolve("performance.md");
        }
        if (s.contains("--target firehose")) {
            s = s.replaceAll("--duration \\S+", "--duration 3s") + " --firehose.endpoint " + firehoseEndpoint;
        }
        Matcher leftover = Pattern.compile("<[a-z ]+>").matcher(s);
        assertThat(leftover.find()).as("a placeholder left in %s", s).isFalse();
        return s;
    }

    /**
     * The docs' {@code ./data} (and the S3 placeholders of the replay example) as the test's own
     * folder, still relative where the docs' path is: the commands run from the repository's root.
     */
    private static String inTestFolders(String text, Path data) {
        return text.replace("$PWD/data", data.toString()).replace("./data/", ROOT.relativize(data) + "/")
                .replace("s3://<lake>/dead-letter", data.resolve("dead-letter").toString())
                .replace("s3://<raw>/firehose", data.resolve("raw").toString());
    }

    private static String atMost(String command, String option, int most) {
        Matcher m = Pattern.compile(Pattern.quote(option) + " (\\d+)").matcher(command);
        return m.find() && Long.parseLong(m.group(1)) > most ? m.replaceAll(option + " " + most) : command;
    }

    /**
     * Runs one java command through bash from the repository root, as pasted. A continuous local
     * runner is stopped with Ctrl+C (SIGINT) once it has read something, and must stop with a
     * savepoint and exit 0; returns the savepoint it printed, or the previous one.
     */
    private static String run(Command c, String variables, String command, String savepoint) throws Exception {
        boolean continuous = command.contains("io.clickstream.etl.LocalRunner") && !command.contains("--input.mode bounded")
                || command.contains("io.clickstream.etl.local.LocalDemo") && (command.contains("--watch") || command.contains("--resume"));
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", variables + "\nexec " + command)
                .directory(ROOT.toFile()).redirectErrorStream(true);
        // Any credentials do for the loopback Firehose; the pseudonym example reads its key from the environment.
        pb.environment().put("AWS_ACCESS_KEY_ID", "docs-test");
        pb.environment().put("AWS_SECRET_ACCESS_KEY", "docs-test");
        pb.environment().put("PSEUDONYM_KEY", "a-documented-example-key-of-32-chars");
        pb.environment().put("S3_ACCESS_KEY", LocalS3.ACCESS_KEY);
        pb.environment().put("S3_SECRET_KEY", LocalS3.SECRET_KEY);
        Process p = pb.start();
        ProcessLines out;
        if (continuous) {
            // Running once it reports progress; stopped once it has read something, or a few seconds later (a resumed run may find nothing new).
            assertThat(ProcessLines.awaitLine(p, l -> l.matches(".*read [\\d,]+ objects, .*"), Duration.ofSeconds(90))).as("%s reports progress", c).isTrue();
            ProcessLines.awaitLine(p, l -> l.matches(".*read [\\d,]+ objects, [1-9][\\d,]* records:.*"), Duration.ofSeconds(12));
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();
        }
        out = ProcessLines.of(p, Duration.ofMinutes(10));
        assertThat(out.exitCode).as("%s\nran as: %s\nprinted:\n%s", c, command, String.join("\n", out.lines)).isZero();
        assertThat(out.lines).as("%s printed a stack trace", c).noneMatch(l -> l.startsWith("\tat ") || l.startsWith("Exception in thread"));
        assertThat(out.lines).as("%s printed a warning a user can do nothing about", c).noneMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d (WARN|ERROR) .*"));
        if (continuous) {
            return out.lines.stream().filter(l -> l.startsWith("Stopped with a savepoint: "))
                    .map(l -> l.substring("Stopped with a savepoint: ".length())).findFirst()
                    .orElseThrow(() -> new AssertionError(c + " did not stop with a savepoint on Ctrl+C: " + out.lines));
        }
        return savepoint;
    }

    /** Maven commands: the ones the build and CI run themselves. */
    private static void checkMaven(Command c) throws IOException {
        String ci = Files.readString(ROOT.resolve(".ci/run"));
        switch (c.text) {
            case "mvn -B verify":
                assertThat(ci).as(".ci/run runs the README's test command").contains(c.text);
                break;
            case "mvn -Pdemo -DskipTests package":
                assertThat(ci).as(".ci/run runs the README's demo").contains("mvn -B -Pdemo -DskipTests package");
                break;
            case "mvn -DskipTests package":
                assertThat(ROOT.resolve("flink-app/target/clickstream-etl-1.0.0-SNAPSHOT.jar")).as("the build packaged the jar").exists();
                assertThat(ROOT.resolve("flink-app/target/classpath.txt")).as("and wrote the class path the docs use").exists();
                break;
            default:
                throw new AssertionError("a Maven command neither the build nor .ci/run runs: " + c);
        }
    }

    /** AWS commands cannot run here: the names they use must be the ones the template deploys. */
    private static void checkAws(Command c) {
        Matcher option = Pattern.compile("--([a-z-]+) (\\S+)").matcher(c.text);
        while (option.find()) {
            String value = option.group(2);
            switch (option.group(1)) {
                case "application-name":
                    assertThat(value).as("%s: the MSF application's name", c)
                            .isEqualTo(TEMPLATE.resolve(TEMPLATE.properties("FlinkApplication").get("ApplicationName")));
                    break;
                case "template-file":
                    assertThat(ROOT.resolve(value)).as("%s", c).exists();
                    break;
                case "parameter-overrides":
                    assertThat(TEMPLATE.parameter(value.substring(0, value.indexOf('=')))).as("%s: a template parameter", c).isNotNull();
                    break;
                default:
                    break;
            }
        }
        Matcher upload = Pattern.compile("aws s3 cp (\\S+) s3://").matcher(c.text);
        if (upload.find()) {
            assertThat(ROOT.resolve(upload.group(1))).as("%s uploads the built jar", c).exists();
            assertThat(upload.group(1)).as("%s: the key the template reads", c).endsWith("/" + TEMPLATE.parameter("ApplicationJarKey"));
        }
    }

    @Test
    void firehoseCommandsNameTheStreamTheTemplateCreates() throws IOException {
        String stream = (String) TEMPLATE.resolve(TEMPLATE.properties("DeliveryStream").get("DeliveryStreamName"));
        List<String> named = new ArrayList<>();
        for (Path doc : docs()) {
            for (Command c : commands(doc)) {
                Matcher m = Pattern.compile("--firehose\\.stream (\\S+)").matcher(c.text);
                while (m.find()) {
                    named.add(m.group(1));
                }
            }
        }
        assertThat(named).isNotEmpty().allMatch(stream::equals);
    }
}
