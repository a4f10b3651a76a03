package io.clickstream.etl.pii;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.model.ClickEvent;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class PiiScrubberTest {

    /** The job's default secret parameter names. */
    private static final Set<String> SECRETS = Set.of(JobConfig.SECRET_PARAMS.defaultValue.split(","));

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
    void secretParametersAreFoundByAWordOfTheirNameInTheQueryTheFragmentAndThePath() {
        assertThat(scrubber.scrubUrl("https://shop.example.com/p?access_token=a1&api_key=k1&sessionId=s1&APIKey=k2"
                + "&X-Amz-Signature=d1&keyword=shoes&utm_source=mail"))
                .isEqualTo("https://shop.example.com/p?access_token=REDACTED&api_key=REDACTED&sessionId=REDACTED&APIKey=REDACTED"
                        + "&X-Amz-Signature=REDACTED&keyword=shoes&utm_source=mail");
        // An OAuth implicit-grant redirect, and a single-page app's route, carry the token in the fragment.
        assertThat(scrubber.scrubUrl("https://shop.example.com/account/callback#access_token=ya29.a0AfH6&expires_in=3600"))
                .isEqualTo("https://shop.example.com/account/callback#access_token=REDACTED&expires_in=3600");
        assertThat(scrubber.scrubUrl("https://shop.example.com/#/reset?token=t1&step=2"))
                .isEqualTo("https://shop.example.com/#/reset?token=REDACTED&step=2");
        // Servlet containers put the session id into the path.
        assertThat(scrubber.scrubUrl("https://shop.example.com/cart;jsessionid=0A1B2C3D/items?x=1"))
                .isEqualTo("https://shop.example.com/cart;jsessionid=REDACTED/items?x=1");
        assertThat(scrubber.scrubUrl("/account/login?next=/orders&password=hunter2"))
                .isEqualTo("/account/login?next=/orders&password=REDACTED");
        assertThat(scrubber.scrubUrl("/p?token=REDACTEDbut-a-secret")).isEqualTo("/p?token=REDACTED");
        String redacted = "/p?token=REDACTED";
        assertThat(scrubber.scrubUrl(redacted)).isSameAs(redacted);
        for (String clean : new String[] {"https://shop.example.com/c/deals?token=&page=2#top", "https://shop.example.com/p/P00001;v=2"}) {
            assertThat(scrubber.scrubUrl(clean)).isSameAs(clean);
        }
    }

    @Test
    void secretNamesAreMatchedWholeOrByWord() {
        for (String secret : new String[] {"token", "Token", "access_token", "refresh-token", "accessToken", "APIKey", "api.key",
                "X-Amz-Credential", "client_secret", "jsessionid", "PHPSESSID", "otp", "key2", "pwd1", "oauth2_token"}) {
            assertThat(scrubber.isSecretName(secret, 0, secret.length())).as(secret).isTrue();
        }
        for (String plain : new String[] {"keyword", "monkey", "author", "tokens_left", "utm_source", "utm_source2", "sha256", "q", "page", ""}) {
            assertThat(scrubber.isSecretName(plain, 0, plain.length())).as(plain).isFalse();
        }
    }

    @Test
    void credentialsInTheAuthorityAreDropped() {
        assertThat(scrubber.scrubUrl("https://admin:pa$$w0rd!@shop.example.com/x?y=1")).isEqualTo("https://shop.example.com/x?y=1");
        assertThat(scrubber.scrubUrl("ftp://bob@10.0.0.1")).isEqualTo("ftp://[ip]");
        String addressInQuery = "https://shop.example.com?ref=bob@mail.com";
        assertThat(scrubber.scrubUrl(addressInQuery)).isEqualTo("https://shop.example.com?ref=[email]");
    }

    @Test
    void cardAndPhoneNumbersAreFoundInTextAndInTheirUrlEncodedForm() {
        assertThat(scrubber.scrubText("pay with 4111 1111 1111 1111 please")).isEqualTo("pay with [card] please");
        assertThat(scrubber.scrubText("4111-1111-1111-1111 / 378282246310005")).isEqualTo("[card] / [card]");
        assertThat(scrubber.scrubUrl("https://shop.example.com/search?q=pay+with+4111+1111+1111+1111"))
                .isEqualTo("https://shop.example.com/search?q=pay+with+[card]");
        assertThat(scrubber.scrubUrl("https://shop.example.com/search?q=4111%201111%201111%201111")).isEqualTo("https://shop.example.com/search?q=[card]");
        assertThat(scrubber.scrubUrl("https://shop.example.com/search?q=call+me++44+20+7946+1234")).isEqualTo("https://shop.example.com/search?q=call+me+[phone]");
        assertThat(scrubber.scrubUrl("https://shop.example.com/search?q=%2B44%2020%207946%201234")).isEqualTo("https://shop.example.com/search?q=[phone]");
        // Sixteen digits that fail the Luhn check are no card, and too long for a phone number.
        assertThat(scrubber.scrubText("tracking 4111111111111112")).isEqualTo("tracking 4111111111111112");
        // The digits that end a UUID are no phone number.
        String order = "https://shop.example.com/order/550e8400-e29b-41d4-a716-446655440000";
        assertThat(scrubber.scrubUrl(order)).isSameAs(order);
    }

    @Test
    void luhnCheck() {
        assertThat(PiiScrubber.luhnValid("4111111111111111", 0, 16)).isTrue();
        assertThat(PiiScrubber.luhnValid("79927398713", 0, 11)).isTrue();
        assertThat(PiiScrubber.luhnValid("79927398710", 0, 11)).isFalse();
        assertThat(PiiScrubber.luhnValid("4111%201111%201111%201111", 0, 25)).isTrue();
    }

    @Test
    void jsonWebTokensAreRedactedWhereverTheyAppear() {
        // Header {"alg":"HS256"}, payload {"email":"anna@example.com"}: base64url, so no '@' for the e-mail rule to find.
        String jwt = "eyJhbGciOiJIUzI1NiJ9.eyJlbWFpbCI6ImFubmFAZXhhbXBsZS5jb20ifQ.c2lnbmF0dXJl";
        assertThat(scrubber.scrubUrl("https://shop.example.com/account/verify/" + jwt)).isEqualTo("https://shop.example.com/account/verify/REDACTED");
        assertThat(scrubber.scrubText("Bearer " + jwt)).isEqualTo("Bearer REDACTED");
        assertThat(scrubber.scrubText("eyJ is not a token")).isEqualTo("eyJ is not a token");
    }

    @Test
    void scrubsEmailsPhonesAndIpsFromFreeText() {
        assertThat(scrubber.scrubText("order status anna.1001@gmail.com please")).isEqualTo("order status [email] please");
        assertThat(scrubber.scrubText("call me +44 20 7946 1234")).isEqualTo("call me [phone]");
        assertThat(scrubber.scrubText("(555) 123-4567 or 030/1234567")).isEqualTo("([phone] or [phone]");
        assertThat(scrubber.scrubText("from 81.2.69.160 and 2a02:1f:2e::7")).isEqualTo("from [ip] and [ip]");
        assertThat(scrubber.scrubText("gateway 10.0.0.1, dns 8.8.8.8")).isEqualTo("gateway [ip], dns [ip]");
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

    /** Every schema field the configuration calls droppable is dropped; the configuration refuses the others. */
    @Test
    void everyDroppableSchemaFieldIsDropped() {
        ClickEvent e = event();
        e.sessionId = "s-1";
        e.country = "DE";
        e.userAgent = "Mozilla/5.0";
        e.referrer = "https://search.example/";
        e.searchQuery = "tent";
        int removed = new PiiScrubber(JobConfig.DROPPABLE_FIELDS, SECRETS, Set.of(), null).scrub(e);
        assertThat(java.util.Arrays.asList(e.userId, e.sessionId, e.city, e.country, e.userAgent, e.referrer, e.searchQuery)).containsOnlyNulls();
        assertThat(removed).isGreaterThanOrEqualTo(JobConfig.DROPPABLE_FIELDS.size());
        assertThat(e.pageUrl).isEqualTo("https://shop.example.com/");
    }

    @Test
    void valuesUnderALayerOfUrlEncodingAreScrubbedByTheSameRules() {
        // A password-reset link that went through the login page, with the address encoded twice.
        assertThat(scrubber.scrubUrl("https://shop.example.com/login?return_to=%2Faccount%2Freset%3Ftoken%3Dt0k3n%26email%3Danna%2540example.com&lang=de"))
                .isEqualTo("https://shop.example.com/login?return_to=%2Faccount%2Freset%3Ftoken%3DREDACTED%26email%3DREDACTED&lang=de");
        assertThat(scrubber.scrubUrl("/sso?next=https%3A%2F%2Fpartner.example%2Fcb%3Faccess_token%3Dya29.x%26user%3Dbob%2540mail.com"))
                .isEqualTo("/sso?next=https%3A%2F%2Fpartner.example%2Fcb%3Faccess_token%3DREDACTED%26user%3D[email]");
        // Encoded twice: the redirect of a redirect.
        assertThat(scrubber.scrubUrl("/a?next=%2Fb%3Fnext%3D%252Fc%253Fsid%253D77AB%2526x%253D1"))
                .isEqualTo("/a?next=%2Fb%3Fnext%3D%252Fc%253Fsid%253DREDACTED%2526x%253D1");
        assertThat(scrubber.scrubUrl("/p?ref=anna%2540example.com")).isEqualTo("/p?ref=[email]");
        // An OAuth state or a form body: a query string without its '?'.
        assertThat(scrubber.scrubUrl("/cb?state=csrf%3Dabc%26session%3Ds3cr3t")).isEqualTo("/cb?state=csrf%3Dabc%26session%3DREDACTED");
        // JSON in a parameter, encoded or not.
        assertThat(scrubber.scrubUrl("/t?data=%7B%22password%22%3A%22hunter2%22%2C%22step%22%3A2%7D"))
                .isEqualTo("/t?data=%7B%22password%22%3A%22REDACTED%22%2C%22step%22%3A2%7D");
        assertThat(scrubber.scrubUrl("/t?data={\"otp\":\"123456\"}")).isEqualTo("/t?data={\"otp\":\"REDACTED\"}");
        // A number right after an encoded character.
        assertThat(scrubber.scrubUrl("/contact?to=call%3A4155550123")).isEqualTo("/contact?to=call%3A[phone]");
        for (String clean : new String[] {"/search?q=summer%20dress%2C+red", "/login?next=%2Fcart%3Fstep%3D2%26coupon%3DSAVE10",
                "/p?x=100%25+cotton", "/p?x=%E2%82%AC+20", "/p?bad=%zz"}) {
            assertThat(scrubber.scrubUrl(clean)).as(clean).isSameAs(clean);
        }
    }

    @Test
    void personalDataNamedPlainlyInAUrlIsRedacted() {
        // A newsletter form and a checkout step sent with GET, a tracking link with the shopper's details.
        assertThat(scrubber.scrubUrl("/signup?first_name=Anna&lastName=Schmidt&email=a%40b.de&street=Unter+den+Linden+77&zip=10115"
                + "&city=Berlin&dob=1990-04-12&phone=030+1234567&pin=1234&product_name=Lamp"))
                .isEqualTo("/signup?first_name=REDACTED&lastName=REDACTED&email=REDACTED&street=REDACTED&zip=REDACTED"
                        + "&city=Berlin&dob=REDACTED&phone=REDACTED&pin=REDACTED&product_name=Lamp");
        assertThat(scrubber.scrubUrl("/t?shipping_address=Hauptstr.+5&postal_code=75007&date_of_birth=1990&passport_no=C01X00T47"))
                .isEqualTo("/t?shipping_address=REDACTED&postal_code=REDACTED&date_of_birth=REDACTED&passport_no=REDACTED");
        // A name on its own stays: product, file and campaign names are names too.
        String names = "/p?name=Smart+Lamp&hotel=Adlon&shipping=express&zipper=yes";
        assertThat(scrubber.scrubUrl(names)).isSameAs(names);
    }

    @Test
    void aSecretParameterIsFoundUnderAnEncodedName() {
        // A form sent with GET, as Rails and PHP name nested fields: the browser encodes the brackets.
        assertThat(scrubber.scrubUrl("/login?user%5Bemail%5D=anna%40example.com&user%5Bpassword%5D=hunter2&commit=Sign+in"))
                .isEqualTo("/login?user%5Bemail%5D=REDACTED&user%5Bpassword%5D=REDACTED&commit=Sign+in");
        assertThat(scrubber.scrubUrl("/login?pass=hunter2&pw=x&passage=north")).isEqualTo("/login?pass=REDACTED&pw=REDACTED&passage=north");
        String clean = "/search?filter%5Bcolor%5D=red&sort%5Bby%5D=price";
        assertThat(scrubber.scrubUrl(clean)).isSameAs(clean);
    }

    @Test
    void addressesInAnyScriptGoWhole() {
        // An ASCII-only pattern left these whole, or kept the name up to the last accented letter.
        assertThat(scrubber.scrubText("order josé@example.com, Anna.Müller@web.de; o'brien@mail.ie or anna@bücher.de"))
                .isEqualTo("order [email], [email]; [email] or [email]");
        assertThat(scrubber.scrubText("пётр@почта.рф / anna@example.xn--p1ai")).isEqualTo("[email] / [email]");
        assertThat(scrubber.scrubUrl("/p?ref=zo%C3%AB%40example.com")).isEqualTo("/p?ref=[email]");
        for (String clean : new String[] {"crème brûlée @ 5 €", "size: M @ 20%", "a@b.c"}) {
            assertThat(scrubber.scrubText(clean)).as(clean).isSameAs(clean);
        }
    }

    @Test
    void ibansAreFoundByTheirCountrysLengthAndCheckDigits() {
        assertThat(scrubber.scrubText("refund to DE89 3704 0044 0532 0130 00 please")).isEqualTo("refund to [iban] please");
        assertThat(scrubber.scrubText("GB82WEST12345698765432, nl91abna0417164300.")).isEqualTo("[iban], [iban].");
        assertThat(scrubber.scrubUrl("/pay?ref=FR14+2004+1010+0505+0001+3M02+606")).isEqualTo("/pay?ref=[iban]");
        assertThat(scrubber.scrubUrl("/pay?ref=CH93%200076%202011%206238%205295%207")).isEqualTo("/pay?ref=[iban]");
        // A field named like one is redacted by its name.
        assertThat(scrubber.scrubUrl("/pay?iban=XX00")).isEqualTo("/pay?iban=REDACTED");
        // Wrong check digits, a wrong length for the country, no such country, inside a word: no IBAN
        // (the phone rule may still take a long run of digits).
        for (String other : new String[] {"DE88 3704 0044 0532 0130 00", "DE89 3704 0044 0532 0130", "XY89370400440532013000",
                "SKUDE89370400440532013000", "AB12 3456 7890"}) {
            assertThat(scrubber.scrubText(other)).as(other).doesNotContain("[iban]").startsWith(other.substring(0, 4));
        }
    }

    @Test
    void aSecretAfterItsNameInTextIsRedacted() {
        assertThat(scrubber.scrubText("login failed: password: hunter2 (attempt 3)")).isEqualTo("login failed: password: REDACTED (attempt 3)");
        assertThat(scrubber.scrubText("curl -H 'Authorization: Basic dXNlcjpwYXNz' -H \"X-Api-Key = k-123\""))
                .isEqualTo("curl -H 'Authorization: Basic REDACTED' -H \"X-Api-Key = REDACTED\"");
        // Text that looks like JSON but is not, so the JSON rules do not apply.
        assertThat(scrubber.scrubText("error {\"token\":\"abc \\\" def\",\"step\":2} and more"))
                .isEqualTo("error {\"token\":\"REDACTED\",\"step\":2} and more");
        // A bearer token without a name before it.
        assertThat(scrubber.scrubText("sent Bearer ya29.a0AfH6SMBx3k9 twice")).isEqualTo("sent Bearer REDACTED twice");
        assertThat(scrubber.scrubUrl("/search?q=password%3A+hunter2")).isEqualTo("/search?q=password%3A+REDACTED");
        // In a URL: after ':', in a path segment, and in a parameter value that was not encoded.
        assertThat(scrubber.scrubUrl("/debug/session:77ab?q=password=hunter2&x=1")).isEqualTo("/debug/session:REDACTED?q=password=REDACTED&x=1");
        assertThat(scrubber.scrubUrl("https://shop.example.com/api/token=abc/cart")).isEqualTo("https://shop.example.com/api/token=REDACTED/cart");
        // A host name before its port, a name that is no secret, the word bearer in prose.
        for (String clean : new String[] {"see https://auth.example.com:8443/login?x=1", "size: M, color=red",
                "the bearer of this card", "token expired: sign in again"}) {
            assertThat(scrubber.scrubText(clean)).as(clean).isSameAs(clean);
        }
    }

    @Test
    void base64OfTextWithPersonalDataIsRedactedWhole() {
        assertThat(scrubber.scrubUrl("/unsubscribe?e=YW5uYUBleGFtcGxlLmNvbQ==&list=7")).isEqualTo("/unsubscribe?e=REDACTED&list=7");
        assertThat(scrubber.scrubUrl("/unsubscribe?e=YW5uYUBleGFtcGxlLmNvbQ")).isEqualTo("/unsubscribe?e=REDACTED");
        // Or as a segment of the path.
        assertThat(scrubber.scrubUrl("https://shop.example.com/unsubscribe/YW5uYUBleGFtcGxlLmNvbQ==/confirm?list=7"))
                .isEqualTo("https://shop.example.com/unsubscribe/REDACTED/confirm?list=7");
        assertThat(scrubber.scrubUrl("/u/YW5uYUBleGFtcGxlLmNvbQ")).isEqualTo("/u/REDACTED");
        // Encoded again, and JSON with a secret field in URL-safe base64.
        assertThat(scrubber.scrubUrl("/u?e=YW5uYUBleGFtcGxlLmNvbQ%3D%3D")).isEqualTo("/u?e=REDACTED");
        assertThat(scrubber.scrubUrl("/t?d=eyJwYXNzd29yZCI6Imh1bnRlcjIifQ")).isEqualTo("/t?d=REDACTED");
        ClickEvent e = event();
        e.extra = new HashMap<>(Map.of("subscriber", "YW5uYUBleGFtcGxlLmNvbQ=="));
        scrubber.scrub(e);
        assertThat(e.extra).containsEntry("subscriber", "REDACTED");
        // Click ids and hashes decode to bytes that are not text; base64 of harmless text stays too.
        for (String clean : new String[] {"/l?gclid=Cj0KCQiA4NWrBhD-ARIsAFCKwWsv1xQ&fbclid=IwAR2F4-3kT5Qn0",
                "/l?h=9zU3nQ%2Bq0WmR7fL1xYp4Kw%3D%3D", "/p/Summer-Dress-Red-Cotton", "/l?c=c3VtbWVyIHNhbGU=",
                "/c/c3VtbWVyIHNhbGU=/p/Cj0KCQiA4NWrBhD-ARIsAFCKwWsv1xQ"}) {
            assertThat(scrubber.scrubUrl(clean)).as(clean).isSameAs(clean);
        }
    }

    @Test
    void coordinatesKeepTwoDecimals() {
        // A store locator's query: about a kilometre is left, enough to count visits by area.
        assertThat(scrubber.scrubUrl("/stores?lat=52.520008&lng=-13.404954&radius=5.125")).isEqualTo("/stores?lat=52.52&lng=-13.40&radius=5.125");
        assertThat(scrubber.scrubUrl("/stores?geoLatLng=52.520008%2C13.404954")).isEqualTo("/stores?geoLatLng=52.52%2C13.40");
        ClickEvent e = event();
        e.extra = new HashMap<>(Map.of("user_latitude", "48.858370", "delivery", "{\"lon\":2.294481,\"lat\":\"48.858370\",\"zip\":75007}"));
        scrubber.scrub(e);
        assertThat(e.extra).containsEntry("user_latitude", "48.85").containsEntry("delivery", "{\"lon\":2.29,\"lat\":\"48.85\",\"zip\":\"REDACTED\"}");
        // Map links: the position in the path, and ll= as Apple's and older Google links write it; also pasted into search.
        assertThat(scrubber.scrubUrl("https://www.google.com/maps/place/Store/@52.5200066,-13.404954,17z/data=!3m1"))
                .isEqualTo("https://www.google.com/maps/place/Store/@52.52,-13.40,17z/data=!3m1");
        assertThat(scrubber.scrubUrl("https://maps.apple.com/?ll=52.520008,13.404954&q=Store"))
                .isEqualTo("https://maps.apple.com/?ll=52.52,13.40&q=Store");
        ClickEvent pasted = event();
        pasted.searchQuery = "store near maps.google.com/@48.858370,2.294481,15z";
        scrubber.scrub(pasted);
        assertThat(pasted.searchQuery).isEqualTo("store near maps.google.com/@48.85,2.29,15z");
        // Already coarse, or not a coordinate: left alone; with no coordinate names configured, map links too.
        for (String clean : new String[] {"/stores?lat=52.52&lng=13.4", "/p?price=52.520008", "/p?flat=1.23456",
                "https://www.google.com/maps/@52.52,13.40,15z", "mailto:anna.52@12.345678.example"}) {
            assertThat(scrubber.scrubUrl(clean)).as(clean).isEqualTo(clean.startsWith("mailto") ? "mailto:[email]" : clean);
        }
        String link = "https://www.google.com/maps/@52.520008,13.404954,15z";
        assertThat(new PiiScrubber(Set.of(), SECRETS, Set.of(), Set.of(), null).scrubUrl(link)).isSameAs(link);
    }

    @Test
    void aLinkPastedIntoTheSearchBoxLosesItsSecrets() {
        ClickEvent e = event();
        e.searchQuery = "why does https://shop.example.com/reset?token=t0k3n&step=2 not work? call +44 20 7946 1234";
        scrubber.scrub(e);
        assertThat(e.searchQuery).isEqualTo("why does https://shop.example.com/reset?token=REDACTED&step=2 not work? call [phone]");
        ClickEvent plain = event();
        String words = "waterproof tent? 2 person, 100% cotton";
        plain.searchQuery = words;
        scrubber.scrub(plain);
        assertThat(plain.searchQuery).isSameAs(words);
    }

    @Test
    void fieldsAsLongAsARecordCanBeNeitherOverflowTheStackNorHangTheTask() {
        // A task that fails on a record fails on it again after every restart, and one that hangs
        // on it stops the job: a field built to defeat the patterns must cost no more than its length.
        // With an unbounded repetition of domain labels this overflowed the stack.
        String labels = "anna@" + "b.".repeat(20_000) + "com";
        assertThat(scrubber.scrubText(labels)).isSameAs(labels);
        assertThat(scrubber.scrubText(labels + " anna@mail.example.com")).isEqualTo(labels + " [email]");
        // With an unbounded local part this took time quadratic in the length (67 s for 100,000
        // characters): a guard against a hang, not a speed target, so it allows a thousand times more.
        String local = "x".repeat(300_000);
        String[] scrubbed = new String[2];
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            scrubbed[0] = scrubber.scrubText(local + "@");
            scrubbed[1] = scrubber.scrubUrl("/search?q=" + local + "%40example.com");
        });
        // The same for the other rules: IBAN candidates, secret names, local parts in any script, base64,
        // encoded names, map positions, base64 path segments. A search for the next '=' from every '=' once made "=" x 1,000,000 take 4.5 s.
        String[] shapes = {"DE12 ".repeat(200_000), "DE89 3704 0044 0532 0130 01 ".repeat(35_000), "password:".repeat(100_000),
                "auth: bearer ".repeat(70_000), "Bearer " + "a1".repeat(500_000), "é".repeat(300_000) + "@", "=".repeat(1_000_000),
                "/p?q=" + "a=".repeat(500_000), "/p?" + "e=YW5uYUBleGFtcGxlLmNvbQ&".repeat(40_000), "/p?" + "user%5Bpassword%5D=x&".repeat(45_000),
                "@52.5200081,13.4049541".repeat(45_000), "@52.5200081,".repeat(90_000), "/" + "YW5uYUBleGFtcGxlLmNvbQ==/".repeat(40_000),
                // A search for '%' from every parameter to the end of the URL: 1.4 s for 200,000 parameters, 140 s for these.
                "/p?" + "a=b&".repeat(2_000_000)};
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
            for (String shape : shapes) {
                assertThat(scrubber.scrubText(shape)).isNotNull();
                assertThat(scrubber.scrubUrl(shape)).isNotNull();
            }
        });
        assertThat(scrubbed[0]).isEqualTo(local + "@");
        assertThat(scrubbed[1]).endsWith("x[email]").hasSize(10 + 300_000 - 64 + "[email]".length());
        // Addresses as names: each takes the next free number at once. Trying [email]#2, #3, ... anew
        // for every name took 17 s for 32,000 of them, four times as long for twice as many.
        StringBuilder names = new StringBuilder("{");
        for (int i = 0; i < 100_000; i++) {
            names.append(i > 0 ? "," : "").append("\"u").append(i).append("@b.co\":1");
        }
        ClickEvent e = event();
        e.extra = new HashMap<>(Map.of("share", names.append('}').toString()));
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> scrubber.scrub(e));
        assertThat(e.extra.get("share")).startsWith("{\"[email]\":1,\"[email]#2\":1,").endsWith(",\"[email]#100000\":1}");
    }

    @Test
    void jsonInExtrasIsScrubbedFieldByField() {
        ClickEvent e = event();
        String form = "{\"email\":\"anna@example.com\",\"Password\":\"hunter2\",\"card\":{\"number\":\"4111 1111 1111 1111\",\"cvv\":123},"
                + "\"auth\":{\"user\":\"anna\",\"pin\":\"0000\"},\"items\":[{\"note\":\"call +44 20 7946 1234\",\"qty\":2}],"
                + "\"back\":\"https://shop.example.com/cart?sessionId=s1\",\"token\":null}";
        String clean = "{\"step\":2,\"fields\":[\"name\",\"zip\"],\"ok\":true,\"price\":19.99}";
        e.extra = new HashMap<>(Map.of("form", form, "wizard", clean, "list", "[\"a@b.co\",5]", "broken", "{\"note\": mail a@b.co"));
        scrubber.scrub(e);
        assertThat(e.extra.get("form")).isEqualTo("{\"email\":\"REDACTED\",\"Password\":\"REDACTED\",\"card\":{\"number\":\"[card]\",\"cvv\":\"REDACTED\"},"
                + "\"auth\":\"REDACTED\",\"items\":[{\"note\":\"call [phone]\",\"qty\":2}],"
                + "\"back\":\"https://shop.example.com/cart?sessionId=REDACTED\",\"token\":null}");
        assertThat(e.extra.get("wizard")).isSameAs(clean);
        assertThat(e.extra.get("list")).isEqualTo("[\"[email]\",5]");
        // Not JSON after all: scrubbed as text.
        assertThat(e.extra.get("broken")).isEqualTo("{\"note\": mail [email]");
    }

    @Test
    void aUserIdThatIsAnEmailOrIpAddressIsScrubbedAndNumericOnesStayWhole() {
        ClickEvent e = event();
        e.userId = "Anna.Schmidt@example.de";
        int changed = scrubber.scrub(e);
        assertThat(e.userId).isEqualTo("[email]");
        assertThat(changed).isEqualTo(3);
        assertThat(scrubber.scrubIdentifier("anon-81.2.69.160")).isEqualTo("anon-[ip]");
        assertThat(scrubber.scrubIdentifier("2a02:1f:2e::7")).isEqualTo("[ip]");
        assertThat(scrubber.scrubIdentifier("+14155550123")).isEqualTo("[phone]");
        assertThat(scrubber.scrubIdentifier("wa:+44 20 7946 0958")).isEqualTo("wa:[phone]");
        for (String id : new String[] {"4111111111111111", "442079461234", "u-0000110", "b96ad462-573e-4dde-8590-7e6fd862639f", "v1.2",
                "c++42", "g+1234567"}) {
            assertThat(scrubber.scrubIdentifier(id)).isSameAs(id);
        }
        // With a key, the pseudonym is taken from the address before it is scrubbed.
        PiiScrubber keyed = new PiiScrubber(Set.of(), SECRETS, Set.of("user_id"), "a-key-of-16-chars-or-more");
        ClickEvent pseudonymised = event();
        pseudonymised.userId = "anna@example.de";
        keyed.scrub(pseudonymised);
        assertThat(pseudonymised.userId).isNull();
        assertThat(pseudonymised.userIdHash).hasSize(64);
    }

    /**
     * Sessions a site keys by the visitor's IP address all became one "[ip]" session; with a key and
     * session_id among the pseudonym fields each keeps a session of its own, under a name that no
     * longer holds the address.
     */
    @Test
    void sessionsKeyedByAddressStayApartUnderPseudonyms() {
        PiiScrubber keyed = new PiiScrubber(Set.of(), SECRETS, Set.of("email", "session_id"), "a-key-of-16-chars-or-more");
        String[] sessions = {"81.2.69.160", "81.2.69.161", "81.2.69.160", "2a02:1f:2e::7", "b96ad462-573e-4dde-8590-7e6fd862639f"};
        List<String> names = new ArrayList<>();
        for (String session : sessions) {
            ClickEvent e = event();
            e.sessionId = session;
            int changed = keyed.scrub(e);
            assertThat(e.sessionId).matches("[0-9a-f]{64}");
            assertThat(changed).isGreaterThanOrEqualTo(1);
            names.add(e.sessionId);
        }
        assertThat(names.get(0)).isEqualTo(names.get(2));
        assertThat(new HashSet<>(names)).hasSize(4);
        // The pseudonym is the key's: another key gives other names.
        ClickEvent other = event();
        other.sessionId = sessions[0];
        new PiiScrubber(Set.of(), SECRETS, Set.of("session_id"), "another-key-of-16-chars").scrub(other);
        assertThat(other.sessionId).matches("[0-9a-f]{64}").isNotEqualTo(names.get(0));
        // Without session_id among the fields the address is still removed, and the sessions merge.
        PiiScrubber emailOnly = new PiiScrubber(Set.of(), SECRETS, Set.of("email"), "a-key-of-16-chars-or-more");
        for (String session : new String[] {sessions[0], sessions[1]}) {
            ClickEvent e = event();
            e.sessionId = session;
            emailOnly.scrub(e);
            assertThat(e.sessionId).isEqualTo("[ip]");
        }
    }

    @Test
    void idsAndLabelsFollowTheUserIdsRulesAndStayWholeWhenClean() {
        ClickEvent e = event();
        e.sessionId = "81.2.69.160-1764948649";
        e.city = "anna.schmidt@example.de";
        e.country = "DE";
        e.productId = "P00042";
        e.productName = "Smart Lamp 2.0 + Remote";
        e.productCategory = "home";
        e.browser = "Chrome Mobile";
        e.os = "iOS 17.4.1";
        e.browserVersion = "5.0.2.1";
        int changed = scrubber.scrub(e);
        assertThat(e.sessionId).isEqualTo("[ip]-1764948649");
        assertThat(e.city).isEqualTo("[email]");
        assertThat(changed).as("ip_address, email, session_id and city").isEqualTo(4);
        assertThat(new String[] {e.country, e.productId, e.productName, e.productCategory, e.browser, e.os})
                .containsExactly("DE", "P00042", "Smart Lamp 2.0 + Remote", "home", "Chrome Mobile", "iOS 17.4.1");
        // A version is no address; an e-mail address is one wherever it is.
        assertThat(e.browserVersion).isEqualTo("5.0.2.1");
        ClickEvent odd = event();
        odd.productName = "gift for ben@example.com";
        odd.browserVersion = "ben@example.com";
        odd.os = "+14155550123";
        scrubber.scrub(odd);
        assertThat(new String[] {odd.productName, odd.browserVersion, odd.os}).containsExactly("gift for [email]", "[email]", "[phone]");
        String uuid = "b96ad462-573e-4dde-8590-7e6fd862639f";
        assertThat(scrubber.scrubIdentifier(uuid)).isSameAs(uuid);
    }

    @Test
    void namesOfExtrasAndOfTheirJsonFieldsAreScrubbedAndStayUnique() {
        ClickEvent e = event();
        e.extra = new HashMap<>(Map.of("anna@example.com", "subscribed", "ben@example.com", "pending", "app_version", "2.1.0",
                "share", "{\"recipients\":{\"cleo@example.com\":\"sent\",\"dan@example.com\":{\"status\":\"sent\"},\"[email]\":1},"
                        + "\"+14155550123\":[{\"eve@example.com\":2}],\"a\":1,\"a\":2}"));
        int changed = scrubber.scrub(e);
        assertThat(e.extra).containsOnlyKeys("[email]", "[email]#2", "app_version", "share");
        assertThat(Set.of(e.extra.get("[email]"), e.extra.get("[email]#2"))).containsExactlyInAnyOrder("subscribed", "pending");
        // Each object's names apart; a name sent as "[email]" holds a secret (its word is one) and is
        // numbered like the others, and so is a name sent twice.
        assertThat(e.extra.get("share")).isEqualTo("{\"recipients\":{\"[email]\":\"sent\",\"[email]#2\":{\"status\":\"sent\"},"
                + "\"[email]#3\":\"REDACTED\"},\"[phone]\":[{\"[email]\":2}],\"a\":1,\"a#2\":2}");
        assertThat(changed).as("ip_address, email, two names and the JSON").isEqualTo(5);
        String clean = "{\"recipients\":{\"c@\":\"sent\"},\"n\":[{\"k\":2}]}";
        e.extra = new HashMap<>(Map.of("share", clean));
        scrubber.scrub(e);
        assertThat(e.extra.get("share")).isSameAs(clean);
    }

    @Test
    void extrasNamedLikeASecretAreRedactedWhole() {
        ClickEvent e = event();
        e.extra = new HashMap<>(Map.of("api_token", "abc123", "Password", "hunter2", "keyword", "tent", "app_version", "2.1.0"));
        int changed = scrubber.scrub(e);
        assertThat(e.extra).containsOnly(Map.entry("api_token", "REDACTED"), Map.entry("Password", "REDACTED"),
                Map.entry("keyword", "tent"), Map.entry("app_version", "2.1.0"));
        assertThat(changed).isEqualTo(4);
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

    /** One client, one pseudonym: whatever spelling a proxy or a logging layer gave its address. */
    @Test
    void anAddressHasOnePseudonymWhateverItsSpelling() {
        PiiScrubber keyed = new PiiScrubber(Set.of(), SECRETS, Set.of("ip_address"), "a-key-of-sixteen-chars");
        java.util.function.Function<String, String> hash = ip -> {
            ClickEvent e = event();
            e.ipAddress = ip;
            keyed.scrub(e);
            return e.ipAddressHash;
        };
        String v4 = hash.apply("81.2.69.160");
        assertThat(Stream.of(" 81.2.69.160 ", "81.2.69.160:51234", "81.2.69.160, 10.0.0.7", "::ffff:81.2.69.160", "081.002.069.160")
                .map(hash)).allMatch(v4::equals);
        String v6 = hash.apply("2001:db8::1");
        assertThat(Stream.of("2001:DB8::1", "2001:0db8:0000:0000:0000:0000:0000:0001", "[2001:db8::1]:443", "2001:db8::1%eth0",
                "2001:db8:0:0::1, 2001:db8::ff").map(hash)).allMatch(v6::equals);
        assertThat(Stream.of("81.2.69.161", "2001:db8::2", "2001:db8:0:1::1", "not an address", "999.2.69.160").map(hash))
                .doesNotContain(v4, v6).doesNotHaveDuplicates();
        assertThat(hash.apply(" not an address ")).isEqualTo(hash.apply("not an address"));

        assertThat(IpAddresses.canonical("2001:db8:0:0:1:0:0:1")).isEqualTo("2001:db8::1:0:0:1");
        assertThat(IpAddresses.canonical("0:0:0:0:0:0:0:1")).isEqualTo("::1");
        assertThat(IpAddresses.canonical("fe80:0:0:0:0:0:0:0")).isEqualTo("fe80::");
        assertThat(IpAddresses.canonical("2001:db8:1:2:3:4:5:0")).isEqualTo("2001:db8:1:2:3:4:5:0");
        assertThat(IpAddresses.canonical("unknown")).isEqualTo("unknown");
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
