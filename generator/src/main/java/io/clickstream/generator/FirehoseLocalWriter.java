package io.clickstream.generator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/**
 * Lands records in a folder the way Amazon Data Firehose lands them in S3: GZIP objects under
 * {@code YYYY/MM/DD/HH/} of arrival time, named {@code <stream>-1-YYYY-MM-DD-HH-MM-SS-<uuid>.gz},
 * buffered by size and interval. An object is written under a hidden name and renamed when
 * complete, so a reader never sees half an object.
 */
public final class FirehoseLocalWriter {

    private static final DateTimeFormatter PREFIX = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH/", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Path root;
    private final String streamName;
    private final long bufferBytes;
    private final long bufferMillis;
    private final SplittableRandom random;

    public FirehoseLocalWriter(Path root, String streamName, long bufferBytes, long bufferMillis, long seed) {
        this.root = root;
        this.streamName = streamName;
        this.bufferBytes = bufferBytes;
        this.bufferMillis = bufferMillis;
        this.random = new SplittableRandom(seed);
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
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        long bufferStart = -1;
        long lastObjectSecond = Long.MIN_VALUE;
        for (int i = 0; i < records.size(); i++) {
            GeneratedRecord record = records.get(i);
            if (bufferStart >= 0 && (buffer.size() >= bufferBytes || record.arrivalMillis() - bufferStart >= bufferMillis)) {
                lastObjectSecond = flush(buffer, bufferStart, lastObjectSecond, objects);
                bufferStart = -1;
            }
            if (bufferStart < 0) {
                bufferStart = record.arrivalMillis();
            }
            buffer.write(record.json().getBytes(StandardCharsets.UTF_8));
            GeneratedRecord next = i + 1 < records.size() ? records.get(i + 1) : null;
            // A malformed record spoils its whole line, so it never shares one with another record.
            boolean sameLine = record.backToBack() && record.fate() != Fate.MALFORMED
                    && (next == null || next.fate() != Fate.MALFORMED);
            if (!sameLine) {
                buffer.write('\n');
            }
        }
        if (bufferStart >= 0) {
            flush(buffer, bufferStart, lastObjectSecond, objects);
        }
        return objects;
    }

    private long flush(ByteArrayOutputStream buffer, long startMillis, long lastSecond, List<Path> objects) throws IOException {
        // Keys must sort in delivery order: never reuse or go back on a second.
        long second = Math.max(startMillis / 1000, lastSecond + 1);
        Instant at = Instant.ofEpochSecond(second);
        UUID id = new UUID(random.nextLong(), random.nextLong());
        String name = streamName + "-1-" + STAMP.format(at) + "-" + id + ".gz";
        Path dir = root.resolve(PREFIX.format(at));
        Files.createDirectories(dir);
        Path hidden = dir.resolve("." + name + ".writing");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(hidden), 1 << 16)) {
            buffer.writeTo(out);
        }
        Path target = dir.resolve(name);
        Files.move(hidden, target, StandardCopyOption.ATOMIC_MOVE);
        objects.add(target);
        buffer.reset();
        return second;
    }
}
