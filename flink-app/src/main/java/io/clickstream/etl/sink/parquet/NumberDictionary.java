package io.clickstream.etl.sink.parquet;

import java.util.Arrays;

/** Open-addressing map from a number to its dictionary id, without boxing. */
final class NumberDictionary {
    private long[] keys = new long[64];
    private int[] slotIds = new int[64];
    private boolean[] used = new boolean[64];
    private long[] entries = new long[64];
    private int size;
    private long byteSize;

    int idOf(long value, int valueBytes) {
        int mask = keys.length - 1;
        for (int slot = mix(value) & mask; ; slot = (slot + 1) & mask) {
            if (!used[slot]) {
                return add(value, valueBytes, slot);
            }
            if (keys[slot] == value) {
                return slotIds[slot];
            }
        }
    }

    private int add(long value, int valueBytes, int slot) {
        int id = size++;
        used[slot] = true;
        keys[slot] = value;
        slotIds[slot] = id;
        if (id == entries.length) {
            entries = Arrays.copyOf(entries, id * 2);
        }
        entries[id] = value;
        byteSize += valueBytes;
        if (size * 2 > keys.length) {
            grow();
        }
        return id;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldIds = slotIds;
        boolean[] oldUsed = used;
        keys = new long[oldKeys.length * 2];
        slotIds = new int[keys.length];
        used = new boolean[keys.length];
        int mask = keys.length - 1;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldUsed[i]) {
                int slot = mix(oldKeys[i]) & mask;
                while (used[slot]) {
                    slot = (slot + 1) & mask;
                }
                used[slot] = true;
                keys[slot] = oldKeys[i];
                slotIds[slot] = oldIds[i];
            }
        }
    }

    long value(int id) {
        return entries[id];
    }

    int size() {
        return size;
    }

    long byteSize() {
        return byteSize;
    }

    void clear() {
        Arrays.fill(used, false);
        size = 0;
        byteSize = 0;
    }

    private static int mix(long value) {
        long h = value * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
