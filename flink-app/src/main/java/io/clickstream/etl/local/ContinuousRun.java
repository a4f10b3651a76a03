package io.clickstream.etl.local;

import io.clickstream.etl.metrics.Accounting;
import io.clickstream.generator.job.StopSignals;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * A continuous local run, watched until the user stops it: prints a progress line whenever the
 * job's counters or the lake's visible files change, and on Ctrl+C (SIGINT) or SIGTERM stops the
 * job with a savepoint instead of dying, so that nothing read is lost and the next run resumes
 * exactly there.
 */
public final class ContinuousRun {

    /** How a continuous run ended: its own accounting and, when the user stopped it, the savepoint. */
    public static final class Outcome {
        public final Accounting accounting;
        /** Null when the job ended by itself or was stopped from outside (the web UI, the REST API). */
        public final String savepoint;

        Outcome(Accounting accounting, String savepoint) {
            this.accounting = accounting;
            this.savepoint = savepoint;
        }
    }

    private final JobClient job;
    private final String savepointDir;
    private final Path localLake;
    private final PrintStream out;
    private final AtomicReference<CompletableFuture<String>> savepoint = new AtomicReference<>();
    private String lastProgress = "";

    /**
     * @param localLake the lake folder, whose visible (committed) part files are counted, or null
     *     when the lake is not on a local disk (listing S3 every few seconds would cost requests)
     */
    public ContinuousRun(JobClient job, String savepointDir, Path localLake, PrintStream out) {
        this.job = job;
        this.savepointDir = savepointDir;
        this.localLake = localLake;
        this.out = out;
    }

    /** Waits for the job to end, reporting progress every {@code progressEvery}. */
    public Outcome await(Duration progressEvery) throws Exception {
        StopSignals signals = StopSignals.install(this::stop);
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "progress");
            thread.setDaemon(true);
            return thread;
        });
        progress.scheduleWithFixedDelay(this::reportProgress, progressEvery.toMillis(), progressEvery.toMillis(), TimeUnit.MILLISECONDS);
        JobExecutionResult result;
        try {
            result = job.getJobExecutionResult().get();
        } finally {
            progress.shutdownNow();
            signals.close();
        }
        CompletableFuture<String> stopped = savepoint.get();
        return new Outcome(new Accounting(result.getAllAccumulatorResults()), stopped == null ? null : stopped.get());
    }

    /** Stops the job with a savepoint, once; the job's end then releases {@link #await}. */
    void stop(String why) {
        CompletableFuture<String> started = new CompletableFuture<>();
        if (!savepoint.compareAndSet(null, started)) {
            if (savepoint.get().isCompletedExceptionally()) {
                out.println(why + ": stopping without a savepoint; the last checkpoint is kept: resume with --resume.from latest");
                System.exit(130);
            }
            out.println(why + ": already stopping, waiting for the savepoint to complete");
            return;
        }
        out.println(why + ": stopping the job with a savepoint in " + savepointDir + " (nothing read is lost) ...");
        job.stopWithSavepoint(false, savepointDir, SavepointFormatType.CANONICAL).whenComplete((path, failure) -> {
            if (failure != null) {
                out.println("The savepoint failed, the job runs on: " + rootMessage(failure)
                        + ". Press Ctrl+C again to stop without one (its last checkpoint is kept).");
                started.completeExceptionally(failure);
            } else {
                started.complete(path);
            }
        });
    }

    /** The innermost cause, with the message of the one around it (a bare path or code says little alone). */
    private static String rootMessage(Throwable failure) {
        Throwable outer = failure;
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            outer = root;
            root = root.getCause();
        }
        String inner = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + firstLine(root.getMessage()));
        return outer == root || outer.getMessage() == null ? inner : firstLine(outer.getMessage()) + " (" + inner + ")";
    }

    private static String firstLine(String message) {
        return message.lines().findFirst().orElse("");
    }

    private void reportProgress() {
        try {
            Accounting now = new Accounting(job.getAccumulators().get(5, TimeUnit.SECONDS));
            String line = progressLine(now, localLake == null ? -1 : visibleParquetFiles(localLake));
            if (!line.equals(lastProgress)) {
                lastProgress = line;
                out.println(LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "  " + line);
            }
        } catch (Exception notNow) {
            // The job is starting or ending: the next round reports.
        }
    }

    /** One line of what the run did so far; {@code lakeFiles} below 0 leaves the lake out. */
    static String progressLine(Accounting a, long lakeFiles) {
        return String.format(Locale.ROOT, "read %,d objects, %,d records: %,d written, %,d duplicates, %,d dead-lettered%s%s",
                a.objectsRead, a.recordsIn, a.written, a.duplicates, a.deadLettered(),
                a.alreadyWritten == 0 ? "" : String.format(Locale.ROOT, ", %,d written by an earlier run", a.alreadyWritten),
                lakeFiles < 0 ? "" : String.format(Locale.ROOT, "; lake: %,d files visible (committed)", lakeFiles));
    }

    /** Lake part files a query sees: committed, not hidden in-progress or pending ones. */
    public static long visibleParquetFiles(Path lake) {
        if (!Files.isDirectory(lake)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(lake)) {
            return files.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".parquet"))
                    .filter(p -> !hidden(lake.relativize(p)))
                    .count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.startsWith(".") || name.startsWith("_")) {
                return true;
            }
        }
        return false;
    }
}
