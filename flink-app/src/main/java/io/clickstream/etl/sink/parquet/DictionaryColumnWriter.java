package io.clickstream.etl.sink.parquet;

import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.bytes.BytesUtils;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.DictionaryPage;
import org.apache.parquet.column.values.rle.RunLengthBitPackingHybridEncoder;
import org.apache.parquet.hadoop.ParquetFileWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * A column that is dictionary-encoded while that pays, as parquet-mr decides it: per row group, the
 * dictionary is dropped when the first page does not get smaller with it, and pages after the one
 * where it passes its size limit are PLAIN. Subclasses keep the dictionary and the PLAIN values.
 */
abstract class DictionaryColumnWriter extends ColumnChunkWriter {
    private final boolean dictionaryEnabled;
    private final int dictionaryPageBytes;

    private boolean dictionaryMode;
    private boolean dictionaryUsed;
    private boolean firstPage = true;
    private int[] ids = new int[128];
    private int idCount;
    private RunLengthBitPackingHybridEncoder idEncoder;
    private int idBitWidth = -1;

    DictionaryColumnWriter(ColumnDescriptor descriptor, int pageBytes, PageWorkspace workspace,
            boolean dictionaryEnabled, int dictionaryPageBytes) {
        super(descriptor, pageBytes, workspace);
        this.dictionaryEnabled = dictionaryEnabled;
        this.dictionaryPageBytes = dictionaryPageBytes;
        this.dictionaryMode = dictionaryEnabled;
    }

    /** Entries in this row group's dictionary. */
    abstract int dictionarySize();

    /** Bytes of the dictionary page, PLAIN-encoded. */
    abstract long dictionaryByteSize();

    abstract void clearDictionary();

    /** Writes dictionary entry {@code id} PLAIN-encoded. */
    abstract void writeEntry(PageBuffer out, int id);

    /** Writes the open page's values, kept PLAIN since the dictionary was given up. */
    abstract void writePlainValues(PageBuffer out);

    /** Bytes the open page's PLAIN values take. */
    abstract long plainValueBytes();

    /** Bytes the open page's dictionary-encoded values would take PLAIN. */
    abstract long idsAsPlainBytes();

    final boolean dictionaryMode() {
        return dictionaryMode;
    }

    /** Adds a value of the open page by its dictionary id. */
    final void addId(int id) {
        if (idCount == ids.length) {
            ids = Arrays.copyOf(ids, idCount * 2);
        }
        ids[idCount++] = id;
    }

    @Override
    final long openValueBytes() {
        // parquet-mr counts dictionary ids as 4 bytes each.
        return dictionaryMode ? 4L * idCount : plainValueBytes();
    }

    @Override
    final boolean mustEndPage() {
        return dictionaryMode && dictionaryByteSize() > dictionaryPageBytes;
    }

    @Override
    final long dictionaryBytes() {
        return dictionaryByteSize();
    }

    @Override
    final Encoding encodeValues(PageBuffer out) {
        if (!dictionaryMode) {
            writePlainValues(out);
            return Encoding.PLAIN;
        }
        byte[] encoded = encodeIds();
        if (firstPage && 1 + encoded.length + dictionaryByteSize() >= idsAsPlainBytes()) {
            for (int i = 0; i < idCount; i++) {
                writeEntry(out, ids[i]);
            }
            dictionaryMode = false;
            clearDictionary();
            return Encoding.PLAIN;
        }
        dictionaryUsed = true;
        out.writeByte(idBitWidth);
        out.write(encoded, 0, encoded.length);
        if (dictionaryByteSize() > dictionaryPageBytes) {
            dictionaryMode = false;
        }
        return Encoding.PLAIN_DICTIONARY;
    }

    /** The open page's ids, RLE/bit-packed at the width the dictionary needs. */
    private byte[] encodeIds() {
        int bitWidth = BytesUtils.getWidthFromMaxInt(dictionarySize() - 1);
        if (bitWidth != idBitWidth) {
            idEncoder = new RunLengthBitPackingHybridEncoder(bitWidth, 1024, pageBytes, HeapByteBufferAllocator.getInstance());
            idBitWidth = bitWidth;
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
    void clearValues() {
        idCount = 0;
        firstPage = false;
    }

    @Override
    final void writeDictionaryPage(ParquetFileWriter file) throws IOException {
        if (!dictionaryUsed) {
            return;
        }
        PageBuffer entries = workspace.emptyPage();
        for (int id = 0; id < dictionarySize(); id++) {
            writeEntry(entries, id);
        }
        byte[] compressed = workspace.compress(entries);
        file.writeDictionaryPage(new DictionaryPage(BytesInput.from(compressed), entries.size(), dictionarySize(), Encoding.PLAIN_DICTIONARY));
    }

    @Override
    void startRowGroup() {
        clearDictionary();
        dictionaryUsed = false;
        dictionaryMode = dictionaryEnabled;
        firstPage = true;
    }
}
