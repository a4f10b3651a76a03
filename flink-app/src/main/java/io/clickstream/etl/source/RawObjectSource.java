package io.clickstream.etl.source;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.model.RawRecord;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The raw objects under the input root as a source: {@link ObjectDiscoveryEnumerator} finds them
 * (a window of Firehose hour prefixes plus periodic sweeps, or one listing in bounded mode) and
 * hands them out in key order; {@link RawObjectReader} (Flink's file source reader without its
 * fetcher race) reads them with {@link FirehoseObjectFormat}, checkpointing its position in the
 * current object. Names starting with {@code .} or {@code _} are skipped as hidden. Its splits
 * extend Flink's {@code FileSourceSplit} (and read its encoding), its reader keeps their state as
 * Flink's does, and its enumerator reads a {@code FileSource} checkpoint, so savepoints of earlier
 * builds restore. On a start without
 * saved state the splits also carry which records the lake already holds.
 */
public final class RawObjectSource implements Source<RawRecord, RawObjectSplit, DiscoveryState>, ResultTypeQueryable<RawRecord> {
    private static final long serialVersionUID = 1L;

    private final Path root;
    private final FirehoseObjectFormat<RawObjectSplit> format;
    private final ObjectDiscoveryEnumerator.Settings discovery;
    /** Registered with the first enumerator; the same source instance makes the next ones after global failovers. */
    private transient DiscoveryMetrics metrics;

    RawObjectSource(Path root, FirehoseObjectFormat<RawObjectSplit> format, ObjectDiscoveryEnumerator.Settings discovery) {
        this.root = root;
        this.format = format;
        this.discovery = discovery;
    }

    public static RawObjectSource create(JobConfig config) {
        return new RawObjectSource(new Path(config.inputPath),
                new FirehoseObjectFormat<>(config.maxRecordBytes, config.deadLetterMaxRawBytes),
                ObjectDiscoveryEnumerator.Settings.of(config));
    }

    @Override
    public Boundedness getBoundedness() {
        return discovery.bounded ? Boundedness.BOUNDED : Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<RawRecord, RawObjectSplit> createReader(SourceReaderContext context) {
        return new RawObjectReader(context, format, context.getConfiguration());
    }

    @Override
    public SplitEnumerator<RawObjectSplit, DiscoveryState> createEnumerator(SplitEnumeratorContext<RawObjectSplit> context) {
        return new ObjectDiscoveryEnumerator(context, root, discovery, DiscoveryState.empty(), true, System::currentTimeMillis, metrics(context));
    }

    @Override
    public SplitEnumerator<RawObjectSplit, DiscoveryState> restoreEnumerator(SplitEnumeratorContext<RawObjectSplit> context,
                                                                               DiscoveryState state) {
        return new ObjectDiscoveryEnumerator(context, root, discovery, state, false, System::currentTimeMillis, metrics(context));
    }

    private DiscoveryMetrics metrics(SplitEnumeratorContext<RawObjectSplit> context) {
        if (metrics == null) {
            metrics = new DiscoveryMetrics(context.metricGroup());
        }
        return metrics;
    }

    @Override
    public SimpleVersionedSerializer<RawObjectSplit> getSplitSerializer() {
        return RawObjectSplit.Serializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<DiscoveryState> getEnumeratorCheckpointSerializer() {
        return new DiscoveryState.Serializer(discovery.bounded);
    }

    @Override
    public TypeInformation<RawRecord> getProducedType() {
        return format.getProducedType();
    }
}
