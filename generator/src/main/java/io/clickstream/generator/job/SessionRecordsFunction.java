package io.clickstream.generator.job;

import io.clickstream.generator.GeneratedRecord;
import io.clickstream.generator.GeneratorSettings;
import io.clickstream.generator.TrafficGenerator;

import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.datagen.source.GeneratorFunction;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Produces the wire text of the next record for the data generator source. Subtask {@code i} of
 * {@code n} plays sessions {@code i, i+n, i+2n, ...}; each session is derived from the seed and its
 * number, so a given seed, settings and parallelism always send the same records (in live mode the
 * same records with the times of sending).
 */
public final class SessionRecordsFunction implements GeneratorFunction<Long, String> {
    private static final long serialVersionUID = 1L;

    private final GeneratorSettings settings;
    private final boolean live;
    private transient TrafficGenerator traffic;
    private transient Deque<GeneratedRecord> pending;
    private transient long nextSession;
    private transient int stride;

    /**
     * @param live start each session when it is generated (event time = time of sending) instead of
     *     at its simulated time in the configured days
     */
    public SessionRecordsFunction(GeneratorSettings settings, boolean live) {
        this.settings = settings;
        this.live = live;
    }

    @Override
    public void open(SourceReaderContext context) {
        traffic = new TrafficGenerator(settings);
        pending = new ArrayDeque<>();
        nextSession = context.getIndexOfSubtask();
        stride = context.currentParallelism();
    }

    @Override
    public String map(Long index) {
        while (pending.isEmpty()) {
            pending.addAll(traffic.session(nextSession, live ? System.currentTimeMillis() : -1));
            nextSession += stride;
        }
        return new String(pending.poll().wire(), StandardCharsets.UTF_8);
    }
}
