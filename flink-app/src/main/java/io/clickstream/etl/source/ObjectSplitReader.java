package io.clickstream.etl.source;

import io.clickstream.etl.model.RawRecord;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.connector.file.src.impl.FileRecords;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.RecordAndPosition;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * The fetcher's side of {@link RawObjectReader}: reads its objects one after another in the order
 * they were assigned, a batch per fetch, through {@link FirehoseObjectFormat}, resuming an object
 * from its checkpointed position. (Flink's own split reader for bulk formats does the same but is
 * not public.)
 */
final class ObjectSplitReader implements SplitReader<RecordAndPosition<RawRecord>, RawObjectSplit> {
    private final BulkFormat<RawRecord, RawObjectSplit> format;
    private final Configuration config;
    private final Queue<RawObjectSplit> assigned = new ArrayDeque<>();

    private BulkFormat.Reader<RawRecord> current;
    private String currentSplitId;

    ObjectSplitReader(BulkFormat<RawRecord, RawObjectSplit> format, Configuration config) {
        this.format = format;
        this.config = config;
    }

    @Override
    public RecordsWithSplitIds<RecordAndPosition<RawRecord>> fetch() throws IOException {
        if (current == null) {
            RawObjectSplit next = assigned.poll();
            if (next == null) {
                throw new IOException("No object left to read"); // the fetcher only calls fetch() with splits assigned
            }
            currentSplitId = next.splitId();
            current = next.getReaderPosition().isPresent() ? format.restoreReader(config, next) : format.createReader(config, next);
        }
        BulkFormat.RecordIterator<RawRecord> batch = current.readBatch();
        if (batch != null) {
            return FileRecords.forRecords(currentSplitId, batch);
        }
        current.close();
        current = null;
        return FileRecords.finishedSplit(currentSplitId);
    }

    @Override
    public void handleSplitsChanges(SplitsChange<RawObjectSplit> change) {
        if (!(change instanceof SplitsAddition)) {
            throw new UnsupportedOperationException("Objects are only ever added, not " + change.getClass().getSimpleName());
        }
        assigned.addAll(change.splits());
    }

    @Override
    public void wakeUp() {
        // fetch() never blocks waiting for input: nothing to interrupt
    }

    @Override
    public void close() throws Exception {
        if (current != null) {
            current.close();
        }
    }
}
