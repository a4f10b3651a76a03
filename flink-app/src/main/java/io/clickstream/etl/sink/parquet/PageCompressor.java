package io.clickstream.etl.sink.parquet;

import org.xerial.snappy.Snappy;

import java.io.IOException;
import java.util.Arrays;

/** Snappy for the pages of one file (Parquet's SNAPPY codec is raw Snappy blocks), one scratch buffer. */
final class PageCompressor {
    private byte[] scratch = new byte[0];

    byte[] compress(byte[] source, int length) throws IOException {
        int bound = Snappy.maxCompressedLength(length);
        if (scratch.length < bound) {
            scratch = new byte[bound];
        }
        int compressed = Snappy.compress(source, 0, length, scratch, 0);
        return Arrays.copyOf(scratch, compressed);
    }
}
