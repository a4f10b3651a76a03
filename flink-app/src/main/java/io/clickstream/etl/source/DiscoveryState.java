package io.clickstream.etl.source;

import io.clickstream.etl.sink.LakeLedger;

import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.FileSourceSplitSerializer;
import org.apache.flink.connector.file.src.PendingSplitsCheckpoint;
import org.apache.flink.connector.file.src.PendingSplitsCheckpointSerializer;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What object discovery checkpoints: objects found but not yet handed to the reader, the objects it
 * must still recognise (key and modification time), and when its last full sweep started. Its size
 * is bounded by the hour window and the sweep interval, not by how long the job has run.
 */
public final class DiscoveryState {
    /** No sweep yet: the next one reads every object it does not remember. */
    static final long NEVER = Long.MIN_VALUE;

    final List<RawObjectSplit> pending;
    final Map<String, Long> remembered;
    final long lastSweepStart;

    DiscoveryState(List<RawObjectSplit> pending, Map<String, Long> remembered, long lastSweepStart) {
        this.pending = Collections.unmodifiableList(new ArrayList<>(pending));
        this.remembered = Collections.unmodifiableMap(new HashMap<>(remembered));
        this.lastSweepStart = lastSweepStart;
    }

    static DiscoveryState empty() {
        return new DiscoveryState(List.of(), Map.of(), NEVER);
    }

    /**
     * An object this state names, when it names some and none of them below {@code root}: then it
     * is the state of another input (another pipeline's savepoint, or {@code input.path} changed
     * since), under which every object of this input would be new and written again.
     */
    Optional<String> objectOfAnotherInput(Path root) {
        String folder = LakeLedger.folder(root);
        List<String> keys = new ArrayList<>(remembered.keySet());
        pending.forEach(split -> keys.add(split.path().toString()));
        return keys.isEmpty() || keys.stream().anyMatch(key -> LakeLedger.below(folder, key) != null)
                ? Optional.empty() : Optional.of(keys.get(0));
    }

    @Override
    public String toString() {
        return "DiscoveryState{pending=" + pending.size() + ", remembered=" + remembered.size() + ", lastSweepStart=" + lastSweepStart + "}";
    }

    /**
     * Version 2 is this class; version 1 is the state of Flink's {@code FileSource} that earlier
     * builds used (pending splits and every path ever processed), read so that a savepoint of such a
     * build restores without reading an object twice or skipping one.
     */
    public static final class Serializer implements SimpleVersionedSerializer<DiscoveryState> {
        static final int FILE_SOURCE_VERSION = 1;
        private static final int VERSION = 2;
        private static final int MAGIC = 0x0C1D15C0;

        private final boolean bounded;
        private final long restoredAt;

        /**
         * @param bounded whether the source reads once: a {@code FileSource} state is then the rest of a
         *     listing already made
         * @param restoredAt the time a restored {@code FileSource} state counts as seen (see {@link #fromFileSource})
         */
        Serializer(boolean bounded, long restoredAt) {
            this.bounded = bounded;
            this.restoredAt = restoredAt;
        }

        public Serializer(boolean bounded) {
            this(bounded, System.currentTimeMillis());
        }

        @Override
        public int getVersion() {
            return VERSION;
        }

        @Override
        public byte[] serialize(DiscoveryState state) throws IOException {
            DataOutputSerializer out = new DataOutputSerializer(64 + 96 * (state.pending.size() + state.remembered.size()));
            out.writeInt(MAGIC);
            SimpleVersionedSerializer<RawObjectSplit> splits = RawObjectSplit.Serializer.INSTANCE;
            out.writeInt(splits.getVersion());
            out.writeInt(state.pending.size());
            for (RawObjectSplit split : state.pending) {
                byte[] bytes = splits.serialize(split);
                out.writeInt(bytes.length);
                out.write(bytes);
            }
            out.writeInt(state.remembered.size());
            for (Map.Entry<String, Long> e : state.remembered.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeLong(e.getValue());
            }
            out.writeLong(state.lastSweepStart);
            return out.getCopyOfBuffer();
        }

        @Override
        public DiscoveryState deserialize(int version, byte[] serialized) throws IOException {
            if (version == FILE_SOURCE_VERSION) {
                DiscoveryState old = fromFileSource(new PendingSplitsCheckpointSerializer<>(FileSourceSplitSerializer.INSTANCE)
                        .deserialize(version, serialized), restoredAt);
                return bounded ? new DiscoveryState(old.pending, Map.of(), restoredAt) : old;
            }
            if (version != VERSION) {
                throw new IOException("Unknown object discovery state version " + version);
            }
            DataInputDeserializer in = new DataInputDeserializer(serialized);
            if (in.readInt() != MAGIC) {
                throw new IOException("Not an object discovery state");
            }
            int splitVersion = in.readInt();
            int n = in.readInt();
            List<RawObjectSplit> pending = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                pending.add(RawObjectSplit.Serializer.INSTANCE.deserialize(splitVersion, bytes));
            }
            int m = in.readInt();
            Map<String, Long> remembered = new HashMap<>(m * 2);
            for (int i = 0; i < m; i++) {
                remembered.put(in.readUTF(), in.readLong());
            }
            return new DiscoveryState(pending, remembered, in.readLong());
        }

        /**
         * A {@code FileSource} remembers every path it ever processed, without times. They are all
         * remembered as seen at {@code restoredAt}, which keeps them until the second sweep after
         * the restore; the first sweep (no previous sweep) reads every object they do not name,
         * including those that landed while the job was stopped.
         */
        static DiscoveryState fromFileSource(PendingSplitsCheckpoint<FileSourceSplit> old, long restoredAt) {
            Map<String, Long> remembered = new HashMap<>();
            for (Path p : old.getAlreadyProcessedPaths()) {
                remembered.put(p.toString(), restoredAt);
            }
            for (FileSourceSplit s : old.getSplits()) {
                remembered.put(s.path().toString(), restoredAt);
            }
            List<RawObjectSplit> pending = new ArrayList<>();
            old.getSplits().forEach(split -> pending.add(RawObjectSplit.of(split)));
            return new DiscoveryState(pending, remembered, NEVER);
        }
    }
}
