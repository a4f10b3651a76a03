package io.clickstream.etl;

import io.clickstream.etl.bench.Benchmark;
import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.local.LocalAthena;
import io.clickstream.etl.local.LocalDemo;
import io.clickstream.etl.local.StopWithSavepoint;
import io.clickstream.etl.ops.ReplayDeadLetters;
import io.clickstream.generator.job.GeneratorConfig;
import io.clickstream.generator.job.GeneratorJob;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --help} on every entry point: what it does and each option or key, with its default. */
class EntryPointHelpTest {

    @Test
    void theJobAndTheLocalRunnerListEveryKeyWithItsDefault() throws Exception {
        for (String help : List.of(help(ClickstreamEtlJob::main), help(LocalRunner::main))) {
            JobConfig.DEFAULTS.forEach((key, value) -> {
                assertThat(help).containsPattern("(?m)^  --" + java.util.regex.Pattern.quote(key) + " ");
                if (value != null && !value.isEmpty()) {
                    assertThat(help).contains(value);
                }
            });
        }
    }

    @Test
    void theGeneratorListsEveryKeyWithItsDefaultAndWhatItAccepts() throws Exception {
        String help = help(GeneratorJob::main);
        GeneratorConfig.DEFAULTS.forEach((key, value) ->
                assertThat(help).containsPattern("(?m)^  --" + java.util.regex.Pattern.quote(key) + " +"
                        + java.util.regex.Pattern.quote(value == null ? "(unset)" : value) + " +\\S.*$"));
    }

    @Test
    void theToolsListTheirOptions() throws Exception {
        assertThat(help(LocalDemo::main)).contains("--data DIR", "default data/demo", "--records N", "--watch", "--resume", "--fresh");
        assertThat(help(LocalAthena::main)).contains("--lake DIR", "--dead-letters DIR", "--queries DIR", "--query FILE",
                "--trino-dist DIR", "--work DIR", "--java HOME", "--keep");
        assertThat(help(StopWithSavepoint::main)).contains("--port N", "(default 8081)", "--savepoint-dir URI");
        assertThat(help(ReplayDeadLetters::main)).contains("--dead-letters ROOT", "--to PATH", "--type TYPE", "--date YYYY-MM-DD");
        assertThat(help(Benchmark::main)).contains("--events N", "(default 2000000)", "--seed N", "--runs N", "--steady-seconds N",
                "--steady-rate N", "--quiet-seconds N", "--work DIR", "--report FILE");
    }

    /** What {@code main(--help)} prints. */
    private static String help(Main main) throws Exception {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            main.run(new String[] {"--help"});
        } finally {
            System.setOut(original);
        }
        String help = printed.toString(StandardCharsets.UTF_8);
        assertThat(help).as("a first line saying what it is").matches("(?s)[A-Z][^\n]+\n.*");
        return help;
    }

    @FunctionalInterface
    private interface Main {
        void run(String[] args) throws Exception;
    }
}
