package io.clickstream.etl.sink;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.model.ClickEvent;
import io.clickstream.etl.model.DeadLetter;
import io.clickstream.etl.sink.parquet.LakeFileCompactor;
import io.clickstream.etl.sink.parquet.LakeWriterFactory;

import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.sink.compactor.FileCompactStrategy;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.streaming.api.functions.sink.filesystem.rollingpolicies.OnCheckpointRollingPolicy;

import java.time.Duration;

/**
 * The two exactly-once file sinks. Part files are committed on checkpoints; visible names are
 * {@code [compacted-]<prefix>-<uuid>-<n>.<ext>}, never with a leading {@code _} or {@code .}
 * (the lake's files waiting for compaction are hidden with a leading {@code .}).
 */
public final class LakeSinks {

    private LakeSinks() {
    }

    /** Snappy Parquet partitioned by event date, with the local run's checkpoint interval. */
    public static FileSink<ClickEvent> lake(JobConfig config) {
        return lake(config, config.checkpointInterval);
    }

    /**
     * Snappy Parquet partitioned by event date. With compaction on, each checkpoint's part files are
     * committed hidden ({@code .part-...}) and merged per day partition into one
     * {@code compacted-part-...} file ({@link LakeFileCompactor}) once they add up to the target
     * size or the oldest would miss {@code output.compaction.max-delay}; only then does the data
     * become visible, and the hidden files are deleted. Flink's compaction operators keep all of it
     * exactly once.
     */
    public static FileSink<ClickEvent> lake(JobConfig config, Duration checkpointInterval) {
        FileSink.DefaultBulkFormatBuilder<ClickEvent> builder = FileSink.forBulkFormat(new Path(config.lakePath),
                        new LakeWriterFactory(config.rowGroupBytes, config.pageBytes))
                .withBucketAssigner(new EventDateBucketAssigner())
                .withRollingPolicy(OnCheckpointRollingPolicy.build())
                .withOutputFileConfig(OutputFileConfig.builder()
                        .withPartPrefix(config.partPrefix)
                        .withPartSuffix(".snappy.parquet")
                        .build());
        if (config.compaction) {
            builder.enableCompact(compactionStrategy(config, checkpointInterval),
                    new LakeFileCompactor(config.rowGroupBytes, config.pageBytes));
        }
        return builder.build();
    }

    /**
     * Fires per partition when its pending files reach the target size, or after the checkpoints
     * that fit into the maximum delay, so that data is visible at most that long after its object
     * lands: Flink counts from the checkpoint before a partition's first pending file, the compacted
     * file is committed one checkpoint after firing, and the source may take one monitor interval
     * to discover the object.
     */
    static FileCompactStrategy compactionStrategy(JobConfig config, Duration checkpointInterval) {
        long interval = Math.max(1, checkpointInterval.toMillis());
        long budget = config.compactionMaxDelay.toMillis() - (config.bounded() ? 0 : config.monitorInterval.toMillis());
        int checkpoints = (int) Math.max(1, Math.min(Integer.MAX_VALUE, budget / interval - 1));
        return FileCompactStrategy.Builder.newBuilder()
                .setSizeThreshold(config.compactionTargetBytes)
                .enableCompactionOnCheckpoint(checkpoints)
                .setNumCompactThreads(1)
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
