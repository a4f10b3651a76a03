package io.clickstream.generator.job;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GeneratorConfigTest {

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
