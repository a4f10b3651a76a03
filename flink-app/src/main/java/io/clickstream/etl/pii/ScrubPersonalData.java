package io.clickstream.etl.pii;

import io.clickstream.etl.metrics.PipelineMetrics;
import io.clickstream.etl.model.ClickEvent;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Applies the {@link PiiScrubber} to every event and counts what it removed. */
public final class ScrubPersonalData extends ProcessFunction<ClickEvent, ClickEvent> {
    private static final long serialVersionUID = 1L;

    private final PiiScrubber scrubber;
    private transient Counter removed;

    public ScrubPersonalData(PiiScrubber scrubber) {
        this.scrubber = scrubber;
    }

    @Override
    public void open(OpenContext openContext) {
        removed = PipelineMetrics.counter(getRuntimeContext(), PipelineMetrics.PII_FIELDS_REMOVED);
    }

    @Override
    public void processElement(ClickEvent event, Context ctx, Collector<ClickEvent> out) {
        removed.inc(scrubber.scrub(event));
        out.collect(event);
    }
}
