package io.clickstream.etl.sink.parquet;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One column of the row group being written: the repetition and definition levels of the open
 * page, its values (kept by the subclass), and the finished pages, already compressed, until the
 * row group is written out. Pages end on record boundaries, at {@link #PAGE_ROW_LIMIT} records or
 * at the page size, as parquet-mr's writer does.
 */
abstract class ColumnChunkWriter {
    static final int PAGE_ROW_LIMIT = 20_000;

    final ColumnDescriptor descriptor;
    final int pageBytes;
    private final int maxRepetition;
    private final int maxDefinition;
    final PageWorkspace workspace;

    /** Levels are kept only up to a maximum above zero: a level that can only be 0 is not written. */
    private byte[] repetitionLevels;
    private byte[] definitionLevels;
    /** Levels in the open page: one per value, null or not. */
    private int levels;
    private int pageRows;
    private int pageNulls;

    private final List<EncodedPage> pages = new ArrayList<>();
    private long chunkValues;
    private long chunkBytes;
    private RunLengthBitPackingHybridEncoder repetitionEncoder;
    private RunLengthBitPackingHybridEncoder definitionEncoder;

    ColumnChunkWriter(ColumnDescriptor descriptor, int pageBytes, PageWorkspace workspace) {
        this.descriptor = descriptor;
        this.pageBytes = pageBytes;
        this.maxRepetition = descriptor.getMaxRepetitionLevel();
        this.maxDefinition = descriptor.getMaxDefinitionLevel();
        this.workspace = workspace;
        this.repetitionLevels = maxRepetition > 0 ? new byte[128] : null;
        this.definitionLevels = maxDefinition > 0 ? new byte[128] : null;
    }

    /** Bytes the open page's values would take uncompressed, to decide when the page is full. */
    abstract long openValueBytes();

    /** Encodes the open page's values into {@code out} and returns their encoding. */
    abstract Encoding encodeValues(PageBuffer out);

    /** Adds the open page's minimum and maximum to {@code statistics}. */
    abstract void addValueStatistics(Statistics<?> statistics);

    /** Forgets the open page's values. */
    abstract void clearValues();

    /** Whether the open page must end before the next record, apart from its size and rows. */
    boolean mustEndPage() {
        return false;
    }

    /** Bytes held for the dictionary of this row group, if any. */
    long dictionaryBytes() {
        return 0;
    }

    /** Writes the dictionary page, if any data page refers to one. */
    void writeDictionaryPage(ParquetFileWriter file) throws IOException {
    }

    /** Starts the dictionary and encoding afresh for the next row group. */
    void startRowGroup() {
    }

    /** Called before each record's values: ends the open page when it is full. */
    final void startRecord() throws IOException {
        if (levels > 0 && (pageRows >= PAGE_ROW_LIMIT || levels + openValueBytes() >= pageBytes || mustEndPage())) {
            endPage();
        }
        pageRows++;
    }

    /** Records the levels of one value; a definition level below the maximum is a null. */
    final void levels(int repetition, int definition) {
        if (maxDefinition > 0) {
            if (levels == definitionLevels.length) {
                definitionLevels = Arrays.copyOf(definitionLevels, levels * 2);
            }
            definitionLevels[levels] = (byte) definition;
            if (definition < maxDefinition) {
                pageNulls++;
            }
        }
        if (maxRepetition > 0) {
            if (levels == repetitionLevels.length) {
                repetitionLevels = Arrays.copyOf(repetitionLevels, levels * 2);
            }
            repetitionLevels[levels] = (byte) repetition;
        }
        levels++;
    }

    final int maxDefinition() {
        return maxDefinition;
    }

    /** Memory this column holds for the row group: finished pages, the open page, the dictionary. */
    final long bufferedBytes() {
        return chunkBytes + levels + openValueBytes() + dictionaryBytes();
    }

    final void endPage() throws IOException {
        if (levels == 0) {
            return;
        }
        PageBuffer page = workspace.emptyPage();
        if (maxRepetition > 0) {
            repetitionEncoder = encodeLevels(page, repetitionLevels, maxRepetition, repetitionEncoder);
        }
        if (maxDefinition > 0) {
            definitionEncoder = encodeLevels(page, definitionLevels, maxDefinition, definitionEncoder);
        }
        Encoding encoding = encodeValues(page);
        Statistics<?> statistics = Statistics.createStats(descriptor.getPrimitiveType());
        addValueStatistics(statistics);
        statistics.incrementNumNulls(pageNulls);
        byte[] compressed = workspace.compress(page);
        pages.add(new EncodedPage(compressed, page.size(), levels, pageRows, statistics, encoding));
        chunkValues += levels;
        chunkBytes += compressed.length;
        levels = 0;
        pageRows = 0;
        pageNulls = 0;
        clearValues();
    }

    /** Writes this column's chunk of the row group and starts the next one. */
    final void writeChunk(ParquetFileWriter file) throws IOException {
        endPage();
        file.startColumn(descriptor, chunkValues, CompressionCodecName.SNAPPY);
        writeDictionaryPage(file);
        Encoding repetitionEncoding = maxRepetition > 0 ? Encoding.RLE : Encoding.BIT_PACKED;
        Encoding definitionEncoding = maxDefinition > 0 ? Encoding.RLE : Encoding.BIT_PACKED;
        for (EncodedPage p : pages) {
            file.writeDataPage(p.values, p.uncompressedBytes, BytesInput.from(p.compressed), p.statistics, p.rows,
                    repetitionEncoding, definitionEncoding, p.encoding);
        }
        file.endColumn();
        pages.clear();
        chunkValues = 0;
        chunkBytes = 0;
        startRowGroup();
    }

    /**
     * Levels as Parquet's RLE/bit-packing hybrid with a 4-byte length in front (data page v1). A
     * page without nulls or repetition is one run, written directly; anything else goes through
     * parquet-mr's encoder.
     */
    private RunLengthBitPackingHybridEncoder encodeLevels(PageBuffer page, byte[] values, int maxLevel,
            RunLengthBitPackingHybridEncoder encoder) throws IOException {
        int bitWidth = BytesUtils.getWidthFromMaxInt(maxLevel);
        if (maxRepetition == 0 && (pageNulls == 0 || (pageNulls == levels && maxLevel == 1))) {
            int header = levels << 1;
            int headerBytes = varIntLength(header);
            int valueBytes = (bitWidth + 7) / 8;
            page.writeIntLE(headerBytes + valueBytes);
            for (int v = header; ; v >>>= 7) {
                if ((v & ~0x7F) == 0) {
                    page.writeByte(v);
                    break;
                }
                page.writeByte((v & 0x7F) | 0x80);
            }
            int value = values[0];
            for (int i = 0; i < valueBytes; i++) {
                page.writeByte(value >>> (8 * i));
            }
            return encoder;
        }
        if (encoder == null) {
            encoder = new RunLengthBitPackingHybridEncoder(bitWidth, 1024, pageBytes, HeapByteBufferAllocator.getInstance());
        }
        for (int i = 0; i < levels; i++) {
            encoder.writeInt(values[i]);
        }
        byte[] encoded = encoder.toBytes().toByteArray();
        encoder.reset();
        page.writeIntLE(encoded.length);
        page.write(encoded, 0, encoded.length);
        return encoder;
    }

    private static int varIntLength(int value) {
        int bytes = 1;
        while ((value & ~0x7F) != 0) {
            value >>>= 7;
            bytes++;
        }
        return bytes;
    }

    private static final class EncodedPage {
        final byte[] compressed;
        final int uncompressedBytes;
        final int values;
        final int rows;
        final Statistics<?> statistics;
        final Encoding encoding;

        EncodedPage(byte[] compressed, int uncompressedBytes, int values, int rows, Statistics<?> statistics, Encoding encoding) {
            this.compressed = compressed;
            this.uncompressedBytes = uncompressedBytes;
            this.values = values;
            this.rows = rows;
            this.statistics = statistics;
            this.encoding = encoding;
        }
    }
}
