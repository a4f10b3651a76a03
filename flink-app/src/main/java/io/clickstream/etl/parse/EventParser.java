package io.clickstream.etl.parse;

import io.clickstream.etl.model.ClickEvent;

import org.apache.flink.util.TimeUtils;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;

import java.io.IOException;
import java.io.Serializable;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns one JSON object into a validated {@link ClickEvent}. Throws {@link IOException} for JSON
 * that is not well formed and {@link SchemaViolation} for a broken rule, naming field and rule.
 */
public final class EventParser implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final Set<String> EVENT_TYPES =
            Set.of("page_view", "add_to_cart", "remove_from_cart", "purchase", "search", "login", "logout");
    public static final Set<String> DEVICE_TYPES = Set.of("desktop", "mobile", "tablet");
    /** Earliest accepted event time: catches epoch seconds sent where milliseconds belong. */
    public static final long MIN_TIMESTAMP = 946_684_800_000L; // 2000-01-01T00:00:00Z
    private static final BigDecimal MAX_PRICE = new BigDecimal("9999999999.99");
    private static final long MAX_CENTS = 999_999_999_999L;
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final JsonFactory JSON = new JsonFactory();

    private final long maxFutureSkewMillis;
    private final int maxExtraFields;
    private final int earliestYear;
    private final long earliestMillis;

    /**
     * @param earliestYear events before January 1 of this year (UTC) are refused: with partition
     *     projection, Athena's table shows no earlier year, and such an event would be in the lake
     *     but in no query
     */
    public EventParser(Duration maxFutureSkew, int maxExtraFields, int earliestYear) {
        this.maxFutureSkewMillis = maxFutureSkew.toMillis();
        this.maxExtraFields = maxExtraFields;
        this.earliestYear = earliestYear;
        this.earliestMillis = Math.max(MIN_TIMESTAMP, LocalDate.of(earliestYear, 1, 1).atStartOfDay(ZoneOffset.UTC)
                .toInstant().toEpochMilli());
    }

    /**
     * @param now processing time, epoch millis, for the future-skew rule
     */
    public ClickEvent parse(byte[] json, long now) throws IOException, SchemaViolation {
        ClickEvent e = new ClickEvent();
        boolean hasTimestamp = false;
        long seen = 0;
        Set<String> nullExtras = null;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new SchemaViolation("$", "object", "record is not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                Field field = Field.BY_NAME.get(name);
                if (field != null) {
                    seen = once(seen, field, p, name);
                }
                switch (field == null ? Field.EXTRA : field) {
                    case EVENT_ID: e.eventId = text(p, t, name, json); break;
                    case EVENT_TYPE: e.eventType = text(p, t, name, json); break;
                    case TIMESTAMP:
                        if (t != JsonToken.VALUE_NULL) {
                            e.eventTimestamp = timestamp(p, t, now);
                            hasTimestamp = true;
                        }
                        break;
                    case USER_ID: e.userId = text(p, t, name, json); break;
                    case SESSION_ID: e.sessionId = text(p, t, name, json); break;
                    case PAGE_URL: e.pageUrl = text(p, t, name, json); break;
                    case REFERRER: e.referrer = text(p, t, name, json); break;
                    case PRODUCT_ID: e.productId = text(p, t, name, json); break;
                    case PRODUCT_NAME: e.productName = text(p, t, name, json); break;
                    case PRODUCT_CATEGORY: e.productCategory = text(p, t, name, json); break;
                    case PRODUCT_PRICE: e.productPriceCents = price(p, t); break;
                    case QUANTITY: e.quantity = integer(p, t, name, 1); break;
                    case SEARCH_QUERY: e.searchQuery = text(p, t, name, json); break;
                    case SEARCH_RESULTS_COUNT: e.searchResultsCount = integer(p, t, name, 0); break;
                    case DEVICE_TYPE: e.deviceType = lower(text(p, t, name, json)); break;
                    case BROWSER: e.browser = text(p, t, name, json); break;
                    case BROWSER_VERSION: e.browserVersion = text(p, t, name, json); break;
                    case OS: e.os = text(p, t, name, json); break;
                    case USER_AGENT: e.userAgent = text(p, t, name, json); break;
                    case IP_ADDRESS: e.ipAddress = text(p, t, name, json); break;
                    case EMAIL: e.email = text(p, t, name, json); break;
                    case COUNTRY: e.country = text(p, t, name, json); break;
                    case CITY: e.city = text(p, t, name, json); break;
                    default: // EXTRA
                        if (e.extra != null && e.extra.containsKey(name) || nullExtras != null && nullExtras.contains(name)) {
                            throw duplicate(p, name);
                        }
                        if (t == JsonToken.VALUE_NULL) {
                            if (nullExtras == null) {
                                nullExtras = new HashSet<>();
                            }
                            nullExtras.add(name);
                        } else {
                            if (e.extra == null) {
                                e.extra = new HashMap<>(4);
                            }
                            if (e.extra.size() == maxExtraFields) {
                                throw new SchemaViolation(name, "max_extra_fields", "more than " + maxExtraFields + " fields outside the schema");
                            }
                            e.extra.put(name, anyValue(p, t));
                        }
                }
            }
            if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new SchemaViolation("$", "object", "record is not a single JSON object");
            }
        }
        validate(e, hasTimestamp);
        e.contentHash = ContentHash.of(e);
        return e;
    }

    /**
     * The schema's top-level fields; a field's ordinal is its bit in the duplicate-key check of
     * {@link #once}. {@code EXTRA} stands for any other name (kept in {@code extra}).
     */
    private enum Field {
        EVENT_ID("event_id"),
        EVENT_TYPE("event_type"),
        USER_ID("user_id"),
        SESSION_ID("session_id"),
        PAGE_URL("page_url"),
        REFERRER("referrer"),
        PRODUCT_ID("product_id"),
        PRODUCT_NAME("product_name"),
        PRODUCT_CATEGORY("product_category"),
        PRODUCT_PRICE("product_price"),
        QUANTITY("quantity"),
        SEARCH_QUERY("search_query"),
        SEARCH_RESULTS_COUNT("search_results_count"),
        DEVICE_TYPE("device_type"),
        BROWSER("browser"),
        BROWSER_VERSION("browser_version"),
        OS("os"),
        USER_AGENT("user_agent"),
        IP_ADDRESS("ip_address"),
        EMAIL("email"),
        COUNTRY("country"),
        CITY("city"),
        TIMESTAMP("timestamp"),
        EXTRA(null);

        static final Map<String, Field> BY_NAME = new HashMap<>();

        static {
            for (Field f : values()) {
                if (f.jsonName != null) {
                    BY_NAME.put(f.jsonName, f);
                }
            }
        }

        final String jsonName;

        Field(String jsonName) {
            this.jsonName = jsonName;
        }
    }

    /** The JSON names of the schema's top-level fields. */
    static Set<String> schemaFields() {
        return Collections.unmodifiableSet(Field.BY_NAME.keySet());
    }

    /**
     * Duplicate keys make a record malformed. The top level is checked here with a bit per known
     * field, far cheaper than Jackson's detector, which builds a hash set for every record; nested
     * values switch Jackson's detector on (see {@link #anyValue}).
     */
    private static long once(long seen, Field field, JsonParser p, String name) throws JsonParseException {
        long bit = 1L << field.ordinal();
        if ((seen & bit) != 0) {
            throw duplicate(p, name);
        }
        return seen | bit;
    }

    private static JsonParseException duplicate(JsonParser p, String name) {
        return new JsonParseException(p, "Duplicate field '" + name + "'");
    }

    private void validate(ClickEvent e, boolean hasTimestamp) throws SchemaViolation {
        if (e.eventId == null) {
            throw new SchemaViolation("event_id", "required", "event_id is missing");
        }
        if (!isUuid(e.eventId)) {
            throw new SchemaViolation("event_id", "uuid", "event_id '" + clip(e.eventId) + "' is not a UUID");
        }
        // One UUID, one spelling: hex digits are case-insensitive (RFC 9562), and the lake, the
        // content hash and joins on event_id see the lowercase form the RFC has UUIDs written in.
        e.eventId = lowercaseHex(e.eventId);
        if (e.eventType == null) {
            throw new SchemaViolation("event_type", "required", "event_type is missing");
        }
        if (!EVENT_TYPES.contains(e.eventType)) {
            throw new SchemaViolation("event_type", "allowed_values", "event_type '" + clip(e.eventType) + "' is not one of " + new java.util.TreeSet<>(EVENT_TYPES));
        }
        if (!hasTimestamp) {
            throw new SchemaViolation("timestamp", "required", "timestamp is missing");
        }
        if (e.deviceType != null && !DEVICE_TYPES.contains(e.deviceType)) {
            throw new SchemaViolation("device_type", "allowed_values", "device_type '" + clip(e.deviceType) + "' is not one of " + new java.util.TreeSet<>(DEVICE_TYPES));
        }
        if ("purchase".equals(e.eventType)) {
            if (e.productId == null) {
                throw new SchemaViolation("product_id", "required_for_purchase", "a purchase needs product_id");
            }
            if (e.productPriceCents == null) {
                throw new SchemaViolation("product_price", "required_for_purchase", "a purchase needs product_price");
            }
            if (e.quantity == null) {
                throw new SchemaViolation("quantity", "required_for_purchase", "a purchase needs quantity");
            }
            // The lake's revenue is a DECIMAL(12,2) too: a larger one is no value of its column's type
            // (and the largest overflowed a long).
            if (e.productPriceCents > MAX_CENTS / e.quantity) {
                throw new SchemaViolation("quantity", "max_revenue", "product_price x quantity ("
                        + BigDecimal.valueOf(e.productPriceCents, 2).multiply(BigDecimal.valueOf(e.quantity)).toPlainString()
                        + ") exceeds DECIMAL(12,2)");
            }
        }
    }

    private long timestamp(JsonParser p, JsonToken t, long now) throws IOException, SchemaViolation {
        long millis;
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            millis = p.getLongValue();
        } else if (t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
            // Milliseconds with a fraction (Python's time.time() * 1000), in exponent form, or beyond a
            // long: the millisecond it falls in, judged by the rules below, never "invalid JSON".
            millis = floorMillis(p.getDecimalValue());
        } else if (t == JsonToken.VALUE_STRING) {
            String s = p.getText().trim();
            if (isDigits(s)) {
                try {
                    millis = Long.parseLong(s);
                } catch (NumberFormatException ex) {
                    throw new SchemaViolation("timestamp", "iso8601_or_epoch_millis", "timestamp '" + clip(s) + "' is out of range");
                }
            } else {
                try {
                    millis = IsoTimestamps.toEpochMillis(s);
                } catch (DateTimeException | ArithmeticException ex) {
                    throw new SchemaViolation("timestamp", "iso8601_or_epoch_millis",
                            "timestamp '" + clip(s) + "' is neither ISO-8601 with a zone (Z, +hh:mm or +hhmm) nor epoch milliseconds");
                }
            }
        } else {
            throw new SchemaViolation("timestamp", "iso8601_or_epoch_millis", "timestamp must be an ISO-8601 string or epoch milliseconds");
        }
        if (millis < MIN_TIMESTAMP) {
            throw new SchemaViolation("timestamp", "not_before_2000", "timestamp " + millis + " is before 2000-01-01 (epoch seconds instead of milliseconds?)");
        }
        if (millis < earliestMillis) {
            throw new SchemaViolation("timestamp", "not_before_earliest_year", "timestamp " + Instant.ofEpochMilli(millis)
                    + " is before " + earliestYear + ", the earliest year accepted (validation.earliest-year; on AWS the lake table's first year)");
        }
        if (millis > now + maxFutureSkewMillis) {
            throw new SchemaViolation("timestamp", "max_future_skew", "timestamp is more than " + TimeUtils.formatWithHighestUnit(Duration.ofMillis(maxFutureSkewMillis)) + " in the future");
        }
        return millis;
    }

    /** The millisecond {@code value} falls in, clamped to a long. */
    private static long floorMillis(BigDecimal value) {
        // Bounded before rounding: 1e999999999 is short text, but as an integer a billion digits.
        long integerDigits = (long) value.precision() - value.scale();
        if (integerDigits > 19) {
            return value.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        if (integerDigits <= 0) {
            return value.signum() < 0 ? -1 : 0;
        }
        BigDecimal floor = value.setScale(0, RoundingMode.FLOOR);
        return floor.compareTo(LONG_MAX) > 0 ? Long.MAX_VALUE : floor.compareTo(LONG_MIN) < 0 ? Long.MIN_VALUE : floor.longValue();
    }

    private static Long price(JsonParser p, JsonToken t) throws IOException, SchemaViolation {
        long cents = plainCents(p, t);
        if (cents >= 0) {
            return cents;
        }
        BigDecimal value = decimal(p, t, "product_price");
        if (value == null) {
            return null;
        }
        if (value.signum() < 0) {
            throw new SchemaViolation("product_price", "non_negative", "product_price " + shown(value) + " is negative");
        }
        if (value.compareTo(MAX_PRICE) > 0) {
            throw new SchemaViolation("product_price", "max_value", "product_price " + shown(value) + " exceeds DECIMAL(12,2)");
        }
        if ((long) value.precision() - value.scale() < -2) {
            return 0L; // under a thousandth, so 0.00; setScale would divide by ten to the power of its scale
        }
        return value.setScale(2, RoundingMode.HALF_UP).unscaledValue().longValueExact();
    }

    private static Integer integer(JsonParser p, JsonToken t, String field, int min) throws IOException, SchemaViolation {
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT && p.getIntValue() >= min) {
            return p.getIntValue();
        }
        BigDecimal value = decimal(p, t, field);
        if (value == null) {
            return null;
        }
        String rule = "integer_min_" + min;
        String expectation = field + " must be an integer >= " + min;
        try {
            int i = value.stripTrailingZeros().intValueExact();
            if (i < min) {
                throw new SchemaViolation(field, rule, expectation + ", got " + i);
            }
            return i;
        } catch (ArithmeticException ex) {
            throw new SchemaViolation(field, rule, expectation + ", got " + shown(value));
        }
    }

    /**
     * Cents of a plain non-negative number with at most two decimals and ten integer digits (the
     * usual price), read from its digits; -1 for anything else, which goes through BigDecimal.
     */
    private static long plainCents(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            return -1;
        }
        char[] text = p.getTextCharacters();
        int from = p.getTextOffset();
        int end = from + p.getTextLength();
        long units = 0;
        int i = from;
        for (; i < end && text[i] >= '0' && text[i] <= '9'; i++) {
            units = units * 10 + (text[i] - '0');
        }
        int integerDigits = i - from;
        if (integerDigits == 0 || integerDigits > 10) {
            return -1;
        }
        long cents = units * 100;
        if (i < end) {
            if (text[i] != '.' || end - i < 2 || end - i > 3) {
                return -1;
            }
            for (int d = i + 1, scale = 10; d < end; d++, scale /= 10) {
                if (text[d] < '0' || text[d] > '9') {
                    return -1;
                }
                cents += (text[d] - '0') * scale;
            }
        }
        return cents;
    }

    private static BigDecimal decimal(JsonParser p, JsonToken t, String field) throws IOException, SchemaViolation {
        switch (t) {
            case VALUE_NULL:
                return null;
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return p.getDecimalValue();
            case VALUE_STRING:
                String s = p.getText().trim();
                if (s.length() <= 40) {
                    try {
                        return new BigDecimal(s);
                    } catch (NumberFormatException ignored) {
                        // reported below
                    }
                }
                throw new SchemaViolation(field, "number", field + " '" + clip(s) + "' is not a number");
            default:
                throw new SchemaViolation(field, "number", field + " must be a number");
        }
    }

    private static String text(JsonParser p, JsonToken t, String field, byte[] json) throws IOException, SchemaViolation {
        switch (t) {
            case VALUE_NULL:
                return null;
            case START_OBJECT:
            case START_ARRAY:
                throw new SchemaViolation(field, "scalar", field + " must be a string, not an object or array");
            case VALUE_STRING:
                String plain = plainString(p, json);
                return plain != null ? plain : p.getText();
            default:
                return p.getText();
        }
    }

    /**
     * A string value without escapes, control characters or non-ASCII bytes, copied straight from
     * the input; null for anything else. Jackson would decode it into characters and the String
     * would encode it back into bytes; left unread, Jackson only skips it.
     */
    static String plainString(JsonParser p, byte[] json) {
        // A byte parser's token location is the byte of the opening quote (checked here, and pinned
        // by a test against getText()); a parser without byte offsets reports -1.
        long quote = p.currentTokenLocation().getByteOffset();
        if (quote < 0 || quote >= json.length - 1 || json[(int) quote] != '"') {
            return null;
        }
        int from = (int) quote + 1;
        for (int i = from; i < json.length; i++) {
            byte b = json[i];
            if (b == '"') {
                return new String(json, from, i - from, StandardCharsets.ISO_8859_1);
            }
            if (b == '\\' || b < 0x20) {
                return null;
            }
        }
        return null;
    }

    /** Scalars as their text, objects and arrays as compact JSON. */
    private static String anyValue(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT && t != JsonToken.START_ARRAY) {
            return p.getText();
        }
        p.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.setRootValueSeparator(new SerializedString(""));
            g.copyCurrentStructure(p);
        }
        return out.toString();
    }

    /** The {@code 8-4-4-4-12} form with ASCII hex digits of either case. */
    static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return false;
                }
            } else if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                // Not Character.digit: it takes full-width and other scripts' digits too.
                return false;
            }
        }
        return true;
    }

    private static String lowercaseHex(String uuid) {
        for (int i = 0; i < uuid.length(); i++) {
            if (uuid.charAt(i) >= 'A' && uuid.charAt(i) <= 'F') {
                return uuid.toLowerCase(Locale.ROOT);
            }
        }
        return uuid;
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    /**
     * A number for a message, clipped: plain unless its exponent is large, since 1e999999999 is
     * short text but a billion characters written out (Jackson caps a number's text at 1,000
     * characters, not its exponent).
     */
    private static String shown(BigDecimal value) {
        return clip(Math.abs(value.scale()) <= 1_000 ? value.toPlainString() : value.toString());
    }

    /** Keeps messages short: values can be huge or hostile. */
    private static String clip(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
