package io.clickstream.etl.source;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.model.RawRecord;

import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;

/**
 * The {@link FileSource} over the raw input root: every object at any depth (names starting with
 * {@code .} or {@code _} are skipped as hidden), handed out in key order, watched continuously or
 * read once.
 */
public final class RawObjectSource {

    private RawObjectSource() {
    }

    public static FileSource<RawRecord> create(JobConfig config) {
        FileSource.FileSourceBuilder<RawRecord> builder = FileSource
                .forBulkFileFormat(new FirehoseObjectFormat(config.maxRecordBytes, config.deadLetterMaxRawBytes), new Path(config.inputPath))
                .setSplitAssigner(new SortedSplitAssigner.Provider());
        if (!config.bounded()) {
            builder.monitorContinuously(config.monitorInterval);
        }
        return builder.build();
    }
}
