package io.clickstream.etl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** What a user sees of a child process (a local runner, a documented command): its lines, as they come, and its exit code. */
final class ProcessLines {
    private static final Map<Process, BlockingQueue<String>> LIVE = new ConcurrentHashMap<>();
    private static final Map<Process, List<String>> SEEN = new ConcurrentHashMap<>();
    final List<String> lines;
    final int exitCode;

    private ProcessLines(List<String> lines, int exitCode) {
        this.lines = lines;
        this.exitCode = exitCode;
    }

    /** Waits until the process prints a line {@code wanted} accepts; false if it ends first or {@code within} passes. */
    static boolean awaitLine(Process process, Predicate<String> wanted, Duration within) throws InterruptedException {
        BlockingQueue<String> lines = lines(process);
        List<String> seen = SEEN.computeIfAbsent(process, p -> new ArrayList<>());
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                return false;
            }
            if (line.equals(EOF)) {
                lines.add(EOF); // for of()
                return false;
            }
            seen.add(line);
            if (wanted.test(line)) {
                return true;
            }
        }
        return false;
    }

    /** As {@link #awaitLine(Process, Predicate, Duration)} within two minutes, failing with what it printed. */
    static void awaitLine(Process process, Predicate<String> wanted) throws InterruptedException {
        if (!awaitLine(process, wanted, Duration.ofMinutes(2))) {
            throw new AssertionError("the process ended or went silent before the expected line; it printed " + SEEN.get(process));
        }
    }

    /** Every line the process printed (but log lines) and its exit code, once it ends (within two minutes). */
    static ProcessLines of(Process process) throws InterruptedException {
        return of(process, Duration.ofMinutes(2));
    }

    /** As {@link #of(Process)}, waiting up to {@code within} for the process to end. */
    static ProcessLines of(Process process, Duration within) throws InterruptedException {
        BlockingQueue<String> queue = lines(process);
        List<String> all = new ArrayList<>(SEEN.getOrDefault(process, List.of()));
        long deadline = System.nanoTime() + within.toNanos();
        for (String line = queue.poll(within.toNanos(), TimeUnit.NANOSECONDS); line != null && !line.equals(EOF);
             line = queue.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            all.add(line);
        }
        if (!process.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the process did not end within " + within + "; it printed " + all);
        }
        LIVE.remove(process);
        SEEN.remove(process);
        // Log lines carry a time and a level; a user reads the rest.
        all.removeIf(l -> l.matches("\\d\\d:\\d\\d:\\d\\d (INFO|WARN|ERROR) .*"));
        return new ProcessLines(all, process.exitValue());
    }

    private static final String EOF = "\u0000EOF";

    private static BlockingQueue<String> lines(Process process) {
        return LIVE.computeIfAbsent(process, p -> {
            BlockingQueue<String> queue = new LinkedBlockingQueue<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader in = new BufferedReader(
                        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        queue.add(line);
                    }
                } catch (IOException ignored) {
                    // the process is gone
                }
                queue.add(EOF);
            });
            reader.setDaemon(true);
            reader.start();
            return queue;
        });
    }
}
