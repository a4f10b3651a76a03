package io.clickstream.etl;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Wraps a source to inject faults: a hook runs when the reader has emitted a given number of
 * records (counted across restarts), and another on every checkpoint of the reader. Hooks are
 * static, so they work in an embedded cluster only, and are reset by {@link #reset}.
 */
public final class FaultInjectingSource<T, S extends SourceSplit, E> implements Source<T, S, E> {
    private static final long serialVersionUID = 1L;

    static final AtomicLong EMITTED = new AtomicLong();
    static volatile long triggerAt = Long.MAX_VALUE;
    static volatile Runnable atRecord = () -> { };
    static volatile LongConsumer onCheckpoint = id -> { };
    /** Pause after every 500th record, to stretch a short bounded run over several checkpoints. */
    static volatile long pauseMillis;

    private final Source<T, S, E> delegate;

    public FaultInjectingSource(Source<T, S, E> delegate) {
        this.delegate = delegate;
    }

    /** Runs {@code action} once, when the {@code n}-th record is emitted. */
    static void atRecord(long n, Runnable action) {
        triggerAt = n;
        atRecord = action;
    }

    static void reset() {
        EMITTED.set(0);
        triggerAt = Long.MAX_VALUE;
        atRecord = () -> { };
        onCheckpoint = id -> { };
        pauseMillis = 0;
    }

    @Override
    public Boundedness getBoundedness() {
        return delegate.getBoundedness();
    }

    @Override
    public SplitEnumerator<S, E> createEnumerator(SplitEnumeratorContext<S> context) throws Exception {
        return delegate.createEnumerator(context);
    }

    @Override
    public SplitEnumerator<S, E> restoreEnumerator(SplitEnumeratorContext<S> context, E checkpoint) throws Exception {
        return delegate.restoreEnumerator(context, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<S> getSplitSerializer() {
        return delegate.getSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<E> getEnumeratorCheckpointSerializer() {
        return delegate.getEnumeratorCheckpointSerializer();
    }

    @Override
    public SourceReader<T, S> createReader(SourceReaderContext context) throws Exception {
        return new Reader<>(delegate.createReader(context));
    }

    private static void emitted() {
        long n = EMITTED.incrementAndGet();
        if (n == triggerAt) {
            atRecord.run();
        }
        if (pauseMillis > 0 && n % 500 == 0) {
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final class Reader<T, S extends SourceSplit> implements SourceReader<T, S> {
        private final SourceReader<T, S> delegate;

        Reader(SourceReader<T, S> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void start() {
            delegate.start();
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) throws Exception {
            return delegate.pollNext(new CountingReaderOutput<>(output));
        }

        @Override
        public List<S> snapshotState(long checkpointId) {
            onCheckpoint.accept(checkpointId);
            return delegate.snapshotState(checkpointId);
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return delegate.isAvailable();
        }

        @Override
        public void addSplits(List<S> splits) {
            delegate.addSplits(splits);
        }

        @Override
        public void notifyNoMoreSplits() {
            delegate.notifyNoMoreSplits();
        }

        @Override
        public void handleSourceEvents(SourceEvent event) {
            delegate.handleSourceEvents(event);
        }

        @Override
        public void notifyCheckpointComplete(long checkpointId) throws Exception {
            delegate.notifyCheckpointComplete(checkpointId);
        }

        @Override
        public void notifyCheckpointAborted(long checkpointId) throws Exception {
            delegate.notifyCheckpointAborted(checkpointId);
        }

        @Override
        public void close() throws Exception {
            delegate.close();
        }
    }

    private static class CountingOutput<T> implements SourceOutput<T> {
        private final SourceOutput<T> delegate;

        CountingOutput(SourceOutput<T> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void collect(T record) {
            delegate.collect(record);
            emitted();
        }

        @Override
        public void collect(T record, long timestamp) {
            delegate.collect(record, timestamp);
            emitted();
        }

        @Override
        public void emitWatermark(Watermark watermark) {
            delegate.emitWatermark(watermark);
        }

        @Override
        public void markIdle() {
            delegate.markIdle();
        }

        @Override
        public void markActive() {
            delegate.markActive();
        }
    }

    private static final class CountingReaderOutput<T> extends CountingOutput<T> implements ReaderOutput<T> {
        private final ReaderOutput<T> delegate;

        CountingReaderOutput(ReaderOutput<T> delegate) {
            super(delegate);
            this.delegate = delegate;
        }

        @Override
        public SourceOutput<T> createOutputForSplit(String splitId) {
            return new CountingOutput<>(delegate.createOutputForSplit(splitId));
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
            delegate.releaseOutputForSplit(splitId);
        }
    }
}
