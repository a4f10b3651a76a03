package io.clickstream.etl.sink.parquet;

import io.clickstream.etl.model.ClickEvent;

import org.apache.parquet.column.Dictionary;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.Converter;
import org.apache.parquet.io.api.GroupConverter;
import org.apache.parquet.io.api.PrimitiveConverter;
import org.apache.parquet.io.api.RecordMaterializer;
import org.apache.parquet.schema.GroupType;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.ObjIntConsumer;
import java.util.function.ObjLongConsumer;

/**
 * Assembles {@link ClickEvent}s straight from parquet-mr's column readers, one converter per
 * {@link LakeSchema} column setting its field: no intermediate row objects. A dictionary-encoded
 * string column is decoded once per dictionary, not once per value, so the low-cardinality columns
 * (event type, browser, country, ...) cost an array lookup per row.
 */
final class ClickEventMaterializer extends RecordMaterializer<ClickEvent> {

    private final EventConverter root = new EventConverter();

    @Override
    public ClickEvent getCurrentRecord() {
        return root.event;
    }

    @Override
    public GroupConverter getRootConverter() {
        return root;
    }

    private static final class EventConverter extends GroupConverter {
        private final Converter[] fields = new Converter[LakeSchema.SCHEMA.getFieldCount()];
        private ClickEvent event;

        EventConverter() {
            string("event_id", (e, v) -> e.eventId = v);
            string("event_type", (e, v) -> e.eventType = v);
            int64("event_timestamp", (e, v) -> e.eventTimestamp = v);
            int32("event_date", (e, v) -> e.eventDate = v);
            int32("hour", (e, v) -> e.hour = v);
            string("day_of_week", (e, v) -> e.dayOfWeek = v);
            string("user_id", (e, v) -> e.userId = v);
            string("session_id", (e, v) -> e.sessionId = v);
            string("page_url", (e, v) -> e.pageUrl = v);
            string("page_host", (e, v) -> e.pageHost = v);
            string("page_path", (e, v) -> e.pagePath = v);
            string("referrer_host", (e, v) -> e.referrerHost = v);
            string("utm_source", (e, v) -> e.utmSource = v);
            string("utm_medium", (e, v) -> e.utmMedium = v);
            string("utm_campaign", (e, v) -> e.utmCampaign = v);
            string("utm_term", (e, v) -> e.utmTerm = v);
            string("utm_content", (e, v) -> e.utmContent = v);
            string("product_id", (e, v) -> e.productId = v);
            string("product_name", (e, v) -> e.productName = v);
            string("product_category", (e, v) -> e.productCategory = v);
            int64("product_price", (e, v) -> e.productPriceCents = v);
            int64("revenue", (e, v) -> e.revenueCents = v);
            int32("quantity", (e, v) -> e.quantity = v);
            string("search_query", (e, v) -> e.searchQuery = v);
            int32("search_results_count", (e, v) -> e.searchResultsCount = v);
            string("device_type", (e, v) -> e.deviceType = v);
            string("browser", (e, v) -> e.browser = v);
            string("browser_version", (e, v) -> e.browserVersion = v);
            string("os", (e, v) -> e.os = v);
            set("is_bot", new PrimitiveConverter() {
                @Override
                public void addBoolean(boolean value) {
                    event.isBot = value;
                }
            });
            string("country", (e, v) -> e.country = v);
            string("city", (e, v) -> e.city = v);
            string("email_hash", (e, v) -> e.emailHash = v);
            string("ip_address_hash", (e, v) -> e.ipAddressHash = v);
            string("user_id_hash", (e, v) -> e.userIdHash = v);
            set("extra", new ExtraConverter(this));
            string("source_file", (e, v) -> e.sourceFile = v);
            int64("ingested_at", (e, v) -> e.ingestedAt = v);
            for (int i = 0; i < fields.length; i++) {
                if (fields[i] == null) {
                    throw new IllegalStateException("no converter for lake column " + LakeSchema.SCHEMA.getFieldName(i));
                }
            }
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return fields[fieldIndex];
        }

        @Override
        public void start() {
            event = new ClickEvent();
        }

        @Override
        public void end() {
        }

        private void set(String column, Converter converter) {
            fields[LakeSchema.SCHEMA.getFieldIndex(column)] = converter;
        }

        private void string(String column, BiConsumer<ClickEvent, String> setter) {
            set(column, new StringConverter(v -> setter.accept(event, v)));
        }

        private void int64(String column, ObjLongConsumer<ClickEvent> setter) {
            set(column, new PrimitiveConverter() {
                @Override
                public void addLong(long value) {
                    setter.accept(event, value);
                }
            });
        }

        private void int32(String column, ObjIntConsumer<ClickEvent> setter) {
            set(column, new PrimitiveConverter() {
                @Override
                public void addInt(int value) {
                    setter.accept(event, value);
                }
            });
        }
    }

    /** A UTF-8 string column; dictionary pages are decoded into strings once. */
    private static final class StringConverter extends PrimitiveConverter {
        private final Consumer<String> target;
        private String[] dictionary;

        StringConverter(Consumer<String> target) {
            this.target = target;
        }

        @Override
        public boolean hasDictionarySupport() {
            return true;
        }

        @Override
        public void setDictionary(Dictionary dictionary) {
            String[] decoded = new String[dictionary.getMaxId() + 1];
            for (int id = 0; id < decoded.length; id++) {
                decoded[id] = dictionary.decodeToBinary(id).toStringUsingUTF8();
            }
            this.dictionary = decoded;
        }

        @Override
        public void addValueFromDictionary(int dictionaryId) {
            target.accept(dictionary[dictionaryId]);
        }

        @Override
        public void addBinary(Binary value) {
            target.accept(value.toStringUsingUTF8());
        }
    }

    /** The {@code extra} map: a repeated {@code key_value} group of a key and an optional value. */
    private static final class ExtraConverter extends GroupConverter {
        private final EventConverter parent;
        private final Converter entries;
        private Map<String, String> map;
        private String key;
        private String value;

        ExtraConverter(EventConverter parent) {
            this.parent = parent;
            GroupType entry = LakeSchema.SCHEMA.getType("extra").asGroupType().getType("key_value").asGroupType();
            Converter[] entryFields = new Converter[entry.getFieldCount()];
            entryFields[entry.getFieldIndex("key")] = new StringConverter(v -> key = v);
            entryFields[entry.getFieldIndex("value")] = new StringConverter(v -> value = v);
            this.entries = new GroupConverter() {
                @Override
                public Converter getConverter(int fieldIndex) {
                    return entryFields[fieldIndex];
                }

                @Override
                public void start() {
                    key = null;
                    value = null;
                }

                @Override
                public void end() {
                    map.put(key, value);
                }
            };
        }

        @Override
        public Converter getConverter(int fieldIndex) {
            return entries;
        }

        @Override
        public void start() {
            map = new LinkedHashMap<>();
        }

        @Override
        public void end() {
            parent.event.extra = map;
        }
    }
}
