package io.clickstream.etl.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobConfigTest {

    static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("input.path", "s3://raw-bucket/");
        m.put("output.lake.path", "s3://lake-bucket/events");
        m.put("output.dead-letter.path", "s3://lake-bucket/dead-letter");
        return m;
    }

    @Test
    void appliesDocumentedDefaults() {
        JobConfig c = JobConfig.fromMap(minimal());
        assertThat(c.inputPath).isEqualTo("s3://raw-bucket");
        assertThat(c.inputMode).isEqualTo(JobConfig.InputMode.CONTINUOUS);
        assertThat(c.maxRecordBytes).isEqualTo(1 << 20);
        assertThat(c.maxFutureSkew).isEqualTo(Duration.ofDays(1));
        assertThat(c.dedupTtl).isEqualTo(Duration.ofHours(24));
        assertThat(c.secretParams).containsExactly("email", "token", "password", "auth", "session", "key");
        assertThat(c.partPrefix).isEqualTo("part");
        assertThat(c.pseudonymKey()).isNull();
        assertThat(c.jobVersion).isNotBlank();
        assertThat(c.allowNonRestoredState).isFalse();
    }

    @Test
    void reportsEveryBadKeyAtOnceWithoutEchoingSecrets() {
        Map<String, String> m = minimal();
        m.remove("input.path");
        m.put("input.mode", "sometimes");
        m.put("dedup.ttl", "forever");
        m.put("input.max-record-bytes", "12");
        m.put("output.part-prefix", "_hidden");
        m.put("pii.pseudonym-key", "short-secret");
        m.put("pii.pseudonym-fields", "email,shoe_size");
        m.put("web-ui.port", "70000");
        m.put("resume.allow-non-restored-state", "yes");
        m.put("typo.key", "1");
        assertThatThrownBy(() -> JobConfig.fromMap(m))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).hasSize(10);
                    assertThat(e.getMessage())
                            .contains("input.path: required", "input.mode='sometimes'", "dedup.ttl='forever'",
                                    "input.max-record-bytes='12'", "output.part-prefix='_hidden'",
                                    "pii.pseudonym-key=<redacted>", "pii.pseudonym-fields='email,shoe_size'",
                                    "web-ui.port='70000'", "resume.allow-non-restored-state='yes'", "typo.key: unknown key")
                            .doesNotContain("short-secret");
                });
    }

    @Test
    void deadLettersMustStayOutsideTheTable() {
        Map<String, String> m = minimal();
        m.put("output.dead-letter.path", "s3://lake-bucket/events/dead");
        assertThatThrownBy(() -> JobConfig.fromMap(m)).hasMessageContaining("output.dead-letter.path");
    }

    @Test
    void readsTheMsfPropertyGroupAndRejectsUnknownGroups() {
        Properties p = new Properties();
        p.putAll(minimal());
        p.put("pii.pseudonym-key", "0123456789abcdef-secret");
        JobConfig c = JobConfig.fromPropertyGroups(Map.of(JobConfig.PROPERTY_GROUP, p));
        assertThat(c.pseudonymKey()).isEqualTo("0123456789abcdef-secret");
        assertThat(c.toString()).doesNotContain("secret").contains("<redacted>");
        assertThatThrownBy(() -> JobConfig.fromPropertyGroups(Map.of("Other", new Properties())))
                .hasMessageContaining("property group 'Other'");
    }

    @Test
    void parsesCommandLineKeys() {
        assertThat(JobConfig.parseArgs(new String[] {"--input.path", "/raw", "--input.mode", "bounded"}))
                .containsEntry("input.path", "/raw").containsEntry("input.mode", "bounded");
        assertThatThrownBy(() -> JobConfig.parseArgs(new String[] {"--input.path", "--input.mode", "bounded", "stray"}))
                .hasMessageContaining("input.path: missing value").hasMessageContaining("argument 'stray'");
    }

    @Test
    void everyKeyIsDocumented() throws Exception {
        Path doc = Paths.get("..", "docs", "configuration.md");
        String text = Files.readString(doc);
        for (String key : JobConfig.DEFAULTS.keySet()) {
            assertThat(text).as("docs/configuration.md documents %s", key).contains("`" + key + "`");
        }
    }
}
