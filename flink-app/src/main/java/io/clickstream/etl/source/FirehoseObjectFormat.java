package io.clickstream.etl.source;

import io.clickstream.etl.model.FailureType;
import io.clickstream.etl.model.RawRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.IteratorResultIterator;
import org.apache.flink.core.fs.Path;

import javax.annotation.Nullable;

import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Reads one raw object (GZIP or plain, recognised by its magic bytes, not its name) into
 * {@link RawRecord}s. Data problems never fail the job: an object that cannot be opened because it
 * is gone, or whose bytes stop making sense part-way, yields an {@code UNREADABLE_OBJECT} record
 * after everything that could be read. Storage errors do fail the task, which retries from the
 * last checkpoint.
 *
 * <p>Objects are not split. The checkpointed position is the number of records emitted, so a
 * restored reader re-reads the object and skips them; framing is deterministic. Each record carries
 * its position in the object; a {@link RawObjectSplit} marks those the lake already holds.
 */
public final class FirehoseObjectFormat<S extends FileSourceSplit> implements BulkFormat<RawRecord, S> {
    private static final long serialVersionUID = 1L;
    private static final int BATCH_SIZE = 512;

    private final int maxRecordBytes;
    private final int maxRawBytes;

    public FirehoseObjectFormat(int maxRecordBytes, int maxRawBytes) {
        this.maxRecordBytes = maxRecordBytes;
        this.maxRawBytes = maxRawBytes;
    }

    @Override
    public Reader<RawRecord> createReader(Configuration config, S split) throws IOException {
        return open(split, 0);
    }

    @Override
    public Reader<RawRecord> restoreReader(Configuration config, S split) throws IOException {
        long skip = split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
        return open(split, skip);
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return TypeInformation.of(RawRecord.class);
    }

    private Reader<RawRecord> open(S split, long skip) throws IOException {
        Path path = split.path();
        String source = path.toString();
        RawObjectSplit inLake = split instanceof RawObjectSplit ? (RawObjectSplit) split : null;
        InputStream raw;
        try {
            raw = path.getFileSystem().open(path);
        } catch (FileNotFoundException e) {
            return new ObjectReader(source, null, e, skip, inLake);
        }
        return new ObjectReader(source, raw, null, skip, inLake);
    }

    private final class ObjectReader implements Reader<RawRecord> {
        private final String source;
        private final InputStream raw;
        private final IOException openFailure;
        private RecordFramer framer;
        @Nullable
        private final RawObjectSplit held;
        private long toSkip;
        private long emitted;
        private int framed;
        private boolean done;

        ObjectReader(String source, @Nullable InputStream raw, @Nullable IOException openFailure, long skip, @Nullable RawObjectSplit inLake) {
            this.source = source;
            this.raw = raw;
            this.openFailure = openFailure;
            this.toSkip = skip;
            this.emitted = skip;
            this.held = inLake;
        }

        @Nullable
        @Override
        public RecordIterator<RawRecord> readBatch() throws IOException {
            List<RawRecord> batch = new ArrayList<>(BATCH_SIZE);
            while (!done && batch.size() < BATCH_SIZE) {
                int from = batch.size();
                fill(batch);
                for (int i = from; i < batch.size(); i++) {
                    RawRecord r = batch.get(i);
                    r.ordinal = framed++;
                    r.inLake = held != null && !r.objectEnd && held.inLake(r.ordinal);
                    r.deadLettered = held != null && !r.objectEnd && held.deadLettered(r.ordinal);
                }
            }
            if (toSkip > 0) {
                int drop = (int) Math.min(toSkip, batch.size());
                batch = batch.subList(drop, batch.size());
                toSkip -= drop;
            }
            if (batch.isEmpty()) {
                return done ? null : new IteratorResultIterator<>(batch.iterator(), CheckpointedPosition.NO_OFFSET, emitted);
            }
            IteratorResultIterator<RawRecord> it = new IteratorResultIterator<>(batch.iterator(), CheckpointedPosition.NO_OFFSET, emitted);
            emitted += batch.size();
            return it;
        }

        private void fill(List<RawRecord> batch) throws IOException {
            if (openFailure != null) {
                batch.add(RawRecord.failure(FailureType.UNREADABLE_OBJECT, "object could not be opened: " + openFailure,
                        new byte[0], 0, source, 0));
                batch.add(RawRecord.endOfObject(source, 0));
                done = true;
                return;
            }
            try {
                if (framer == null) {
                    framer = new RecordFramer(decode(raw), source, maxRecordBytes, maxRawBytes);
                }
                if (!framer.advance(batch)) {
                    batch.add(RawRecord.endOfObject(source, framer.lineCount()));
                    done = true;
                }
            } catch (StorageIOException e) {
                if (!(e.getCause() instanceof FileNotFoundException)) {
                    throw (IOException) e.getCause();
                }
                // Deleted between listing and reading (some stores open lazily): gone for good.
                unreadable(batch, e.getCause());
            } catch (IOException | RuntimeException e) {
                // Corrupt or truncated compression, or bytes the decoder rejects: data, not infrastructure.
                unreadable(batch, e);
            }
        }

        private void unreadable(List<RawRecord> batch, Throwable e) {
            if (framer == null) {
                batch.add(RawRecord.failure(FailureType.UNREADABLE_OBJECT, "object unreadable: " + e, new byte[0], 0, source, 0));
            } else {
                framer.unreadable(batch, e);
            }
            batch.add(RawRecord.endOfObject(source, framer == null ? 0 : framer.lineCount()));
            done = true;
        }

        @Override
        public void close() throws IOException {
            if (raw != null) {
                raw.close();
            }
        }
    }

    /** Wraps the stream in a GZIP decoder when the object starts with the GZIP magic bytes. */
    static InputStream decode(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(new StorageInputStream(raw), 64 * 1024);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            return new GZIPInputStream(in, 64 * 1024);
        }
        return in;
    }
}
