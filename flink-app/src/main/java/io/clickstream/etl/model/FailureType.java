package io.clickstream.etl.model;

import java.util.Locale;

/** Why a record went to the dead-letter output. */
public enum FailureType {
    /** Not whole JSON objects: syntax errors, trailing garbage, bare arrays or strings. */
    MALFORMED_JSON,
    /** Well-formed JSON that breaks a validation rule; the dead letter names the field and rule. */
    SCHEMA_VIOLATION,
    /** A record longer than {@code input.max-record-bytes}. */
    OVERSIZED_RECORD,
    /** An object, or the rest of one, that could not be read (corrupt or truncated GZIP, deleted). */
    UNREADABLE_OBJECT,
    /** A known {@code event_id} arriving again with different content. */
    ID_CONFLICT,
    /**
     * A valid event that made removing personal data or enriching fail: a bug, dead-lettered with
     * the error instead of failing the job on the same record after every restart.
     */
    PROCESSING_ERROR;

    /** The value used in the {@code failure_type=} partition folder. */
    public String folderName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
