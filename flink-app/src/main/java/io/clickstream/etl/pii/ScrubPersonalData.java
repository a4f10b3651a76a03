package io.clickstream.etl.pii;

import io.clickstream.etl.metrics.PipelineMetrics;
import io.clickstream.etl.model.ClickEvent;
import io.clickstream.etl.model.DeadLetter;
import io.clickstream.etl.model.FailureType;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Applies the {@link PiiScrubber} to every event and counts what it removed. An event the scrubber
 * fails on goes to the dead letters with the error, so that one record cannot stop the job. Events
 * the lake already holds (a start without saved state) pass untouched, on to deduplication.
 */
public final class ScrubPersonalData extends ProcessFunction<ClickEvent, ClickEvent> {
    private static final long serialVersionUID = 1L;

    private final PiiScrubber scrubber;
    private final String jobVersion;
    private final int maxRawBytes;
    private transient Counter removed;
    private transient Counter failed;

    public ScrubPersonalData(PiiScrubber scrubber, String jobVersion, int maxRawBytes) {
        this.scrubber = scrubber;
        this.jobVersion = jobVersion;
        this.maxRawBytes = maxRawBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        removed = PipelineMetrics.counter(getRuntimeContext(), PipelineMetrics.PII_FIELDS_REMOVED);
        failed = PipelineMetrics.counter(getRuntimeContext(), PipelineMetrics.deadLetters(FailureType.PROCESSING_ERROR));
    }

    @Override
    public void processElement(ClickEvent event, Context ctx, Collector<ClickEvent> out) {
        if (event.inLake) {
            out.collect(event);
            return;
        }
        int changed;
        try {
            changed = scrubber.scrub(event);
        } catch (RuntimeException | StackOverflowError e) {
            failed.inc();
            ctx.output(DeadLetter.SIDE_OUTPUT, DeadLetter.processingError(event, "remove_personal_data", e,
                    ctx.timerService().currentProcessingTime(), jobVersion, maxRawBytes));
            return;
        }
        removed.inc(changed);
        out.collect(event);
    }
}
