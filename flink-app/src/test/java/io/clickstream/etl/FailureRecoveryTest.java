package io.clickstream.etl;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.model.RawRecord;
import io.clickstream.etl.sink.LakeSinks;
import io.clickstream.etl.source.FirehoseObjectFormat;

import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.enumerate.FileEnumerator;
import org.apache.flink.connector.file.src.enumerate.NonSplittingRecursiveEnumerator;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Failures in the middle of a run at parallelism 2: the job recovers from its last checkpoint by
 * itself, and the lake and dead letters still hold every record exactly once.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FailureRecoveryTest {

    @RegisterExtension
    static final MiniClusterExtension CLUSTER = FolderJob.cluster(2);

    @TempDir
    static Path dir;

    static RecoveryFixture input;

    @BeforeAll
    static void input() throws Exception {
        input = new RecoveryFixture(dir, 41, 12_000);
    }

    @AfterEach
    void resetFaults() {
        FaultInjectingSource.reset();
    }

    @Test
    @Order(1)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aTaskFailureAtARandomRecordIsRecoveredByItself(@TempDir Path out) throws Exception {
        long at = 1_000 + new Random().nextInt(9_000);
        AtomicInteger failures = new AtomicInteger();
        FaultInjectingSource.pauseMillis = 30;
        FaultInjectingSource.atRecord(at, () -> {
            failures.incrementAndGet();
            throw new IllegalStateException("injected task failure at record " + at);
        });
        input.runBounded(out, env -> { });
        assertThat(failures).as("the failure at record %d was injected", at).hasValue(1);
        input.assertExactlyOnce(out);
    }

    @Test
    @Order(2)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void checkpointsThatTimeOutOrFailLoseAndDuplicateNothing(@TempDir Path out) throws Exception {
        AtomicInteger checkpoints = new AtomicInteger();
        FaultInjectingSource.pauseMillis = 60;
        FaultInjectingSource.onCheckpoint = id -> {
            checkpoints.incrementAndGet();
            if (id == 2) {
                sleep(2_500); // longer than the checkpoint timeout: checkpoint 2 expires
            } else if (id == 4) {
                throw new IllegalStateException("injected failure of checkpoint " + id);
            }
        };
        input.runBounded(out, env -> {
            env.getCheckpointConfig().setCheckpointTimeout(1_000);
            env.getCheckpointConfig().setTolerableCheckpointFailureNumber(10);
        });
        assertThat(checkpoints.get()).as("checkpoints 2 (timed out) and 4 (failed) were reached").isGreaterThanOrEqualTo(5);
        input.assertExactlyOnce(out);
    }

    @Test
    @Order(3)
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void aLostTaskManagerIsReplacedByRestartingOnTheOther(@TempDir Path out, @InjectMiniCluster MiniCluster cluster) throws Exception {
        AtomicInteger kills = new AtomicInteger();
        FaultInjectingSource.pauseMillis = 30;
        FaultInjectingSource.atRecord(5_000, () -> {
            kills.incrementAndGet();
            cluster.terminateTaskManager(0);
        });
        input.runBounded(out, env -> { });
        assertThat(kills).hasValue(1);
        input.assertExactlyOnce(out);
    }

    @Test
    @Order(0)
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void anObjectDeletedBetweenListingAndReadingIsADeadLetterNotAFailure(@TempDir Path out) throws Exception {
        Path raw = out.resolve("raw");
        Files.createDirectories(raw);
        Files.writeString(raw.resolve("a-kept.json"), TestEvents.pageView(TestEvents.uuid(1)) + "\n");
        Files.writeString(raw.resolve("b-deleted.json"), TestEvents.pageView(TestEvents.uuid(2)) + "\n");
        JobConfig config = JobConfig.fromMap(Map.of("input.path", raw.toString(), "input.mode", "bounded",
                "output.lake.path", out.resolve("lake").toString(), "output.dead-letter.path", out.resolve("dead-letter").toString()));
        FileSource<RawRecord> source = FileSource
                .forBulkFileFormat(new FirehoseObjectFormat<>(config.maxRecordBytes, config.deadLetterMaxRawBytes), new org.apache.flink.core.fs.Path(config.inputPath))
                .setFileEnumerator(new DeletingEnumerator.Provider())
                .build();
        StreamExecutionEnvironment env = TestEnvironments.withoutRestarts(2, 300);
        ClickstreamEtlJob.build(env, config, source, LakeSinks.lake(config), LakeSinks.deadLetters(config));
        env.execute("deleted-object");

        try (LakeReader lake = new LakeReader(out.resolve("lake"))) {
            assertThat(lake.query("SELECT event_id FROM events")).extracting(r -> r.get("event_id")).containsExactly(TestEvents.uuid(1));
        }
        assertThat(DeadLetters.read(out.resolve("dead-letter"))).singleElement().satisfies(d -> {
            assertThat(d.get("failure_type")).isEqualTo("unreadable_object");
            assertThat(d.get("source_file").toString()).endsWith("b-deleted.json");
        });
    }

    /** Lists like the default enumerator, then deletes the last object listed, before any reader opens it. */
    static final class DeletingEnumerator implements FileEnumerator {
        private final FileEnumerator listing = new NonSplittingRecursiveEnumerator();

        @Override
        public Collection<FileSourceSplit> enumerateSplits(org.apache.flink.core.fs.Path[] paths, int minDesiredSplits) throws IOException {
            List<FileSourceSplit> splits = new ArrayList<>(listing.enumerateSplits(paths, minDesiredSplits));
            splits.sort(Comparator.comparing(s -> s.path().getName()));
            FileSourceSplit victim = splits.get(splits.size() - 1);
            victim.path().getFileSystem().delete(victim.path(), false);
            return splits;
        }

        static final class Provider implements FileEnumerator.Provider {
            private static final long serialVersionUID = 1L;

            @Override
            public FileEnumerator create() {
                return new DeletingEnumerator();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
