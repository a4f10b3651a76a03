package io.clickstream.etl.source;

import io.clickstream.etl.model.RawRecord;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.fetcher.SingleThreadFetcherManager;
import org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reader's fetcher manager against Flink's (FLINK-36146): while another thread removes the
 * fetcher from the map and puts it back, as a fetcher's thread does when it shuts down, Flink's
 * manager fails to find it in the middle of a change, ours never does. The job's own reading
 * (every MiniCluster test) goes through {@link RawObjectReader}.
 */
class RawObjectReaderTest {

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
