package io.clickstream.etl.model;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EventKeyTest {

    @Test
    void aCanonicalUuidIsItsOwnKey() {
        UUID id = UUID.fromString("0f8e4d2c-1b3a-4c5d-9e7f-a1b2c3d4e5f6");
        EventKey key = EventKey.of(id.toString());
        assertThat(key.hi).isEqualTo(id.getMostSignificantBits());
        assertThat(key.lo).isEqualTo(id.getLeastSignificantBits());
        assertThat(key).hasToString(id.toString());
    }

    @Test
    void aUuidIsOneKeyInEitherCase() {
        UUID id = UUID.fromString("0f8e4d2c-1b3a-4c5d-9e7f-a1b2c3d4e5f6");
        for (String spelling : new String[] {"0F8E4D2C-1B3A-4C5D-9E7F-A1B2C3D4E5F6", "0f8E4d2C-1b3A-4c5D-9e7F-a1B2c3D4e5F6"}) {
            byte[] buffer = ("{\"event_id\":\"" + spelling + "\"}").getBytes(StandardCharsets.UTF_8);
            EventKey fromBytes = EventKey.of(buffer, 13, 13 + spelling.length());
            assertThat(fromBytes).as(spelling).isEqualTo(EventKey.of(id.toString())).hasSameHashCodeAs(EventKey.of(id.toString()));
            assertThat(EventKey.of(spelling)).as(spelling).isEqualTo(fromBytes);
        }
        // Only the ASCII hex digits: a letter past F is no UUID, so it is hashed like any text.
        assertThat(EventKey.of("0G8E4D2C-1B3A-4C5D-9E7F-A1B2C3D4E5F6")).isNotEqualTo(EventKey.of("0a8e4d2c-1b3a-4c5d-9e7f-a1b2c3d4e5f6"));
    }

    @Test
    void idsThatDifferAsTextHaveDifferentKeys() {
        String lower = "0f8e4d2c-1b3a-4c5d-9e7f-a1b2c3d4e5f6";
        Set<EventKey> keys = new HashSet<>();
        for (String id : new String[] {lower, lower.replace('-', '_'), lower + " ", lower.replace('f', 'g'), lower.replace("-", "") + "----", "", "~s3://raw/a.gz#1", "~s3://raw/a.gz#2", "\u00e9v\u00e9nement"}) {
            assertThat(keys.add(EventKey.of(id))).as(id).isTrue();
        }
        // Hashed keys (not canonical UUIDs) do not collide in a large sample either.
        Set<EventKey> hashed = new HashSet<>();
        for (int i = 0; i < 500_000; i++) {
            hashed.add(EventKey.of("order-" + i));
        }
        assertThat(hashed).hasSize(500_000);
    }

    @Test
    void theKeyOfBytesInALargerBufferIsTheKeyOfTheText() {
        for (String id : new String[] {"0f8e4d2c-1b3a-4c5d-9e7f-a1b2c3d4e5f6", "ABC-not-a-uuid", "x"}) {
            byte[] buffer = ("{\"event_id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
            int from = 13;
            assertThat(EventKey.of(buffer, from, from + id.length())).isEqualTo(EventKey.of(id)).hasSameHashCodeAs(EventKey.of(id));
        }
    }

    @Test
    void isAPojoThatSurvivesSerialization() throws Exception {
        TypeInformation<EventKey> type = TypeInformation.of(EventKey.class);
        assertThat(type).isInstanceOf(PojoTypeInfo.class);
        TypeSerializer<EventKey> serializer = type.createSerializer(new ExecutionConfig().getSerializerConfig());
        EventKey key = EventKey.of("not a uuid");
        EventKey copy = InstantiationUtil.deserializeFromByteArray(serializer, InstantiationUtil.serializeToByteArray(serializer, key));
        assertThat(copy).isEqualTo(key).isNotSameAs(key);
    }
}
