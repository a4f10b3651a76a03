package io.clickstream.etl.parse;

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

    private long h = OFFSET;

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
            mix(0x1F);
        } else {
            for (int i = 0; i < s.length(); i++) {
                mix(s.charAt(i));
            }
            mix(0x1E);
        }
        return this;
    }

    private ContentHash add(Number n) {
        return add(n == null ? null : n.toString());
    }

    private ContentHash add(long n) {
        for (int i = 0; i < 8; i++) {
            mix((int) (n >>> (8 * i)) & 0xFF);
        }
        return this;
    }

    private void mix(int c) {
        h ^= c;
        h *= PRIME;
    }

    /** A final avalanche so that similar inputs do not give similar hashes. */
    private long finish() {
        long x = h;
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return x;
    }
}
