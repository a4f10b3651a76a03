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
import java.util.BitSet;
import java.util.Map;

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
        return createWriter(out, new ClickEventWriteSupport());
    }

    /** A writer of records read back from lake files, whose footers listed {@code sourceRecords}. */
    ParquetWriter<ClickEvent> createWriter(OutputFile out, Map<String, BitSet> sourceRecords) throws IOException {
        return createWriter(out, new ClickEventWriteSupport(sourceRecords));
    }

    private ParquetWriter<ClickEvent> createWriter(OutputFile out, ClickEventWriteSupport support) throws IOException {
        Builder builder = new Builder(out, support)
                .withConf(hadoopConfiguration())
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

    /**
     * The Hadoop configuration parquet-mr gets from the lake's writer and reader: empty, and never
     * reloaded. parquet-mr keeps one codec per JVM with the configuration of whoever asked first,
     * and a configuration with Hadoop's default resources reads them again (through the class
     * loader it was made under, a job's user-code loader that Flink closes when the job ends)
     * whenever a Hadoop class registers more defaults. Nothing in those resources concerns Parquet.
     */
    static Configuration hadoopConfiguration() {
        Configuration conf = new Configuration(false);
        conf.setClassLoader(ClickEventParquetBuilder.class.getClassLoader());
        return conf;
    }

    private static final class Builder extends ParquetWriter.Builder<ClickEvent, Builder> {
        private final ClickEventWriteSupport support;

        Builder(OutputFile out, ClickEventWriteSupport support) {
            super(out);
            this.support = support;
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<ClickEvent> getWriteSupport(Configuration conf) {
            return support;
        }
    }
}
