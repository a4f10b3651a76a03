package io.clickstream.etl.sink.parquet;

import io.clickstream.etl.model.ClickEvent;

import org.apache.flink.connector.file.sink.compactor.RecordWiseFileCompactor;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.parquet.ParquetInputFile;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopCodecs;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;

import java.io.IOException;

/**
 * Reads a lake part file back into {@link ClickEvent}s with parquet-mr's reader, for the file
 * sink's compaction: small part files are read record by record and written again, through the
 * same {@link ClickEventParquetBuilder}, as one larger file. Only the lake's columns are filled.
 */
public final class ClickEventParquetReader implements RecordWiseFileCompactor.Reader<ClickEvent> {

    private final ParquetFileReader file;
    private final MessageColumnIO columns;
    private RecordReader<ClickEvent> rows;
    private long rowsLeft;

    private ClickEventParquetReader(ParquetFileReader file) {
        this.file = file;
        this.columns = new ColumnIOFactory().getColumnIO(LakeSchema.SCHEMA, file.getFileMetaData().getSchema());
    }

    @Override
    public ClickEvent read() throws IOException {
        while (rowsLeft == 0) {
            PageReadStore rowGroup = file.readNextRowGroup();
            if (rowGroup == null) {
                return null;
            }
            rows = columns.getRecordReader(rowGroup, new ClickEventMaterializer());
            rowsLeft = rowGroup.getRowCount();
        }
        rowsLeft--;
        return rows.read();
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    /** Opens committed part files of the lake for the compactor. */
    public static final class Factory implements RecordWiseFileCompactor.Reader.Factory<ClickEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public RecordWiseFileCompactor.Reader<ClickEvent> createFor(Path path) throws IOException {
            return new ClickEventParquetReader(ParquetFileReader.open(inputFile(path),
                    ParquetReadOptions.builder().usePageChecksumVerification(true)
                            .withCodecFactory(HadoopCodecs.newFactory(ClickEventParquetBuilder.hadoopConfiguration(), 0)).build()));
        }
    }

    /** A lake file on any Flink file system (local, S3) as parquet-mr's input file. */
    public static InputFile inputFile(Path path) throws IOException {
        FileSystem fs = path.getFileSystem();
        return new ParquetInputFile(fs.open(path), fs.getFileStatus(path).getLen());
    }
}
