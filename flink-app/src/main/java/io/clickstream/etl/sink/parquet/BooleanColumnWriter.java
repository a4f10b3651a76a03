package io.clickstream.etl.sink.parquet;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;

import java.io.IOException;
import java.util.Arrays;

/** A required BOOLEAN column, PLAIN: one bit per value, least significant bit first. */
final class BooleanColumnWriter extends ColumnChunkWriter {
    private byte[] bits = new byte[64];
    private int count;
    private int trues;

    BooleanColumnWriter(ColumnDescriptor descriptor, int pageBytes, PageWorkspace workspace) {
        super(descriptor, pageBytes, workspace);
        if (descriptor.getMaxDefinitionLevel() != 0 || descriptor.getMaxRepetitionLevel() != 0) {
            throw new IllegalArgumentException("Only required booleans are supported: " + descriptor);
        }
    }

    void write(boolean value) throws IOException {
        startRecord();
        levels(0, 0);
        int index = count >>> 3;
        if (index == bits.length) {
            bits = Arrays.copyOf(bits, bits.length * 2);
        }
        if (value) {
            bits[index] |= (byte) (1 << (count & 7));
            trues++;
        }
        count++;
    }

    @Override
    long openValueBytes() {
        return (count + 7) >>> 3;
    }

    @Override
    Encoding encodeValues(PageBuffer out) {
        out.write(bits, 0, (count + 7) >>> 3);
        return Encoding.PLAIN;
    }

    @Override
    void addValueStatistics(Statistics<?> statistics) {
        if (count > 0) {
            statistics.updateStats(trues == count);
            statistics.updateStats(trues > 0);
        }
    }

    @Override
    void clearValues() {
        Arrays.fill(bits, 0, (count + 7) >>> 3, (byte) 0);
        count = 0;
        trues = 0;
    }
}
