package io.clickstream.generator.job;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Sends synthetic clickstream to Amazon Data Firehose through {@code KinesisFirehoseSink}, or
 * lands it in a local folder exactly as Firehose would. On MSF the settings come from the property
 * group {@value GeneratorConfig#PROPERTY_GROUP}; locally from {@code --key value} arguments.
 */
public final class GeneratorJob {

    private GeneratorJob() {
    }

    public static void main(String[] args) throws Exception {
        if (java.util.Arrays.asList(args).contains("--help") || java.util.Arrays.asList(args).contains("-h")) {
            System.out.print(GeneratorConfig.usage());
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        GeneratorConfig config;
        if (env instanceof LocalStreamEnvironment) {
            try {
                config = GeneratorConfig.fromArgs(args);
            } catch (IllegalArgumentException e) {
                System.err.println(e.getMessage());
                System.exit(2);
                return;
            }
            env.setParallelism(config.parallelism);
        } else {
            config = GeneratorConfig.fromPropertyGroups(KinesisAnalyticsRuntime.getApplicationProperties());
        }
        env.enableCheckpointing(10_000, CheckpointingMode.AT_LEAST_ONCE);
        boolean local = config.target != GeneratorConfig.Target.FIREHOSE;
        long objectsBefore = local ? objects(Paths.get(config.outputPath)) : 0;
        build(env, config, sink(config, new Properties()));
        env.execute("clickstream-generator");
        String seed = "seed " + config.traffic.seed + (config.seedGiven ? "" : " (new for this run; --seed " + config.traffic.seed + " repeats this traffic)");
        if (local) {
            long written = objects(Paths.get(config.outputPath)) - objectsBefore;
            System.out.printf("wrote %,d records in %,d object%s to %s in Firehose's layout, %s%n", config.records,
                    written, written == 1 ? "" : "s", Paths.get(config.outputPath).toAbsolutePath(), seed);
        } else {
            System.out.printf("sent %,d records to Firehose stream %s, %s%n", config.records, config.firehoseStream, seed);
        }
    }

    /** Objects under a local Firehose-layout folder, to tell how many this run added. */
    private static long objects(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith(".")).count();
        }
    }

    /** The sink for the configured target; {@code firehoseClient} overrides client properties. */
    public static Sink<String> sink(GeneratorConfig config, Properties firehoseClient) {
        return config.target == GeneratorConfig.Target.FIREHOSE
                ? FirehoseSinks.create(config, firehoseClient)
                : new LocalFirehoseSink(config.outputPath, config.bufferBytes, config.bufferInterval.toMillis(), config.traffic.seed);
    }

    /** Wires {@code generated sessions -> progress -> sink}. */
    public static void build(StreamExecutionEnvironment env, GeneratorConfig config, Sink<String> sink) {
        RateLimiterStrategy pace = config.rate > 0
                ? new BurstRateLimiterStrategy(config.rate, config.burstFactor, config.burstEvery.toMillis(), config.burstLength.toMillis())
                : RateLimiterStrategy.noOp();
        DataGeneratorSource<String> source = new DataGeneratorSource<>(
                new SessionRecordsFunction(config.traffic, config.live), config.records, pace, Types.STRING);
        env.fromSource(source, WatermarkStrategy.noWatermarks(), "Synthetic clickstream")
                .uid("generator-source")
                .map(new ProgressReporter(config.progressInterval.toMillis())).uid("progress").name("Progress")
                .sinkTo(sink).uid(config.target == GeneratorConfig.Target.FIREHOSE ? "firehose-sink" : "local-firehose-sink")
                .name(config.target == GeneratorConfig.Target.FIREHOSE ? "Amazon Data Firehose" : "Local Firehose layout");
    }
}
