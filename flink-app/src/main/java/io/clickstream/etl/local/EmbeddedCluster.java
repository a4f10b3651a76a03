package io.clickstream.etl.local;

import org.apache.flink.client.deployment.executors.LocalExecutor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.core.execution.PipelineExecutor;
import org.apache.flink.core.execution.PipelineExecutorFactory;
import org.apache.flink.core.execution.PipelineExecutorServiceLoader;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * Runs jobs on embedded Flink MiniClusters the way Flink's local executor does, but keeps hold of
 * each cluster so that the caller can wait for its shutdown.
 *
 * <p>Why: Flink's local environment closes its per-job cluster asynchronously once the job ends.
 * A JVM that exits right after the job (the local runner, the demo, the benchmark's runs) cuts that
 * shutdown short, and each run then left its cluster's working folder and the 21 MB RPC jar Flink
 * unpacks into the temp folder behind: a gigabyte after fifty runs. Waiting for the shutdown lets
 * Flink remove both.
 */
public final class EmbeddedCluster implements PipelineExecutorServiceLoader, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedCluster.class);

    private final List<MiniCluster> clusters = new CopyOnWriteArrayList<>();
    private final Duration shutdownTimeout;

    /** @param shutdownTimeout how long {@link #close()} waits for each cluster */
    public EmbeddedCluster(Duration shutdownTimeout) {
        this.shutdownTimeout = shutdownTimeout;
    }

    /** A streaming environment whose jobs run on clusters this object starts and can shut down. */
    public StreamExecutionEnvironment environment(Configuration configuration) {
        Configuration conf = new Configuration(configuration);
        conf.set(DeploymentOptions.TARGET, LocalExecutor.NAME);
        conf.set(DeploymentOptions.ATTACHED, true);
        return new StreamExecutionEnvironment(this, conf, EmbeddedCluster.class.getClassLoader());
    }

    /**
     * Shuts down every cluster started so far and waits until each is gone, its working folder and
     * temporary files included. Clusters already shutting down after their job are only waited for.
     * A cluster that does not shut down within the timeout is logged, not thrown: the job's outcome
     * stands, and only its temporary files may stay behind.
     */
    @Override
    public void close() {
        for (MiniCluster cluster : clusters) {
            try {
                cluster.closeAsync().get(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException | TimeoutException e) {
                LOG.warn("The embedded Flink cluster did not shut down within {}: its working folder (minicluster_*) and"
                        + " RPC jar (flink-rpc-akka*.jar) may stay in the temp folder", shutdownTimeout, e);
            }
        }
        clusters.clear();
    }

    @Override
    public PipelineExecutorFactory getExecutorFactory(Configuration configuration) {
        return new PipelineExecutorFactory() {
            @Override
            public String getName() {
                return LocalExecutor.NAME;
            }

            @Override
            public boolean isCompatibleWith(Configuration conf) {
                return LocalExecutor.NAME.equals(conf.get(DeploymentOptions.TARGET));
            }

            @Override
            public PipelineExecutor getExecutor(Configuration conf) {
                return LocalExecutor.createWithFactory(conf, clusterConfiguration -> {
                    MiniCluster cluster = new MiniCluster(clusterConfiguration);
                    clusters.add(cluster);
                    return cluster;
                });
            }
        };
    }

    @Override
    public Stream<String> getExecutorNames() {
        return Stream.of(LocalExecutor.NAME);
    }
}
