package io.clickstream.generator.job;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GeneratorConfigTest {

    /** docs/generator.md documents every key the parser knows, with the parser's default. */
    @Test
    void theDocsTablesListEveryKeyWithItsDefault() throws Exception {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(Paths.get("..", "docs", "generator.md"))) {
            String[] cells = line.split("\\|");
            if (line.startsWith("| `") && cells.length > 2) {
                rows.add(new String[] {cells[1].trim(), cells[2].trim()});
            }
        }
        GeneratorConfig.DEFAULTS.forEach((key, value) -> {
            String[] row = rows.stream().filter(r -> List.of(r[0].split(",\\s*")).contains("`" + key + "`")).findFirst()
                    .orElseThrow(() -> new AssertionError("docs/generator.md has no row for " + key));
            int at = List.of(row[0].split(",\\s*")).indexOf("`" + key + "`");
            String[] defaults = row[1].split(",\\s*");
            String documented = defaults.length > at ? defaults[at] : row[1];
            if (value == null) {
                assertThat(documented).as("%s has no default", key).doesNotMatch("`[^`]*`");
            } else {
                assertThat(documented).as("the documented default of %s", key).isEqualTo("`" + value + "`");
            }
        });
    }


    /** Running the generator twice must not send the same events twice, unless asked to. */
    @Test
    void everyRunDrawsANewSeedUnlessOneIsGiven() {
        GeneratorConfig first = GeneratorConfig.fromArgs(new String[] {"--target", "local", "--output.path", "/tmp/x"});
        GeneratorConfig second = GeneratorConfig.fromArgs(new String[] {"--target", "local", "--output.path", "/tmp/x"});
        assertThat(first.seedGiven).isFalse();
        assertThat(first.traffic.seed).isNotEqualTo(second.traffic.seed).isNotNegative();

        GeneratorConfig fixed = GeneratorConfig.fromArgs(new String[] {"--target", "local", "--output.path", "/tmp/x", "--seed", "42"});
        assertThat(fixed.seedGiven).isTrue();
        assertThat(fixed.traffic.seed).isEqualTo(42L);
    }
}
