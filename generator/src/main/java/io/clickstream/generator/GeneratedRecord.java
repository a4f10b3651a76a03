package io.clickstream.generator;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One record as a producer sends it to Firehose, with the fate the ETL must give it and, for
 * events, the logical field values the record was rendered from.
 */
public final class GeneratedRecord {
    private final String json;
    private final Fate fate;
    private final long arrivalMillis;
    private final boolean backToBack;
    private final Map<String, Object> fields;

    GeneratedRecord(String json, Fate fate, long arrivalMillis, boolean backToBack, Map<String, Object> fields) {
        this.json = json;
        this.fate = fate;
        this.arrivalMillis = arrivalMillis;
        this.backToBack = backToBack;
        this.fields = fields == null ? Collections.emptyMap() : Collections.unmodifiableMap(fields);
    }

    /** The record text exactly as sent, without any delimiter. */
    public String json() {
        return json;
    }

    /**
     * The bytes a producer puts on the wire: the record and a newline, except for back-to-back
     * records. A malformed record also starts with a newline, so that it spoils no other record's
     * line whatever the order records land in.
     */
    public byte[] wire() {
        String text = fate == Fate.MALFORMED ? "\n" + json + "\n" : backToBack ? json : json + "\n";
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public Fate fate() {
        return fate;
    }

    /** When Firehose receives the record (epoch millis, UTC); decides which object it lands in. */
    public long arrivalMillis() {
        return arrivalMillis;
    }

    /** True if the producer sent no newline after this record, so the next one follows on the same line. */
    public boolean backToBack() {
        return backToBack;
    }

    /**
     * The logical event: field name to value (String, Long, Double or Integer) as in the JSON, plus
     * {@code _event_millis} with the parsed event time and {@code _secrets} with {@link #secrets()}.
     * Empty for malformed records.
     */
    public Map<String, Object> fields() {
        return fields;
    }

    /**
     * Personal data and secrets planted in the record's URLs and text (tokens, session ids, card and
     * phone numbers, JSON Web Tokens and their payloads), as they appear in it; none may reach the
     * lake. The {@code ip_address} and {@code email} fields come on top.
     */
    @SuppressWarnings("unchecked")
    public List<String> secrets() {
        Object secrets = fields.get("_secrets");
        return secrets == null ? List.of() : Collections.unmodifiableList((List<String>) secrets);
    }

    public String eventId() {
        Object id = fields.get("event_id");
        return id == null ? null : id.toString();
    }

    /** The event time in epoch millis, for records with a parseable timestamp. */
    public long eventMillis() {
        return ((Number) fields.get("_event_millis")).longValue();
    }
}
