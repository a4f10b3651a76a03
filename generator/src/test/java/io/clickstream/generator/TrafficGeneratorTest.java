package io.clickstream.generator;

import org.iban4j.IbanUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;

class TrafficGeneratorTest {

    private static final GeneratorSettings SETTINGS = GeneratorSettings.defaults().seed(3).records(20_000).days(2)
            .start(Instant.parse("2026-01-05T00:00:00Z"));

    @Test
    void theSameSeedGivesTheSameRecords() {
        List<String> a = TrafficGenerator.generate(SETTINGS).stream().map(GeneratedRecord::json).collect(Collectors.toList());
        List<String> b = TrafficGenerator.generate(SETTINGS).stream().map(GeneratedRecord::json).collect(Collectors.toList());
        assertThat(a).hasSize(20_000).isEqualTo(b);
    }

    @Test
    void faultsAppearAtRoughlyTheirRatesAndRetriesFollowTheirOriginals() {
        List<GeneratedRecord> records = TrafficGenerator.generate(SETTINGS);
        Map<Fate, Long> counts = new EnumMap<>(Fate.class);
        records.forEach(r -> counts.merge(r.fate(), 1L, Long::sum));
        assertThat(counts.get(Fate.DUPLICATE)).isBetween(300L, 500L);
        assertThat(counts.get(Fate.MALFORMED)).isBetween(60L, 140L);
        assertThat(counts.get(Fate.SCHEMA_VIOLATION)).isBetween(60L, 140L);
        assertThat(counts.get(Fate.ID_CONFLICT)).isBetween(20L, 70L);

        Set<String> validIds = new HashSet<>();
        for (GeneratedRecord r : records) {
            if (r.fate() == Fate.VALID) {
                assertThat(validIds.add(r.eventId())).as("valid ids are unique").isTrue();
            } else if (r.fate() == Fate.DUPLICATE || r.fate() == Fate.ID_CONFLICT) {
                assertThat(validIds).as("the original arrived first").contains(r.eventId());
            }
        }
        assertThat(records).extracting(GeneratedRecord::arrivalMillis).isSorted();
    }

    @Test
    void sessionsAreOrderedInTimeAndAFewPercentConvert() {
        List<GeneratedRecord> valid = TrafficGenerator.generate(SETTINGS).stream()
                .filter(r -> r.fate() == Fate.VALID).collect(Collectors.toList());
        Map<Object, List<GeneratedRecord>> sessions = valid.stream().collect(Collectors.groupingBy(r -> r.fields().get("session_id")));
        long converting = sessions.values().stream()
                .filter(s -> s.stream().anyMatch(r -> "purchase".equals(r.fields().get("event_type")))).count();
        assertThat((double) converting / sessions.size()).isBetween(0.01, 0.08);
        assertThat(valid).allSatisfy(r -> assertThat(r.fields()).containsKeys("event_id", "event_type", "timestamp", "ip_address", "user_agent"));
        assertThat(valid).anyMatch(r -> r.fields().containsKey("email"));
        assertThat(valid).anyMatch(r -> r.backToBack());
    }

    @Test
    void plantedSecretsAreInTheRecordsTheyAreRecordedFor() {
        List<GeneratedRecord> valid = TrafficGenerator.generate(SETTINGS).stream()
                .filter(r -> r.fate() == Fate.VALID).collect(Collectors.toList());
        List<GeneratedRecord> planted = valid.stream().filter(r -> !r.secrets().isEmpty()).collect(Collectors.toList());
        assertThat(planted).allSatisfy(r -> assertThat(r.secrets()).anyMatch(r.json()::contains));
        assertThat(planted).allSatisfy(r -> assertThat(r.json()).doesNotContain("_secrets"));
        Map<String, Long> kinds = new HashMap<>();
        for (GeneratedRecord r : planted) {
            String url = (String) r.fields().get("page_url");
            String query = String.valueOf(r.fields().get("search_query"));
            String kind = r.fields().containsKey("form") ? "form" : r.fields().containsKey("share") ? "share"
                    : url.contains("&last_name=") ? "signup" : url.contains("?return_to=") ? "reset"
                    : url.contains("#access_token=") ? "oauth" : url.contains(";jsessionid=") ? "servlet session"
                    : url.contains("/account/verify/eyJ") ? "jwt" : url.contains("user%5Bpassword%5D=") ? "get form"
                    : url.contains("subscriber=") || url.contains("/unsubscribe/") ? "base64" : url.contains("token=") ? "newsletter"
                    : url.contains("/stores?lat=") ? "coordinates"
                    : query.startsWith("pay with") ? "card" : query.startsWith("call me") ? "phone"
                    : query.startsWith("where is my order") ? "address" : query.startsWith("refund to") ? "iban" : "other";
            kinds.merge(kind, 1L, Long::sum);
        }
        assertThat(kinds).containsOnlyKeys("form", "share", "signup", "reset", "oauth", "servlet session", "jwt", "get form", "base64", "newsletter",
                "coordinates", "card", "phone", "address", "iban");
        assertThat(kinds.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(5));
        // Addresses where no address belongs: the ETL must find them in any field.
        assertThat(valid.stream().filter(r -> String.valueOf(r.fields().get("city")).equals(r.fields().get("email")))
                .map(r -> r.fields().get("session_id")).distinct().count()).isGreaterThanOrEqualTo(5);
        // The card numbers are valid ones, so the ETL's Luhn check has to find them.
        assertThat(planted).filteredOn(r -> String.valueOf(r.fields().get("search_query")).startsWith("pay with"))
                .allSatisfy(r -> assertThat(luhn(r.secrets().get(2))).isTrue());
        // And so are the IBANs, so the ETL has to find them by their check digits.
        assertThat(planted).filteredOn(r -> String.valueOf(r.fields().get("search_query")).startsWith("refund to"))
                .allSatisfy(r -> assertThat(IbanUtil.isValid(r.secrets().get(0))).as(r.secrets().get(0)).isTrue());
    }

    private static boolean luhn(String digits) {
        int sum = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(digits.length() - 1 - i) - '0';
            sum += i % 2 == 1 ? (d * 2 > 9 ? d * 2 - 9 : d * 2) : d;
        }
        return sum % 10 == 0;
    }

    @Test
    void objectsLandInFirehoseLayoutAndHoldEveryRecord(@TempDir Path dir) throws IOException {
        List<GeneratedRecord> records = TrafficGenerator.generate(GeneratorSettings.defaults().seed(1).records(3000).days(1)
                .start(Instant.parse("2026-01-05T00:00:00Z")));
        List<Path> objects = FirehoseLocalWriter.withDefaults(dir, 1).write(records);
        assertThat(objects).isNotEmpty();
        List<String> keys = objects.stream().map(p -> dir.relativize(p).toString()).collect(Collectors.toList());
        assertThat(keys).isSorted().allSatisfy(k -> assertThat(k).matches(
                "2026/01/0[5-9]/\\d{2}/clickstream-1-2026-01-0[5-9]-\\d{2}-\\d{2}-\\d{2}-[0-9a-f-]{36}\\.gz"));
        try (Stream<Path> files = Files.walk(dir)) {
            assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
                    .as("no half-written hidden objects are left").noneMatch(n -> n.startsWith("."));
        }
        StringBuilder all = new StringBuilder();
        for (Path object : objects) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(object))) {
                all.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        String text = all.toString();
        for (GeneratedRecord r : records) {
            assertThat(text).contains(r.json());
        }
        long lines = text.chars().filter(c -> c == '\n').count();
        assertThat(lines).isLessThan(records.size()).isGreaterThan(records.size() * 9L / 10);
    }
}
