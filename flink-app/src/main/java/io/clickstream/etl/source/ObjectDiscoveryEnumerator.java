package io.clickstream.etl.source;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.config.JobConfig.InputLayout;
import io.clickstream.etl.sink.LakeLedger;

import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.FlinkRuntimeException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.function.LongSupplier;

import static io.clickstream.etl.source.FirehoseKeyLayout.HOUR_MILLIS;
import static io.clickstream.etl.source.FirehoseKeyLayout.NO_HOUR;
import static io.clickstream.etl.source.FirehoseKeyLayout.hourStart;

/**
 * Finds raw objects and hands them to the reader in key order, remembering only what a window
 * needs, so that its state and its requests per round do not grow with the job's age.
 *
 * <p>Every monitor interval it lists the Firehose hour prefixes that can still receive objects:
 * from the hour {@code input.lookback} before now up to now. Objects under those hours are
 * remembered until their hour leaves the window. Every sweep interval (and first of all) it lists
 * the whole root; an object found there outside the window is new if it was modified after the
 * previous sweep started (less {@link #MARGIN_MILLIS}), and it is remembered while the next sweep
 * could take it for new. So an object that lands late under an old hour, or under a key of
 * another layout, is read at the next sweep, and counted and logged as late.
 *
 * <p>Bounded mode lists the root once and signals the end when every object is handed out.
 *
 * <p>A start without saved state (and without {@code input.reprocess}) reads the {@link LakeLedger}
 * for the objects of its first listing: their records the lake or the dead letters already hold
 * are marked on the splits (each with its own mark) and read again but not written; deduplication
 * remembers the lake's only.
 */
public final class ObjectDiscoveryEnumerator implements SplitEnumerator<RawObjectSplit, DiscoveryState> {
    private static final Logger LOG = LoggerFactory.getLogger(ObjectDiscoveryEnumerator.class);

    /**
     * Allowance for S3's clock against the job's and for slow uploads (an object's modification
     * time is when its upload started): how far before the previous sweep a modification time may
     * lie and still be taken as unseen.
     */
    static final long MARGIN_MILLIS = 10 * 60_000L;

    private static final Comparator<RawObjectSplit> BY_KEY = Comparator.comparing(s -> s.path().toString());

    /** How discovery runs; serializable as part of the source. */
    public static final class Settings implements Serializable {
        private static final long serialVersionUID = 1L;
        final boolean bounded;
        final InputLayout layout;
        final long intervalMillis;
        final long lookbackMillis;
        final long sweepMillis;
        /** Where a start without state looks for what was written already; null: never (reprocess). */
        @Nullable
        final Path lake;
        @Nullable
        final Path deadLetters;

        public Settings(boolean bounded, InputLayout layout, long intervalMillis, long lookbackMillis, long sweepMillis,
                        @Nullable Path lake, @Nullable Path deadLetters) {
            this.bounded = bounded;
            this.layout = layout;
            this.intervalMillis = intervalMillis;
            this.lookbackMillis = lookbackMillis;
            this.sweepMillis = sweepMillis;
            this.lake = lake;
            this.deadLetters = deadLetters;
        }

        /** The job's settings; without lake and dead-letter paths when {@code input.reprocess} is set. */
        public static Settings of(JobConfig config) {
            return new Settings(config.bounded(), config.inputLayout, config.monitorInterval.toMillis(), config.inputLookback.toMillis(),
                    config.sweepInterval.toMillis(), config.reprocess ? null : new Path(config.lakePath),
                    config.reprocess ? null : new Path(config.deadLetterPath));
        }
    }

    /** One round's listing, made off the coordinator thread. */
    static final class Listing {
        final long startedAt;
        final boolean sweep;
        final List<FileStatus> objects;
        final int requests;
        /** On the first listing of a start without state: what the lake and the dead letters already hold of the objects. */
        @Nullable
        final LakeLedger.Held held;

        Listing(long startedAt, boolean sweep, List<FileStatus> objects, int requests, @Nullable LakeLedger.Held held) {
            this.startedAt = startedAt;
            this.sweep = sweep;
            this.objects = objects;
            this.requests = requests;
            this.held = held;
        }
    }

    private final SplitEnumeratorContext<RawObjectSplit> context;
    private final Path root;
    private final Settings settings;
    private final LongSupplier clock;
    private final FirehoseKeyLayout layout;
    private final String rootFolder;
    private final PriorityQueue<RawObjectSplit> pending = new PriorityQueue<>(BY_KEY);
    /** Key to modification time of every object that a later listing must not take for new. */
    private final Map<String, Long> remembered;
    /** Open requests, one entry per request: a reader asks for the object after the one it reads too. */
    private final Deque<Integer> awaitingSplit = new ArrayDeque<>();
    private final Counter lateObjects;
    private final Counter listRequests;
    /** Read by the listing thread to decide whether a round sweeps. */
    private volatile long lastSweepStart;
    /** An object of the restored state's, when that state is of another input root (checked as the enumerator starts). */
    private final Optional<String> foreignState;
    /** Set until the first listing of a start without state has read the ledger. */
    private volatile boolean ledgerPending;
    private long prunedAtWindow = Long.MIN_VALUE;
    private long prunedAtSweep = Long.MIN_VALUE;

