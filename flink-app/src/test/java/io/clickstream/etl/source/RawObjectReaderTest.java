package io.clickstream.etl.source;

import io.clickstream.etl.model.RawRecord;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.fetcher.SingleThreadFetcherManager;
import org.apache.flink.connector.base.source.reader.fetcher.SplitFetcher;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

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
        assertThat(failuresWhileTheFetcherComesAndGoes(FlinkManager::new)).as("Flink's manager").isPositive();
        assertThat(failuresWhileTheFetcherComesAndGoes(OurManager::new)).as("the reader's manager").isZero();
    }

    /** Map lookups that threw, out of 2,000,000 made while another thread keeps removing and re-adding the fetcher. */
    private static long failuresWhileTheFetcherComesAndGoes(Supplier<Probe> managers) throws Exception {
        Probe manager = managers.get();
        SplitFetcher<RecordAndPosition<RawRecord>, RawObjectSplit> fetcher = manager.add();
        AtomicBoolean done = new AtomicBoolean();
        Thread churn = new Thread(() -> {
            while (!done.get()) {
                manager.map().remove(fetcher.fetcherId());
                manager.map().put(fetcher.fetcherId(), fetcher);
            }
        });
        churn.start();
        long failures = 0;
        try {
            for (int i = 0; i < 2_000_000; i++) {
                try {
                    SplitFetcher<?, ?> found = manager.running();
                    assertThat(found == null || found == fetcher).isTrue();
                } catch (NoSuchElementException e) {
                    failures++;
                }
            }
        } finally {
            done.set(true);
            churn.join();
            manager.close(1_000);
        }
        return failures;
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
