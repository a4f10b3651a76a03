package io.clickstream.etl.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
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
    void inputLakeAndDeadLettersMustNotNestHoweverThePathIsSpelled() {
        Map<String, String> nested = new HashMap<>(minimal());
        nested.put("input.path", "data/raw");
        nested.put("output.lake.path", "./data/raw/../raw/lake/");
        nested.put("output.dead-letter.path", "data/raw/dead-letter");

        String raw = java.nio.file.Paths.get("data/raw").toAbsolutePath().toString();
        assertThatThrownBy(() -> JobConfig.fromMap(nested)).isInstanceOf(ConfigException.class).hasMessageContainingAll(
                "input.path='" + raw + "': must not overlap output.lake.path",
                "input.path='" + raw + "': must not overlap output.dead-letter.path, or the job would read its dead letters as raw objects");

        Map<String, String> deadLettersInLake = new HashMap<>(minimal());
        deadLettersInLake.put("output.dead-letter.path", "s3://lake-bucket/events/dead-letter");
        assertThatThrownBy(() -> JobConfig.fromMap(deadLettersInLake)).hasMessageContaining(
                "output.dead-letter.path='s3://lake-bucket/events/dead-letter': must be outside output.lake.path");

        Map<String, String> sharedPrefix = new HashMap<>(minimal());
        sharedPrefix.put("output.dead-letter.path", "s3://lake-bucket/events-dead-letters");
        assertThat(JobConfig.fromMap(sharedPrefix).deadLetterPath).as("a shared name prefix is not nesting")
                .isEqualTo("s3://lake-bucket/events-dead-letters");
    }

    /**
     * Listings name objects by absolute path: a root kept relative would match none of them, and a
     * second run over the same folders would write everything again (the ledger finding nothing).
     */
    @Test
    void aLocalInputOrOutputFolderWithoutSchemeIsMadeAbsoluteAgainstTheWorkingDirectoryAndUrisStayAsGiven() {
        Map<String, String> m = new HashMap<>();
        m.put("input.path", "./data/raw/");
        m.put("output.lake.path", "data/x/../lake");
        m.put("output.dead-letter.path", "file:///data/dead-letter");
        m.put("resume.from", "latest");
        JobConfig c = JobConfig.fromMap(m);

        java.nio.file.Path here = java.nio.file.Paths.get("").toAbsolutePath();
        assertThat(c.inputPath).isEqualTo(here.resolve("data/raw").toString());
        assertThat(c.lakePath).isEqualTo(here.resolve("data/lake").toString());
        assertThat(c.deadLetterPath).isEqualTo("file:///data/dead-letter");
        assertThat(c.resumeFrom).as("a word, not a folder").isEqualTo("latest");
        assertThat(JobConfig.fromMap(minimal()).lakePath).isEqualTo("s3://lake-bucket/events");

        m.put("input.path", "file:data/raw");
        assertThatThrownBy(() -> JobConfig.fromMap(m)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .containsExactly("input.path='file:data/raw': expected a folder or URI"));
    }

    @Test
    void appliesDocumentedDefaults() {
        JobConfig c = JobConfig.fromMap(minimal());
        assertThat(c.inputPath).isEqualTo("s3://raw-bucket");
        assertThat(c.inputMode).isEqualTo(JobConfig.InputMode.CONTINUOUS);
        assertThat(c.maxRecordBytes).isEqualTo(1 << 20);
        assertThat(c.maxFutureSkew).isEqualTo(Duration.ofDays(1));
        assertThat(c.dedupTtl).isEqualTo(Duration.ofHours(24));
        assertThat(c.secretParams).contains("email", "token", "password", "auth", "session", "key", "secret", "jsessionid", "signature");
        assertThat(c.partPrefix).isEqualTo("part");
        assertThat(c.pseudonymKey()).isNull();
        assertThat(c.jobVersion).isNotBlank();
        assertThat(c.allowNonRestoredState).isFalse();
        assertThat(c.earliestYear).isEqualTo(2000);
    }

    /** A year after the current one would make every event a schema violation; before 2000 the parser's own floor applies. */
    @Test
    void theEarliestYearIsFrom2000ToTheCurrentOne() {
        int thisYear = java.time.Year.now(java.time.ZoneOffset.UTC).getValue();
        Map<String, String> m = minimal();
        m.put("validation.earliest-year", Integer.toString(thisYear));
        assertThat(JobConfig.fromMap(m).earliestYear).isEqualTo(thisYear);
        for (String bad : List.of(Integer.toString(thisYear + 1), "1999", "2024-01-01", "")) {
            m.put("validation.earliest-year", bad);
            assertThatThrownBy(() -> JobConfig.fromMap(m)).as(bad).isInstanceOfSatisfying(ConfigException.class,
                    e -> assertThat(e.problems()).containsExactly("validation.earliest-year='" + bad + "': expected a year from 2000 to " + thisYear));
        }
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

    /** Named in pii.drop-fields, a field the lake keeps was once accepted and silently kept: a user's "drop page_url" did nothing. */
    @Test
    void fieldsTheLakeKeepsCannotBeDroppedAndTheRestCan() {
        Map<String, String> m = minimal();
        m.put("pii.drop-fields", "city, loyalty_card, email");
        assertThat(JobConfig.fromMap(m).dropFields).containsExactly("city", "loyalty_card", "email");
        m.put("pii.drop-fields", "page_url,city,browser_version");
        assertThatThrownBy(() -> JobConfig.fromMap(m)).hasMessage("Invalid configuration:\n  - pii.drop-fields: page_url, browser_version are"
                + " fields the lake keeps (scrubbed) and cannot drop; droppable: city, country, referrer, search_query, session_id,"
                + " user_agent, user_id, and any field outside the schema (ip_address and email are always removed)");
    }

    /** A name one typo from a schema field may be a real extra field (a producer's "referer"): accepted, with a doubt the job logs. */
    @Test
    void dropFieldsOneTypoFromASchemaFieldAreAcceptedWithADoubt() {
        Map<String, String> m = minimal();
        m.put("pii.drop-fields", "referer, user_agnet, UserAgent, emial, pageUrl, loyalty_card, city, session");
        JobConfig config = JobConfig.fromMap(m);
        assertThat(config.dropFields).contains("referer", "user_agnet", "loyalty_card");
        String accepted = "' is no field of the event schema, so it is dropped only from events that carry it as an extra field; did you mean ";
        assertThat(config.doubts).containsExactly(
                "pii.drop-fields: 'referer" + accepted + "referrer?",
                "pii.drop-fields: 'user_agnet" + accepted + "user_agent?",
                "pii.drop-fields: 'UserAgent" + accepted + "user_agent?",
                "pii.drop-fields: 'emial" + accepted + "email?",
                "pii.drop-fields: 'pageUrl" + accepted + "page_url (which the lake keeps)?");
        assertThat(JobConfig.fromMap(minimal()).doubts).isEmpty();
    }

    /** Asked for pseudonyms without a key, the job wrote user_id as sent and no hash column: now it does not start. */
    @Test
    void pseudonymFieldsNeedAKey() {
        Map<String, String> m = minimal();
        m.put("pii.pseudonym-fields", "email,user_id");
        assertThatThrownBy(() -> JobConfig.fromMap(m)).hasMessage("Invalid configuration:\n  - pii.pseudonym-fields: pseudonyms need a key;"
                + " set pii.pseudonym-key or pii.pseudonym-key-secret (without one no hash column is written and user_id stays as sent)");
        m.put("pii.pseudonym-key-secret", "arn:aws:secretsmanager:eu-west-1:123456789012:secret:key-AbCdEf");
        assertThat(JobConfig.fromMap(m).pseudonymFields).containsExactly("email", "user_id");
        m.remove("pii.pseudonym-key-secret");
        m.put("pii.pseudonym-key", "0123456789abcdef-secret");
        assertThat(JobConfig.fromMap(m).pseudonymFields).containsExactly("email", "user_id");
        m.put("pii.pseudonym-fields", "session_id");
        assertThat(JobConfig.fromMap(m).pseudonymFields).containsExactly("session_id");
    }

    @Test
    void aLocalParallelismAboveWhatTheEmbeddedClusterRunsIsRefused() {
        Map<String, String> m = minimal();
        m.put("parallelism", Integer.toString(JobConfig.MAX_LOCAL_PARALLELISM));
        assertThat(JobConfig.fromMap(m).parallelism).isEqualTo(64);
        // Before: accepted up to 1024; at 1000 every task failed to deploy and the run printed 340,000 lines of stack traces.
        m.put("parallelism", "1000");
        assertThatThrownBy(() -> JobConfig.fromMap(m)).isInstanceOf(ConfigException.class)
                .hasMessage("Invalid configuration:\n  - parallelism='1000': expected an integer from 1 to 64");
    }

    @Test
    void durationsNeedTheirUnitAndAtLeastWhatTheJobCanRun() {
        Map<String, String> m = minimal();
        m.put("dedup.ttl", "24");                  // meant as hours, read by Flink as 24 ms
        m.put("checkpoint.interval", "5ms");       // below Flink's 10 ms, which would fail at submission
        m.put("input.monitor-interval", "500us");  // rounds to a period of 0 ms
        m.put("input.lookback", "2");
        m.put("validation.max-future-skew", "-1h");
        m.put("output.compaction.max-delay", "15");
        m.put("input.sweep-interval", "0");
        assertThatThrownBy(() -> JobConfig.fromMap(m))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactlyInAnyOrder(
                        "dedup.ttl='24': expected a duration of 1ms or more, with its unit, such as 24h",
                        "checkpoint.interval='5ms': expected a duration of 10ms or more (Flink's least), with its unit, such as 60s",
                        "input.monitor-interval='500us': expected a duration of 1ms or more, with its unit, such as 30s or 5min",
                        "input.lookback='2': expected a duration with its unit, such as 2h",
                        "validation.max-future-skew='-1h': expected a duration with its unit, such as 1d or 6h",
                        "output.compaction.max-delay='15': expected a duration of 1ms or more, with its unit, such as 15min",
                        "input.sweep-interval='0': expected a duration of 1ms or more, with its unit, such as 1h"));

        Map<String, String> fine = minimal();
        fine.put("dedup.ttl", "36 h");
        fine.put("checkpoint.interval", "10ms");
        fine.put("input.lookback", "0");
        fine.put("validation.max-future-skew", "90min");
        JobConfig c = JobConfig.fromMap(fine);
        assertThat(c.dedupTtl).isEqualTo(Duration.ofHours(36));
        assertThat(c.checkpointInterval).isEqualTo(Duration.ofMillis(10));
        assertThat(c.inputLookback).isZero();
        assertThat(c.maxFutureSkew).isEqualTo(Duration.ofMinutes(90));
    }

    /**
     * Flink's FileSink passes each file to its compactor as {@code toUri().toString()} and reads it
     * back with {@code new Path(String)}, which keeps escapes literally: under a folder with a space
     * compaction would look for, and commit into, {@code my%20lake}.
     */
    @Test
    void aLakePathCompactionCannotCarryIsRefusedUnlessCompactionIsOff() {
        org.apache.flink.core.fs.Path spaced = new org.apache.flink.core.fs.Path("/data/my lake/year=2026/part-1.parquet");
        assertThat(new org.apache.flink.core.fs.Path(spaced.toUri().toString()).getPath()).isEqualTo("/data/my%20lake/year=2026/part-1.parquet");

        Map<String, String> m = minimal();
        m.put("output.lake.path", "/data/my lake#1");
        assertThatThrownBy(() -> JobConfig.fromMap(m)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
                .startsWith("output.lake.path='/data/my lake#1': holds ' ', '#', which Flink 1.20's FileSink loses")
                .endsWith("or set output.compaction.enabled=false"));

        m.put("output.compaction.enabled", "false");
        assertThat(JobConfig.fromMap(m).lakePath).isEqualTo("/data/my lake#1");
        for (String fine : new String[] {"s3://lake-bucket/events", "/data/lake", "data/Müller_lake-2026.v1", "file:///data/lake"}) {
            assertThat(JobConfig.compactionCarries(fine)).as(fine).isTrue();
        }
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
    void docsListExactlyTheDeclaredKeysWithTheirDefaults() throws Exception {
        String text = Files.readString(Paths.get("..", "docs", "configuration.md"));
        java.util.regex.Matcher row = java.util.regex.Pattern.compile("(?m)^\\| `([a-z0-9.-]+)` \\| ([^|]+) \\|").matcher(text);
        Map<String, String> documented = new java.util.LinkedHashMap<>();
        while (row.find()) {
            assertThat(documented.put(row.group(1), row.group(2).trim())).as("%s documented once", row.group(1)).isNull();
        }
        assertThat(documented.keySet()).as("the documented keys").containsExactlyElementsOf(JobConfig.DEFAULTS.keySet());
        for (JobConfig.Key<?> key : JobConfig.KEYS) {
            String cell = documented.get(key.name);
            if (key.required) {
                assertThat(cell).as(key.name).isEqualTo("required");
            } else if (key.defaultValue == null) {
                // unset, or what the job derives when unset (the build's version, a temp folder)
                assertThat(cell.startsWith("unset") || key.name.equals("job.version") || key.name.equals("checkpoint.dir"))
                        .as("%s: %s", key.name, cell).isTrue();
            } else if (key.defaultValue.isEmpty()) {
                assertThat(cell).as(key.name).isEqualTo("empty");
            } else {
                assertThat(cell).as(key.name).isEqualTo("`" + key.defaultValue + "`");
            }
        }
    }

    @Test
    void helpListsEveryKeyWithItsDefault() {
        String usage = JobConfig.usage();
        for (JobConfig.Key<?> key : JobConfig.KEYS) {
            assertThat(usage).contains("--" + key.name).contains(key.accepts);
        }
        assertThat(usage).containsPattern("--input.monitor-interval +30s");
    }
}
