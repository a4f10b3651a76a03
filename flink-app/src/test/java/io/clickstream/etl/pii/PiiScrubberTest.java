package io.clickstream.etl.pii;

import io.clickstream.etl.model.ClickEvent;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class PiiScrubberTest {

    private static final Set<String> SECRETS = Set.of("email", "token", "password", "auth", "session", "key");

    private final PiiScrubber scrubber = new PiiScrubber(Set.of(), SECRETS, Set.of("email"), null);

    @Test
    void removesIpAddressAndEmailFields() {
        ClickEvent e = event();
        int changed = scrubber.scrub(e);
        assertThat(e.ipAddress).isNull();
        assertThat(e.email).isNull();
        assertThat(e.emailHash).isNull();
        assertThat(changed).isEqualTo(2);
    }

    @Test
    void redactsSecretQueryParametersAndAddressesInUrls() {
        String url = "https://shop.example.com/c/deals?utm_source=newsletter&email=anna.1001%40gmail.com&Token=abc123&page=2#top";
        assertThat(scrubber.scrubUrl(url))
                .isEqualTo("https://shop.example.com/c/deals?utm_source=newsletter&email=REDACTED&Token=REDACTED&page=2#top");
        assertThat(scrubber.scrubUrl("https://x.org/p?ref=bob@mail.com&q=1")).isEqualTo("https://x.org/p?ref=[email]&q=1");
        String clean = "https://shop.example.com/p/P00001?utm_source=google";
        assertThat(scrubber.scrubUrl(clean)).isSameAs(clean);
    }

    @Test
    void scrubsEmailsPhonesAndIpsFromFreeText() {
        assertThat(scrubber.scrubText("order status anna.1001@gmail.com please")).isEqualTo("order status [email] please");
        assertThat(scrubber.scrubText("call me +44 20 7946 1234")).isEqualTo("call me [phone]");
        assertThat(scrubber.scrubText("(555) 123-4567 or 030/1234567")).isEqualTo("([phone] or [phone]");
        assertThat(scrubber.scrubText("from 81.2.69.160 and 2a02:1f:2e::7")).isEqualTo("from [ip] and [ip]");
        assertThat(scrubber.scrubText("tent 4 person")).isEqualTo("tent 4 person");
        assertThat(scrubber.scrubText("order 123456 at 12:30")).isEqualTo("order 123456 at 12:30");
    }

    @Test
    void extrasFollowTheSameRulesAndConfiguredFieldsAreDropped() {
        PiiScrubber strict = new PiiScrubber(Set.of("loyalty_card", "city"), SECRETS, Set.of(), null);
        ClickEvent e = event();
        e.extra = new HashMap<>(Map.of(
                "loyalty_card", "1234-5678",
                "note", "mail me at x.y@z.com",
                "landing", "https://a.b/?session=s3cr3t"));
        strict.scrub(e);
        assertThat(e.city).isNull();
        assertThat(e.extra).containsOnly(Map.entry("note", "mail me at [email]"), Map.entry("landing", "https://a.b/?session=REDACTED"));
    }

    @Test
    void keyedPseudonymsAreHmacSha256() {
        // RFC 4231, test case 2: HMAC-SHA256(key "Jefe", "what do ya want for nothing?").
        PiiScrubber keyed = new PiiScrubber(Set.of(), SECRETS, Set.of("email", "ip_address", "user_id"), "Jefe");
        ClickEvent e = event();
        e.email = "What do ya want for nothing?";
        keyed.scrub(e);
        assertThat(e.emailHash).isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assertThat(e.ipAddressHash).hasSize(64).isNotEqualTo(e.emailHash);
        assertThat(e.userIdHash).hasSize(64);
        assertThat(e.userId).isNull();
        assertThat(e.email).isNull();
        assertThat(keyed.toString()).doesNotContain("Jefe");
    }

    static ClickEvent event() {
        ClickEvent e = new ClickEvent();
        e.eventId = "id";
        e.userId = "u-1";
        e.ipAddress = "81.2.69.160";
        e.email = "jane@example.org";
        e.city = "Berlin";
        e.pageUrl = "https://shop.example.com/";
        return e;
    }
}
