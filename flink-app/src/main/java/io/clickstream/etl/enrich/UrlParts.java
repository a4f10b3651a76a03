package io.clickstream.etl.enrich;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Lenient URL splitting for analytics: host, path and query parameters of whatever producers send,
 * including URLs that {@link java.net.URI} would reject (spaces, unencoded characters).
 */
public final class UrlParts {

    private UrlParts() {
    }

    /** Lower-case host without port or credentials, or null. */
    public static String host(String url) {
        int start = authorityStart(url);
        if (start < 0) {
            return null;
        }
        String authority = url.substring(start, scan(url, start, "/?#"));
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        int colon = authority.startsWith("[") ? authority.indexOf("]:") + 1 : authority.lastIndexOf(':');
        if (colon > 0) {
            authority = authority.substring(0, colon);
        }
        return authority.isEmpty() ? null : authority.toLowerCase(Locale.ROOT);
    }

    /** The path ("/" when empty), without query or fragment, or null for a URL without scheme. */
    public static String path(String url) {
        int authority = authorityStart(url);
        if (authority < 0) {
            return null;
        }
        int start = scan(url, authority, "/?#");
        int end = scan(url, start, "?#");
        return start == end ? "/" : url.substring(start, end);
    }

    /** Index just after {@code scheme://}, or -1. */
    private static int authorityStart(String url) {
        int scheme = url == null ? -1 : url.indexOf("://");
        return scheme < 0 ? -1 : scheme + 3;
    }

    /** Index of the first of {@code stops} at or after {@code from}, or the length. */
    private static int scan(String url, int from, String stops) {
        int i = from;
        while (i < url.length() && stops.indexOf(url.charAt(i)) < 0) {
            i++;
        }
        return i;
    }

    /** The decoded value of the first query parameter {@code name}, or null. */
    public static String queryParameter(String url, String name) {
        return queryParameters(url, name)[0];
    }

    /**
     * The decoded values of the first query parameters with the given names (null where absent or
     * empty), in one pass over the query.
     */
    public static String[] queryParameters(String url, String... names) {
        String[] values = new String[names.length];
        int q = url == null ? -1 : url.indexOf('?');
        if (q < 0) {
            return values;
        }
        int end = url.indexOf('#', q);
        if (end < 0) {
            end = url.length();
        }
        int pos = q + 1;
        while (pos < end) {
            int amp = url.indexOf('&', pos);
            if (amp < 0 || amp > end) {
                amp = end;
            }
            int eq = url.indexOf('=', pos);
            if (eq > 0 && eq < amp) {
                for (int k = 0; k < names.length; k++) {
                    String name = names[k];
                    if (values[k] == null && eq - pos == name.length() && url.regionMatches(pos, name, 0, name.length())) {
                        String value = decode(url.substring(eq + 1, amp));
                        // An empty first occurrence still counts as the first: later ones do not replace it.
                        values[k] = value.isEmpty() ? EMPTY : value;
                        break;
                    }
                }
            }
            pos = amp + 1;
        }
        for (int k = 0; k < values.length; k++) {
            if (values[k] == EMPTY) {
                values[k] = null;
            }
        }
        return values;
    }

    /** Marks a parameter that was present but empty, by identity. */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String EMPTY = new String("");

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
