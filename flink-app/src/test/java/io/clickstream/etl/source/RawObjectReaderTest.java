package io.clickstream.etl.source;

import io.clickstream.etl.TestEvents;
import io.clickstream.etl.model.RawRecord;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.fetcher.SingleThreadFetcherManager;
import org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.metrics.groups.SourceReaderMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.UserCodeClassLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reader's requests for objects (the next one is asked for while one is read), and its fetcher
 * manager against Flink's (FLINK-36146): while another thread removes the fetcher from the map and
 * puts it back, as a fetcher's thread does when it shuts down, Flink's manager fails to find it in
 * the middle of a change, ours never does. The job's own reading (every MiniCluster test) goes
 * through {@link RawObjectReader}.
 */
class RawObjectReaderTest {

    @TempDir
    java.nio.file.Path dir;

    @Test
    void holdsTheNextObjectWhileItReadsOneAndStopsAskingWhenThereAreNoMore() throws Exception {
        RecordingContext context = new RecordingContext();
        RawObjectReader reader = new RawObjectReader(context, new FirehoseObjectFormat<>(1 << 20, 4096), new Configuration());
        List<RawRecord> read = new ArrayList<>();
        try {
            reader.start();
            assertThat(context.requests).as("asked at start: the object to read and the next").isEqualTo(RawObjectReader.OBJECTS_AHEAD);

            reader.addSplits(List.of(object("a.gz", 0, 300), object("b.gz", 300, 500)));
            pollUntil(reader, read, () -> context.requests > RawObjectReader.OBJECTS_AHEAD);
            assertThat(context.requests).as("one more once the first object is finished").isEqualTo(RawObjectReader.OBJECTS_AHEAD + 1);
            assertThat(read.stream().filter(r -> r.objectEnd).count()).as("objects finished when it asked").isEqualTo(1);

            reader.notifyNoMoreSplits();
            assertThat(pollUntil(reader, read, () -> false)).isEqualTo(InputStatus.END_OF_INPUT);
            assertThat(context.requests).as("none after the enumerator said there are no more").isEqualTo(RawObjectReader.OBJECTS_AHEAD + 1);
        } finally {
            reader.close();
        }
        List<String> ids = new ArrayList<>();
        for (RawRecord r : read) {
            if (!r.objectEnd) {
                ids.add(r.key.toString());
            }
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            expected.add(TestEvents.uuid(i));
        }
        assertThat(ids).as("both objects, each in order, the first one first").isEqualTo(expected);
    }

    private RawObjectSplit object(String name, int from, int to) throws Exception {
        java.nio.file.Path file = dir.resolve(name);
        Files.write(file, FirehoseObjectFormatTest.gzip(FirehoseObjectFormatTest.lines(from, to)));
        return new RawObjectSplit(new org.apache.flink.core.fs.Path(file.toUri()), Files.size(file), 0L, null, null);
    }

    /** Polls as a source task does, until {@code done} holds or the input ends; returns the last status. */
    private static InputStatus pollUntil(RawObjectReader reader, List<RawRecord> read, BooleanSupplier done) throws Exception {
        ReaderOutput<RawRecord> output = new CollectingOutput(read);
        InputStatus status;
        do {
            status = reader.pollNext(output);
            if (status == InputStatus.NOTHING_AVAILABLE) {
                reader.isAvailable().get(30, TimeUnit.SECONDS);
            }
        } while (status != InputStatus.END_OF_INPUT && !done.getAsBoolean());
        return status;
    }

    /** Counts the reader's requests for objects. */
    private static final class RecordingContext implements SourceReaderContext {
        int requests;

        @Override
        public SourceReaderMetricGroup metricGroup() {
            return UnregisteredMetricsGroup.createSourceReaderMetricGroup();
        }

        @Override
        public Configuration getConfiguration() {
            return new Configuration();
        }

        @Override
        public String getLocalHostName() {
            return "localhost";
        }

        @Override
        public int getIndexOfSubtask() {
            return 0;
        }

        @Override
        public void sendSplitRequest() {
            requests++;
        }

        @Override
        public void sendSourceEventToCoordinator(SourceEvent sourceEvent) {
            throw new UnsupportedOperationException();
        }

        @Override
        public UserCodeClassLoader getUserCodeClassLoader() {
            throw new UnsupportedOperationException();
        }
    }

    /** Keeps what the reader emits. */
    private static final class CollectingOutput implements ReaderOutput<RawRecord> {
        private final List<RawRecord> records;

