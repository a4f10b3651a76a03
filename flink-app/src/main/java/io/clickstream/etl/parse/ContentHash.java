package io.clickstream.etl.parse;

import io.clickstream.etl.model.Avalanche;
import io.clickstream.etl.model.ClickEvent;

import java.util.Arrays;

/**
 * A 64-bit fingerprint of what an event says (not how it was spelled: field order, whitespace and
 * timestamp format do not matter). Two records with one {@code event_id} and equal fingerprints
 * are a retry; different fingerprints are an id conflict.
 */
final class ContentHash {
    private static final long OFFSET = 0xcbf29ce484222325L;
    private static final long PRIME = 0x100000001b3L;

    private long h0 = OFFSET;
    private long h1 = OFFSET ^ 0x9E3779B97F4A7C15L;
    private long h2 = OFFSET ^ 0xC2B2AE3D27D4EB4FL;
    private long h3 = OFFSET ^ 0x165667B19E3779F9L;

    private ContentHash() {
    }

    static long of(ClickEvent e) {
        ContentHash c = new ContentHash();
        c.add(e.eventId).add(e.eventType).add(e.eventTimestamp).add(e.userId).add(e.sessionId).add(e.pageUrl)
                .add(e.referrer).add(e.productId).add(e.productName).add(e.productCategory).add(e.productPriceCents)
                .add(e.quantity).add(e.searchQuery).add(e.searchResultsCount).add(e.deviceType).add(e.browser)
                .add(e.browserVersion).add(e.os).add(e.userAgent).add(e.ipAddress).add(e.email).add(e.country).add(e.city);
        if (e.extra != null) {
            // In key order, so that field order does not matter; an array sort is far cheaper than a TreeMap.
            String[] keys = e.extra.keySet().toArray(new String[0]);
            Arrays.sort(keys);
            for (String key : keys) {
                c.add(key).add(e.extra.get(key));
            }
        }
        return c.finish();
    }

    private ContentHash add(String s) {
        if (s == null) {
            h0 = (h0 ^ 0x1F) * PRIME;
            return this;
        }
        // FNV-1a in four interleaved lanes: one lane is a chain of dependent multiplies, four
        // keep the CPU's multipliers busy. The length closes the field, so boundaries are unambiguous.
        long l0 = h0;
        long l1 = h1;
        long l2 = h2;
        long l3 = h3;
        int n = s.length();
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            l0 = (l0 ^ s.charAt(i)) * PRIME;
            l1 = (l1 ^ s.charAt(i + 1)) * PRIME;
            l2 = (l2 ^ s.charAt(i + 2)) * PRIME;
            l3 = (l3 ^ s.charAt(i + 3)) * PRIME;
        }
        for (; i < n; i++) {
            l0 = (l0 ^ s.charAt(i)) * PRIME;
        }
        h0 = (l0 ^ (0x1E + ((long) n << 8))) * PRIME;
        h1 = l1;
        h2 = l2;
        h3 = l3;
        return this;
    }

    /** A present number is tagged, so that it never hashes like an absent one. */
    private ContentHash add(Number n) {
        if (n == null) {
            return add((String) null);
        }
        h0 = (h0 ^ 0x1D) * PRIME;
        return add(n.longValue());
    }

    private ContentHash add(long n) {
        h0 = (h0 ^ n) * PRIME;
        return this;
    }

    /** A final avalanche so that similar inputs do not give similar hashes. */
    private long finish() {
        long x = h0;
        x = (x ^ h1) * PRIME;
        x = (x ^ h2) * PRIME;
        x = (x ^ h3) * PRIME;
        return Avalanche.mix(x);
    }
}