    /**
     * @param freshStart whether the job starts without saved state: then the ledger is read (unless
     *     the settings have no lake)
     */
    public ObjectDiscoveryEnumerator(SplitEnumeratorContext<RawObjectSplit> context, Path root, Settings settings,
                                     DiscoveryState state, boolean freshStart, LongSupplier clock) {
        this(context, root, settings, state, freshStart, clock, new DiscoveryMetrics(context.metricGroup()));
    }

    /** With the metrics of the enumerators before it in this job ({@link RawObjectSource} keeps them). */
    ObjectDiscoveryEnumerator(SplitEnumeratorContext<RawObjectSplit> context, Path root, Settings settings,
                              DiscoveryState state, boolean freshStart, LongSupplier clock, DiscoveryMetrics metrics) {
        this.context = context;
        this.root = root;
        this.settings = settings;
        this.clock = clock;
        this.layout = new FirehoseKeyLayout(root);
        this.rootFolder = LakeLedger.folder(root);
        this.ledgerPending = freshStart && settings.lake != null;
        this.foreignState = state.objectOfAnotherInput(root);
        this.pending.addAll(state.pending);
        this.remembered = new HashMap<>(state.remembered);
        this.lastSweepStart = state.lastSweepStart;
        this.lateObjects = metrics.lateObjects;
        this.listRequests = metrics.listRequests;
        metrics.reportFrom(remembered::size, pending::size);
    }

    @Override
    public void start() {
        foreignState.ifPresent(other -> {
            throw new IllegalStateException("The saved state is of another input: it names raw objects such as " + other
                    + ", none under input.path " + root + " (another pipeline's savepoint, or input.path changed). Resumed, the job"
                    + " would take every object under input.path for new and write it again. Resume with the input.path the state was"
                    + " made with, or start without saved state (what that writes again: docs/operations.md, \"Starting without saved state\").");
        });
        if (!settings.bounded) {
            context.callAsync(this::list, this::handOut, 0, settings.intervalMillis);
        } else if (lastSweepStart == DiscoveryState.NEVER) {
            context.callAsync(this::list, this::handOut);
        }
    }

    /** Lists what this round needs: the hours of the window, or everything when it is time to sweep. */
    Listing list() throws IOException {
        long now = clock.getAsLong();
        long last = lastSweepStart;
        boolean sweep = settings.bounded || settings.layout == InputLayout.ANY || last == DiscoveryState.NEVER
                || now - last >= settings.sweepMillis;
        FileSystem fs = root.getFileSystem();
        List<FileStatus> found = new ArrayList<>();
        int requests = 0;
        if (sweep) {
            requests += listTree(fs, root, found);
        } else {
            for (long hour = hourStart(now - settings.lookbackMillis); hour <= hourStart(now + MARGIN_MILLIS); hour += HOUR_MILLIS) {
                requests += listFolder(fs, layout.hourFolder(root, hour), found, null);
            }
        }
        LakeLedger.Held held = ledgerPending && sweep ? readLedger(found) : null;
        return new Listing(now, sweep, found, requests, held);
    }

    /** What the lake and the dead letters hold of the listed objects, read from files written since the oldest landed. */
    private LakeLedger.Held readLedger(List<FileStatus> objects) throws IOException {
        Set<String> keys = new HashSet<>();
        long oldest = Long.MAX_VALUE;
        for (FileStatus object : objects) {
            keys.add(LakeLedger.below(rootFolder, object.getPath().toString()));
            oldest = Math.min(oldest, object.getModificationTime());
        }
        if (keys.isEmpty()) {
            return new LakeLedger.Held();
        }
        LakeLedger.Held held = LakeLedger.read(settings.lake, settings.deadLetters, root, keys, oldest - MARGIN_MILLIS);
        for (String file : held.unreadable) {
            LOG.warn("Reading what the lake and the dead letters hold, skipped {} (no file the job writes, and none Athena can read:"
                    + " move it out of output.lake.path or output.dead-letter.path)", file);
        }
        LOG.info("Started without saved state: the lake and the dead letters already hold {} records of {} of the {} objects found; "
                + "those records are read but not written again, and the lake's are remembered for deduplication "
                + "(input.reprocess=true writes them again)", held.records(), held.objects(), keys.size());
        return held;
    }

