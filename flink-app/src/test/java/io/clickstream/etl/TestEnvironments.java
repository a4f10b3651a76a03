package io.clickstream.etl;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The environment of the embedded-cluster tests: no restarts, so any failure fails the test. */
final class TestEnvironments {

    private TestEnvironments() {
    }

    static StreamExecutionEnvironment withoutRestarts(int parallelism, long checkpointMillis) {
        Configuration conf = new Configuration();
        conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(conf);
        env.setParallelism(parallelism);
        env.enableCheckpointing(checkpointMillis);
        env.getConfig().disableGenericTypes();
        return env;
    }
}
