package io.clickstream.etl.source;

import io.clickstream.etl.config.JobConfig;

import org.apache.flink.core.fs.Path;

import java.io.IOException;
import java.util.List;
import java.util.function.LongSupplier;

/** Runs object discovery round by round on a given clock, outside a job, with a reader that takes every object at once. */
public final class DiscoveryDriver {
    private final RecordingEnumeratorContext context = new RecordingEnumeratorContext();
    private final ObjectDiscoveryEnumerator enumerator;

    public DiscoveryDriver(JobConfig config, LongSupplier clock) {
        // Not a fresh start: the lake is not consulted, so only discovery's own requests are made.
        enumerator = new ObjectDiscoveryEnumerator(context, new Path(config.inputPath), ObjectDiscoveryEnumerator.Settings.of(config),
                DiscoveryState.empty(), false, clock);
    }

    /** One discovery round; returns whether it swept the whole root. */
    public boolean round() throws IOException {
        ObjectDiscoveryEnumerator.Listing listing = enumerator.list();
        enumerator.handOut(listing, null);
        int before;
        do {
            before = context.assigned.size();
            enumerator.handleSplitRequest(0, "localhost");
        } while (context.assigned.size() > before);
        return listing.sweep;
    }

    public List<RawObjectSplit> assigned() {
        return context.assigned;
    }
}
