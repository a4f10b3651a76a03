package io.clickstream.etl.parse;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.metrics.PipelineMetrics;
import io.clickstream.etl.model.ClickEvent;
import io.clickstream.etl.model.DeadLetter;
import io.clickstream.etl.model.EventKey;
import io.clickstream.etl.model.FailureType;
import io.clickstream.etl.model.RawRecord;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.io.IOException;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Parses and validates raw records, keyed by their {@code event_id}. Valid events go on; records
 * that the reader already failed, malformed JSON and schema violations go to {@link DeadLetter#SIDE_OUTPUT}.
 */
public final class ParseEvent extends KeyedProcessFunction<EventKey, RawRecord, ClickEvent> {
    private static final long serialVersionUID = 1L;

    private final EventParser parser;
    private final String jobVersion;
    private final int maxRawBytes;

    private transient Counter recordsIn;
    private transient Counter objectsRead;
    private transient Counter alreadyDeadLettered;
    private transient Map<FailureType, Counter> deadLetters;
    private transient byte[] lastSourceFileUtf8;
    private transient String lastSourceFile;

    public ParseEvent(JobConfig config) {
        this.parser = new EventParser(config.maxFutureSkew, config.maxExtraFields, config.earliestYear);
        this.jobVersion = config.jobVersion;
        this.maxRawBytes = config.deadLetterMaxRawBytes;
    }

    @Override
    public void open(OpenContext openContext) {
        recordsIn = PipelineMetrics.counter(getRuntimeContext(), PipelineMetrics.RECORDS_IN);
        objectsRead = PipelineMetrics.counter(getRuntimeContext(), PipelineMetrics.OBJECTS_READ);
        alreadyDeadLettered = PipelineMetrics.counter(getRuntimeContext(), PipelineMetrics.ALREADY_DEAD_LETTERED);
        deadLetters = new EnumMap<>(FailureType.class);
        for (FailureType type : FailureType.values()) {
            if (type != FailureType.ID_CONFLICT && type != FailureType.PROCESSING_ERROR) {
                deadLetters.put(type, PipelineMetrics.counter(getRuntimeContext(), PipelineMetrics.deadLetters(type)));
            }
        }
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ClickEvent> out) {
        if (raw.objectEnd) {
            objectsRead.inc();
            return;
        }
        recordsIn.inc();
        if (raw.deadLettered) {
            alreadyDeadLettered.inc(); // by an earlier run; not parsed, so deduplication does not remember its id
            return;
        }
        long now = ctx.timerService().currentProcessingTime();
        if (raw.failure != null) {
            reject(ctx, raw, raw.failure, null, null, raw.failureMessage, now);
            return;
        }
        ClickEvent event;
        try {
            event = parser.parse(raw.bytes, now);
        } catch (SchemaViolation v) {
            reject(ctx, raw, FailureType.SCHEMA_VIOLATION, v.field(), v.rule(), v.getMessage(), now);
            return;
        } catch (IOException e) {
            reject(ctx, raw, FailureType.MALFORMED_JSON, null, null, "invalid JSON: " + firstLine(e.getMessage()), now);
            return;
        }
        event.key = EventKey.of(event.eventId);
        if (!event.key.equals(ctx.getCurrentKey())) {
            // The reader keyed the record by a different id than the parser found; dedup would be wrong.
            reject(ctx, raw, FailureType.SCHEMA_VIOLATION, "event_id", "ambiguous", "event_id could not be read unambiguously", now);
            return;
        }
        event.sourceFile = sourceFile(raw);
        event.lineNumber = raw.lineNumber;
        event.sourceOrdinal = raw.ordinal;
        event.inLake = raw.inLake;
        event.ingestedAt = now;
        event.raw = raw.bytes;
        out.collect(event);
    }

    private void reject(Context ctx, RawRecord raw, FailureType type, String field, String rule, String message, long now) {
        if (raw.inLake) {
            alreadyDeadLettered.inc(); // by an earlier run
            return;
        }
        deadLetters.get(type).inc();
        ctx.output(DeadLetter.SIDE_OUTPUT, DeadLetter.of(type, field, rule, message, raw.bytes,
                Math.max(raw.originalSize, raw.bytes.length), sourceFile(raw), raw.lineNumber, raw.ordinal, now, jobVersion, maxRawBytes));
    }

    /** Records arrive object by object, so the previous record's path is nearly always the right one. */
    private String sourceFile(RawRecord raw) {
        if (!Arrays.equals(raw.sourceFileUtf8, lastSourceFileUtf8)) {
            lastSourceFileUtf8 = raw.sourceFileUtf8;
            lastSourceFile = raw.sourceFile();
        }
        return lastSourceFile;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unparseable";
        }
        int cut = message.indexOf('\n');
        return cut < 0 ? message : message.substring(0, cut);
    }
}
