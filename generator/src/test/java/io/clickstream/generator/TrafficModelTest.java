package io.clickstream.generator;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The traffic model's statistics over a large sample stay within stated tolerances. */
class TrafficModelTest {

    static GeneratorSettings settings;
    static List<GeneratedRecord> valid;
    static Map<Object, List<GeneratedRecord>> sessions;

    @BeforeAll
    static void generate() {
        settings = GeneratorSettings.defaults().seed(17).records(200_000).days(7).start(Instant.parse("2026-03-02T00:00:00Z")).noFaults();
        valid = TrafficGenerator.inSendingOrder(settings);
        sessions = valid.stream().collect(Collectors.groupingBy(r -> r.fields().get("session_id")));
    }

    @Test
    void funnelRatesMatchTheSettings() {
        long carted = count("add_to_cart");
        long bought = count("purchase");
        double n = sessions.size();
        // Buyers always cart; others cart at cartRate.
        double expectedCart = settings.conversionRate + (1 - settings.conversionRate) * settings.cartRate;
        assertThat(bought / n).as("conversion").isCloseTo(settings.conversionRate, within(0.006));
        assertThat(carted / n).as("cart rate").isCloseTo(expectedCart, within(0.01));
        assertThat(count("remove_from_cart")).isLessThan(carted).isPositive();
    }

    @Test
    void productPopularityFollowsZipf() {
        Map<Object, Long> views = valid.stream().filter(r -> "page_view".equals(r.fields().get("event_type")) && r.fields().containsKey("product_id"))
                .collect(Collectors.groupingBy(r -> r.fields().get("product_id"), Collectors.counting()));
        double total = views.values().stream().mapToLong(Long::longValue).sum();
        double harmonic = 0;
        for (int k = 1; k <= settings.products; k++) {
            harmonic += 1 / Math.pow(k, settings.zipfExponent);
        }
        for (int rank = 1; rank <= 3; rank++) {
            String id = String.format("P%05d", rank);
            double expected = 1 / Math.pow(rank, settings.zipfExponent) / harmonic;
            assertThat(views.get(id) / total).as("share of product rank %d", rank).isCloseTo(expected, within(expected * 0.1));
        }
        // The ratio of the first two ranks is 2^s.
        assertThat((double) views.get("P00001") / views.get("P00002")).isCloseTo(Math.pow(2, settings.zipfExponent), within(0.2));
    }

    @Test
    void sessionStartsFollowTheDailyCurve() {
        double[] hours = new double[24];
        for (List<GeneratedRecord> s : sessions.values()) {
            hours[Instant.ofEpochMilli(s.get(0).eventMillis()).atOffset(ZoneOffset.UTC).getHour()]++;
        }
        double weights = 0;
        for (double w : TrafficGenerator.HOURLY_WEIGHTS) {
            weights += w;
        }
        for (int h = 0; h < 24; h++) {
            double expected = TrafficGenerator.HOURLY_WEIGHTS[h] / weights;
            assertThat(hours[h] / sessions.size()).as("share of sessions starting at %02d:00", h)
                    .isCloseTo(expected, within(Math.max(0.004, expected * 0.15)));
        }
        assertThat(hours[20]).as("evening peak beats the night").isGreaterThan(5 * hours[3]);
    }

    @Test
    void sessionsAreOrderedWithPlausibleGaps() {
        for (List<GeneratedRecord> s : sessions.values()) {
            assertThat(s.get(0).fields().get("event_type")).isEqualTo("page_view");
            for (int i = 1; i < s.size(); i++) {
                long gap = s.get(i).eventMillis() - s.get(i - 1).eventMillis();
                assertThat(gap).isBetween(3_000L, 30 * 60_000L);
                assertThat(s.get(i).fields().get("user_id")).isEqualTo(s.get(0).fields().get("user_id"));
            }
        }
        double meanLength = (double) valid.size() / sessions.size();
        assertThat(meanLength).isBetween(4.0, 10.0);
    }

    @Test
    void eachSessionIsDeterminedBySeedAndNumber() {
        TrafficGenerator a = new TrafficGenerator(settings);
        TrafficGenerator b = new TrafficGenerator(settings);
        assertThat(a.session(12345).stream().map(GeneratedRecord::json).collect(Collectors.toList()))
                .isEqualTo(b.session(12345).stream().map(GeneratedRecord::json).collect(Collectors.toList()))
                .isNotEqualTo(b.session(12346).stream().map(GeneratedRecord::json).collect(Collectors.toList()));
        GeneratorSettings other = GeneratorSettings.defaults().seed(18).records(settings.records).days(7).start(Instant.parse("2026-03-02T00:00:00Z")).noFaults();
        assertThat(new TrafficGenerator(other).session(1).get(0).json()).isNotEqualTo(a.session(1).get(0).json());
    }

    @Test
    void aLiveSessionStartsWhenAskedAndKeepsItsContentAndGaps() {
        TrafficGenerator generator = new TrafficGenerator(settings);
        List<GeneratedRecord> simulated = generator.session(7);
        long now = Instant.parse("2026-11-29T12:00:00Z").toEpochMilli();
        List<GeneratedRecord> live = generator.session(7, now);
        assertThat(live.get(0).eventMillis()).isEqualTo(now);
        assertThat(live).hasSameSizeAs(simulated);
        for (int i = 1; i < live.size(); i++) {
            assertThat(live.get(i).eventMillis() - live.get(i - 1).eventMillis())
                    .isEqualTo(simulated.get(i).eventMillis() - simulated.get(i - 1).eventMillis());
            assertThat(live.get(i).eventId()).isEqualTo(simulated.get(i).eventId());
        }
    }

    private static long count(String type) {
        return sessions.values().stream().filter(s -> s.stream().anyMatch(r -> type.equals(r.fields().get("event_type")))).count();
    }
}
