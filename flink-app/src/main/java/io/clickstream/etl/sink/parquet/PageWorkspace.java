package io.clickstream.etl.sink.parquet;

import org.xerial.snappy.Snappy;

import java.io.IOException;
import java.util.Arrays;

/**
 * Scratch space shared by all columns of one file: pages are encoded and compressed one at a time,
 * so one page buffer and one Snappy output buffer serve them all (a backfill keeps hundreds of
 * files open). Parquet's SNAPPY codec is raw Snappy blocks.
 */
final class PageWorkspace {
    private final PageBuffer page = new PageBuffer();
    private byte[] compressed = new byte[0];

    /** The page buffer, emptied. */
    PageBuffer emptyPage() {
        page.reset();
        return page;
    }

    /** The buffer's content, Snappy-compressed into an array of its own. */
    byte[] compress(PageBuffer buffer) throws IOException {
        int bound = Snappy.maxCompressedLength(buffer.size());
        if (compressed.length < bound) {
            compressed = new byte[bound];
        }
        int length = Snappy.compress(buffer.array(), 0, buffer.size(), compressed, 0);
        return Arrays.copyOf(compressed, length);
    }
}
