package io.clickstream.etl.pii;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class Base64TextTest {

    @Test
    void textInEitherAlphabetPaddedOrNotIsDecoded() {
        String json = "{\"email\":\"zoë@example.com\",\"ok\":true}";
        String standard = Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        String urlSafe = Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        for (String encoded : new String[] {standard, urlSafe}) {
            assertThat(Base64Text.plausible(encoded, 0, encoded.length())).as(encoded).isTrue();
            assertThat(Base64Text.decode(encoded)).isEqualTo(json);
        }
        assertThat(Base64Text.decode("YW5uYUBleGFtcGxlLmNvbQ")).isEqualTo("anna@example.com");
    }

    @Test
    void bytesThatAreNotTextAreNotDecoded() {
        byte[] id = {0x0A, (byte) 0x9F, 0x00, 0x41, 0x7F, (byte) 0xC3, 0x28, 0x10, 0x55, (byte) 0xEE, 0x01, 0x02};
        String encoded = Base64.getEncoder().encodeToString(id);
        assertThat(Base64Text.plausible(encoded, 0, encoded.length())).isTrue();
        assertThat(Base64Text.decode(encoded)).isNull();
        // Six bits left over make no byte.
        assertThat(Base64Text.decode("YW5uYUBleGFtc")).isNull();
    }

    @Test
    void wordsSlugsAndShortOrMixedValuesAreNotCandidates() {
        for (String value : new String[] {"newsletter", "summer-dress-red-cotton", "SUMMERSALE2026", "YW5uYQ==", "YW5u+YUBl_eGFt",
                "YW5uYUBl=eGFtcGxl", "YW5uYUBleGFtc===", "YW5uYUBleGFtc GxlLmNvbQ"}) {
            assertThat(Base64Text.plausible(value, 0, value.length())).as(value).isFalse();
        }
    }
}
