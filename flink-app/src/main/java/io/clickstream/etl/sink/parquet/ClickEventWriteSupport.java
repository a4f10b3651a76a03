package io.clickstream.etl.sink.parquet;

import io.clickstream.etl.model.ClickEvent;
import io.clickstream.etl.sink.LakeLedger;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

import java.nio.charset.StandardCharsets;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * Hands each {@link ClickEvent} to parquet-mr's record consumer, field by field in
 * {@link LakeSchema} order; parquet-mr does all encoding (pages, levels, dictionaries, statistics,
 * row groups). Absent optional values are left out; an empty {@code extra} map is written as null.
 * The footer lists the positions of the file's records in their raw objects ({@link LakeLedger}).
 */
public final class ClickEventWriteSupport extends WriteSupport<ClickEvent> {

    private RecordConsumer out;
    private int index;
    private String lastSourceFile;
    private Binary lastSourceFileBytes;
    private BitSet lastSourceRecords;
    /** Raw object to the positions of its records in this file. */
    private final Map<String, BitSet> sourceRecords;
    /** False when the records are copies whose positions came with {@link #ClickEventWriteSupport(Map)}. */
    private final boolean trackSources;

    public ClickEventWriteSupport() {
        this.sourceRecords = new HashMap<>();
        this.trackSources = true;
    }

    /** For records read back from lake files, whose positions are not columns: the files' footers' entries. */
    public ClickEventWriteSupport(Map<String, BitSet> sourceRecords) {
        this.sourceRecords = sourceRecords;
        this.trackSources = false;
    }

    @Override
    public WriteContext init(Configuration configuration) {
        return new WriteContext(LakeSchema.SCHEMA, Collections.emptyMap());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public void write(ClickEvent e) {
        checkRequired(e);
        index = 0;
        out.startMessage();
        string("event_id", e.eventId);
        string("event_type", e.eventType);
        int64("event_timestamp", e.eventTimestamp);
        int32("event_date", e.eventDate);
        int32("hour", e.hour);
        string("day_of_week", e.dayOfWeek);
        string("user_id", e.userId);
        string("session_id", e.sessionId);
        string("page_url", e.pageUrl);
        string("page_host", e.pageHost);
        string("page_path", e.pagePath);
        string("referrer_host", e.referrerHost);
        string("utm_source", e.utmSource);
        string("utm_medium", e.utmMedium);
        string("utm_campaign", e.utmCampaign);
        string("utm_term", e.utmTerm);
        string("utm_content", e.utmContent);
        string("product_id", e.productId);
        string("product_name", e.productName);
        string("product_category", e.productCategory);
        int64("product_price", e.productPriceCents);
        int64("revenue", e.revenueCents);
        int32("quantity", e.quantity);
        string("search_query", e.searchQuery);
        int32("search_results_count", e.searchResultsCount);
        string("device_type", e.deviceType);
        string("browser", e.browser);
        string("browser_version", e.browserVersion);
        string("os", e.os);
        bool("is_bot", e.isBot);
        string("country", e.country);
        string("city", e.city);
        string("email_hash", e.emailHash);
        string("ip_address_hash", e.ipAddressHash);
        string("user_id_hash", e.userIdHash);
        map("extra", e.extra);
        sourceFile(e.sourceFile);
        int64("ingested_at", e.ingestedAt);
        out.endMessage();
        if (trackSources) {
            lastSourceRecords.set(e.sourceOrdinal);
        }
    }

    @Override
    public FinalizedWriteContext finalizeWrite() {
        return new FinalizedWriteContext(sourceRecords.isEmpty() ? Map.of() : Map.of(LakeLedger.FOOTER_KEY, LakeLedger.encode(sourceRecords)));
    }

    /**
     * A required column without a value would fail inside parquet-mr halfway through the record and
     * leave the row group unusable: refuse the whole event first, naming the field.
     */
    private static void checkRequired(ClickEvent e) {
        String missing = e.eventId == null ? "event_id" : e.eventType == null ? "event_type" : e.dayOfWeek == null ? "day_of_week"
                : e.sourceFile == null ? "source_file" : null;
        if (missing != null) {
            throw new IllegalArgumentException("lake event " + e.eventId + " has no " + missing + " (a required column)");
        }
    }

    private void string(String name, String value) {
        int i = index++;
        if (value != null) {
            out.startField(name, i);
            out.addBinary(utf8(value));
            out.endField(name, i);
        }
    }

    /** Records come object by object, so the previous file's bytes are nearly always the right ones. */
    private void sourceFile(String value) {
        if (!value.equals(lastSourceFile)) {
            lastSourceFile = value;
            lastSourceFileBytes = utf8(value);
            lastSourceRecords = trackSources ? sourceRecords.computeIfAbsent(value, k -> new BitSet()) : null;
        }
        int i = index++;
        out.startField("source_file", i);
        out.addBinary(lastSourceFileBytes);
        out.endField("source_file", i);
    }

    private void int64(String name, long value) {
        int i = index++;
        out.startField(name, i);
        out.addLong(value);
        out.endField(name, i);
    }

    private void int32(String name, int value) {
        int i = index++;
        out.startField(name, i);
        out.addInteger(value);
        out.endField(name, i);
    }

    private void int64(String name, Long value) {
        int i = index++;
        if (value != null) {
            out.startField(name, i);
            out.addLong(value);
            out.endField(name, i);
        }
    }

    private void int32(String name, Integer value) {
        int i = index++;
        if (value != null) {
            out.startField(name, i);
            out.addInteger(value);
            out.endField(name, i);
        }
    }

    private void bool(String name, boolean value) {
        int i = index++;
        out.startField(name, i);
        out.addBoolean(value);
        out.endField(name, i);
    }

    /** An empty map is written as null: Parquet readers treat both the same for analytics. */
    private void map(String name, Map<String, String> value) {
        int i = index++;
        if (value == null || value.isEmpty()) {
            return;
        }
        out.startField(name, i);
        out.startGroup();
        out.startField("key_value", 0);
        for (Map.Entry<String, String> entry : value.entrySet()) {
            out.startGroup();
            out.startField("key", 0);
            out.addBinary(utf8(entry.getKey()));
            out.endField("key", 0);
            if (entry.getValue() != null) {
                out.startField("value", 1);
                out.addBinary(utf8(entry.getValue()));
                out.endField("value", 1);
            }
            out.endGroup();
        }
        out.endField("key_value", 0);
        out.endGroup();
        out.endField(name, i);
    }

    private static Binary utf8(String value) {
        return Binary.fromConstantByteArray(value.getBytes(StandardCharsets.UTF_8));
    }
}
