package io.clickstream.generator;

/** What the ETL job is expected to do with a generated record; the ground truth tests check against. */
public enum Fate {
    /** A valid event that must reach the lake exactly once. */
    VALID,
    /** A byte-for-byte repeat of an earlier valid event (a Firehose or producer retry). */
    DUPLICATE,
    /** Not parseable as whole JSON objects. */
    MALFORMED,
    /** Well-formed JSON that breaks a validation rule. */
    SCHEMA_VIOLATION,
    /** Reuses the id of an earlier valid event with different content. */
    ID_CONFLICT,
    /** A record larger than the ETL's maximum record size. */
    OVERSIZED
}
