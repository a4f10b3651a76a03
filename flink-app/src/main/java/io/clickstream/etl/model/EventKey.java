package io.clickstream.etl.model;

import java.nio.charset.StandardCharsets;

/**
 * What records are partitioned and deduplicated by: an {@code event_id} in 128 bits. A canonical
 * (lowercase) UUID is its own 128-bit value, so distinct ids never share a key; any other text is
 * hashed to 128 bits (as the UTF-8 bytes of the id), where a collision is as unlikely as a random
 * UUID repeating.
 *
 * <p>Two longs instead of the id's text: per id held in deduplication state they take 24 bytes
 * instead of about 80, and they cross the shuffle and checkpoints as 16 bytes.
 */
public final class EventKey {
    private static final long PRIME_1 = 0x9E3779B97F4A7C15L;
    private static final long PRIME_2 = 0xC2B2AE3D27D4EB4FL;

    public long hi;
    public long lo;

    public EventKey() {
    }

    public EventKey(long hi, long lo) {
        this.hi = hi;
        this.lo = lo;
    }

    public static EventKey of(String id) {
        byte[] utf8 = id.getBytes(StandardCharsets.UTF_8);
        return of(utf8, 0, utf8.length);
    }

    /** The key of the id whose UTF-8 bytes are {@code bytes[from, to)}. */
    public static EventKey of(byte[] bytes, int from, int to) {
        return isCanonicalUuid(bytes, from, to) ? uuid(bytes, from) : hash(bytes, from, to);
    }

    private static boolean isCanonicalUuid(byte[] b, int from, int to) {
        if (to - from != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            byte c = b[from + i];
            boolean ok = i == 8 || i == 13 || i == 18 || i == 23 ? c == '-' : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static EventKey uuid(byte[] b, int from) {
        long hi = 0;
        long lo = 0;
        int digits = 0;
        for (int i = 0; i < 36; i++) {
            byte c = b[from + i];
            if (c == '-') {
                continue;
            }
            int v = c <= '9' ? c - '0' : c - 'a' + 10;
            if (digits++ < 16) {
                hi = hi << 4 | v;
            } else {
                lo = lo << 4 | v;
            }
        }
        return new EventKey(hi, lo);
    }

    /** Two independent 64-bit hashes, each finished with MurmurHash3's mixer. */
    private static EventKey hash(byte[] b, int from, int to) {
        long h1 = PRIME_1 ^ (to - from);
        long h2 = PRIME_2 + (to - from);
        for (int i = from; i < to; i++) {
            int c = b[i] & 0xFF;
            h1 = (h1 ^ c) * 0x100000001b3L;
            h2 = Long.rotateLeft(h2 + c * PRIME_1, 31) * PRIME_2;
        }
        return new EventKey(mix(h1), mix(h2 ^ h1));
    }

    private static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return x;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventKey && ((EventKey) o).hi == hi && ((EventKey) o).lo == lo;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hi * 31 + lo);
    }

    /** The UUID for a UUID's key; other keys show their bits. */
    @Override
    public String toString() {
        return new java.util.UUID(hi, lo).toString();
    }
}
