package io.clickstream.etl.parse;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Reads ISO-8601 timestamps with a zone ({@code Z}, {@code +hh:mm}, {@code +hh} or {@code +hhmm})
 * as epoch milliseconds. Producers nearly always send the one shape {@code 2026-11-26T06:14:44.083Z};
 * that shape is read directly from its digits, and everything else goes through
 * {@link DateTimeFormatter#ISO_OFFSET_DATE_TIME}, which stays the authority on what is valid. The
 * direct path accepts a subset of what the formatter accepts and gives the same result for it.
 *
 * <p>Two spellings the formatter refuses are common enough to take, as neither leaves the instant in
 * doubt: an offset without its colon ({@code +0000}, from PHP's {@code DATE_ISO8601}, Java's
 * {@code SimpleDateFormat} {@code Z} and C's {@code %z}) and a space between date and time (RFC 3339
 * allows it; Python's {@code str(datetime)} writes it). A timestamp without a zone is still refused:
 * its instant is unknown.
 */
final class IsoTimestamps {

    private IsoTimestamps() {
    }

    /**
     * @throws DateTimeException when the text is not an ISO-8601 date-time with an offset
     */
    static long toEpochMillis(String s) {
        long direct = direct(s);
        return direct != Long.MIN_VALUE ? direct
                : OffsetDateTime.parse(usualSpelling(s), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant().toEpochMilli();
    }

    /** {@code T} for a space after the date, and a colon inside an offset of four digits. */
    private static String usualSpelling(String s) {
        int n = s.length();
        if (n > 10 && s.charAt(10) == ' ') {
            s = s.substring(0, 10) + 'T' + s.substring(11);
        }
        if (n > 16 && (s.charAt(n - 5) == '+' || s.charAt(n - 5) == '-') && isDigit(s.charAt(n - 6))
                && isDigit(s.charAt(n - 4)) && isDigit(s.charAt(n - 3)) && isDigit(s.charAt(n - 2)) && isDigit(s.charAt(n - 1))) {
            s = s.substring(0, n - 2) + ':' + s.substring(n - 2);
        }
        return s;
    }

    /** {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}](Z|±hh:mm)}, or {@link Long#MIN_VALUE} to defer to the formatter. */
    static long direct(String s) {
        int n = s.length();
        if (n < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
                || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return Long.MIN_VALUE;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0
                || month < 1 || month > 12 || day < 1 || day > 28 && day > LocalDate.of(year, month, 1).lengthOfMonth()
                || hour > 23 || minute > 59 || second > 59) {
            return Long.MIN_VALUE;
        }
        int i = 19;
        int millis = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && i - start < 9 && isDigit(s.charAt(i))) {
                if (i - start < 3) {
                    millis = millis * 10 + (s.charAt(i) - '0');
                }
                i++;
            }
            int fractionDigits = i - start;
            if (fractionDigits == 0) {
                return Long.MIN_VALUE;
            }
            for (int k = fractionDigits; k < 3; k++) {
                millis *= 10;
            }
        }
        int offsetSeconds;
        if (i == n - 1 && s.charAt(i) == 'Z') {
            offsetSeconds = 0;
        } else if (i == n - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if (oh < 0 || om < 0 || oh > 17 || om > 59) {
                return Long.MIN_VALUE;
            }
            offsetSeconds = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
        } else {
            return Long.MIN_VALUE;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        long seconds = epochDay * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
        return seconds * 1000L + millis;
    }

    /** The value of {@code count} ASCII digits at {@code from}, or -1. */
    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
