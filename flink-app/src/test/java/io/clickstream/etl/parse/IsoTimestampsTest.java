package io.clickstream.etl.parse;

import org.junit.jupiter.api.Test;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The direct path must agree with {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME} on every input,
 * besides the two spellings it takes that the formatter refuses.
 */
class IsoTimestampsTest {

    @Test
    void takesOffsetsWithoutColonAndASpaceBeforeTheTimeAsProducersWriteThem() {
        // PHP's DATE_ISO8601, SimpleDateFormat's Z, strftime's %z
        assertEquals(Instant.parse("2026-11-26T06:14:44Z").toEpochMilli(), IsoTimestamps.toEpochMillis("2026-11-26T06:14:44+0000"));
        assertEquals(Instant.parse("2026-11-26T06:14:44.083Z").toEpochMilli(), IsoTimestamps.toEpochMillis("2026-11-26T11:44:44.083+0530"));
        assertEquals(Instant.parse("2026-11-27T02:14:44Z").toEpochMilli(), IsoTimestamps.toEpochMillis("2026-11-26T18:14:44-0800"));
        // Python's str(datetime), RFC 3339's space
        assertEquals(Instant.parse("2026-11-26T06:14:44.083Z").toEpochMilli(), IsoTimestamps.toEpochMillis("2026-11-26 06:14:44.083000+00:00"));
        assertEquals(Instant.parse("2026-11-26T04:14:44Z").toEpochMilli(), IsoTimestamps.toEpochMillis("2026-11-26 06:14:44+0200"));
        // Still refused: no zone (the instant is unknown), offsets of three or five digits, two spaces.
        for (String s : List.of("2026-11-26 06:14:44", "2026-11-26T06:14:44+053", "2026-11-26T06:14:44+05300",
                "2026-11-26  06:14:44Z", "2026-11-26T06:14:44+2400", "2026-11-26T06:14:44 +0000")) {
            assertThrows(DateTimeException.class, () -> IsoTimestamps.toEpochMillis(s), s);
        }
    }

    @Test
    void agreesWithTheFormatterOnEdgeCases() {
        List<String> cases = List.of(
                "2026-11-26T06:14:44.083Z", "2026-11-26T06:14:44Z", "2026-11-26T06:14:44.1Z", "2026-11-26T06:14:44.12Z",
                "2026-11-26T06:14:44.123456789Z", "2026-11-26T06:14:44.1234567891Z", "2026-11-26T06:14:44.Z",
                "2026-11-26T06:14:44.083+05:30", "2026-11-26T06:14:44.083-08:00", "2026-11-26T06:14:44+18:00",
                "2026-11-26T06:14:44-18:00", "2026-11-26T06:14:44+18:01", "2026-11-26T06:14:44+05:30:15",
                "2026-11-26T06:14:44+0530", "2026-11-26T06:14:44+05", "2026-11-26t06:14:44z", "2026-11-26 06:14:44Z",
                "2024-02-29T00:00:00Z", "2026-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
                "2026-00-10T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-26T24:00:00Z", "2026-11-26T23:60:00Z",
                "2026-11-26T23:59:60Z", "2026-11-26T06:14Z", "2026-11-26T06:14:44", "2026-11-26T06:14:44.083ZZ",
                "1969-12-31T23:59:59.500Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59.999Z",
                "+12026-11-26T06:14:44Z", "2026-1a-26T06:14:44Z", "2026-11-26T06:14:4xZ", "2026-11-26T06:14:44.08xZ",
                "２026-11-26T06:14:44Z", "2026-11-26T06:14:44.083+05:3x", "");
        for (String s : cases) {
            assertSame(s);
        }
    }

    @Test
    void agreesWithTheFormatterOnRandomInstantsAndOffsets() {
        Random random = new Random(7);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            Instant instant = Instant.ofEpochMilli(946_684_800_000L + (long) (random.nextDouble() * 4_000_000_000_000L))
                    .plusNanos(random.nextInt(1_000_000));
            ZoneOffset offset = ZoneOffset.ofTotalSeconds((random.nextInt(36 * 4 + 1) - 18 * 4) * 900);
            String text = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(OffsetDateTime.ofInstant(instant, offset));
            texts.add(text);
            // The same text with a corrupted character somewhere.
            char[] broken = text.toCharArray();
            broken[random.nextInt(broken.length)] = "0123456789:-+.TZx "
                    .charAt(random.nextInt(18));
            texts.add(new String(broken));
        }
        int direct = 0;
        for (String s : texts) {
            assertSame(s);
            if (IsoTimestamps.direct(s) != Long.MIN_VALUE) {
                direct++;
            }
        }
        // The direct path is actually taken for the common shapes.
        assertNotEquals(0, direct);
        assertEquals(true, direct > texts.size() / 3, "direct path taken for " + direct + " of " + texts.size());
    }

    private static void assertSame(String s) {
        // The formatter's spelling of the two that IsoTimestamps takes besides.
        String iso = s.length() > 10 && s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
        if (iso.matches(".*[0-9][+-][0-9]{4}")) {
            iso = iso.substring(0, iso.length() - 2) + ':' + iso.substring(iso.length() - 2);
        }
        Long expected;
        try {
            expected = OffsetDateTime.parse(iso, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
        } catch (DateTimeException e) {
            expected = null;
        }
        if (expected == null) {
            assertThrows(DateTimeException.class, () -> IsoTimestamps.toEpochMillis(s), s);
        } else {
            assertEquals(expected, IsoTimestamps.toEpochMillis(s), s);
        }
    }
}
