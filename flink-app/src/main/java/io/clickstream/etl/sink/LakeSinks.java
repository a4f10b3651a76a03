package io.clickstream.etl.sink;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.model.ClickEvent;
import io.clickstream.etl.model.DeadLetter;
import io.clickstream.etl.sink.parquet.ClickEventParquetBuilder;

import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

/**
 * The two exactly-once file sinks. Part files are committed on checkpoints and are named
 * {@code <prefix>-<uuid>-<n>.<ext>}, never with a leading {@code _} or {@code .}.
 */
public final class LakeSinks {

    private LakeSinks() {
    }

    /** Snappy Parquet partitioned by event date. */
    public static FileSink<ClickEvent> lake(JobConfig config) {
        return FileSink.forBulkFormat(new Path(config.lakePath),
                        ClickEventParquetBuilder.factory(config.rowGroupBytes, config.pageBytes))
                .withBucketAssigner(new EventDateBucketAssigner())
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder()
                        .withPartPrefix(config.partPrefix)
                        .withPartSuffix(".snappy.parquet")
                        .build())
                .build();
    }

    /** GZIP JSON lines partitioned by failure type and processing date. */
    public static FileSink<DeadLetter> deadLetters(JobConfig config) {
        return FileSink.forBulkFormat(new Path(config.deadLetterPath), new DeadLetterJsonWriter.Factory())
                .withBucketAssigner(new DeadLetterBucketAssigner())
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder()
                        .withPartPrefix(config.partPrefix)
                        .withPartSuffix(".json.gz")
                        .build())
                .build();
    }
}
