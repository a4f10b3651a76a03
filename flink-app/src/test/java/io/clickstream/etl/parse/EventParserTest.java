package io.clickstream.etl.parse;

import io.clickstream.etl.TestEvents;
import io.clickstream.etl.model.ClickEvent;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.clickstream.etl.TestEvents.fields;
import static io.clickstream.etl.TestEvents.json;
import static io.clickstream.etl.TestEvents.uuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventParserTest {

    private static final long NOW = Instant.parse("2026-01-06T00:00:00Z").toEpochMilli();
    private final EventParser parser = new EventParser(Duration.ofDays(1), 3, 2000);

    /** pii.drop-fields knows each field of the schema: dropped, always removed, or kept (and then refused). */
    @Test
    void theConfigurationKnowsWhatBecomesOfEverySchemaField() {
        java.util.Set<String> known = new java.util.HashSet<>(io.clickstream.etl.config.JobConfig.DROPPABLE_FIELDS);
        known.addAll(io.clickstream.etl.config.JobConfig.ALWAYS_REMOVED_FIELDS);
        known.addAll(io.clickstream.etl.config.JobConfig.KEPT_FIELDS);
        assertThat(known).containsExactlyInAnyOrderElementsOf(EventParser.schemaFields());
    }

    @Test
    void parsesEveryKnownFieldAndKeepsExtras() throws Exception {
        Map<String, Object> f = fields(uuid(1), "purchase");
        f.put("product_id", "P00042");
        f.put("product_name", "Smart Lamp");
        f.put("product_category", "home");
        f.put("product_price", 19.999);
        f.put("quantity", 3);
        f.put("country", "DE");
        f.put("city", "Berlin");
        f.put("user_agent", "Mozilla/5.0");
        f.put("app_version", "web-3.1.0");
        ClickEvent e = parse(json(f).replace("}", ",\"nested\":{\"a\":[1,2]},\"nothing\":null}"));
        assertThat(e.eventId).isEqualTo(uuid(1));
        assertThat(e.eventType).isEqualTo("purchase");
        assertThat(e.eventTimestamp).isEqualTo(Instant.parse("2026-01-05T10:15:30.250Z").toEpochMilli());
        assertThat(e.productPriceCents).isEqualTo(2000L);
        assertThat(e.quantity).isEqualTo(3);
        assertThat(e.email).isEqualTo("jane.doe@example.org");
        assertThat(e.ipAddress).isEqualTo("81.2.69.160");
        assertThat(e.extra).containsOnly(Map.entry("app_version", "web-3.1.0"), Map.entry("nested", "{\"a\":[1,2]}"));
    }

    @Test
    void aUuidInUpperCaseIsWrittenInLowerCaseAndSaysTheSameAsIt() throws Exception {
        String lower = "0f8e4d2c-1b3a-4c5d-9e7f-a1b2c3d4e5f6";
        Map<String, Object> f = fields(lower, "page_view");
        ClickEvent asSent = parse(json(f));
        f.put("event_id", lower.toUpperCase());
        ClickEvent upper = parse(json(f));
        f.put("event_id", "0F8e4D2c-1b3A-4c5d-9E7f-a1B2c3d4e5F6");
        ClickEvent mixed = parse(json(f));
        assertThat(upper.eventId).isEqualTo(lower);
        assertThat(mixed.eventId).isEqualTo(lower);
        // The same event, so deduplication takes the other spelling for a retry, not an id conflict.
        assertThat(upper.contentHash).isEqualTo(asSent.contentHash);
        assertThat(mixed.contentHash).isEqualTo(asSent.contentHash);
    }

    @ParameterizedTest
    @CsvSource({
        "2026-01-05T10:15:30Z,           1767608130000",
        "2026-01-05T10:15:30.1Z,         1767608130100",
        "2026-01-05T10:15:30.123456789Z, 1767608130123",
        "2026-01-05T12:15:30+02:00,      1767608130000",
        "2026-01-05T05:15:30.5-05:00,    1767608130500",
        "2026-01-05T12:15:30+0200,       1767608130000",
        "2026-01-05 10:15:30.000000+00:00, 1767608130000",
        "1767608130000,                  1767608130000",
    })
    void acceptsIsoTimestampsWithAZoneAndEpochMillisAsText(String timestamp, long expected) throws Exception {
        Map<String, Object> f = fields(uuid(1), "page_view");
        f.put("timestamp", timestamp);
        assertThat(parse(json(f)).eventTimestamp).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "1767608130000.7,      1767608130000",   // Python: time.time() * 1000
        "1.76760813E12,        1767608130000",
        "1767608130000.0e0,    1767608130000",
    })
    void epochMillisAsAJsonNumberWithAFractionOrExponentAreTheMillisecondTheyFallIn(String number, long expected) throws Exception {
        Map<String, Object> f = fields(uuid(1), "page_view");
        f.put("timestamp", "TS");
        assertThat(parse(json(f).replace("\"TS\"", number)).eventTimestamp).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
        "1767608130.5,           not_before_2000",  // seconds, not milliseconds: the rule says so
        "99999999999999999999,   max_future_skew",  // beyond a long: was "invalid JSON"
        "1e999999999,            max_future_skew",  // a billion digits as an integer: judged without expanding it
        "-1e999999999,           not_before_2000",
        "1e-999999999,           not_before_2000",
    })
    void epochMillisNumbersOutsideTheRulesAreSchemaViolationsNamingTheRule(String number, String rule) {
        Map<String, Object> f = fields(uuid(1), "page_view");
        f.put("timestamp", "TS");
        assertThatThrownBy(() -> parse(json(f).replace("\"TS\"", number)))
                .isInstanceOfSatisfying(SchemaViolation.class, v -> assertThat(v.rule()).isEqualTo(rule));
    }

    /**
     * On AWS the lake's table (partition projection) shows no year before its first: an older event
     * is refused with a reason, not written where no query finds it.
     */
    @Test
    void eventsBeforeTheEarliestYearAreSchemaViolationsThatSayWhy() throws Exception {
        EventParser from2024 = new EventParser(Duration.ofDays(1), 3, 2024);
        Map<String, Object> f = fields(uuid(1), "page_view");
        f.put("timestamp", "2023-12-31T23:59:59.999Z");
        assertThatThrownBy(() -> from2024.parse(json(f).getBytes(StandardCharsets.UTF_8), NOW))
                .isInstanceOfSatisfying(SchemaViolation.class, v -> {
                    assertThat(v.field()).isEqualTo("timestamp");
                    assertThat(v.rule()).isEqualTo("not_before_earliest_year");
                    assertThat(v.getMessage()).isEqualTo("timestamp 2023-12-31T23:59:59.999Z is before 2024, the earliest year accepted"
                            + " (validation.earliest-year; on AWS the lake table's first year)");
                });
        f.put("timestamp", "2024-01-01T00:00:00Z");
        assertThat(from2024.parse(json(f).getBytes(StandardCharsets.UTF_8), NOW).eventTimestamp)
                .isEqualTo(Instant.parse("2024-01-01T00:00:00Z").toEpochMilli());
        // Epoch seconds keep their own rule and hint, whatever the earliest year.
        f.put("timestamp", 1767608130L);
        assertThatThrownBy(() -> from2024.parse(json(f).getBytes(StandardCharsets.UTF_8), NOW))
                .isInstanceOfSatisfying(SchemaViolation.class, v -> assertThat(v.rule()).isEqualTo("not_before_2000"));
        f.put("timestamp", "2015-06-01T00:00:00Z");
        assertThat(parser.parse(json(f).getBytes(StandardCharsets.UTF_8), NOW).eventTimestamp).as("the default, 2000")
                .isEqualTo(Instant.parse("2015-06-01T00:00:00Z").toEpochMilli());
    }

    @ParameterizedTest
    @CsvSource({
        "product_price,  -1e-999999999,  non_negative",
        "product_price,  1e999999999,    max_value",
        "product_price,  '\"1e999999999\"', max_value",
        "quantity,       1e999999999,    integer_min_1",
        "quantity,       1e-999999999,   integer_min_1",
        "search_results_count, -1e999999999, integer_min_0",
    })
    @org.junit.jupiter.api.Timeout(value = 5, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void numbersWithHugeExponentsAreJudgedWithoutWritingThemOut(String field, String number, String rule) {
        // Short text, but a billion digits written out: one such record stalled a task thread for minutes.
        Map<String, Object> f = fields(uuid(1), "purchase");
        f.put("product_id", "P1");
        f.put("product_price", 10);
        f.put("quantity", 1);
        f.put(field, "NUMBER");
        assertThatThrownBy(() -> parse(json(f).replace("\"NUMBER\"", number)))
                .isInstanceOfSatisfying(SchemaViolation.class, v -> {
                    assertThat(v.rule()).isEqualTo(rule);
                    assertThat(v.getMessage()).hasSizeLessThan(300);
                });
    }

    @Test
    @org.junit.jupiter.api.Timeout(value = 5, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
    void aPriceTooSmallForACentIsZeroCentsAtOnce() throws Exception {
        Map<String, Object> f = fields(uuid(1), "purchase");
        f.put("product_id", "P1");
        f.put("quantity", 1);
        f.put("product_price", "PRICE");
        assertThat(parse(json(f).replace("\"PRICE\"", "1e-999999999")).productPriceCents).isZero();
        assertThat(parse(json(f).replace("\"PRICE\"", "0.005")).productPriceCents).isEqualTo(1L);
        assertThat(parse(json(f).replace("\"PRICE\"", "0.0049999")).productPriceCents).isZero();
    }

    @Test
    void plainStringsAreTakenFromTheBytesWithoutJackson() throws Exception {
        byte[] json = "{ \"a\" :  \"hello world\", \"b\":\"caf\\u00e9\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (com.fasterxml.jackson.core.JsonParser p = new com.fasterxml.jackson.core.JsonFactory().createParser(json)) {
            p.nextToken();
            p.nextToken();
            p.nextToken();
            assertThat(EventParser.plainString(p, json)).isEqualTo("hello world");
            p.nextToken();
            p.nextToken();
            assertThat(EventParser.plainString(p, json)).as("an escape: left to Jackson").isNull();
        }
    }

    /**
     * Plain strings are copied from the input bytes, relying on where Jackson says the token starts;
     * every other string goes through Jackson. Both must give what the producer sent, whatever the
     * spacing around it and whatever characters it holds.
     */
    @Test
    void stringsReadFromTheBytesEqualWhatWasSent() throws Exception {
        java.util.Random random = new java.util.Random(7);
        String[] alphabet = {"a", "Z", "0", " ", "/", "?", "&", "=", "%", "-", "~", "\u007f", "\"", "\\", "\n", "\t", "\u00e9", "\u20ac", "\ud83d\ude00", "'", "{", "}", ":", ","};
        String[] spaces = {"", " ", "  ", "\t", "\n ", "\r\n"};
        com.fasterxml.jackson.core.JsonFactory factory = new com.fasterxml.jackson.core.JsonFactory();
        for (int round = 0; round < 5_000; round++) {
            String[] values = new String[4];
            for (int v = 0; v < values.length; v++) {
                StringBuilder b = new StringBuilder();
                int length = random.nextInt(12);
                boolean plain = random.nextBoolean();
                for (int c = 0; c < length; c++) {
                    b.append(alphabet[random.nextInt(plain ? 11 : alphabet.length)]);
                }
                values[v] = b.toString();
            }
            java.io.StringWriter text = new java.io.StringWriter();
            try (com.fasterxml.jackson.core.JsonGenerator g = factory.createGenerator(text)) {
                g.writeStartObject();
                g.writeStringField("event_id", uuid(round));
                g.writeStringField("event_type", "page_view");
                g.writeNumberField("timestamp", NOW - 1000);
                g.writeStringField("user_id", values[0]);
                g.writeStringField("page_url", values[1]);
                g.writeStringField("city", values[2]);
                g.writeStringField("free_text", values[3]);
                g.writeEndObject();
            }
            // Random whitespace wherever JSON allows it.
            StringBuilder spaced = new StringBuilder();
            boolean quoted = false;
            String json = text.toString();
            for (int i = 0; i < json.length(); i++) {
                char c = json.charAt(i);
                spaced.append(c);
                if (c == '"') {
                    int slashes = 0;
                    for (int k = i - 1; k >= 0 && json.charAt(k) == '\\'; k--) {
                        slashes++;
                    }
                    quoted ^= slashes % 2 == 0;
                }
                if (!quoted && (c == ':' || c == ',' || c == '{')) {
                    spaced.append(spaces[random.nextInt(spaces.length)]);
                }
            }
            ClickEvent e = parse(spaced.toString());
            assertThat(new String[] {e.userId, e.pageUrl, e.city, e.extra.get("free_text")}).as(spaced.toString()).containsExactly(values);
        }
    }

    /** Usual prices and integers take a shortcut past BigDecimal; every shape must read the same. */
    @Test
    void pricesAndQuantitiesOfEveryShapeReadAsTheirDecimalValue() throws Exception {
        java.util.Random random = new java.util.Random(11);
        String[] shapes = {"%d", "%d.%d", "%d.%02d", "%d.%03d", "%de1", "%d.%dE-1", "%d0000000000.5", "0.%02d"};
        for (int round = 0; round < 20_000; round++) {
            String price = String.format(java.util.Locale.ROOT, shapes[random.nextInt(shapes.length)], random.nextInt(100_000), random.nextInt(100));
            Map<String, Object> f = fields(uuid(round), "purchase");
            f.put("product_id", "P1");
            f.put("quantity", random.nextBoolean() ? random.nextInt(50) + 1 : (Object) 2.0);
            String json = json(f).replace("}", ",\"product_price\":" + price + "}");
            java.math.BigDecimal expected = new java.math.BigDecimal(price);
            if (expected.compareTo(new java.math.BigDecimal("9999999999.99")) > 0) {
                assertThatThrownBy(() -> parse(json)).isInstanceOf(SchemaViolation.class);
                continue;
            }
            ClickEvent e = parse(json);
            assertThat(e.productPriceCents).as(price).isEqualTo(expected.setScale(2, java.math.RoundingMode.HALF_UP).unscaledValue().longValueExact());
            assertThat(e.quantity).isEqualTo(((Number) f.get("quantity")).intValue());
        }
    }

    @Test
    void acceptsEpochMillisAndNumericStrings() throws Exception {
        Map<String, Object> f = fields(uuid(1), "add_to_cart");
        f.put("timestamp", 1767608130000L);
        f.put("product_price", "12.5");
        f.put("quantity", "2");
        f.put("search_results_count", "0");
        ClickEvent e = parse(json(f));
        assertThat(e.eventTimestamp).isEqualTo(1767608130000L);
        assertThat(e.productPriceCents).isEqualTo(1250L);
        assertThat(e.quantity).isEqualTo(2);
        assertThat(e.searchResultsCount).isZero();
    }

    @ParameterizedTest(name = "{0}={1} breaks {2}")
    @CsvSource(delimiter = '|', value = {
        "event_id             | <absent>                    | required",
        "event_id             | 1234                        | uuid",
        "event_id             | 123e4567-e89b-12d3-a456-42661417400g | uuid",
        "event_id             | \uff11\uff12\uff13e4567-e89b-12d3-a456-426614174000 | uuid",
        "event_type           | hover                       | allowed_values",
        "event_type           | <absent>                    | required",
        "timestamp            | <absent>                    | required",
        "timestamp            | 2026-01-05T10:15:30         | iso8601_or_epoch_millis",
        "timestamp            | 05/01/2026                  | iso8601_or_epoch_millis",
        "timestamp            | 1767608130                  | not_before_2000",
        "timestamp            | 2026-01-07T00:00:01Z        | max_future_skew",
        "product_price        | -0.01                       | non_negative",
        "product_price        | cheap                       | number",
        "product_price        | 10000000000                 | max_value",
        "quantity             | 0                           | integer_min_1",
        "quantity             | 2.5                         | integer_min_1",
        "search_results_count | -1                          | integer_min_0",
        "device_type          | smartwatch                  | allowed_values",
    })
    void eachRuleNamesItsFieldAndRule(String field, String value, String rule) {
        Map<String, Object> f = fields(uuid(1), "page_view");
        if (value.equals("<absent>")) {
            f.remove(field);
        } else {
            f.put(field, value);
        }
        assertThatThrownBy(() -> parse(json(f)))
                .isInstanceOfSatisfying(SchemaViolation.class, v -> {
                    assertThat(v.field()).isEqualTo(field);
                    assertThat(v.rule()).isEqualTo(rule);
                    assertThat(v.getMessage()).contains(field);
                });
    }

    @Test
    void aPurchaseWhoseRevenueWouldNotFitTheLakesDecimalIsAViolation() throws Exception {
        Map<String, Object> f = fields(uuid(1), "purchase");
        f.put("product_id", "P1");
        f.put("product_price", "9999999999.99");
        f.put("quantity", 1);
        assertThat(parse(json(f)).productPriceCents).isEqualTo(999_999_999_999L);
        f.put("product_price", "1000.00");
        f.put("quantity", 9_999_999);
        assertThat(parse(json(f)).quantity).isEqualTo(9_999_999);
        // One more, and revenue needs eleven digits before the point; the largest ones overflowed a long.
        for (Object[] priceAndQuantity : new Object[][] {{"1000.00", 10_000_000}, {"9999999999.99", Integer.MAX_VALUE}}) {
            f.put("product_price", priceAndQuantity[0]);
            f.put("quantity", priceAndQuantity[1]);
            assertThatThrownBy(() -> parse(json(f))).isInstanceOfSatisfying(SchemaViolation.class, v -> {
                assertThat(v.field()).isEqualTo("quantity");
                assertThat(v.rule()).isEqualTo("max_revenue");
                assertThat(v.getMessage()).contains("exceeds DECIMAL(12,2)");
            });
        }
        // Not a purchase: no revenue, no limit.
        f.put("event_type", "add_to_cart");
        assertThat(parse(json(f)).quantity).isEqualTo(Integer.MAX_VALUE);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "\"event_type\":\"search\"                       | event_type",
        "\"timestamp\":1767608130000                    | timestamp",
        "\"user_id\":null,\"user_id\":\"u-2\"             | user_id",
        "\"app\":\"a\",\"app\":\"b\"                      | app",
        "\"app\":null,\"app\":{\"x\":1}                    | app",
        "\"app\":{\"x\":1,\"y\":{\"x\":2,\"x\":3}}            | x",
        "\"list\":[{\"k\":1,\"k\":2}]                      | k",
        "\"a\":{\"x\":1},\"b\":[2],\"c\":{\"y\":1,\"y\":2}       | y",
    })
    void duplicateKeysMakeARecordMalformedAtAnyDepth(String more, String duplicate) {
        String record = json(fields(uuid(1), "page_view"));
        String bad = record.substring(0, record.length() - 1) + "," + more + "}";
        assertThatThrownBy(() -> parse(bad)).isInstanceOf(IOException.class)
                .isNotInstanceOf(SchemaViolation.class)
                .hasMessageContaining("Duplicate field '" + duplicate + "'");
    }

    @Test
    void theSameKeyInDifferentNestedObjectsIsNoDuplicate() throws Exception {
        String record = json(fields(uuid(1), "page_view"));
        ClickEvent e = parse(record.substring(0, record.length() - 1) + ",\"a\":{\"x\":1},\"b\":{\"x\":1,\"c\":{\"x\":2}}}");
        assertThat(e.extra).containsEntry("b", "{\"x\":1,\"c\":{\"x\":2}}");
    }

    @ParameterizedTest
    @CsvSource({"product_id", "product_price", "quantity"})
    void aPurchaseNeedsProductPriceAndQuantity(String missing) {
        Map<String, Object> f = fields(uuid(1), "purchase");
        f.put("product_id", "P1");
        f.put("product_price", 10);
        f.put("quantity", 1);
        f.remove(missing);
        assertThatThrownBy(() -> parse(json(f)))
                .isInstanceOfSatisfying(SchemaViolation.class, v -> {
                    assertThat(v.field()).isEqualTo(missing);
                    assertThat(v.rule()).isEqualTo("required_for_purchase");
                });
    }

    @Test
    void objectsWhereTextBelongsAndTooManyExtrasAreViolations() {
        assertThatThrownBy(() -> parse(TestEvents.pageView(uuid(1)).replace("\"user_id\":\"u-1\"", "\"user_id\":{\"a\":1}")))
                .isInstanceOfSatisfying(SchemaViolation.class, v -> assertThat(v.rule()).isEqualTo("scalar"));
        assertThatThrownBy(() -> parse(TestEvents.pageView(uuid(1)).replace("}", ",\"a\":1,\"b\":2,\"c\":3,\"d\":4}")))
                .isInstanceOfSatisfying(SchemaViolation.class, v -> assertThat(v.rule()).isEqualTo("max_extra_fields"));
    }

    @Test
    void malformedJsonAndInvalidUtf8AreIoErrors() {
        assertThatThrownBy(() -> parse("{\"event_id\":}")).isInstanceOf(IOException.class);
        byte[] bad = TestEvents.pageView(uuid(1)).replace("u-1", "u-\u00e9").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bad.length; i++) {
            if (bad[i] == (byte) 0xC3) {
                bad[i] = (byte) 0xFF;
            }
        }
        assertThatThrownBy(() -> parser.parse(bad, NOW)).isInstanceOf(IOException.class).hasMessageContaining("UTF-8");
    }

    @Test
    void theContentHashIgnoresSpellingButNotMeaning() throws Exception {
        Map<String, Object> f = fields(uuid(1), "page_view");
        ClickEvent a = parse(json(f));
        f.put("timestamp", "2026-01-05T11:15:30.250+01:00");
        ClickEvent sameInstantOtherSpelling = parse(json(f).replace(",", " ,  "));
        f.put("page_url", "https://shop.example.com/other");
        ClickEvent changed = parse(json(f));
        assertThat(sameInstantOtherSpelling.contentHash).isEqualTo(a.contentHash);
        assertThat(changed.contentHash).isNotEqualTo(a.contentHash);
    }

    @Test
    void everyFieldValueAndEveryFieldBoundaryChangesTheContentHash() throws Exception {
        java.util.Set<Long> hashes = new java.util.HashSet<>();
        List<ClickEvent> variants = new java.util.ArrayList<>();
        // Every text field the producer sends (derived and lineage fields are not content).
        List<String> inputs = List.of("eventId", "eventType", "userId", "sessionId", "pageUrl", "referrer", "productId",
                "productName", "productCategory", "searchQuery", "deviceType", "browser", "browserVersion", "os",
                "userAgent", "ipAddress", "email", "country", "city");
        for (String name : inputs) {
            java.lang.reflect.Field field = ClickEvent.class.getField(name);
            ClickEvent nullValue = full();
            field.set(nullValue, null);
            ClickEvent otherValue = full();
            field.set(otherValue, field.get(otherValue) + "x");
            variants.add(nullValue);
            variants.add(otherValue);
        }
        ClickEvent noPrice = full();
        noPrice.productPriceCents = null;
        ClickEvent priceLikeAMarker = full();
        priceLikeAMarker.productPriceCents = 0x1FL;
        ClickEvent shifted = full();
        shifted.productName = "Ultra";
        shifted.productCategory = "Sneakerstoys";
        ClickEvent otherExtra = full();
        otherExtra.extra.put("app_version", "web-3.3.8");
        variants.addAll(List.of(full(), noPrice, priceLikeAMarker, shifted, otherExtra));
        for (ClickEvent v : variants) {
            hashes.add(ContentHash.of(v));
        }
        assertThat(hashes).hasSize(variants.size());

        ClickEvent reordered = full();
        reordered.extra = new java.util.LinkedHashMap<>();
        reordered.extra.put("b", "2");
        reordered.extra.put("app_version", "web-3.3.7");
        ClickEvent ordered = full();
        ordered.extra = new java.util.TreeMap<>(reordered.extra);
        assertThat(ContentHash.of(reordered)).isEqualTo(ContentHash.of(ordered));
    }

    private static ClickEvent full() {
        ClickEvent e = new ClickEvent();
        e.eventId = uuid(1);
        e.eventType = "purchase";
        e.eventTimestamp = NOW - 1000;
        e.userId = "u-1";
        e.sessionId = uuid(2);
        e.pageUrl = "https://shop.example.com/p/P1?utm_source=x";
        e.referrer = "https://www.bing.com/";
        e.productId = "P1";
        e.productName = "Ultra Sneakers";
        e.productCategory = "toys";
        e.productPriceCents = 1071L;
        e.quantity = 2;
        e.searchQuery = "shoes";
        e.searchResultsCount = 9;
        e.deviceType = "desktop";
        e.browser = "Chrome";
        e.browserVersion = "124";
        e.os = "Windows";
        e.userAgent = "Mozilla/5.0";
        e.ipAddress = "10.1.2.3";
        e.email = "a@example.com";
        e.country = "ZA";
        e.city = "Cape Town";
        e.extra = new java.util.HashMap<>();
        e.extra.put("app_version", "web-3.3.7");
        return e;
    }

    private ClickEvent parse(String json) throws IOException, SchemaViolation {
        return parser.parse(json.getBytes(StandardCharsets.UTF_8), NOW);
    }
}
