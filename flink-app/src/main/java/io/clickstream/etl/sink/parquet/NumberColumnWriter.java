package io.clickstream.etl.sink.parquet;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

import java.io.IOException;
import java.util.Arrays;

/**
 * An INT32 or INT64 column: plain integers, dates, timestamps and decimals, all ordered as signed
 * numbers.
 */
final class NumberColumnWriter extends DictionaryColumnWriter {
    private final boolean int32;
    private final int valueBytes;
    private final boolean required;

    private final NumberDictionary dictionary = new NumberDictionary();
    /** The open page's values, when PLAIN. */
    private long[] values = new long[128];
    /** Values in the open page, however encoded. */
    private int count;
    private long min;
    private long max;

    NumberColumnWriter(ColumnDescriptor descriptor, int pageBytes, PageWorkspace workspace,
            boolean dictionaryEnabled, int dictionaryPageBytes) {
        super(descriptor, pageBytes, workspace, dictionaryEnabled, dictionaryPageBytes);
        PrimitiveTypeName type = descriptor.getPrimitiveType().getPrimitiveTypeName();
        if (type != PrimitiveTypeName.INT32 && type != PrimitiveTypeName.INT64) {
            throw new IllegalArgumentException("Not an integer column: " + descriptor);
        }
        this.int32 = type == PrimitiveTypeName.INT32;
        this.valueBytes = int32 ? 4 : 8;
        this.required = descriptor.getMaxDefinitionLevel() == 0;
    }

    void write(long value) throws IOException {
        startRecord();
        levels(0, maxDefinition());
        if (dictionaryMode()) {
            addId(dictionary.idOf(value, valueBytes));
        } else {
            if (count == values.length) {
                values = Arrays.copyOf(values, count * 2);
            }
            values[count] = value;
        }
        if (count++ == 0) {
            min = value;
            max = value;
        } else if (value < min) {
            min = value;
        } else if (value > max) {
            max = value;
        }
    }

    void write(Long value) throws IOException {
        if (value != null) {
            write(value.longValue());
        } else if (required) {
            throw new IllegalArgumentException("Required column " + Arrays.toString(descriptor.getPath()) + " has no value");
        } else {
            startRecord();
            levels(0, 0);
        }
    }

    void write(Integer value) throws IOException {
        write(value == null ? null : Long.valueOf(value.longValue()));
    }

    private void writePlain(PageBuffer out, long value) {
        if (int32) {
            out.writeIntLE((int) value);
        } else {
            out.writeLongLE(value);
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
    }

    @Override
    void writeEntry(PageBuffer out, int id) {
        writePlain(out, dictionary.value(id));
    }

    @Override
    void writePlainValues(PageBuffer out) {
        for (int i = 0; i < count; i++) {
            writePlain(out, values[i]);
        }
    }

    @Override
    long plainValueBytes() {
        return (long) valueBytes * count;
    }

    @Override
    long idsAsPlainBytes() {
        return (long) valueBytes * count;
    }

    @Override
    void addValueStatistics(Statistics<?> statistics) {
        if (count > 0) {
            if (int32) {
                statistics.updateStats((int) min);
                statistics.updateStats((int) max);
            } else {
                statistics.updateStats(min);
                statistics.updateStats(max);
            }
        }
    }

    @Override
    void clearValues() {
        super.clearValues();
        count = 0;
    }
}
