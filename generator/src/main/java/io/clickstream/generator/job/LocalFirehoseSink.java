package io.clickstream.generator.job;

import io.clickstream.generator.FirehoseObjectWriter;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;

/**
 * Lands records in a local folder as Firehose lands them in S3, by real arrival time. Like
 * Firehose it delivers at least once: after a failure some records may land twice.
 */
public final class LocalFirehoseSink implements Sink<String> {
    private static final long serialVersionUID = 1L;

    private final String folder;
    private final long bufferBytes;
    private final long bufferMillis;
    private final long seed;

    public LocalFirehoseSink(String folder, long bufferBytes, long bufferMillis, long seed) {
        this.folder = folder;
        this.bufferBytes = bufferBytes;
        this.bufferMillis = bufferMillis;
        this.seed = seed;
    }

    @Override
    @SuppressWarnings("deprecation")
    public SinkWriter<String> createWriter(InitContext context) {
        int subtask = context.getTaskInfo().getIndexOfThisSubtask();
        return new Writer(new FirehoseObjectWriter(Paths.get(folder), "clickstream", bufferBytes, bufferMillis, seed * 31 + subtask));
    }

    private static final class Writer implements SinkWriter<String> {
        private final FirehoseObjectWriter objects;

        Writer(FirehoseObjectWriter objects) {
            this.objects = objects;
        }

        @Override
        public void write(String record, Context context) throws IOException {
            objects.add(record.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis());
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            if (endOfInput) {
                objects.flush();
            } else {
                objects.flushIfDue(System.currentTimeMillis());
            }
        }

        @Override
        public void close() throws IOException {
            objects.close();
        }
    }
}
