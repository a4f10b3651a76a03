package io.clickstream.etl.sink.parquet;

import io.clickstream.etl.model.ClickEvent;

import org.apache.flink.core.fs.Path;
import org.apache.flink.util.FlinkUserCodeClassLoaders;
import org.apache.flink.util.MutableURLClassLoader;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.parquet.hadoop.CodecFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.clickstream.etl.sink.parquet.ClickEventWriteSupportTest.events;
import static io.clickstream.etl.sink.parquet.ClickEventWriteSupportTest.write;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * parquet-mr caches one codec per JVM, with the Hadoop configuration of the writer or reader that
 * first asked for it, and a Hadoop configuration holds the thread's context class loader: a
 * job's user-code class loader, which Flink closes when the job ends. Once a Hadoop class
 * registers default resources, every configuration reads its resources again, and a later job in
 * the same JVM (a MiniCluster running several jobs, as the tests do) then failed to compress its
 * first page: "Trying to access closed classloader" (seen on JDK 25, whose test order differs). The lake's writer and reader give parquet-mr a
 * configuration that never reads resources through that loader.
 */
class ClassLoaderLifetimeTest {

    @TempDir
    java.nio.file.Path dir;

    @Test
    void aJobAfterOneWhoseClassLoaderWasClosedStillWritesAndReadsTheLake() throws Exception {
        List<ClickEvent> events = events(2_000, 11);
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        MutableURLClassLoader firstJob = FlinkUserCodeClassLoaders.parentFirst(new URL[0], context, t -> { }, true);
        Codecs.forget();
        try {
            thread.setContextClassLoader(firstJob);
            // The first job's writer and reader make parquet-mr create (and cache) its Snappy codec.
            java.nio.file.Path first = write(dir.resolve("first.parquet"), events.subList(0, 1), 1 << 20, 1 << 16);
            readAll(first);
        } finally {
            thread.setContextClassLoader(context);
            firstJob.close();
        }

        // A Hadoop class loaded later registers its defaults, as JobConf's and HdfsConfiguration's
        // static initializers do: every configuration in the JVM then reads its resources again.
        org.apache.hadoop.conf.Configuration.addDefaultResource("clickstream-test-default.xml");
        java.nio.file.Path next = write(dir.resolve("next.parquet"), events, 1 << 20, 1 << 16);

        assertThat(readAll(next)).hasSize(events.size());
        assertThat(Codecs.cached()).as("the codec the first job made is the one used after it").isNotEmpty();
    }

    private static List<ClickEvent> readAll(java.nio.file.Path file) throws Exception {
        List<ClickEvent> read = new ArrayList<>();
        try (var reader = new ClickEventParquetReader.Factory().createFor(new Path(file.toUri()))) {
            for (ClickEvent e = reader.read(); e != null; e = reader.read()) {
                read.add(e);
            }
        }
        return read;
    }

    /** parquet-mr's JVM-wide codec cache, reached as its subclasses may. */
    private static final class Codecs extends CodecFactory {
        private Codecs() {
            super(new org.apache.hadoop.conf.Configuration(false), 0);
        }

        static void forget() {
            CODEC_BY_NAME.clear();
        }

        static Map<String, CompressionCodec> cached() {
            return CODEC_BY_NAME;
        }
    }
}
