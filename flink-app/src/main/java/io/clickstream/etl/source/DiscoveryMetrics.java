package io.clickstream.etl.source;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;

import java.util.function.IntSupplier;

/**
 * Object discovery's metrics ({@code lateObjects}, {@code listRequests}, {@code rememberedObjects},
 * {@code pendingObjects}), registered once per source instance and handed to each enumerator it
 * makes. A global failover makes a new enumerator in the same job, and Flink refuses a second
 * metric of a name: it warns and goes on reporting the first, so a new enumerator's own metrics
 * would never show.
 */
final class DiscoveryMetrics {
    final Counter lateObjects;
    final Counter listRequests;
    private volatile IntSupplier remembered = () -> 0;
    private volatile IntSupplier pending = () -> 0;

    DiscoveryMetrics(MetricGroup group) {
        lateObjects = group.counter("lateObjects");
        listRequests = group.counter("listRequests");
        group.gauge("rememberedObjects", (Gauge<Integer>) () -> remembered.getAsInt());
        group.gauge("pendingObjects", (Gauge<Integer>) () -> pending.getAsInt());
    }

    /** From now on the gauges report these sizes (the newest enumerator's state). */
    void reportFrom(IntSupplier remembered, IntSupplier pending) {
        this.remembered = remembered;
        this.pending = pending;
    }
}
