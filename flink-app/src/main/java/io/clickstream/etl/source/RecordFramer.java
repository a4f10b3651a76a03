package io.clickstream.etl.source;

import io.clickstream.etl.model.RawRecord;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Cuts a decompressed Firehose object into records. Firehose concatenates records exactly as sent,
 * so a line may hold one JSON object, several back to back, or junk: this class reads the object
 * and its lines (numbering them, handing each line's bytes on as they arrive, so no line is ever
 * held whole) and the {@link ObjectSplitter} judges each line and splits it into objects within
 * {@code maxRecordBytes} of memory.
 */
public final class RecordFramer {

    private final InputStream in;
    private final ObjectSplitter splitter;
    private final byte[] readBuffer = new byte[64 * 1024];
    private int readPos;
    private int readLen;
    private long lineNumber = 1;
    private boolean finished;

    public RecordFramer(InputStream in, String sourceFile, int maxRecordBytes, int maxRawBytes) {
        this.in = in;
        this.splitter = new ObjectSplitter(sourceFile, maxRecordBytes, maxRawBytes);
    }

    /**
     * Reads until at least one record was added to {@code out} or the input ended.
     *
     * @return false once the input is exhausted and everything was emitted
     * @throws IOException as thrown by the stream; the caller decides what is data and what is not
     */
    public boolean advance(List<RawRecord> out) throws IOException {
        if (finished) {
            return false;
        }
        int before = out.size();
        while (out.size() == before) {
            if (readPos == readLen) {
                readLen = in.read(readBuffer, 0, readBuffer.length);
                readPos = 0;
                if (readLen <= 0) {
                    readLen = 0;
                    // A last line without a newline still counts as a line.
                    long lines = splitter.lineStarted() ? lineNumber : lineNumber - 1;
                    splitter.endLine(lineNumber, out);
                    lineNumber = lines;
                    finished = true;
                    return out.size() > before;
                }
            }
            while (readPos < readLen && out.size() == before) {
                readPos = splitter.feed(readBuffer, readPos, readLen, lineNumber, out);
                if (readPos < readLen) {
                    readPos++; // the newline
                    splitter.endLine(lineNumber, out);
                    lineNumber++;
                }
            }
        }
        return true;
    }

    /** Emits what is buffered of the current line as the unreadable rest of the object. */
    public void unreadable(List<RawRecord> out, Throwable cause) {
        finished = true;
        splitter.unreadable(lineNumber, out, cause);
    }

    /** Size of the line buffer: the framer's memory, bounded by the maximum record size. */
    int bufferCapacity() {
        return splitter.bufferCapacity();
    }

    /** Lines in the object, once {@link #advance} returned false. */
    public long lineCount() {
        return lineNumber;
    }
}
