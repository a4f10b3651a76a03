package io.clickstream.generator;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/** Knobs of the traffic model and of fault injection. Rates are shares of all emitted records. */
public final class GeneratorSettings implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    public long seed = 42L;
    /** Records to emit in total, faults included. */
    public int records = 100_000;
    /** First day of traffic (UTC midnight, epoch millis). */
    public long startMillis = LocalDate.now(ZoneOffset.UTC).minusDays(3).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    /** Days the traffic is spread over. */
    public int days = 3;
    public int products = 500;
    /** Zipf exponent of product popularity. */
    public double zipfExponent = 1.1;
    /** Share of sessions that buy. */
    public double conversionRate = 0.04;
    public double cartRate = 0.18;

    public double duplicateRate = 0.02;
    public double malformedRate = 0.005;
    public double schemaViolationRate = 0.005;
    public double idConflictRate = 0.002;
    public double backToBackRate = 0.05;
    public double lateRate = 0.01;
    public double oversizedRate = 0.0;
    /**
     * Every timestamp an ISO-8601 UTC string and every number a JSON number, instead of the mix real
     * producers send: one fixed schema, as a reader with declared columns expects (the benchmark's
     * peers). The random draws are the same either way.
     */
    public boolean uniformTypes = false;
    /** Size of the padding that makes a record oversized (the ETL's default limit is 1 MiB). */
    public int oversizedBytes = 1_200_000;

    public static GeneratorSettings defaults() {
        return new GeneratorSettings();
    }

    public GeneratorSettings seed(long value) {
        seed = value;
        return this;
    }

    public GeneratorSettings records(int value) {
        records = value;
        return this;
    }

    public GeneratorSettings start(Instant value) {
        startMillis = value.toEpochMilli();
        return this;
    }

    public GeneratorSettings days(int value) {
        days = value;
        return this;
    }

    /** Turns every kind of fault off: only valid events. */
    public GeneratorSettings noFaults() {
        duplicateRate = 0;
        malformedRate = 0;
        schemaViolationRate = 0;
        idConflictRate = 0;
        oversizedRate = 0;
        return this;
    }
}
