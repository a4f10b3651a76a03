package io.clickstream.etl.source;

import io.clickstream.etl.model.FailureType;
import io.clickstream.etl.model.RawRecord;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

import static io.clickstream.etl.TestEvents.pageView;
import static io.clickstream.etl.TestEvents.uuid;
import static org.assertj.core.api.Assertions.assertThat;

class FirehoseObjectFormatTest {

    private final FirehoseObjectFormat<FileSourceSplit> format = new FirehoseObjectFormat<>(1 << 20, 4096);

    @TempDir
    java.nio.file.Path dir;

    @Test
    void readsGzipAndPlainObjectsAlikeWhateverTheirNames() throws IOException {
        String body = lines(0, 1200);
        List<RawRecord> fromGzip = readAll(write("plain-name-but-gzip", gzip(body)));
        List<RawRecord> fromPlain = readAll(write("x.gz-not-really", body.getBytes(StandardCharsets.UTF_8)));
        assertThat(ids(fromGzip)).hasSize(1200).containsExactlyElementsOf(ids(fromPlain));
        assertThat(fromGzip.get(fromGzip.size() - 1).objectEnd).isTrue();
        assertThat(fromGzip.get(fromGzip.size() - 1).lineNumber).isEqualTo(1200);
    }

    @Test
    void aTruncatedGzipYieldsWhatWasReadableThenAnUnreadableRecord() throws IOException {
        byte[] full = gzip(lines(0, 5000));
        List<RawRecord> out = readAll(write("truncated.gz", Arrays.copyOf(full, full.length / 2)));
        List<String> ids = ids(out);
        assertThat(ids).isNotEmpty().hasSizeLessThan(5000);
        for (int i = 0; i < ids.size(); i++) {
            assertThat(ids.get(i)).isEqualTo(uuid(i));
        }
        RawRecord unreadable = out.get(out.size() - 2);
        assertThat(unreadable.failure).isEqualTo(FailureType.UNREADABLE_OBJECT);
        assertThat(unreadable.lineNumber).isEqualTo(ids.size() + 1);
        assertThat(unreadable.failureMessage).contains("unreadable");
        assertThat(out.get(out.size() - 1).objectEnd).isTrue();
    }

