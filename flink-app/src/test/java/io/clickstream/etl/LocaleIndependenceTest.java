package io.clickstream.etl;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JVM takes its default locale from the machine ({@code LANG}): formatting with it writes Persian,
 * Arabic, Bengali or Devanagari digits into folder names and machine-read lines, and case mapping
 * with it turns {@code I} into a dotless {@code ı} in Turkish. Neither module's code may lean on it:
 * every {@code String.format}, {@code printf} and case mapping names its locale.
 * ({@code ObjectDiscoveryEnumeratorTest} and {@code PipelineMetricsTest} show what it broke.)
 */
class LocaleIndependenceTest {

    private static final List<Path> SOURCES = List.of(Paths.get("src/main/java"), Paths.get("../generator/src/main/java"));
    /** A format string straight after the opening parenthesis: no locale before it. */
    private static final Pattern DEFAULT_LOCALE = Pattern.compile(
            "(String\\.format|\\.printf|\\.format)\\(\\s*\"|\\.to(Lower|Upper)Case\\(\\s*\\)");

    @Test
    void noFormattingOrCaseMappingUsesTheMachinesLocale() throws IOException {
        List<String> found = new ArrayList<>();
        int files = 0;
        for (Path root : SOURCES) {
            List<Path> java;
            try (Stream<Path> walk = Files.walk(root)) {
                java = walk.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
            }
            for (Path file : java) {
                files++;
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = DEFAULT_LOCALE.matcher(lines.get(i));
                    if (m.find()) {
                        found.add(root.relativize(file) + ":" + (i + 1) + ": " + lines.get(i).trim());
                    }
                }
            }
        }
        assertThat(files).as("source files scanned").isGreaterThan(50);
        assertThat(found).isEmpty();
    }
}
