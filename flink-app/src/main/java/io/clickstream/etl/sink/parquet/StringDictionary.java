package io.clickstream.etl.sink.parquet;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Open-addressing map from a string to its dictionary id, keeping each entry's UTF-8 bytes. */
final class StringDictionary {
    private String[] keys = new String[64];
    private int[] slotIds = new int[64];
    private byte[][] entries = new byte[64][];
    private int size;
    private long byteSize;

    int idOf(String value) {
        int mask = keys.length - 1;
        for (int slot = mix(value.hashCode()) & mask; ; slot = (slot + 1) & mask) {
            String key = keys[slot];
            if (key == null) {
                return add(value, slot);
            }
            if (key == value || key.equals(value)) {
                return slotIds[slot];
            }
        }
    }

    private int add(String value, int slot) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        int id = size++;
        keys[slot] = value;
        slotIds[slot] = id;
        if (id == entries.length) {
            entries = Arrays.copyOf(entries, id * 2);
        }
        entries[id] = bytes;
        // Plain encoding of the dictionary page: a 4-byte length and the bytes.
        byteSize += 4 + bytes.length;
        if (size * 2 > keys.length) {
            grow();
        }
        return id;
    }

    private void grow() {
        String[] oldKeys = keys;
        int[] oldIds = slotIds;
        keys = new String[oldKeys.length * 2];
        slotIds = new int[keys.length];
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != null) {
                int slot = mix(oldKeys[i].hashCode()) & mask;
                while (keys[slot] != null) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = oldKeys[i];
                slotIds[slot] = oldIds[i];
            }
        }
    }

    byte[] bytes(int id) {
        return entries[id];
    }

    int size() {
        return size;
    }

    long byteSize() {
        return byteSize;
    }

    void clear() {
        Arrays.fill(keys, null);
        Arrays.fill(entries, 0, size, null);
        size = 0;
        byteSize = 0;
    }

    /** String hashes of similar strings differ in their low bits only a little: spread them. */
    static int mix(int hash) {
        int h = hash * 0x9E3779B9;
        return h ^ (h >>> 16);
    }
}
