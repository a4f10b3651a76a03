package io.clickstream.etl.enrich;

import io.clickstream.etl.model.ClickEvent;

import org.junit.jupiter.api.Test;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class EnrichmentTest {

    private final UserAgentClassifier agents = new UserAgentClassifier(100);

    @Test
    void derivesRevenueTimePartsAndUrlFields() {
        ClickEvent e = new ClickEvent();
        e.eventType = "purchase";
        e.productPriceCents = 1999L;
        e.quantity = 3;
        e.eventTimestamp = Instant.parse("2026-01-04T23:59:59.999Z").toEpochMilli();
        e.pageUrl = "https://Shop.Example.com:443/checkout/complete?utm_source=google&utm_medium=cpc&utm_campaign=spring%20sale&utm_term=running+shoes&utm_content=&x=1#f";
        e.referrer = "https://user:pw@www.google.com/search?q=shoes";
        EnrichEvent.enrich(e, agents);
        assertThat(e.revenueCents).isEqualTo(5997L);
        assertThat(LocalDate.ofEpochDay(e.eventDate)).isEqualTo(LocalDate.of(2026, 1, 4));
        assertThat(e.hour).isEqualTo(23);
        assertThat(e.dayOfWeek).isEqualTo("Sunday");
        assertThat(e.pageHost).isEqualTo("shop.example.com");
        assertThat(e.pagePath).isEqualTo("/checkout/complete");
        assertThat(e.utmSource).isEqualTo("google");
        assertThat(e.utmMedium).isEqualTo("cpc");
        assertThat(e.utmCampaign).isEqualTo("spring sale");
        assertThat(e.utmTerm).isEqualTo("running shoes");
        assertThat(e.utmContent).isNull();
        assertThat(e.referrerHost).isEqualTo("www.google.com");
    }

    @Test
    void nonPurchasesHaveNoRevenueAndEventsBefore1970StillGetTheRightDay() {
        ClickEvent e = new ClickEvent();
        e.eventType = "add_to_cart";
        e.productPriceCents = 1000L;
        e.quantity = 1;
        e.eventTimestamp = Instant.parse("1969-12-31T23:00:00Z").toEpochMilli();
        EnrichEvent.enrich(e, agents);
        assertThat(e.revenueCents).isZero();
        assertThat(LocalDate.ofEpochDay(e.eventDate)).isEqualTo(LocalDate.of(1969, 12, 31));
        assertThat(e.dayOfWeek).isEqualTo("Wednesday");
        assertThat(e.hour).isEqualTo(23);
        assertThat(e.pageHost).isNull();
        assertThat(e.pagePath).isNull();
    }

    @ParameterizedTest(name = "{1} {3} on {4}")
    @CsvSource(delimiter = '|', value = {
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.91 Safari/537.36 | Chrome | 124.0.6367 | desktop | Windows | false",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1 | Mobile Safari | 17.4.1 | mobile | iOS | false",
        "Mozilla/5.0 (iPad; CPU OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1 | Mobile Safari | 17.4.1 | tablet | iOS | false",
        "Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 | Chrome | 120.0.0 | tablet | Android | false",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html) | Googlebot | 2.1 | desktop | | true",
    })
    void classifiesUserAgentsWithTheUapParser(String ua, String browser, String version, String device, String os, boolean bot) {
        ClickEvent e = new ClickEvent();
        e.eventType = "page_view";
        e.userAgent = ua;
        e.deviceType = "tablet";
        e.browser = "as sent";
        EnrichEvent.enrich(e, agents);
        assertThat(e.browser).isEqualTo(browser);
        assertThat(e.browserVersion).isEqualTo(version);
        assertThat(e.deviceType).isEqualTo(device);
        assertThat(e.os).isEqualTo(os);
        assertThat(e.isBot).isEqualTo(bot);
    }

    @Test
    void aUserAgentLongerThanAnyRealOneIsParsedAndCachedByItsStartOnly() {
        String chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.91 Safari/537.36 ";
        UserAgentClassifier classifier = new UserAgentClassifier(100);
        for (int i = 0; i < 50; i++) {
            // Distinct agents of 100,000 characters each: whole, they would hold 5 MB in the cache.
            UserAgentClassifier.Agent agent = classifier.classify(chrome + i + "x".repeat(100_000));
            assertThat(agent.browser).isEqualTo("Chrome");
            assertThat(agent.browserVersion).isEqualTo("124.0.6367");
        }
        assertThat(classifier.cachedCharacters()).isLessThanOrEqualTo(50L * UserAgentClassifier.MAX_PARSED_LENGTH);
    }

    @Test
    void withoutUserAgentTheSentBrowserAndDeviceAreKept() {
        ClickEvent e = new ClickEvent();
        e.eventType = "page_view";
        e.browser = "Firefox";
        e.deviceType = "mobile";
        EnrichEvent.enrich(e, agents);
        assertThat(e.browser).isEqualTo("Firefox");
        assertThat(e.deviceType).isEqualTo("mobile");
        assertThat(e.isBot).isFalse();
    }

    @Test
    void urlPartsAreLenient() {
        assertThat(UrlParts.host("http://[2001:db8::1]:8080/x")).isEqualTo("[2001:db8::1]");
        assertThat(UrlParts.path("https://a.b")).isEqualTo("/");
        assertThat(UrlParts.path("https://a.b/with space/é?q")).isEqualTo("/with space/é");
        assertThat(UrlParts.host("not a url")).isNull();
        assertThat(UrlParts.queryParameter("https://a.b/?utm_sourcex=1&utm_source=%ZZ", "utm_source")).isEqualTo("%ZZ");
    }

    @Test
    void queryParametersAreReadInOnePassWithFirstOccurrencesWinning() {
        String url = "https://a.b/p?utm_medium=&utm_source=news%20letter&utm_medium=cpc&x=1&utm_source=second&utm_term#utm_content=frag";
        assertThat(UrlParts.queryParameters(url, "utm_source", "utm_medium", "utm_term", "utm_content", "x"))
                .containsExactly("news letter", null, null, null, "1");
        assertThat(UrlParts.queryParameters(null, "a")).containsExactly((String) null);
        assertThat(UrlParts.queryParameters("https://a.b/p", "a", "b")).containsExactly(null, null);
        for (String name : List.of("utm_source", "utm_medium", "utm_term", "utm_content", "x")) {
            assertThat(UrlParts.queryParameter(url, name)).isEqualTo(UrlParts.queryParameters(url, name)[0]);
        }
    }
}
