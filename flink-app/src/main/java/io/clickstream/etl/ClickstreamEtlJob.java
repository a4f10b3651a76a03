package io.clickstream.etl;

import io.clickstream.etl.config.ConfigException;
import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.config.SecretsManagerSecrets;
import io.clickstream.etl.config.StartupChecks;
import io.clickstream.etl.dedup.DeduplicateEvents;
import io.clickstream.etl.enrich.EnrichEvent;
import io.clickstream.etl.metrics.Accounting;
import io.clickstream.etl.model.ClickEvent;
import io.clickstream.etl.model.DeadLetter;
import io.clickstream.etl.model.EventKey;
import io.clickstream.etl.model.RawRecord;
import io.clickstream.etl.parse.ParseEvent;
import io.clickstream.etl.pii.PiiScrubber;
import io.clickstream.etl.pii.ScrubPersonalData;
import io.clickstream.etl.sink.LakeSinks;
import io.clickstream.etl.source.RawObjectSource;

import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.amazonaws.services.kinesisanalytics.runtime.KinesisAnalyticsRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * The clickstream ETL: raw Firehose objects in, deduplicated, PII-free, enriched Snappy Parquet
 * out, bad records to dead letters. {@link #main} is the MSF entry point: the configuration comes
 * from the runtime property groups, or, in a local environment (an IDE run), from the same keys as
 * {@code --key value} arguments. The local runner (web UI, local checkpoints, resuming) and the
 * other tools call {@link #build}; nothing here calls them.
 */
public final class ClickstreamEtlJob {
    private static final Logger LOG = LoggerFactory.getLogger(ClickstreamEtlJob.class);

    private ClickstreamEtlJob() {
    }

    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        boolean local = env instanceof LocalStreamEnvironment;
        if (local && List.of(args).contains("--help")) {
            System.out.print("The clickstream ETL job; in a local environment its keys come as --key value:\n" + JobConfig.usage());
            return;
        }
        JobConfig config = (local ? JobConfig.fromMap(JobConfig.parseArgs(args))
                : JobConfig.fromPropertyGroups(KinesisAnalyticsRuntime.getApplicationProperties()))
                .withSecretsResolved(SecretsManagerSecrets.aws()::value);
        LOG.info("Starting with {}", config);
        List<String> problems = StartupChecks.problems(config);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems); // fails the application's start with the reasons in its log
        }
        if (local) {
            env.enableCheckpointing(config.checkpointInterval.toMillis());
        }
        // MSF sets checkpointing from the application configuration: compaction counts in its interval.
        Duration checkpoints = env.getCheckpointInterval() > 0 ? Duration.ofMillis(env.getCheckpointInterval()) : config.checkpointInterval;
        build(env, config, RawObjectSource.create(config), LakeSinks.lake(config, checkpoints), LakeSinks.deadLetters(config));
        env.execute("clickstream-etl");
    }

    /**
     * Wires {@code source -> parse -> dedup -> PII -> enrich -> lake}, with dead letters from every
     * stage after the source to their own sink. The source runs as one reader so objects are read
     * in key (arrival) order; everything after the keyed shuffle runs at the environment's
     * parallelism.
     */
    public static void build(StreamExecutionEnvironment env, JobConfig config, Source<RawRecord, ?, ?> source,
                             Sink<ClickEvent> lake, Sink<DeadLetter> deadLetters) {
        config.doubts.forEach(LOG::warn);
        env.getConfig().enableObjectReuse();

        DataStream<RawRecord> raw = env.fromSource(source, WatermarkStrategy.noWatermarks(), "Raw Firehose objects", TypeInformation.of(RawRecord.class))
                .uid("raw-objects-source")
                .setParallelism(1);

        TypeInformation<EventKey> keyType = TypeInformation.of(EventKey.class);
        KeySelector<RawRecord, EventKey> routingKey = r -> r.key;
        KeyedStream<RawRecord, EventKey> byId = env.getParallelism() == 1
                // One reader and one parser: the parser's only subtask owns every key group already,
                // so skip the shuffle and let Flink chain them into one thread without serialization.
                ? DataStreamUtils.reinterpretAsKeyedStream(raw, routingKey, keyType)
                : raw.keyBy(routingKey, keyType);

        SingleOutputStreamOperator<ClickEvent> parsed = byId
                .process(new ParseEvent(config))
                .uid("parse-validate").name("Parse and validate");

        SingleOutputStreamOperator<ClickEvent> scrubbed = parsed
                .process(new ScrubPersonalData(new PiiScrubber(config), config.jobVersion, config.deadLetterMaxRawBytes))
                .uid("scrub-pii").name("Remove personal data");
        SingleOutputStreamOperator<ClickEvent> enriched = scrubbed
                .process(new EnrichEvent(config.jobVersion, config.deadLetterMaxRawBytes)).uid("enrich").name("Enrich");

        // Last, so that only an event the lake gets is remembered: one that scrubbing or enrichment
        // failed on can be replayed as soon as the fix is deployed. Still keyed: every step since
        // the parser is chained to it (forward), so the partitioning holds.
        SingleOutputStreamOperator<ClickEvent> unique = DataStreamUtils
                .reinterpretAsKeyedStream(enriched, e -> e.key, keyType)
                .process(new DeduplicateEvents(config.dedupTtl, !config.bounded(), config.jobVersion, config.deadLetterMaxRawBytes))
                // "-v2": keyed by EventKey since 2026-11; state keyed by the id's text cannot be restored.
                .uid("deduplicate-v2").name("Drop duplicates");

        unique.sinkTo(lake).uid("lake-sink").name("Lake (Snappy Parquet)");

        parsed.getSideOutput(DeadLetter.SIDE_OUTPUT)
                .union(scrubbed.getSideOutput(DeadLetter.SIDE_OUTPUT),
                        enriched.getSideOutput(DeadLetter.SIDE_OUTPUT),
                        unique.getSideOutput(DeadLetter.SIDE_OUTPUT))
                .sinkTo(deadLetters).uid("dead-letter-sink").name("Dead letters (JSON lines)");
    }

    /** A finished run's accounting, logged. */
    static Accounting account(JobExecutionResult result) {
        Accounting accounting = new Accounting(result.getAllAccumulatorResults());
        LOG.info("{}", accounting);
        return accounting;
    }
}
