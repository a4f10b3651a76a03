package io.clickstream.etl.config;

import java.util.Map;

/** A valid configuration for operator tests. */
public final class JobConfigTestSupport {

    private JobConfigTestSupport() {
    }

    public static JobConfig config() {
        return JobConfig.fromMap(Map.of(
                "input.path", "/tmp/raw",
                "output.lake.path", "/tmp/lake",
                "output.dead-letter.path", "/tmp/dead-letter",
                "job.version", "test-1"));
    }
}
