package io.clickstream.etl.ops;

import io.clickstream.etl.config.ConfigException;
import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.config.StartupChecks;
import io.clickstream.etl.local.EntryPoint;
import io.clickstream.etl.model.FailureType;
import io.clickstream.etl.sink.DeadLetterJsonWriter;

import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.zip.GZIPInputStream;
import java.util.stream.Collectors;
import java.util.zip.GZIPOutputStream;

/**
 * Feeds dead letters back through the job after a fix: reads the raw texts of the selected dead
 * letters and writes them as one new GZIP object under the job's input path, where the running
 * job (or a bounded run) picks it up like any Firehose object. Works on local folders and
 * {@code s3://} alike. Truncated raw texts cannot be replayed and are counted.
 *
 * <p>Each replay lists the dead-letter files it took in {@code <root>/_replays/}, and a later
 * replay leaves those out unless told {@code --again}: replaying a selection twice would send its
 * records twice, and the job drops the second copies as duplicates only within {@code dedup.ttl}.
 * Records that fail again are new dead letters, in new files, which a later replay takes.
 *
 * <pre>--dead-letters s3://lake/dead-letter --to s3://raw/firehose [--type schema_violation] [--date 2026-11-29] [--again]</pre>
 */
public final class ReplayDeadLetters {

    private static final DateTimeFormatter PREFIX = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH/", Locale.ROOT);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss", Locale.ROOT);

    /**
     * The folder under the dead-letter root where each replay lists what it took: its name starts
     * with '_', so Athena, the job's ledger and LocalAthena leave it out as they leave hidden files.
     */
    public static final String REPLAYS = "_replays";

    /** What a replay did. */
    public static final class Result {
        public final long replayed;
        public final long truncated;
        public final String object;
        /** Selected dead-letter files left out because an earlier replay took them. */
        public final long skippedFiles;

        Result(long replayed, long truncated, String object, long skippedFiles) {
            this.replayed = replayed;
            this.truncated = truncated;
            this.object = object;
            this.skippedFiles = skippedFiles;
        }

        @Override
        public String toString() {
            return "replayed " + replayed + " records into " + object + (truncated > 0 ? "; " + truncated + " truncated ones could not be replayed" : "")
                    + (skippedFiles > 0 ? "; left out " + skippedFiles + " dead-letter file" + (skippedFiles == 1 ? "" : "s")
                            + " an earlier replay took (--again replays them too)" : "");
        }
    }

    private ReplayDeadLetters() {
    }

    static final String USAGE = "Usage: --dead-letters <root> --to <input path> [--type failure_type] [--date YYYY-MM-DD] [--again] [--s3.<key> value]";

    public static void main(String[] args) {
        EntryPoint.run(() -> runCommand(args));
    }

    private static void runCommand(String[] args) throws Exception {
        if (Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
            System.out.print(String.join("\n",
                    "Writes dead-lettered records back into the job's input as one new object, to be read again after a fix.",
                    "  --dead-letters ROOT   the dead-letter root (output.dead-letter.path), local or s3://",
                    "  --to PATH             the job's input.path; the object lands under PATH/YYYY/MM/DD/HH/ (now, UTC), as Firehose's do",
                    "  --type TYPE           only this failure type (default: all)",
                    "  --date YYYY-MM-DD     only this processing date (default: all)",
                    "  --again               also the dead-letter files an earlier replay took (default: left out)",
                    "  --s3.endpoint, --s3.path-style-access, --s3.access-key, --s3.secret-key",
                    "                        as the job's keys, for an S3-compatible server (default: AWS, credentials from the default chain)",
                    ""));
            return;
        }
        boolean again = Arrays.asList(args).contains("--again");
        String[] options;
        try {
            options = options(Arrays.stream(args).filter(a -> !a.equals("--again")).toArray(String[]::new));
        } catch (IllegalArgumentException bad) {
            System.err.println(bad.getMessage());
            System.exit(2);
            return;
        }
        try {
            System.out.println(replay(new Path(options[0]), new Path(options[1]), options[2], options[3], again));
        } catch (IOException e) {
            System.err.println("Replay failed: " + e);
            System.exit(1);
        }
    }

    /**
     * The command line as {@code [dead-letter root, input path, type or null, date or null]}, each
     * checked: the dead-letter root must exist (a mistyped one would replay nothing, silently), the
     * type must be a failure type and the date a date. Flink's file systems are set up with the
     * job's {@code --s3.*} keys given, so that both locations can be reached as the job reaches them.
     *
     * @throws IllegalArgumentException naming every problem, one per line
     */
    static String[] options(String... args) {
        String[] values = new String[4];
        List<String> problems = new ArrayList<>();
        List<String> names = List.of("--dead-letters", "--to", "--type", "--date");
        Map<String, String> s3 = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            int option = names.indexOf(args[i]);
            boolean s3Key = args[i].startsWith("--s3.");
            if (option < 0 && !s3Key) {
                problems.add("Unknown option " + args[i] + " (known: " + String.join(", ", names) + ", --s3.*)");
            } else if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                problems.add(args[i] + " needs a value");
            } else if (s3Key) {
                s3.put(args[i].substring(2), args[++i]);
            } else {
                values[option] = args[++i];
            }
        }
        if (values[0] == null || values[1] == null) {
            problems.add(USAGE);
        }
        boolean reachable;
        try {
            FileSystem.initialize(JobConfig.s3Settings(s3), null);
            reachable = true;
        } catch (ConfigException badKeys) {
            badKeys.problems().forEach(problem -> problems.add("--" + problem));
            reachable = false;
        }
        if (reachable && values[0] != null && readable("--dead-letters", values[0], problems)) {
            Path root = new Path(values[0]);
            try {
                if (!root.getFileSystem().exists(root)) {
                    problems.add("--dead-letters '" + values[0] + "': no such folder (the job's output.dead-letter.path)");
                }
            } catch (IOException | RuntimeException unreachable) {
                problems.add("--dead-letters '" + values[0] + "': cannot be read: " + StartupChecks.firstLine(unreachable));
            }
        }
        if (values[1] != null) {
            readable("--to", values[1], problems);
        }
        if (values[2] != null && Arrays.stream(FailureType.values()).map(FailureType::folderName).noneMatch(values[2]::equals)) {
            problems.add("--type '" + values[2] + "': expected one of "
                    + Arrays.stream(FailureType.values()).map(FailureType::folderName).collect(Collectors.joining(", ")));
        }
        if (values[3] != null) {
            try {
                LocalDate.parse(values[3]);
            } catch (DateTimeParseException notADate) {
                problems.add("--date '" + values[3] + "': expected a date as YYYY-MM-DD");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        return values;
    }

    /** Whether Flink can read {@code location} as a path; if not, says so (a relative path in a URI, such as {@code file:raw}). */
    private static boolean readable(String option, String location, List<String> problems) {
        try {
            new Path(location);
            return true;
        } catch (IllegalArgumentException e) {
            problems.add(option + " '" + location + "': not a folder or URI (" + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()) + ")");
            return false;
        }
    }

    /** Replays the dead letters under {@code root} (optionally one failure type and processing date) no replay took before. */
    public static Result replay(Path root, Path input, String type, String date) throws IOException {
        return replay(root, input, type, date, false);
    }

    /**
     * Replays the dead letters under {@code root} (optionally one failure type and processing
     * date); {@code again}: also those an earlier replay took.
     */
    public static Result replay(Path root, Path input, String type, String date, boolean again) throws IOException {
        Set<String> takenBefore = again ? Set.of() : taken(root);
        List<String> texts = new ArrayList<>();
        List<String> took = new ArrayList<>();
        long truncated = 0;
        long skipped = 0;
        for (Path file : files(root)) {
            String path = file.toString();
            if ((type != null && !path.contains("/failure_type=" + type + "/")) || (date != null && !path.contains("/processing_date=" + date + "/"))) {
                continue;
            }
            String name = below(root, file);
            if (takenBefore.contains(name)) {
                skipped++;
                continue;
            }
            truncated += read(file, texts);
            took.add(name);
        }
        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        // Under the current hour of Firehose's layout: a running job lists that folder every monitor
        // interval, where an object elsewhere would wait for the next sweep (an hour by default).
        Path object = new Path(input, PREFIX.format(now) + "replay-1-" + STAMP.format(now) + "-" + UUID.randomUUID() + ".gz");
        if (!texts.isEmpty()) {
            FileSystem fs = object.getFileSystem();
            try (FSDataOutputStream raw = fs.create(object, FileSystem.WriteMode.NO_OVERWRITE);
                 OutputStream out = new GZIPOutputStream(raw, 1 << 16)) {
                for (String text : texts) {
                    out.write(text.getBytes(StandardCharsets.UTF_8));
                    out.write('\n');
                }
            }
        }
        String written = texts.isEmpty() ? "(nothing to replay)" : object.toString();
        if (!took.isEmpty()) {
            // After the object: a replay cut short in between leaves its files unmarked, and the next one sends them again.
            Path list = new Path(new Path(root, REPLAYS), STAMP.format(now) + "-" + UUID.randomUUID() + ".txt");
            try (FSDataOutputStream out = list.getFileSystem().create(list, FileSystem.WriteMode.NO_OVERWRITE)) {
                out.write(("# replayed into " + written + "\n" + String.join("\n", took) + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        return new Result(texts.size(), truncated, written, skipped);
    }

    /** The dead-letter files, below the root, that earlier replays took. */
    private static Set<String> taken(Path root) throws IOException {
        Set<String> taken = new HashSet<>();
        Path lists = new Path(root, REPLAYS);
        FileSystem fs = lists.getFileSystem();
        if (!fs.exists(lists)) {
            return taken;
        }
        for (FileStatus list : fs.listStatus(lists)) {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(fs.open(list.getPath()), StandardCharsets.UTF_8))) {
                lines.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(taken::add);
            }
        }
        return taken;
    }

    /** A file's path below the root, as the replay lists name it. */
    private static String below(Path root, Path file) {
        String prefix = root.toUri().getPath().replaceAll("/+$", "") + "/";
        String path = file.toUri().getPath();
        return path.startsWith(prefix) ? path.substring(prefix.length()) : path;
    }

    private static List<Path> files(Path root) throws IOException {
        List<Path> out = new ArrayList<>();
        FileSystem fs = root.getFileSystem();
        if (!fs.exists(root)) {
            return out;
        }
        for (FileStatus status : fs.listStatus(root)) {
            String name = status.getPath().getName();
            if (status.isDir()) {
                if (!name.startsWith("_") && !name.startsWith(".")) {
                    out.addAll(files(status.getPath()));
                }
            } else if (name.endsWith(".json.gz") && !name.startsWith(".") && !name.startsWith("_")) {
                out.add(status.getPath());
            }
        }
        return out;
    }

    /** Adds the replayable raw texts of one dead-letter file and returns how many were truncated. */
    private static long read(Path file, List<String> texts) throws IOException {
        long truncated = 0;
        JsonFactory json = new JsonFactory();
        try (InputStream in = new GZIPInputStream(file.getFileSystem().open(file)); JsonParser p = json.createParser(in)) {
            while (p.nextToken() == JsonToken.START_OBJECT) {
                String raw = null;
                boolean cut = false;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken value = p.nextToken();
                    if (name.equals(DeadLetterJsonWriter.RAW_TEXT)) {
                        raw = value == JsonToken.VALUE_NULL ? null : p.getText();
                    } else if (name.equals(DeadLetterJsonWriter.RAW_TRUNCATED)) {
                        cut = value == JsonToken.VALUE_TRUE;
                    } else {
                        p.skipChildren();
                    }
                }
                if (cut) {
                    truncated++;
                } else if (raw != null && !raw.isEmpty()) {
                    texts.add(raw);
                }
            }
        }
        return truncated;
    }
}
