package io.clickstream.etl.sink.parquet;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * An INT32 or INT64 column (plain integers, dates, timestamps, decimals: all ordered as signed
 * numbers), dictionary-encoded or PLAIN, with the same fallback as {@link StringColumnWriter}.
 */
final class NumberColumnWriter extends ColumnChunkWriter {
    private final boolean int32;
    private final int valueBytes;
    private final boolean dictionaryEnabled;
    private final int dictionaryPageBytes;
    private final boolean required;

    private boolean dictionaryMode;
    private boolean dictionaryUsed;
    private boolean firstPage = true;
    private final NumberDictionary dictionary = new NumberDictionary();

    /** Values of the open page (PLAIN) or their dictionary ids. */
    private long[] values = new long[128];
    private int count;
    private long min;
    private long max;
    private RunLengthBitPackingHybridEncoder idEncoder;
    private int idEncoderBitWidth = -1;

    NumberColumnWriter(ColumnDescriptor descriptor, int pageBytes, PageWorkspace workspace,
            boolean dictionaryEnabled, int dictionaryPageBytes) {
        super(descriptor, pageBytes, workspace);
        PrimitiveTypeName type = descriptor.getPrimitiveType().getPrimitiveTypeName();
        if (type != PrimitiveTypeName.INT32 && type != PrimitiveTypeName.INT64) {
            throw new IllegalArgumentException("Not an integer column: " + descriptor);
        }
        this.int32 = type == PrimitiveTypeName.INT32;
        this.valueBytes = int32 ? 4 : 8;
        this.dictionaryEnabled = dictionaryEnabled;
        this.dictionaryPageBytes = dictionaryPageBytes;
        this.dictionaryMode = dictionaryEnabled;
        this.required = descriptor.getMaxDefinitionLevel() == 0;
    }

    void write(long value) throws IOException {
        startRecord();
        levels(0, maxDefinition());
        if (count == values.length) {
            values = Arrays.copyOf(values, count * 2);
        }
        values[count++] = dictionaryMode ? dictionary.idOf(value, valueBytes) : value;
        if (count == 1) {
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

    @Override
    long openValueBytes() {
        return dictionaryMode ? 4L * count : (long) valueBytes * count;
    }

    @Override
    boolean mustEndPage() {
        return dictionaryMode && dictionary.byteSize() > dictionaryPageBytes;
    }

    @Override
    long dictionaryBytes() {
        return dictionary.byteSize();
    }

    @Override
    Encoding encodeValues(PageBuffer out) {
        if (!dictionaryMode) {
            for (int i = 0; i < count; i++) {
                writePlain(out, values[i]);
            }
            return Encoding.PLAIN;
        }
        byte[] encoded = encodeIds();
        if (firstPage && 1 + encoded.length + dictionary.byteSize() >= (long) valueBytes * count) {
            // As parquet-mr decides on a row group's first page: see StringColumnWriter.
            for (int i = 0; i < count; i++) {
                writePlain(out, dictionary.value((int) values[i]));
            }
            dictionaryMode = false;
            dictionary.clear();
            return Encoding.PLAIN;
        }
        dictionaryUsed = true;
        out.writeByte(idEncoderBitWidth);
        out.write(encoded, 0, encoded.length);
        if (dictionary.byteSize() > dictionaryPageBytes) {
            dictionaryMode = false;
        }
        return Encoding.PLAIN_DICTIONARY;
    }

    private byte[] encodeIds() {
        int bitWidth = BytesUtils.getWidthFromMaxInt(dictionary.size() - 1);
        if (bitWidth != idEncoderBitWidth) {
            idEncoder = new RunLengthBitPackingHybridEncoder(bitWidth, 1024, pageBytes, HeapByteBufferAllocator.getInstance());
            idEncoderBitWidth = bitWidth;
        }
        try {
            for (int i = 0; i < count; i++) {
                idEncoder.writeInt((int) values[i]);
            }
            byte[] encoded = idEncoder.toBytes().toByteArray();
            idEncoder.reset();
            return encoded;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writePlain(PageBuffer out, long value) {
        if (int32) {
            out.writeIntLE((int) value);
        } else {
            out.writeLongLE(value);
        }
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
        count = 0;
        firstPage = false;
    }

    @Override
    void writeDictionaryPage(ParquetFileWriter file, PageWorkspace workspace) throws IOException {
        if (!dictionaryUsed) {
            return;
        }
        PageBuffer entries = workspace.emptyPage();
        for (int id = 0; id < dictionary.size(); id++) {
            writePlain(entries, dictionary.value(id));
        }
        byte[] compressed = workspace.compress(entries);
        file.writeDictionaryPage(new DictionaryPage(BytesInput.from(compressed), entries.size(), dictionary.size(), Encoding.PLAIN_DICTIONARY));
    }

    @Override
    void startRowGroup() {
        dictionary.clear();
        dictionaryUsed = false;
        dictionaryMode = dictionaryEnabled;
        firstPage = true;
    }
}
