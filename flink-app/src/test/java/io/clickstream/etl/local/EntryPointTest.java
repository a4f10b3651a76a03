package io.clickstream.etl.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class EntryPointTest {

    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void aToolThatFailsExitsWith1EvenWhenThreadsItStartedWouldKeepTheJvm() throws Exception {
        Process tool = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), FailingTool.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(tool.waitFor(30, TimeUnit.SECONDS)).as("exited; printed: %s", out).isTrue();
        assertThat(tool.exitValue()).isEqualTo(1);
        assertThat(out).contains("java.lang.IllegalStateException: the cluster failed to start");
    }

    /** A missing or bad option value was a stack trace (ArrayIndexOutOfBounds, NumberFormat) and exit code 1. */
    @Test
    @Timeout(value = 1, unit = TimeUnit.MINUTES)
    void aMissingOrBadOptionValueIsOneLineAndExitCode2InEveryTool() throws Exception {
        String[][] commands = {
            {LocalAthena.class.getName(), "--queries", "athena-queries", "--lake"},
            {StopWithSavepoint.class.getName(), "--port", "eighty"},
            {io.clickstream.etl.bench.Benchmark.class.getName(), "--events", "2e6"},
        };
        String[] expected = {
            "--lake needs a value (--help explains the options)",
            "--port 'eighty': expected a whole number from 1 to 65535",
            "--events '2e6': expected a whole number from 1 to 2147483647",
        };
        for (int c = 0; c < commands.length; c++) {
            java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", System.getProperty("java.class.path")));
            command.addAll(java.util.List.of(commands[c]));
            Process tool = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(tool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertThat(tool.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(tool.exitValue()).as(out).isEqualTo(2);
            assertThat(out.lines()).containsExactly(expected[c]);
        }
        assertThat(EntryPoint.number(new String[] {"--events", "2_000_000"}, 1, "--events", 1, Integer.MAX_VALUE)).isEqualTo(2_000_000);
    }

    @Test
    void numbersAreFormattedInAsciiDigitsAndTheMachinesLanguageStays() {
        java.util.Locale before = java.util.Locale.getDefault();
        java.util.Locale.setDefault(java.util.Locale.forLanguageTag("fa-IR"));
        try {
            EntryPoint.asciiNumbers();
            assertThat(String.format("%d s", 1)).isEqualTo("1 s");
            assertThat(java.util.Locale.getDefault(java.util.Locale.Category.DISPLAY).getLanguage()).isEqualTo("fa");
        } finally {
            java.util.Locale.setDefault(before);
        }
    }

    /** Starts a non-daemon thread, as an embedded cluster does, then fails. */
    public static final class FailingTool {
        public static void main(String[] args) {
            EntryPoint.run(() -> {
                Thread scheduler = new Thread(() -> {
                    try {
                        Thread.sleep(Long.MAX_VALUE);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }, "flink-scheduler-1");
                scheduler.start();
                throw new IllegalStateException("the cluster failed to start");
            });
        }
    }
}
