package io.clickstream.etl.config;

import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What can be checked of the storage before the job starts, so that a wrong path is one clear line
 * at start-up rather than a job failing and restarting: the input root can be listed (in bounded
 * mode it must exist; a continuous job may start before anything has landed), and a local output
 * location is a folder or can be made. Run after Flink's file systems are initialized.
 */
public final class StartupChecks {

    private StartupChecks() {
    }

    /** Every problem found, one line each, naming the key; empty when the job can start. */
    public static List<String> problems(JobConfig config) {
        return problems(config, hadoopRunsHere());
    }

    static List<String> problems(JobConfig config, boolean hadoopRunsHere) {
        List<String> problems = new ArrayList<>();
        if (!hadoopRunsHere) {
            // Every S3 call would fail deep inside Hadoop with "getSubject is not supported".
            for (String[] key : new String[][] {{"input.path", config.inputPath}, {"output.lake.path", config.lakePath},
                    {"output.dead-letter.path", config.deadLetterPath}}) {
                if (isS3(new Path(key[1]))) {
                    problems.add(key[0] + "='" + key[1] + "': Flink 1.20's S3 file system runs on Hadoop 3.3, which cannot run on Java "
                            + Runtime.version().feature() + " (Subject.getSubject is unsupported from Java 23); run with Java 11, 17 or 21");
                }
            }
            if (!problems.isEmpty()) {
                return problems;
            }
        }
        input(config, problems);
        output("output.lake.path", config.lakePath, problems);
        output("output.dead-letter.path", config.deadLetterPath, problems);
        return problems;
    }

    private static void input(JobConfig config, List<String> problems) {
        Path root = new Path(config.inputPath);
        try {
            FileSystem fs = root.getFileSystem();
            FileStatus status = fs.getFileStatus(root);
            if (!status.isDir()) {
                problems.add("input.path='" + config.inputPath + "': is a file; give the folder (or S3 prefix) the raw objects land under");
                return;
            }
            fs.listStatus(root);
        } catch (FileNotFoundException e) {
            if (config.bounded()) {
                problems.add("input.path='" + config.inputPath + "': does not exist" + where(root) + ", so a bounded run has nothing to read");
            }
        } catch (IOException | RuntimeException e) {
            problems.add("input.path='" + config.inputPath + "': cannot be listed" + where(root) + ": " + firstLine(e));
        }
    }

    /** Local outputs only: an object store has no folders, and its permissions show only when written. */
    private static void output(String key, String location, List<String> problems) {
        Path path = new Path(location);
        String scheme = path.toUri().getScheme();
        if (scheme != null && !scheme.equals("file")) {
            return;
        }
        File file = new File(path.toUri().getPath());
        if (file.exists()) {
            if (!file.isDirectory()) {
                problems.add(key + "='" + location + "': is a file, not a folder");
            } else if (!file.canWrite()) {
                problems.add(key + "='" + location + "': is not writable");
            }
            return;
        }
        File parent = file.getAbsoluteFile().getParentFile();
        while (parent != null && !parent.exists()) {
            parent = parent.getParentFile();
        }
        if (parent == null || !parent.isDirectory()) {
            problems.add(key + "='" + location + "': cannot be created: " + (parent == null ? "no existing parent" : parent + " is a file"));
        } else if (!parent.canWrite()) {
            problems.add(key + "='" + location + "': cannot be created: " + parent + " is not writable");
        }
    }

    /**
     * Whether Hadoop's security layer, which every call of Flink 1.20's S3 file system goes through,
     * works in this JVM: it calls {@code Subject.getSubject}, which throws from Java 23 on (unless a
     * Java 23 runs with {@code -Djava.security.manager=allow}).
     */
    static boolean hadoopRunsHere() {
        try {
            javax.security.auth.Subject.getSubject(java.security.AccessController.getContext());
            return true;
        } catch (UnsupportedOperationException e) {
            return false;
        }
    }

    private static boolean isS3(Path path) {
        String scheme = path.toUri().getScheme();
        return scheme != null && scheme.startsWith("s3");
    }

    private static String where(Path root) {
        return isS3(root)
                ? " (bucket " + root.toUri().getHost() + ", prefix '" + root.toUri().getPath().replaceFirst("^/", "") + "')"
                : "";
    }

    /** The first line of an error's message: storage errors can run to many lines. */
    public static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int cut = m.indexOf('\n');
        return cut < 0 ? m : m.substring(0, cut);
    }
}
