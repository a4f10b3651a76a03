package io.clickstream.etl.model;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.MapTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every type that crosses an operator boundary has a Flink serializer, never Kryo: the events and
 * dead letters are Flink POJOs, the raw records have their own.
 */
class SerializationTest {

    @Test
    void clickEventIsAPojoWithANativeMapField() throws IOException {
        TypeInformation<ClickEvent> type = TypeInformation.of(ClickEvent.class);
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<ClickEvent> pojo = (PojoTypeInfo<ClickEvent>) type;
        assertThat(pojo.getTypeAt(pojo.getFieldIndex("extra"))).isInstanceOf(MapTypeInfo.class);

        ClickEvent e = new ClickEvent();
        e.eventId = "a";
        e.key = EventKey.of("a");
        e.eventTimestamp = 1767608130000L;
        e.productPriceCents = 1999L;
        e.quantity = 2;
        e.isBot = true;
        e.extra = Map.of("k", "v");
        e.raw = "{}".getBytes(StandardCharsets.UTF_8);
        ClickEvent copy = roundTrip(type, e);
        assertThat(copy).usingRecursiveComparison().isEqualTo(e);
    }

    @Test
    void deadLettersArePojos() throws IOException {
        TypeInformation<DeadLetter> dead = TypeInformation.of(DeadLetter.class);
        assertThat(dead).isInstanceOf(PojoTypeInfo.class);
        DeadLetter d = DeadLetter.of(FailureType.ID_CONFLICT, "event_id", "unique_content", "m", new byte[] {'x'}, 1, "f", 2, 7, 3, "v", 10);
        assertThat(roundTrip(dead, d)).usingRecursiveComparison().isEqualTo(d);
    }

    /** Raw records cross the shuffle with their own serializer (see RawRecordSerializerTest), with generic types off too. */
    @Test
    void rawRecordsUseTheirOwnSerializer() throws IOException {
        TypeInformation<RawRecord> raw = TypeInformation.of(RawRecord.class);
        assertThat(raw).isInstanceOf(RawRecordTypeInfo.class);
        ExecutionConfig config = new ExecutionConfig();
        config.disableGenericTypes();
        assertThat(raw.createSerializer(config.getSerializerConfig())).isInstanceOf(RawRecordSerializer.class);

        RawRecord r = RawRecord.failure(FailureType.MALFORMED_JSON, "bad", new byte[] {1, 2}, 9, "f", 3);
        r.ordinal = 5;
        r.inLake = true;
        r.deadLettered = true;
        assertThat(roundTrip(raw, r)).usingRecursiveComparison().isEqualTo(r);
    }

    private static <T> T roundTrip(TypeInformation<T> type, T value) throws IOException {
        ExecutionConfig config = new ExecutionConfig();
        config.disableGenericTypes();
        TypeSerializer<T> serializer = type.createSerializer(config.getSerializerConfig());
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
