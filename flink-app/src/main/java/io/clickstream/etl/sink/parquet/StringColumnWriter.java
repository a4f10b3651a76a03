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
import org.apache.parquet.io.api.Binary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A UTF-8 string column. With a dictionary, values are looked up by the {@code String} itself
 * (its hash is cached in the object, equal constants are usually the same instance) and only new
 * values are encoded to UTF-8; when the dictionary outgrows its page, later pages fall back to
 * PLAIN, as parquet-mr does. Minimum and maximum are by unsigned UTF-8 bytes, Parquet's order for
 * strings.
 */
final class StringColumnWriter extends ColumnChunkWriter {
    private final boolean dictionaryEnabled;
    private final int dictionaryPageBytes;
    private final boolean required;

    private boolean dictionaryMode;
    private final StringDictionary dictionary = new StringDictionary();
    private boolean dictionaryUsed;
    /** Per dictionary entry, the last page that referred to it, so each is compared once a page. */
    private int[] seenInPage = new int[64];
    private int pageNumber = 1;

    private int[] ids = new int[128];
    private int idCount;
    /** What the open page's values would take PLAIN, to judge the dictionary on the first page. */
    private long plainBytes;
    private final PageBuffer plain = new PageBuffer();
    private byte[] min;
    private byte[] max;
    private RunLengthBitPackingHybridEncoder idEncoder;
    private int idEncoderBitWidth = -1;

    StringColumnWriter(ColumnDescriptor descriptor, int pageBytes, PageWorkspace workspace,
            boolean dictionaryEnabled, int dictionaryPageBytes) {
        super(descriptor, pageBytes, workspace);
        this.dictionaryEnabled = dictionaryEnabled;
        this.dictionaryPageBytes = dictionaryPageBytes;
        this.dictionaryMode = dictionaryEnabled;
        this.required = descriptor.getMaxDefinitionLevel() == 0;
    }

    /** One value of a column that is not repeated. */
    void write(String value) throws IOException {
        startRecord();
        add(value, 0, value == null ? 0 : maxDefinition());
    }

    /** One value with its levels; {@code value} is null exactly when the definition level says so. */
    void add(String value, int repetition, int definition) {
        if (value == null) {
            if (required) {
                throw new IllegalArgumentException("Required column " + Arrays.toString(descriptor.getPath()) + " has no value");
            }
            levels(repetition, definition);
            return;
        }
        levels(repetition, definition);
        if (dictionaryMode) {
            int id = dictionary.idOf(value);
            if (idCount == ids.length) {
                ids = Arrays.copyOf(ids, idCount * 2);
            }
            ids[idCount++] = id;
            plainBytes += 4 + dictionary.bytes(id).length;
            if (id >= seenInPage.length) {
                seenInPage = Arrays.copyOf(seenInPage, Math.max(seenInPage.length * 2, id + 1));
            }
            if (seenInPage[id] != pageNumber) {
                seenInPage[id] = pageNumber;
                statistics(dictionary.bytes(id));
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
    long openValueBytes() {
        // parquet-mr counts dictionary ids as 4 bytes each.
        return dictionaryMode ? 4L * idCount : plain.size();
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
            out.write(plain.array(), 0, plain.size());
            return Encoding.PLAIN;
        }
        byte[] encoded = encodeIds();
        if (pageNumber == 1 && 1 + encoded.length + dictionary.byteSize() >= plainBytes) {
            // As parquet-mr decides on a row group's first page: a dictionary that does not make the
            // data smaller is dropped, and the row group is written PLAIN.
            for (int i = 0; i < idCount; i++) {
                out.writeBinary(dictionary.bytes(ids[i]));
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

    /** The open page's dictionary ids, RLE/bit-packed at the width the dictionary needs. */
    private byte[] encodeIds() {
        int bitWidth = BytesUtils.getWidthFromMaxInt(dictionary.size() - 1);
        if (bitWidth != idEncoderBitWidth) {
            idEncoder = new RunLengthBitPackingHybridEncoder(bitWidth, 1024, pageBytes, HeapByteBufferAllocator.getInstance());
            idEncoderBitWidth = bitWidth;
        }
        try {
            for (int i = 0; i < idCount; i++) {
                idEncoder.writeInt(ids[i]);
            }
            byte[] encoded = idEncoder.toBytes().toByteArray();
            idEncoder.reset();
            return encoded;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
        idCount = 0;
        plainBytes = 0;
        plain.reset();
        min = null;
        max = null;
        pageNumber++;
    }

    @Override
    void writeDictionaryPage(ParquetFileWriter file, PageWorkspace workspace) throws IOException {
        if (!dictionaryUsed) {
            return;
        }
        PageBuffer entries = workspace.emptyPage();
        for (int id = 0; id < dictionary.size(); id++) {
            entries.writeBinary(dictionary.bytes(id));
        }
        byte[] compressed = workspace.compress(entries);
        file.writeDictionaryPage(new DictionaryPage(BytesInput.from(compressed), entries.size(), dictionary.size(), Encoding.PLAIN_DICTIONARY));
    }

    @Override
    void startRowGroup() {
        dictionary.clear();
        dictionaryUsed = false;
        dictionaryMode = dictionaryEnabled;
        Arrays.fill(seenInPage, 0);
        pageNumber = 1;
    }
}
