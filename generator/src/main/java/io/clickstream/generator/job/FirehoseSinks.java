package io.clickstream.generator.job;

import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.connector.aws.config.AWSConfigConstants;
import org.apache.flink.connector.aws.util.AWSGeneralUtil;
import org.apache.flink.connector.firehose.sink.KinesisFirehoseSink;

import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

import java.util.Properties;

/** The Amazon Data Firehose sink, within Firehose's PutRecordBatch limits. */
public final class FirehoseSinks {

    /** Firehose's limits: 500 records and 4 MiB per PutRecordBatch call, 1,000 KiB per record. */
    static final int MAX_BATCH_RECORDS = 500;
    static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;

    private FirehoseSinks() {
    }

    /**
     * A sink to {@code config.firehoseStream}. Credentials come from the default AWS chain unless
     * {@code clientOverrides} sets others (tests). Failed records of a partial failure are retried
     * by the sink; it never gives up on them silently.
     */
    public static KinesisFirehoseSink<String> create(GeneratorConfig config, Properties clientOverrides) {
        return KinesisFirehoseSink.<String>builder()
                .setDeliveryStreamName(config.firehoseStream)
                .setFirehoseClientProperties(clientProperties(config, clientOverrides))
                .setSerializationSchema(new SimpleStringSchema())
                .setMaxBatchSize(MAX_BATCH_RECORDS)
                .setMaxBatchSizeInBytes(MAX_BATCH_BYTES)
                .setMaxRecordSizeInBytes(GeneratorConfig.FIREHOSE_MAX_RECORD_BYTES)
                .setFailOnError(false)
                .build();
    }

    /**
     * Whether the sink's credentials provider finds credentials: asked before the job starts,
     * which would otherwise fail, restart and fail again with a page of stack traces.
     */
    static boolean hasCredentials(GeneratorConfig config) {
        try {
            AWSGeneralUtil.getCredentialsProvider(clientProperties(config, new Properties())).resolveCredentials();
            return true;
        } catch (RuntimeException none) {
            return false;
        }
    }

    /**
     * {@code firehose.region}, or else the AWS SDK's default region (AWS_REGION, the profile's
     * region, the instance's), or {@code null} when there is none. The connector itself asks no
     * chain: without a region its client fails on every start with "region must not be null".
     */
    static String region(GeneratorConfig config) {
        if (config.firehoseRegion != null) {
            return config.firehoseRegion;
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion().id();
        } catch (RuntimeException none) {
            return null;
        }
    }

    private static Properties clientProperties(GeneratorConfig config, Properties overrides) {
        Properties client = new Properties();
        String region = region(config);
        if (region != null) {
            client.setProperty(AWSConfigConstants.AWS_REGION, region);
        }
        if (config.firehoseEndpoint != null) {
            client.setProperty(AWSConfigConstants.AWS_ENDPOINT, config.firehoseEndpoint);
            if (config.firehoseEndpoint.startsWith("http://")) {
                client.setProperty(AWSConfigConstants.HTTP_PROTOCOL_VERSION, "HTTP1_1");
            }
        }
        client.putAll(overrides);
        return client;
    }
}
