package io.clickstream.etl.sink.parquet;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.io.api.Binary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A UTF-8 string column. With a dictionary, values are looked up by the {@code String} itself
 * (its hash is cached in the object, equal constants are usually the same instance) and only new
 * values are encoded to UTF-8. Minimum and maximum are by unsigned UTF-8 bytes, Parquet's order for
 * strings, compared once per dictionary entry and page.
 */
final class StringColumnWriter extends DictionaryColumnWriter {
    private final boolean required;

    private final StringDictionary dictionary = new StringDictionary();
    /** Per dictionary entry, the last page that referred to it. */
    private int[] seenInPage = new int[64];
    private int pageNumber = 1;
    /** What the open page's dictionary-encoded values would take PLAIN. */
    private long idsAsPlainBytes;

    private final PageBuffer plain = new PageBuffer();
    private byte[] min;
    private byte[] max;

    StringColumnWriter(ColumnDescriptor descriptor, int pageBytes, PageWorkspace workspace,
            boolean dictionaryEnabled, int dictionaryPageBytes) {
        super(descriptor, pageBytes, workspace, dictionaryEnabled, dictionaryPageBytes);
        this.required = descriptor.getMaxDefinitionLevel() == 0;
    }

    /** One value of a column that is not repeated. */
    void write(String value) throws IOException {
        startRecord();
        add(value, 0, value == null ? 0 : maxDefinition());
    }

    /** One value with its levels; {@code value} is null exactly when the definition level says so. */
    void add(String value, int repetition, int definition) {
        if (value == null && required) {
            throw new IllegalArgumentException("Required column " + Arrays.toString(descriptor.getPath()) + " has no value");
        }
        levels(repetition, definition);
        if (value == null) {
            return;
        }
        if (dictionaryMode()) {
            int id = dictionary.idOf(value);
            addId(id);
            byte[] bytes = dictionary.bytes(id);
            idsAsPlainBytes += 4 + bytes.length;
            if (id >= seenInPage.length) {
                seenInPage = Arrays.copyOf(seenInPage, Math.max(seenInPage.length * 2, id + 1));
            }
            if (seenInPage[id] != pageNumber) {
                seenInPage[id] = pageNumber;
                statistics(bytes);
            }
        } else {
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            plain.writeBinary(bytes);
            statistics(bytes);
        }
    }

    private void statistics(byte[] bytes) {
        if (min == null) {
            min = bytes;
            max = bytes;
        } else if (Arrays.compareUnsigned(bytes, min) < 0) {
            min = bytes;
        } else if (Arrays.compareUnsigned(bytes, max) > 0) {
            max = bytes;
        }
    }

    @Override
    int dictionarySize() {
        return dictionary.size();
    }

    @Override
    long dictionaryByteSize() {
        return dictionary.byteSize();
    }

    @Override
    void clearDictionary() {
        dictionary.clear();
        Arrays.fill(seenInPage, 0);
        pageNumber = 1;
    }

    @Override
    void writeEntry(PageBuffer out, int id) {
        out.writeBinary(dictionary.bytes(id));
    }

    @Override
    void writePlainValues(PageBuffer out) {
        out.write(plain.array(), 0, plain.size());
    }

    @Override
    long plainValueBytes() {
        return plain.size();
    }

    @Override
    long idsAsPlainBytes() {
        return idsAsPlainBytes;
    }

    @Override
    void addValueStatistics(Statistics<?> statistics) {
        if (min != null) {
            statistics.updateStats(Binary.fromConstantByteArray(min));
            statistics.updateStats(Binary.fromConstantByteArray(max));
        }
    }

    @Override
    void clearValues() {
        super.clearValues();
        idsAsPlainBytes = 0;
        plain.reset();
        min = null;
        max = null;
        pageNumber++;
    }
}
