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
 * records the lake or the dead letters already hold ({@link #inLake}), so that they are not
 * written again.
 */
public final class RawObjectSplit extends FileSourceSplit {
    private static final long serialVersionUID = 1L;
    private static final String[] NO_HOSTS = new String[0];

    @Nullable
    private final BitSet inLake;

    public RawObjectSplit(Path path, long length, long modificationTime, @Nullable BitSet inLake) {
        this(path.toString(), path, length, modificationTime, null, inLake);
    }

    private RawObjectSplit(String id, Path path, long length, long modificationTime, @Nullable CheckpointedPosition position,
                           @Nullable BitSet inLake) {
        super(id, path, 0, length, modificationTime, length, NO_HOSTS, position);
        this.inLake = inLake;
    }

    /** Whether the record at {@code ordinal} is already in the lake or the dead letters. */
    public boolean inLake(int ordinal) {
        return inLake != null && inLake.get(ordinal);
    }

    @Nullable
    BitSet inLake() {
        return inLake;
    }

    /** This split marked with the records the lake already holds. */
    RawObjectSplit withInLake(@Nullable BitSet records) {
        return new RawObjectSplit(splitId(), path(), length(), fileModificationTime(), getReaderPosition().orElse(null), records);
    }

    @Override
    public RawObjectSplit updateWithCheckpointedPosition(@Nullable CheckpointedPosition position) {
        return new RawObjectSplit(splitId(), path(), length(), fileModificationTime(), position, inLake);
    }

    static RawObjectSplit of(FileSourceSplit split) {
        return split instanceof RawObjectSplit ? (RawObjectSplit) split
                : new RawObjectSplit(split.splitId(), split.path(), split.length(), split.fileModificationTime(),
                        split.getReaderPosition().orElse(null), null);
    }

    /**
     * Version 2 is Flink's {@code FileSourceSplit} encoding followed by the records in the lake;
     * version 1 is a {@code FileSource} split of earlier builds (a savepoint's reader state).
     */
    public static final class Serializer implements SimpleVersionedSerializer<RawObjectSplit> {
        public static final Serializer INSTANCE = new Serializer();
        private static final int VERSION = 2;

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
            byte[] bits = split.inLake == null ? null : split.inLake.toByteArray();
            DataOutputSerializer out = new DataOutputSerializer(file.length + 16 + (bits == null ? 0 : bits.length));
            out.writeInt(FileSourceSplitSerializer.INSTANCE.getVersion());
            out.writeInt(file.length);
            out.write(file);
            out.writeInt(bits == null ? -1 : bits.length);
            if (bits != null) {
                out.write(bits);
            }
            return out.getCopyOfBuffer();
        }

        @Override
        public RawObjectSplit deserialize(int version, byte[] serialized) throws IOException {
            if (version == 1) {
                return of(FileSourceSplitSerializer.INSTANCE.deserialize(1, serialized));
            }
            if (version != VERSION) {
                throw new IOException("Unknown raw object split version " + version);
            }
            DataInputDeserializer in = new DataInputDeserializer(serialized);
            int fileVersion = in.readInt();
            byte[] file = new byte[in.readInt()];
            in.readFully(file);
            FileSourceSplit split = FileSourceSplitSerializer.INSTANCE.deserialize(fileVersion, file);
            int n = in.readInt();
            BitSet inLake = null;
            if (n >= 0) {
                byte[] bits = new byte[n];
                in.readFully(bits);
                inLake = BitSet.valueOf(bits);
            }
            return new RawObjectSplit(split.splitId(), split.path(), split.length(), split.fileModificationTime(),
                    split.getReaderPosition().orElse(null), inLake);
        }
    }
}
