package io.clickstream.etl.sink;

import io.clickstream.etl.model.ClickEvent;

import org.apache.flink.formats.parquet.ParquetBuilder;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;

import java.io.IOException;

/**
 * Creates Snappy-compressed Parquet writers for the lake. A named class, not a lambda, so that it
 * serializes reliably inside a shaded jar.
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
        return new Builder(out)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withRowGroupSize(rowGroupBytes)
                .withPageSize(pageBytes)
                // (Nearly) unique per row: a dictionary only costs lookups and memory before Parquet
                // abandons it, which profiling showed to be the largest single cost of writing.
                .withDictionaryEncoding("event_id", false)
                .withDictionaryEncoding("event_timestamp", false)
                .withDictionaryEncoding("ingested_at", false)
                .withDictionaryEncoding("session_id", false)
                .withDictionaryEncoding("page_url", false)
                .withDictionaryEncoding("page_path", false)
                .withDictionaryEncoding("search_query", false)
                .build();
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
