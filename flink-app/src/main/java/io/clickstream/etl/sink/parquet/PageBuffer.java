package io.clickstream.etl.sink.parquet;

import java.util.Arrays;

/**
 * A growable byte array for one page's encoded values, written little-endian as Parquet wants.
 * Buffers start small: a writer is open per partition, and a backfill may open hundreds.
 */
final class PageBuffer {
    private byte[] bytes = new byte[256];
    private int size;

    int size() {
        return size;
    }

    byte[] array() {
        return bytes;
    }

    void reset() {
        size = 0;
    }

    void writeByte(int value) {
        ensure(1);
        bytes[size++] = (byte) value;
    }

    void writeIntLE(int value) {
        ensure(4);
        bytes[size] = (byte) value;
        bytes[size + 1] = (byte) (value >>> 8);
        bytes[size + 2] = (byte) (value >>> 16);
        bytes[size + 3] = (byte) (value >>> 24);
        size += 4;
    }

    void writeLongLE(long value) {
        writeIntLE((int) value);
        writeIntLE((int) (value >>> 32));
    }

    void write(byte[] src, int offset, int length) {
        ensure(length);
        System.arraycopy(src, offset, bytes, size, length);
        size += length;
    }

    /** Length-prefixed bytes: Parquet's PLAIN encoding of a BYTE_ARRAY value. */
    void writeBinary(byte[] value) {
        writeIntLE(value.length);
        write(value, 0, value.length);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
