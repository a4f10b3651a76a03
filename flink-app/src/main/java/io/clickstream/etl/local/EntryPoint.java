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

    /** A command line the tool cannot run: {@link #run} prints its one-line reason and exits with 2. */
    public static final class BadUsage extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public BadUsage(String reason) {
            super(reason);
        }
    }

    /**
     * Runs {@code body}. On a failure it prints the stack trace and exits with 1: an embedded
     * cluster that failed while starting leaves non-daemon threads behind, and the JVM would wait
     * on them forever after {@code main} threw. A {@link BadUsage} is one line and exit code 2.
     */
    public static void run(Body body) {
        asciiNumbers();
        try {
            body.run();
        } catch (BadUsage bad) {
            System.err.println(bad.getMessage());
            System.exit(2);
        } catch (Throwable t) {
            t.printStackTrace();
            System.exit(1);
        }
    }

    /** {@code args[i]}, the value of {@code option}; none (the end, or the next option) is a {@link BadUsage}. */
    public static String value(String[] args, int i, String option) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new BadUsage(option + " needs a value (--help explains the options)");
        }
        return args[i];
    }

    /** The whole number {@code args[i]} of {@code option}, from {@code min} to {@code max}; anything else is a {@link BadUsage}. */
    public static long number(String[] args, int i, String option, long min, long max) {
        String v = value(args, i, option);
        try {
            long n = Long.parseLong(v.trim().replace("_", "").replace(",", ""));
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException notANumber) {
            // reported below, with the value
        }
        throw new BadUsage(option + " '" + v + "': expected a whole number from " + min + " to " + max);
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
