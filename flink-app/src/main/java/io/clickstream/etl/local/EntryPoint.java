package io.clickstream.etl.local;

import java.util.Locale;

/**
 * What every command-line tool of the project does around its {@code main}: numbers formatted the
 * way Flink and Trino's client can read them back, and an exit, whatever went wrong.
 */
public final class EntryPoint {

    /** A tool's body; it exits by itself or returns. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private EntryPoint() {
    }

    /**
     * Runs {@code body}. On a failure it prints the stack trace and exits with 1: an embedded
     * cluster that failed while starting leaves non-daemon threads behind, and the JVM would wait
     * on them forever after {@code main} threw.
     */
    public static void run(Body body) {
        asciiNumbers();
        try {
            body.run();
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }

    /**
     * A JVM takes its default locale from the machine ({@code LANG}). On fa_IR, ar_EG, bn_BD, mr_IN and
     * others, {@code String.format} writes that script's digits, and Flink formats durations it
     * passes around in its configuration that way ("۱ s"), then fails to parse them; Trino's JDBC
     * driver builds its server URL that way. Messages keep the machine's language; numbers are ASCII.
     */
    public static void asciiNumbers() {
        Locale.setDefault(Locale.Category.FORMAT, Locale.ROOT);
    }
}