        CollectingOutput(List<RawRecord> records) {
            this.records = records;
        }

        @Override
        public void collect(RawRecord record) {
            records.add(record); // the format makes a new record each time
        }

        @Override
        public void collect(RawRecord record, long timestamp) {
            collect(record);
        }

        @Override
        public void emitWatermark(Watermark watermark) {
        }

        @Override
        public void markIdle() {
        }

        @Override
        public void markActive() {
        }

        @Override
        public SourceOutput<RawRecord> createOutputForSplit(String splitId) {
            return this;
        }

        @Override
        public void releaseOutputForSplit(String splitId) {
        }
    }

    @Test
    void findsItsRunningFetcherInOneLookAtTheMap() throws Exception {
        // The race needs both threads on a core at once: on a busy machine Flink's manager can go
        // millions of lookups without failing, so it gets up to a minute to show its first failure.
        Churn flink = lookupsWhileTheFetcherComesAndGoes(new FlinkManager(), Long.MAX_VALUE, Duration.ofMinutes(1), true);
        assertThat(flink.failures).as("Flink's manager").isPositive();
        Churn ours = lookupsWhileTheFetcherComesAndGoes(new OurManager(), 2_000_000, Duration.ofMinutes(1), false);
        assertThat(ours.failures).as("the reader's manager").isZero();
        assertThat(ours.lookups).isEqualTo(2_000_000);
        assertThat(ours.changes).as("the fetcher removed and put back meanwhile").isGreaterThan(1_000);
    }

    /** How many lookups were made and threw, and how often the fetcher went and came back meanwhile. */
    private static final class Churn {
        long lookups;
        long failures;
        long changes;
    }

    private static Churn lookupsWhileTheFetcherComesAndGoes(Probe manager, long lookups, Duration limit, boolean untilFirstFailure)
            throws Exception {
        SplitFetcher<RecordAndPosition<RawRecord>, RawObjectSplit> fetcher = manager.add();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong changes = new AtomicLong();
        Thread churn = new Thread(() -> {
            while (!done.get()) {
                manager.map().remove(fetcher.fetcherId());
                manager.map().put(fetcher.fetcherId(), fetcher);
                changes.incrementAndGet();
            }
        });
        churn.start();
        Churn result = new Churn();
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (result.lookups < lookups && System.nanoTime() < deadline && !(untilFirstFailure && result.failures > 0)) {
                result.lookups++;
                try {
                    SplitFetcher<?, ?> found = manager.running();
                    assertThat(found == null || found == fetcher).isTrue();
                } catch (NoSuchElementException e) {
                    result.failures++;
                }
            }
        } finally {
            done.set(true);
            churn.join();
            manager.close(1_000);
        }
        result.changes = changes.get();
        return result;
    }

    /** What the test needs of a manager: Flink's and ours differ only in the class they extend. */
    private interface Probe {
        SplitFetcher<RecordAndPosition<RawRecord>, RawObjectSplit> add();

        Map<Integer, SplitFetcher<RecordAndPosition<RawRecord>, RawObjectSplit>> map();

        SplitFetcher<?, ?> running();

        void close(long timeoutMillis) throws Exception;
    }

    private static final class FlinkManager extends SingleThreadFetcherManager<RecordAndPosition<RawRecord>, RawObjectSplit> implements Probe {
        FlinkManager() {
            super(() -> new ObjectSplitReader(null, null), new Configuration());
        }

        public SplitFetcher<RecordAndPosition<RawRecord>, RawObjectSplit> add() { return createSplitFetcher(); }

        public Map<Integer, SplitFetcher<RecordAndPosition<RawRecord>, RawObjectSplit>> map() { return fetchers; }

        public SplitFetcher<?, ?> running() { return getRunningFetcher(); }
    }

    private static final class OurManager extends RawObjectReader.RaceFreeFetcherManager<RecordAndPosition<RawRecord>, RawObjectSplit>
            implements Probe {
        OurManager() {
            super(() -> new ObjectSplitReader(null, null), new Configuration());
        }

        public SplitFetcher<RecordAndPosition<RawRecord>, RawObjectSplit> add() { return createSplitFetcher(); }

        public Map<Integer, SplitFetcher<RecordAndPosition<RawRecord>, RawObjectSplit>> map() { return fetchers; }

        public SplitFetcher<?, ?> running() { return getRunningFetcher(); }
    }
}
