package io.clickstream.etl.sink.parquet;

import io.clickstream.etl.model.ClickEvent;

import org.apache.flink.formats.parquet.ParquetBuilder;
import org.apache.flink.formats.parquet.ParquetWriterFactory;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;

import java.io.IOException;

/**
 * Builds the parquet-mr writer of one lake part file for flink-parquet's
 * {@link ParquetWriterFactory}: Snappy, the configured row-group and page sizes, and no dictionary
 * for the near-unique columns. A named class, not a lambda: the factory is serialized into the
 * job graph, and lambdas in shaded jars do not deserialize reliably (FLINK-28043).
 */
public final class ClickEventParquetBuilder implements ParquetBuilder<ClickEvent> {
    private static final long serialVersionUID = 1L;

    private final long rowGroupBytes;
    private final int pageBytes;

    public ClickEventParquetBuilder(long rowGroupBytes, int pageBytes) {
        this.rowGroupBytes = rowGroupBytes;
        this.pageBytes = pageBytes;
    }

    @Override
    public ParquetWriter<ClickEvent> createWriter(OutputFile out) throws IOException {
        Builder builder = new Builder(out)
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withRowGroupSize(rowGroupBytes)
                .withPageSize(pageBytes)
                .withPageWriteChecksumEnabled(true);
        for (String column : LakeSchema.WITHOUT_DICTIONARY) {
            builder.withDictionaryEncoding(column, false);
        }
        return builder.build();
    }

    private static final class Builder extends ParquetWriter.Builder<ClickEvent, Builder> {
        Builder(OutputFile out) {
            super(out);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<ClickEvent> getWriteSupport(Configuration conf) {
            return new ClickEventWriteSupport();
        }
    }
}
