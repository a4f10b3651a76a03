package io.clickstream.generator;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

/**
 * Buffers records and lands them the way Amazon Data Firehose lands them in S3: GZIP objects
 * under {@code YYYY/MM/DD/HH/} of arrival time, named
 * {@code <stream>-1-YYYY-MM-DD-HH-MM-SS-<uuid>.gz}, cut by size or by interval, whichever comes
 * first. An object is written under a hidden name and renamed when complete, so a reader never
 * sees half of one. Object keys sort in the order the objects were written.
 */
public final class FirehoseObjectWriter implements Closeable {

    private static final DateTimeFormatter PREFIX = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH/", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private final Path root;
    private final String streamName;
    private final long bufferBytes;
    private final long bufferMillis;
    private final SplittableRandom random;
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private long bufferStart = -1;
    private long lastSecond = Long.MIN_VALUE;
    private int sequenceInSecond;

    public FirehoseObjectWriter(Path root, String streamName, long bufferBytes, long bufferMillis, long seed) {
        this.root = root;
        this.streamName = streamName;
        this.bufferBytes = bufferBytes;
        this.bufferMillis = bufferMillis;
        this.random = new SplittableRandom(seed);
    }

    /**
     * Adds one record as received at {@code arrivalMillis}. Returns the object this completed
     * first (the buffer was full or old), or null.
     */
    public Path add(byte[] record, long arrivalMillis) throws IOException {
        Path completed = flushIfDue(arrivalMillis);
        if (bufferStart < 0) {
            bufferStart = arrivalMillis;
        }
        buffer.write(record);
        if (buffer.size() >= bufferBytes) {
            Path full = flush();
            return completed != null ? completed : full;
        }
        return completed;
    }

    /** Completes the buffered object if its interval has passed at {@code nowMillis}. */
    public Path flushIfDue(long nowMillis) throws IOException {
        return bufferStart >= 0 && nowMillis - bufferStart >= bufferMillis ? flush() : null;
    }

    /** Completes the buffered object, if any, and returns it. */
    public Path flush() throws IOException {
        if (bufferStart < 0) {
            return null;
        }
        // Keys must sort in delivery order: never go back in time, and order objects within a second.
        long second = Math.max(bufferStart / 1000, lastSecond);
        sequenceInSecond = second == lastSecond ? sequenceInSecond + 1 : 0;
        lastSecond = second;
        Instant at = Instant.ofEpochSecond(second);
        UUID id = new UUID(((long) sequenceInSecond << 32) | (random.nextLong() & 0xFFFF0FFFL) | 0x4000L,
                (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L);
        String name = streamName + "-1-" + STAMP.format(at) + "-" + id + ".gz";
        Path dir = root.resolve(PREFIX.format(at));
        Files.createDirectories(dir);
        Path hidden = dir.resolve("." + name + ".writing");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(hidden), 1 << 16)) {
            buffer.writeTo(out);
        }
        Path target = dir.resolve(name);
        Files.move(hidden, target, StandardCopyOption.ATOMIC_MOVE);
        buffer.reset();
        bufferStart = -1;
        return target;
    }



    @Override
    public void close() throws IOException {
        flush();
    }
}
