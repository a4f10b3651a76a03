package io.clickstream.etl.source;

import io.clickstream.etl.model.RawRecord;

import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordEmitter;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.fetcher.SingleThreadFetcherManager;
import org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.file.src.FileSourceSplitState;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.RecordAndPosition;

import java.util.Iterator;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads the raw objects one split at a time, as Flink's {@code FileSourceReader} does (asking for
 * another object when one ends, checkpointing the position in the current one) but with the next
 * object already assigned while one is read, and with a fetcher manager that finds its running
 * fetcher without a race. Flink 1.20's {@link SingleThreadFetcherManager} asks whether its fetcher
 * map is empty and then takes the first value; when the next object arrives just as the reader
 * shuts down its idle fetcher, and the fetcher's thread is still removing itself from the map, the
 * map is not empty but has no value, and the task fails with {@code NoSuchElementException}
 * (FLINK-36146). One reader asks for a new object after every one it finishes, so this job meets
 * that moment hundreds of times per run (less often now that the next object is usually there).
 */
final class RawObjectReader extends SingleThreadMultiplexSourceReaderBase<
        RecordAndPosition<RawRecord>, RawRecord, RawObjectSplit, FileSourceSplitState<RawObjectSplit>> {

    /**
     * Objects the reader holds when the enumerator has them: the one being read and the next. With
     * one, the fetcher stopped at the end of every object until the request for the next had gone
     * to the enumerator and the answer had come back through the task's mailbox.
     */
    static final int OBJECTS_AHEAD = 2;

    /** Set once the enumerator has said so: asking again would only cost it a message. */
    private boolean noMoreObjects;

    RawObjectReader(SourceReaderContext context, BulkFormat<RawRecord, RawObjectSplit> format, Configuration config) {
        super(new RaceFreeFetcherManager<>(() -> new ObjectSplitReader(format, config), config),
                new PositionTrackingEmitter(), config, context);
    }

    @Override
    public void start() {
        for (int held = getNumberOfCurrentlyAssignedSplits(); held < OBJECTS_AHEAD; held++) {
            context.sendSplitRequest();
        }
    }

    @Override
    protected void onSplitFinished(Map<String, FileSourceSplitState<RawObjectSplit>> finishedSplitIds) {
        for (int i = 0; i < finishedSplitIds.size() && !noMoreObjects; i++) {
            context.sendSplitRequest();
        }
    }

    @Override
    public void notifyNoMoreSplits() {
        noMoreObjects = true;
        super.notifyNoMoreSplits();
    }

    @Override
    protected FileSourceSplitState<RawObjectSplit> initializedState(RawObjectSplit split) {
        return new FileSourceSplitState<>(split);
    }

    @Override
    protected RawObjectSplit toSplitType(String splitId, FileSourceSplitState<RawObjectSplit> state) {
        return state.toFileSourceSplit();
    }

    /** Emits each record and remembers its position, for the split's checkpointed state. */
    private static final class PositionTrackingEmitter
            implements RecordEmitter<RecordAndPosition<RawRecord>, RawRecord, FileSourceSplitState<RawObjectSplit>> {
        @Override
        public void emitRecord(RecordAndPosition<RawRecord> element, SourceOutput<RawRecord> output, FileSourceSplitState<RawObjectSplit> split) {
            output.collect(element.getRecord());
            split.setPosition(element.getOffset(), element.getRecordSkipCount());
        }
    }

    /**
     * Flink's single-thread fetcher manager, taking the running fetcher in one look at the map.
     * Not final: its test races it against Flink's.
     */
    static class RaceFreeFetcherManager<E, S extends SourceSplit> extends SingleThreadFetcherManager<E, S> {

        RaceFreeFetcherManager(Supplier<SplitReader<E, S>> splitReaders, Configuration config) {
            super(splitReaders, config);
        }

        @Override
        protected SplitFetcher<E, S> getRunningFetcher() {
            Iterator<SplitFetcher<E, S>> running = fetchers.values().iterator();
            return running.hasNext() ? running.next() : null;
        }
    }
}
