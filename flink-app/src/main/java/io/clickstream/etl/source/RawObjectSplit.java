package io.clickstream.etl.source;

import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.FileSourceSplitSerializer;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import javax.annotation.Nullable;

import java.io.IOException;
import java.util.BitSet;

/**
 * One raw object to read, whole. On a start without saved state it also carries which of its
 * records the lake ({@link #inLake}) and the dead letters ({@link #deadLettered}) already hold, so
 * that they are not written again.
 */
public final class RawObjectSplit extends FileSourceSplit {
    private static final long serialVersionUID = 1L;
    private static final String[] NO_HOSTS = new String[0];

    @Nullable
    private final BitSet inLake;
    @Nullable
    private final BitSet deadLettered;

    public RawObjectSplit(Path path, long length, long modificationTime, @Nullable BitSet inLake, @Nullable BitSet deadLettered) {
        this(path.toString(), path, length, modificationTime, null, inLake, deadLettered);
    }

    private RawObjectSplit(String id, Path path, long length, long modificationTime, @Nullable CheckpointedPosition position,
                           @Nullable BitSet inLake, @Nullable BitSet deadLettered) {
        super(id, path, 0, length, modificationTime, length, NO_HOSTS, position);
        this.inLake = inLake;
        this.deadLettered = deadLettered;
    }

    /** Whether the record at {@code ordinal} is already in the lake. */
    public boolean inLake(int ordinal) {
        return inLake != null && inLake.get(ordinal);
    }

    /** Whether the record at {@code ordinal} is already in the dead letters. */
    public boolean deadLettered(int ordinal) {
        return deadLettered != null && deadLettered.get(ordinal);
    }

    /** This split marked with the records the lake and the dead letters already hold. */
    RawObjectSplit withHeld(@Nullable BitSet inLake, @Nullable BitSet deadLettered) {
        return new RawObjectSplit(splitId(), path(), length(), fileModificationTime(), getReaderPosition().orElse(null), inLake, deadLettered);
    }

    @Override
    public RawObjectSplit updateWithCheckpointedPosition(@Nullable CheckpointedPosition position) {
        return new RawObjectSplit(splitId(), path(), length(), fileModificationTime(), position, inLake, deadLettered);
    }

    static RawObjectSplit of(FileSourceSplit split) {
        return split instanceof RawObjectSplit ? (RawObjectSplit) split
                : new RawObjectSplit(split.splitId(), split.path(), split.length(), split.fileModificationTime(),
                        split.getReaderPosition().orElse(null), null, null);
    }

    /**
     * Version 3 is Flink's {@code FileSourceSplit} encoding followed by the records in the lake and
     * those in the dead letters; version 2 had one set for both, read back as the lake's (its
     * records remembered for deduplication, as that build did); version 1 is a {@code FileSource}
     * split of earlier builds (a savepoint's reader state).
     */
    public static final class Serializer implements SimpleVersionedSerializer<RawObjectSplit> {
        public static final Serializer INSTANCE = new Serializer();
        private static final int VERSION = 3;

        private Serializer() {
        }

        @Override
        public int getVersion() {
            return VERSION;
        }

        @Override
        public byte[] serialize(RawObjectSplit split) throws IOException {
            // Flink's serializer refuses subclasses: it writes the plain split's fields.
            byte[] file = FileSourceSplitSerializer.INSTANCE.serialize(new FileSourceSplit(split.splitId(), split.path(), split.offset(),
                    split.length(), split.fileModificationTime(), split.fileSize(), split.hostnames(), split.getReaderPosition().orElse(null)));
            DataOutputSerializer out = new DataOutputSerializer(file.length + 64);
            out.writeInt(FileSourceSplitSerializer.INSTANCE.getVersion());
            out.writeInt(file.length);
            out.write(file);
            writeBits(split.inLake, out);
            writeBits(split.deadLettered, out);
            return out.getCopyOfBuffer();
        }

        private static void writeBits(@Nullable BitSet set, DataOutputSerializer out) throws IOException {
            byte[] bits = set == null ? null : set.toByteArray();
            out.writeInt(bits == null ? -1 : bits.length);
            if (bits != null) {
                out.write(bits);
            }
        }

        @Nullable
        private static BitSet readBits(DataInputDeserializer in) throws IOException {
            int n = in.readInt();
            if (n < 0) {
                return null;
            }
            byte[] bits = new byte[n];
            in.readFully(bits);
            return BitSet.valueOf(bits);
        }

        @Override
        public RawObjectSplit deserialize(int version, byte[] serialized) throws IOException {
            if (version == 1) {
                return of(FileSourceSplitSerializer.INSTANCE.deserialize(1, serialized));
            }
            if (version != 2 && version != VERSION) {
                throw new IOException("Unknown raw object split version " + version);
            }
            DataInputDeserializer in = new DataInputDeserializer(serialized);
            int fileVersion = in.readInt();
            byte[] file = new byte[in.readInt()];
            in.readFully(file);
            FileSourceSplit split = FileSourceSplitSerializer.INSTANCE.deserialize(fileVersion, file);
            BitSet inLake = readBits(in);
            BitSet deadLettered = version == VERSION ? readBits(in) : null;
            return new RawObjectSplit(split.splitId(), split.path(), split.length(), split.fileModificationTime(),
                    split.getReaderPosition().orElse(null), inLake, deadLettered);
        }
    }
}
