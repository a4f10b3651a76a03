package io.clickstream.generator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Lands a list of generated records in a folder as Firehose would, by their simulated arrival
 * time: a backfill of days of traffic in seconds. See {@link FirehoseObjectWriter} for the layout.
 */
public final class FirehoseLocalWriter {

    private final FirehoseObjectWriter writer;

    public FirehoseLocalWriter(Path root, String streamName, long bufferBytes, long bufferMillis, long seed) {
        this.writer = new FirehoseObjectWriter(root, streamName, bufferBytes, bufferMillis, seed);
    }

    /** Firehose's defaults: 5 MiB or 60 seconds, whichever comes first. */
    public static FirehoseLocalWriter withDefaults(Path root, long seed) {
        return new FirehoseLocalWriter(root, "clickstream", 5L << 20, 60_000L, seed);
    }

    /**
     * Writes records (sorted by arrival) into objects and returns the objects' paths in the order
     * written, which is also the order their keys sort.
     */
    public List<Path> write(List<GeneratedRecord> records) throws IOException {
        List<Path> objects = new ArrayList<>();
        for (GeneratedRecord record : records) {
            Path done = writer.add(record.wire(), record.arrivalMillis());
            if (done != null) {
                objects.add(done);
            }
        }
        Path last = writer.flush();
        if (last != null) {
            objects.add(last);
        }
        return objects;
    }
}
