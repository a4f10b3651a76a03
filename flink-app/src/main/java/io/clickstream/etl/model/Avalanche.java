package io.clickstream.etl.model;

/**
 * MurmurHash3's 64-bit finalizer: every input bit flips about half of the output bits, so hashes
 * of similar inputs do not come out similar. Shared by the event key and the content hash.
 */
public final class Avalanche {

    private Avalanche() {
    }

    public static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return x;
    }
}
