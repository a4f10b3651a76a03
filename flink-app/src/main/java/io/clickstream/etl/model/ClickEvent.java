package io.clickstream.etl.model;

import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A validated clickstream event on its way to the lake. Parsing fills the input fields, PII
 * scrubbing clears or hashes personal ones, enrichment fills the derived ones. Money is held in
 * cents so that DECIMAL(12,2) output is exact.
 */
@TypeInfo(ClickEvent.TypeFactory.class)
public class ClickEvent {
    // From the producer.
    public String eventId;
    /** {@link #eventId} as the key it is deduplicated by. */
    public EventKey key;
    public String eventType;
    public long eventTimestamp;
    public String userId;
    public String sessionId;
    public String pageUrl;
    public String referrer;
    public String productId;
    public String productName;
    public String productCategory;
    public Long productPriceCents;
    public Integer quantity;
    public String searchQuery;
    public Integer searchResultsCount;
    public String deviceType;
    public String browser;
    public String browserVersion;
    public String os;
    public String userAgent;
    public String ipAddress;
    public String email;
    public String country;
    public String city;
    /** Fields the schema does not know, as text (nested values as compact JSON). */
    public Map<String, String> extra;

    // Keyed pseudonyms (HMAC-SHA256 hex), set only when a pseudonym key is configured.
    public String emailHash;
    public String ipAddressHash;
    public String userIdHash;

    // Derived by enrichment.
    public long revenueCents;
    /** Days since 1970-01-01 (UTC) of {@link #eventTimestamp}. */
    public int eventDate;
    public int hour;
    public String dayOfWeek;
    public String pageHost;
    public String pagePath;
    public String referrerHost;
    public String utmSource;
    public String utmMedium;
    public String utmCampaign;
    public String utmTerm;
    public String utmContent;
    public boolean isBot;

    // Lineage.
    public String sourceFile;
    public long lineNumber;
    /** The record's position in its raw object ({@link RawRecord#ordinal}); kept in the lake files' footers. */
    public int sourceOrdinal;
    /** See {@link RawRecord#inLake}: deduplicated, then dropped. */
    public boolean inLake;
    public long ingestedAt;
    /** Hash of the event's content, to tell a retry from an id conflict. */
    public long contentHash;
    /** The raw record, kept until enrichment for id-conflict and processing-error dead letters. */
    public byte[] raw;

    public ClickEvent() {
    }

    /**
     * Declares {@code extra} as a Flink map type: left to reflection it would become a Kryo
     * generic type.
     */
    public static final class TypeFactory extends TypeInfoFactory<ClickEvent> {
        @Override
        public TypeInformation<ClickEvent> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            Map<String, TypeInformation<?>> fields = new LinkedHashMap<>();
            for (Field field : ClickEvent.class.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers())) {
                    continue;
                }
                fields.put(field.getName(), field.getName().equals("extra")
                        ? Types.MAP(Types.STRING, Types.STRING)
                        : TypeInformation.of(field.getType()));
            }
            return Types.POJO(ClickEvent.class, fields);
        }
    }
}