    @Test
    void aCorruptGzipDoesNotFailTheReader() throws IOException {
        byte[] bytes = gzip(lines(0, 5000));
        Random random = new Random(7);
        for (int i = bytes.length / 3; i < bytes.length / 3 + 64; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        List<RawRecord> out = readAll(write("corrupt.gz", bytes));
        assertThat(out).anyMatch(r -> r.failure == FailureType.UNREADABLE_OBJECT || r.failure == FailureType.MALFORMED_JSON);
        assertThat(out.get(out.size() - 1).objectEnd).isTrue();
    }

    @Test
    void anEmptyObjectYieldsOnlyItsEnd() throws IOException {
        List<RawRecord> out = readAll(write("empty.gz", new byte[0]));
        assertThat(out).singleElement().satisfies(r -> assertThat(r.objectEnd).isTrue());
    }

    @Test
    void anObjectDeletedBeforeReadingIsUnreadableNotAFailure() throws IOException {
        Path gone = new Path(dir.resolve("deleted.gz").toUri());
        List<RawRecord> out = read(split(gone, null));
        assertThat(out).hasSize(2);
        assertThat(out.get(0).failure).isEqualTo(FailureType.UNREADABLE_OBJECT);
        assertThat(out.get(0).failureMessage).contains("could not be opened");
        assertThat(out.get(1).objectEnd).isTrue();
    }

    @Test
    void aRestoredReaderSkipsWhatWasAlreadyEmitted() throws IOException {
        Path path = write("restore.gz", gzip(lines(0, 3000)));
        List<RecordAndPosition<RawRecord>> positions = new ArrayList<>();
        BulkFormat.Reader<RawRecord> reader = format.createReader(new Configuration(), split(path, null));
        BulkFormat.RecordIterator<RawRecord> batch;
        while ((batch = reader.readBatch()) != null) {
            RecordAndPosition<RawRecord> next;
            while ((next = batch.next()) != null) {
                positions.add(new RecordAndPosition<>(next.getRecord(), next.getOffset(), next.getRecordSkipCount()));
            }
            batch.releaseBatch();
        }
        reader.close();
        RecordAndPosition<RawRecord> checkpointAt = positions.get(1234);
        List<RawRecord> restored = read(split(path, new CheckpointedPosition(checkpointAt.getOffset(), checkpointAt.getRecordSkipCount())));
        assertThat(restored.get(0).key.toString()).isEqualTo(uuid(1235));
        assertThat(restored).hasSize(positions.size() - 1235);
    }

    /**
     * Positions count every framed record, also after a restore, and a split marks those the lake
     * and those the dead letters already hold, each with its own mark, through the split serializer.
     */
    @Test
    void recordsCarryTheirPositionAndTheLedgersMarksAcrossARestore() throws IOException {
        Path path = write("ledger.gz", gzip(lines(0, 5) + "{broken\n" + lines(5, 10)));
        java.util.BitSet inLake = new java.util.BitSet();
        inLake.set(2);
        inLake.set(7);
        java.util.BitSet deadLettered = new java.util.BitSet();
        deadLettered.set(5);
        RawObjectSplit split = RawObjectSplit.of(split(path, null)).withHeld(inLake, deadLettered);
        split = RawObjectSplit.Serializer.INSTANCE.deserialize(RawObjectSplit.Serializer.INSTANCE.getVersion(),
                RawObjectSplit.Serializer.INSTANCE.serialize(split));
        List<RawRecord> all = read(split);
        assertThat(all).extracting(r -> r.ordinal).startsWith(0, 1, 2, 3, 4, 5, 6);
        assertThat(all).filteredOn(r -> r.inLake).extracting(r -> r.ordinal).containsExactly(2, 7);
        assertThat(all).filteredOn(r -> r.deadLettered).extracting(r -> r.ordinal).containsExactly(5);
        assertThat(all.get(5).failure).isEqualTo(FailureType.MALFORMED_JSON);

        List<RawRecord> restored = read(split.updateWithCheckpointedPosition(new CheckpointedPosition(CheckpointedPosition.NO_OFFSET, 4)));
        assertThat(restored.get(0).ordinal).isEqualTo(4);
        assertThat(restored).filteredOn(r -> r.inLake).extracting(r -> r.ordinal).containsExactly(7);
        assertThat(restored).filteredOn(r -> r.deadLettered).extracting(r -> r.ordinal).containsExactly(5);
    }

    /** A split checkpointed by the build before had one set for the lake and the dead letters: read back as the lake's. */
    @Test
    void aVersionTwoSplitKeepsItsMarksAsTheLakes() throws IOException {
        Path path = write("old.gz", gzip(lines(0, 4)));
        org.apache.flink.connector.file.src.FileSourceSplit plain = split(path, null);
        byte[] file = org.apache.flink.connector.file.src.FileSourceSplitSerializer.INSTANCE.serialize(plain);
        java.util.BitSet held = new java.util.BitSet();
        held.set(1);
        byte[] bits = held.toByteArray();
        org.apache.flink.core.memory.DataOutputSerializer v2 = new org.apache.flink.core.memory.DataOutputSerializer(64);
        v2.writeInt(org.apache.flink.connector.file.src.FileSourceSplitSerializer.INSTANCE.getVersion());
        v2.writeInt(file.length);
        v2.write(file);
        v2.writeInt(bits.length);
        v2.write(bits);

        RawObjectSplit restored = RawObjectSplit.Serializer.INSTANCE.deserialize(2, v2.getCopyOfBuffer());
        assertThat(restored.path()).isEqualTo(plain.path());
        assertThat(read(restored)).extracting(r -> r.ordinal + (r.inLake ? " lake" : "") + (r.deadLettered ? " dead" : ""))
                .startsWith("0", "1 lake", "2", "3");
    }

    @Test
    void randomBinaryIsMalformedLineByLine() throws IOException {
        byte[] garbage = new byte[10_000];
        new Random(3).nextBytes(garbage);
        for (int i = 0; i < garbage.length; i++) {
            if (garbage[i] == '\n' || garbage[i] == '{') {
                garbage[i] = 0x01;
            }
        }
        garbage[0] = 0x01;
        garbage[5000] = '\n';
        garbage[5001] = 0x01;
        List<RawRecord> out = readAll(write("binary", garbage));
        assertThat(out).hasSize(3);
        assertThat(out.subList(0, 2)).allMatch(r -> r.failure == FailureType.MALFORMED_JSON);
    }

    private List<RawRecord> readAll(Path path) throws IOException {
        return read(split(path, null));
    }

    private List<RawRecord> read(FileSourceSplit split) throws IOException {
        BulkFormat.Reader<RawRecord> reader = split.getReaderPosition().isPresent()
                ? format.restoreReader(new Configuration(), split)
                : format.createReader(new Configuration(), split);
        List<RawRecord> out = new ArrayList<>();
        BulkFormat.RecordIterator<RawRecord> batch;
        while ((batch = reader.readBatch()) != null) {
            RecordAndPosition<RawRecord> next;
            while ((next = batch.next()) != null) {
                out.add(next.getRecord());
            }
            batch.releaseBatch();
        }
        reader.close();
        return out;
    }

    private static FileSourceSplit split(Path path, CheckpointedPosition position) {
        return new FileSourceSplit("0", path, 0, 0, 0, 0, new String[0], position);
    }

    private Path write(String name, byte[] bytes) throws IOException {
        java.nio.file.Path file = dir.resolve(name);
        Files.write(file, bytes);
        return new Path(file.toUri());
    }

    private static List<String> ids(List<RawRecord> records) {
        List<String> ids = new ArrayList<>();
        for (RawRecord r : records) {
            if (!r.objectEnd && r.failure == null) {
                ids.add(r.key.toString());
            }
        }
        return ids;
    }

    static String lines(int from, int to) {
        StringBuilder b = new StringBuilder();
        for (int i = from; i < to; i++) {
            b.append(pageView(uuid(i))).append('\n');
        }
        return b.toString();
    }

    static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
