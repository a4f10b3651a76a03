package io.clickstream.etl.model;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;

/**
 * What records are partitioned and deduplicated by: an {@code event_id} in 128 bits. A UUID in
 * the {@code 8-4-4-4-12} form is its own 128-bit value in either case (RFC 9562: hex digits are
 * case-insensitive on input), so distinct ids never share a key and one id spelled in upper and in
 * lower case is one key; any other text is hashed to 128 bits (as the UTF-8 bytes of the id), where
 * a collision is as unlikely as a random UUID repeating.
 *
 * <p>Two longs instead of the id's text: per id held in deduplication state the key object takes 32
 * bytes of heap instead of about 80, and it crosses the shuffle and checkpoints as 16 bytes. A key
 * is a value: never change one after it was handed to Flink.
 */
public final class EventKey {
    private static final long PRIME_1 = 0x9E3779B97F4A7C15L;
    private static final long PRIME_2 = 0xC2B2AE3D27D4EB4FL;

    /** Nibble values of hex digits of either case; -1 for every other byte. */
    private static final byte[] HEX = new byte[256];

    static {
        Arrays.fill(HEX, (byte) -1);
        for (int c = '0'; c <= '9'; c++) {
            HEX[c] = (byte) (c - '0');
        }
        for (int c = 'a'; c <= 'f'; c++) {
            HEX[c] = (byte) (c - 'a' + 10);
            HEX[Character.toUpperCase(c)] = (byte) (c - 'a' + 10);
        }
    }

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
        EventKey uuid = to - from == 36 ? canonicalUuid(bytes, from) : null;
        return uuid != null ? uuid : hash(bytes, from, to);
    }

    /** The 128 bits of an {@code 8-4-4-4-12} UUID at {@code from}, or null. */
    private static EventKey canonicalUuid(byte[] b, int from) {
        if (b[from + 8] != '-' || b[from + 13] != '-' || b[from + 18] != '-' || b[from + 23] != '-') {
            return null;
        }
        long hi = 0;
        long lo = 0;
        int invalid = 0;
        for (int i = 0; i < 36; i++) {
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                continue;
            }
            int v = HEX[b[from + i] & 0xFF];
            invalid |= v;
            if (i < 19) {
                hi = hi << 4 | (v & 0xF);
            } else {
                lo = lo << 4 | (v & 0xF);
            }
        }
        return invalid < 0 ? null : new EventKey(hi, lo);
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
        return new EventKey(Avalanche.mix(h1), Avalanche.mix(h2 ^ h1));
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
        return new UUID(hi, lo).toString();
    }
}
