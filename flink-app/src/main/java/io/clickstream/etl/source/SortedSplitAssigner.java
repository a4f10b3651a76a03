package io.clickstream.etl.source;

import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.assigners.FileSplitAssigner;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * Hands out objects in the order their keys sort. Firehose keys embed the arrival time, so with a
 * single reader a backlog is read in arrival order, and the first copy of an event that landed
 * twice is always the one seen first.
 */
public final class SortedSplitAssigner implements FileSplitAssigner {

    private static final Comparator<FileSourceSplit> BY_KEY =
            Comparator.comparing((FileSourceSplit s) -> s.path().toString()).thenComparing(FileSourceSplit::splitId);

    private final PriorityQueue<FileSourceSplit> pending = new PriorityQueue<>(BY_KEY);

    public SortedSplitAssigner(Collection<FileSourceSplit> initial) {
        pending.addAll(initial);
    }

    @Override
    public Optional<FileSourceSplit> getNext(String hostname) {
        return Optional.ofNullable(pending.poll());
    }

    @Override
    public void addSplits(Collection<FileSourceSplit> splits) {
        pending.addAll(splits);
    }

    @Override
    public Collection<FileSourceSplit> remainingSplits() {
        List<FileSourceSplit> sorted = new ArrayList<>(pending);
        sorted.sort(BY_KEY);
        return sorted;
    }

    /** Serializable factory, as a named class rather than a lambda. */
    public static final class Provider implements FileSplitAssigner.Provider {
        private static final long serialVersionUID = 1L;

        @Override
        public FileSplitAssigner create(Collection<FileSourceSplit> initialSplits) {
            return new SortedSplitAssigner(initialSplits);
        }
    }
}
