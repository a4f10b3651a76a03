package io.clickstream.etl.sink.parquet;

import io.clickstream.etl.model.ClickEvent;

import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.formats.parquet.ParquetWriterFactory;

import java.io.IOException;

/**
 * The lake's {@code BulkWriter.Factory}: flink-parquet's {@link ParquetWriterFactory} with our
 * {@link ClickEventParquetBuilder}, opened on the first record instead of at once.
 *
 * <p>Why lazily: Flink's file sink opens a bulk writer on the stream it hands to a byte-level
 * compactor and closes that writer after the compactor is done (FLINK-32562). An eager Parquet
 * writer would put its magic bytes in front of the compactor's file and its own empty footer behind
 * it, and readers take the last footer: the file would read as empty. A writer that has received no
 * record therefore leaves a stream that already holds bytes as it is, and writes a valid empty
 * Parquet file into an empty one.
 */
public final class LakeWriterFactory implements BulkWriter.Factory<ClickEvent> {
    private static final long serialVersionUID = 1L;

    private final ParquetWriterFactory<ClickEvent> parquet;

    public LakeWriterFactory(long rowGroupBytes, int pageBytes) {
        this.parquet = new ParquetWriterFactory<>(new ClickEventParquetBuilder(rowGroupBytes, pageBytes));
    }

    @Override
    public BulkWriter<ClickEvent> create(FSDataOutputStream out) {
        return new LazyWriter(parquet, out);
    }

    private static final class LazyWriter implements BulkWriter<ClickEvent> {
        private final ParquetWriterFactory<ClickEvent> factory;
        private final FSDataOutputStream out;
        private BulkWriter<ClickEvent> writer;

        LazyWriter(ParquetWriterFactory<ClickEvent> factory, FSDataOutputStream out) {
            this.factory = factory;
            this.out = out;
        }

        @Override
        public void addElement(ClickEvent element) throws IOException {
            if (writer == null) {
                writer = factory.create(out);
            }
            writer.addElement(element);
        }

        @Override
        public void flush() throws IOException {
            if (writer != null) {
                writer.flush();
            }
        }

        @Override
        public void finish() throws IOException {
            if (writer == null) {
                if (out.getPos() > 0) {
                    return; // a compactor wrote a whole file through this stream
                }
                writer = factory.create(out);
            }
            writer.finish();
        }
    }
}
