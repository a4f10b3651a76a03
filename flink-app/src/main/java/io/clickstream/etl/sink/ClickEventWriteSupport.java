package io.clickstream.etl.sink;

import io.clickstream.etl.model.ClickEvent;

import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Map;

import static org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit.MILLIS;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BOOLEAN;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;

/**
 * Writes {@link ClickEvent}s straight into Parquet's record consumer: no intermediate Avro record
 * per event. Timestamps are INT64 {@code timestamp-millis} (UTC), money is INT64 DECIMAL(12,2), the
 * date is a DATE. Partition columns are not stored: they live in the path.
 */
public final class ClickEventWriteSupport extends WriteSupport<ClickEvent> {

    public static final MessageType SCHEMA = Types.buildMessage()
            .required(BINARY).as(string()).named("event_id")
            .required(BINARY).as(string()).named("event_type")
            .required(INT64).as(LogicalTypeAnnotation.timestampType(true, MILLIS)).named("event_timestamp")
            .required(INT32).as(LogicalTypeAnnotation.dateType()).named("event_date")
            .required(INT32).named("hour")
            .required(BINARY).as(string()).named("day_of_week")
            .optional(BINARY).as(string()).named("user_id")
            .optional(BINARY).as(string()).named("session_id")
            .optional(BINARY).as(string()).named("page_url")
            .optional(BINARY).as(string()).named("page_host")
            .optional(BINARY).as(string()).named("page_path")
            .optional(BINARY).as(string()).named("referrer_host")
            .optional(BINARY).as(string()).named("utm_source")
            .optional(BINARY).as(string()).named("utm_medium")
            .optional(BINARY).as(string()).named("utm_campaign")
            .optional(BINARY).as(string()).named("utm_term")
            .optional(BINARY).as(string()).named("utm_content")
            .optional(BINARY).as(string()).named("product_id")
            .optional(BINARY).as(string()).named("product_name")
            .optional(BINARY).as(string()).named("product_category")
            .optional(INT64).as(LogicalTypeAnnotation.decimalType(2, 12)).named("product_price")
            .required(INT64).as(LogicalTypeAnnotation.decimalType(2, 12)).named("revenue")
            .optional(INT32).named("quantity")
            .optional(BINARY).as(string()).named("search_query")
            .optional(INT32).named("search_results_count")
            .optional(BINARY).as(string()).named("device_type")
            .optional(BINARY).as(string()).named("browser")
            .optional(BINARY).as(string()).named("browser_version")
            .optional(BINARY).as(string()).named("os")
            .required(BOOLEAN).named("is_bot")
            .optional(BINARY).as(string()).named("country")
            .optional(BINARY).as(string()).named("city")
            .optional(BINARY).as(string()).named("email_hash")
            .optional(BINARY).as(string()).named("ip_address_hash")
            .optional(BINARY).as(string()).named("user_id_hash")
            .optionalGroup().as(LogicalTypeAnnotation.mapType())
                .repeatedGroup()
                    .required(BINARY).as(string()).named("key")
                    .optional(BINARY).as(string()).named("value")
                .named("key_value")
            .named("extra")
            .required(BINARY).as(string()).named("source_file")
            .required(INT64).as(LogicalTypeAnnotation.timestampType(true, MILLIS)).named("ingested_at")
            .named("clickstream_event");

    private RecordConsumer out;
    private int index;
    private String lastSourceFile;
    private Binary lastSourceFileBytes;

    @Override
    public WriteContext init(Configuration configuration) {
        return new WriteContext(SCHEMA, Collections.emptyMap());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    @Override
    public void write(ClickEvent e) {
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

    /**
     * A byte-array-backed binary: {@code Binary.fromString} wraps its bytes in a ByteBuffer, which
     * costs two more objects per value and makes the dictionary's hashing and comparisons slower.
     */
    private static Binary utf8(String value) {
        return Binary.fromConstantByteArray(value.getBytes(StandardCharsets.UTF_8));
    }

    private static LogicalTypeAnnotation string() {
        return LogicalTypeAnnotation.stringType();
    }
}
