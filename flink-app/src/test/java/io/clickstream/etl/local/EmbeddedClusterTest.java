package io.clickstream.etl.local;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The local runner's embedded cluster: it runs the job, and once closed nothing of it is left in the temp folder. */
class EmbeddedClusterTest {

    @Test
    void runsAJobAndLeavesNothingInTheTempFolderOnceClosed(@TempDir Path tmp) throws Exception {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.TMP_DIRS, tmp.toString());
        conf.set(RestOptions.BIND_PORT, "0");
        JobExecutionResult result;
        boolean clusterFilesWhileRunning;
        try (EmbeddedCluster cluster = new EmbeddedCluster(Duration.ofSeconds(30))) {
            StreamExecutionEnvironment env = cluster.environment(conf);
            env.setParallelism(2);
            env.fromSequence(1, 1000).sinkTo(new DiscardingSink<>());
            result = env.execute("embedded-cluster-test");
            // The job's cluster unpacked its RPC jar and made its working folder here.
            clusterFilesWhileRunning = !entries(tmp).isEmpty();
        }

        assertThat(result.isJobExecutionResult()).isTrue();
        assertThat(clusterFilesWhileRunning).isTrue();
        assertThat(entries(tmp)).isEmpty();
    }

    @Test
    void aClusterSlowToShutDownDoesNotFailTheRunThatUsedIt(@TempDir Path tmp) throws Exception {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.TMP_DIRS, tmp.toString());
        conf.set(RestOptions.BIND_PORT, "0");
        EmbeddedCluster cluster = new EmbeddedCluster(Duration.ZERO); // a shutdown takes about 0.1 s
        StreamExecutionEnvironment env = cluster.environment(conf);
        env.fromSequence(1, 10).sinkTo(new DiscardingSink<>());
        JobExecutionResult result = env.execute("embedded-cluster-timeout-test");

        assertThatCode(cluster::close).doesNotThrowAnyException();
        assertThat(result.isJobExecutionResult()).isTrue();
        // Not waited for, the shutdown still finishes and removes the cluster's files (before the test's folder goes).
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!entries(tmp).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(entries(tmp)).isEmpty();
    }

    private static java.util.List<String> entries(Path folder) throws Exception {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString())
                    // Flink's REST upload folder is one per temp folder, shared by every run: it does not grow.
                    .filter(name -> !name.equals("flink-web-upload"))
                    .collect(Collectors.toList());
        }
    }
}