    /** Takes what is new from a listing, in the coordinator thread. */
    void handOut(@Nullable Listing listing, @Nullable Throwable error) {
        if (error != null) {
            if (settings.bounded) {
                throw new FlinkRuntimeException("Could not list the raw objects under " + root, error);
            }
            LOG.warn("Could not list the raw objects under {}; trying again in {} ms", root, settings.intervalMillis, error);
            return;
        }
        listRequests.inc(listing.requests);
        if (listing.held != null) {
            ledgerPending = false;
        }
        long windowStart = hourStart(listing.startedAt - settings.lookbackMillis);
        long floor = lastSweepStart == DiscoveryState.NEVER ? Long.MIN_VALUE : lastSweepStart - MARGIN_MILLIS;
        for (FileStatus object : listing.objects) {
            String key = object.getPath().toString();
            if (remembered.containsKey(key)) {
                continue;
            }
            if (!settings.bounded) {
                if (!inWindow(object.getPath(), windowStart)) {
                    if (object.getModificationTime() < floor) {
                        continue; // seen while its hour was in the window, or by an earlier sweep
                    }
                    if (floor != Long.MIN_VALUE && settings.layout == InputLayout.FIREHOSE) {
                        lateObjects.inc();
                        LOG.info("Reading {}: it landed outside the hour window (under an hour that ended more than input.lookback ago, "
                                + "or not under a YYYY/MM/DD/HH/ prefix), so the sweep found it", key);
                    }
                }
                remembered.put(key, object.getModificationTime());
            }
            String below = listing.held == null ? null : LakeLedger.below(rootFolder, key);
            pending.add(new RawObjectSplit(object.getPath(), object.getLen(), object.getModificationTime(),
                    below == null ? null : listing.held.lake.get(below), below == null ? null : listing.held.deadLetters.get(below)));
        }
        if (listing.sweep) {
            lastSweepStart = listing.startedAt;
        }
        forget(windowStart);
        assignSplits();
    }

    /** Drops what no later listing can take for new: outside the window and modified before the last sweep. */
    private void forget(long windowStart) {
        if (windowStart == prunedAtWindow && lastSweepStart == prunedAtSweep) {
            return;
        }
        prunedAtWindow = windowStart;
        prunedAtSweep = lastSweepStart;
        long keepFrom = lastSweepStart == DiscoveryState.NEVER ? Long.MIN_VALUE : lastSweepStart - MARGIN_MILLIS;
        remembered.entrySet().removeIf(e -> e.getValue() < keepFrom && !inWindow(new Path(e.getKey()), windowStart));
    }

    private boolean inWindow(Path object, long windowStart) {
        if (settings.layout != InputLayout.FIREHOSE) {
            return false;
        }
        long hour = layout.hourOf(object);
        return hour != NO_HOUR && hour >= windowStart;
    }

    private void assignSplits() {
        Iterator<Integer> awaiting = awaitingSplit.iterator();
        while (awaiting.hasNext()) {
            int subtask = awaiting.next();
            if (!context.registeredReaders().containsKey(subtask)) {
                awaiting.remove();
                continue;
            }
            RawObjectSplit next = pending.poll();
            if (next != null) {
                context.assignSplit(next, subtask);
                awaiting.remove();
            } else if (settings.bounded && lastSweepStart != DiscoveryState.NEVER) {
                context.signalNoMoreSplits(subtask);
                awaiting.remove();
            } else {
                break;
            }
        }
    }

    @Override
    public void handleSplitRequest(int subtaskId, @Nullable String requesterHostname) {
        awaitingSplit.add(subtaskId);
        assignSplits();
    }

    @Override
    public void addSplitsBack(List<RawObjectSplit> splits, int subtaskId) {
        pending.addAll(splits);
    }

    @Override
    public void addReader(int subtaskId) {
        // A reader registers before it asks: requests still open from its failed attempt are stale.
        awaitingSplit.removeIf(subtask -> subtask == subtaskId);
    }

    @Override
    public DiscoveryState snapshotState(long checkpointId) {
        return new DiscoveryState(new ArrayList<>(pending), remembered, lastSweepStart);
    }

    @Override
    public void close() {
    }

    /** Objects found outside the hour window by a sweep (the {@code lateObjects} metric). */
    long lateObjects() {
        return lateObjects.getCount();
    }

    // ---- listing ----------------------------------------------------------------------------

    /** Lists a folder's visible objects (and, with {@code folders}, its visible sub-folders); returns the requests made. */
    private static int listFolder(FileSystem fs, Path folder, List<FileStatus> objects, @Nullable List<Path> folders) throws IOException {
        FileStatus[] children;
        try {
            children = fs.listStatus(folder);
        } catch (FileNotFoundException e) {
            return 1; // an hour nothing has landed under yet
        }
        if (children == null) {
            return 1;
        }
        for (FileStatus child : children) {
            if (hidden(child.getPath())) {
                continue;
            }
            if (!child.isDir()) {
                objects.add(child);
            } else if (folders != null) {
                folders.add(child.getPath());
            }
        }
        return 1;
    }

    private static int listTree(FileSystem fs, Path root, List<FileStatus> objects) throws IOException {
        int requests = 0;
        List<Path> folders = new ArrayList<>(List.of(root));
        while (!folders.isEmpty()) {
            requests += listFolder(fs, folders.remove(folders.size() - 1), objects, folders);
        }
        return requests;
    }

    /** Names starting with '.' or '_' are hidden, as for Flink's FileSource and Athena. */
    private static boolean hidden(Path p) {
        String name = p.getName();
        return name.startsWith(".") || name.startsWith("_");
    }
}
