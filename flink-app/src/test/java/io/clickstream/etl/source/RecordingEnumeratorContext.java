package io.clickstream.etl.source;

import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;

/** An enumerator context with one registered reader that records what it is given; tests drive the rounds. */
final class RecordingEnumeratorContext implements SplitEnumeratorContext<RawObjectSplit> {
    final List<RawObjectSplit> assigned = new ArrayList<>();
    final Set<Integer> noMoreSplits = new HashSet<>();
    /** Every metric registered through {@link #metricGroup()}, in order (Flink refuses a second one of a name). */
    final List<Map.Entry<String, org.apache.flink.metrics.Metric>> registered = new ArrayList<>();

    @Override
    public SplitEnumeratorMetricGroup metricGroup() {
        return new Recording();
    }

    /** The last metric registered under {@code name}. */
    org.apache.flink.metrics.Metric metric(String name) {
        return registered.stream().filter(m -> m.getKey().equals(name)).reduce((a, b) -> b).orElseThrow().getValue();
    }

    private final class Recording extends UnregisteredMetricsGroup implements SplitEnumeratorMetricGroup {
        @Override
        public org.apache.flink.metrics.Counter counter(String name) {
            return counter(name, new org.apache.flink.metrics.SimpleCounter());
        }

        @Override
        public <C extends org.apache.flink.metrics.Counter> C counter(String name, C counter) {
            registered.add(Map.entry(name, counter));
            return counter;
        }

        @Override
        public <T, G extends org.apache.flink.metrics.Gauge<T>> G gauge(String name, G gauge) {
            registered.add(Map.entry(name, gauge));
            return gauge;
        }

        @Override
        public <G extends org.apache.flink.metrics.Gauge<Long>> G setUnassignedSplitsGauge(G unassignedSplitsGauge) {
            return unassignedSplitsGauge;
        }
    }

    @Override
    public void sendEventToSourceReader(int subtaskId, SourceEvent event) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int currentParallelism() {
        return 1;
    }

    @Override
    public Map<Integer, ReaderInfo> registeredReaders() {
        return Map.of(0, new ReaderInfo(0, "localhost"));
    }

    @Override
    public void assignSplits(SplitsAssignment<RawObjectSplit> assignment) {
        assignment.assignment().values().forEach(assigned::addAll);
    }

    @Override
    public void signalNoMoreSplits(int subtask) {
        noMoreSplits.add(subtask);
    }

    @Override
    public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler) {
        throw new UnsupportedOperationException("tests run the rounds themselves");
    }

    @Override
    public <T> void callAsync(Callable<T> callable, BiConsumer<T, Throwable> handler, long initialDelay, long period) {
        throw new UnsupportedOperationException("tests run the rounds themselves");
    }

    @Override
    public void runInCoordinatorThread(Runnable runnable) {
        runnable.run();
    }
}
