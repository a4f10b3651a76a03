package io.clickstream.generator;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import org.iban4j.CountryCode;
import org.iban4j.Iban;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Produces realistic e-commerce clickstream: sessions of users browsing, searching, carting and
 * buying, on a daily traffic curve, with the personal data and the faults a real feed has. The same
 * settings always give the same records.
 */
public final class TrafficGenerator {

    /** Relative session starts per hour of day (UTC): quiet nights, evening peak. */
    static final double[] HOURLY_WEIGHTS = {
        2, 1.2, 0.8, 0.6, 0.6, 0.9, 1.6, 2.8, 4, 4.6, 5, 5.2, 5.6, 5.4, 5.2, 5.3, 5.6, 6.2, 7.2, 8.4, 9, 8.2, 6, 3.6
    };
    private static final String SITE = "https://shop.example.com";
    private static final String[] REFERRERS = {
        null, null, "https://www.google.com/search?q=shop", "https://www.bing.com/", "https://www.facebook.com/",
        "https://t.co/abc", "https://newsletter.example.org/issue/42"
    };
    private static final String[][] CAMPAIGNS = {
        {"google", "cpc", "spring_sale", "running shoes", "ad_a"},
        {"facebook", "social", "brand_awareness", null, "carousel"},
        {"newsletter", "email", "weekly_digest", null, null},
        {"instagram", "social", "influencer_q2", null, "story"},
        {"bing", "cpc", "spring_sale", "garden chair", null}
    };
    private static final String[] SEARCH_WORDS = {
        "lamp", "wireless headphones", "running shoes", "coffee", "tent 4 person", "kids puzzle", "blender",
        "winter jacket", "usb c charger", "novel bestseller"
    };
    /** Names whose addresses an ASCII-only e-mail pattern would cut short, and domains in other scripts. */
    private static final String[] NON_ASCII_NAMES = {"josé", "zoë", "chloé", "renée", "andré", "noé"};
    private static final String[] NON_ASCII_DOMAINS = {"correo.es", "bücher.de", "gmx.de", "почта.рф", "poczta.pl"};
    /** Surnames typed into a newsletter form; none of them is anywhere else in the traffic, so any left in the lake shows. */
    private static final String[] SURNAMES = {"Okafor", "Lindqvist", "Moreau", "Kowalski", "Tanaka", "Haddad"};
    private static final DateTimeFormatter ISO_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT);
    private static final JsonFactory JSON = new JsonFactory();

    private final GeneratorSettings settings;
    private final World world;
    private final double[] hourCdf = World.cdf(HOURLY_WEIGHTS);
    /** Randomness of the session being generated: each session has its own, derived from the seed. */
    private SplittableRandom random;
    private List<GeneratedRecord> out;
    private List<GeneratedRecord> valid;

    public TrafficGenerator(GeneratorSettings settings) {
        this.settings = settings;
        this.world = new World(settings, Math.max(50, settings.records / 25));
    }

    /** All records, sorted by simulated arrival time: the order in which Firehose receives them. */
    public static List<GeneratedRecord> generate(GeneratorSettings settings) {
        List<GeneratedRecord> all = inSendingOrder(settings);
        all.sort(Comparator.comparingLong(GeneratedRecord::arrivalMillis));
        return all;
    }

    /** The first {@code settings.records} records of sessions 0, 1, 2, ... in the order they are produced. */
    public static List<GeneratedRecord> inSendingOrder(GeneratorSettings settings) {
        List<GeneratedRecord> all = new ArrayList<>(settings.records);
        TrafficGenerator generator = new TrafficGenerator(settings);
        for (long session = 0; all.size() < settings.records; session++) {
            List<GeneratedRecord> records = generator.session(session);
            all.addAll(records.subList(0, Math.min(records.size(), settings.records - all.size())));
        }
        return all;
    }

    /**
     * The records of session number {@code index}, in the order a producer sends them: the same
     * index and settings always give the same records.
     */
    public List<GeneratedRecord> session(long index) {
        return session(index, -1);
    }

    /**
     * Session {@code index} starting at {@code startMillis} instead of at its simulated time, for
     * live traffic whose event time is the time of sending; {@code -1} keeps the simulated start.
     */
    public List<GeneratedRecord> session(long index, long startMillis) {
        // Not seed * gamma + index: SplittableRandom steps by that same gamma, so seed s + 1 would replay
        // seed s's sessions one draw later (the same event ids). A mixed seed keeps the streams apart.
        random = new SplittableRandom(new SplittableRandom(settings.seed).nextLong() + index * 0xBF58476D1CE4E5B9L);
        out = new ArrayList<>();
        valid = new ArrayList<>();
        long dayMillis = 86_400_000L;
        long day = settings.startMillis + random.nextInt(Math.max(1, settings.days)) * dayMillis;
        long simulated = day + World.pick(hourCdf, random.nextDouble()) * 3_600_000L + random.nextInt(3_600_000);
        long start = startMillis >= 0 ? startMillis : simulated;
        for (Map<String, Object> event : events(start)) {
            emitEventOrFault(event);
        }
        return out;
    }

    private void emitEventOrFault(Map<String, Object> event) {
        double u = random.nextDouble();
        double edge = settings.duplicateRate;
        boolean retryable = !valid.isEmpty();
        if (u < edge + settings.idConflictRate && !retryable) {
            u = 1.0; // nothing earlier in this session to repeat: a plain event instead
        }
        if (u < edge) {
            GeneratedRecord original = earlierValid();
            out.add(new GeneratedRecord(original.json(), Fate.DUPLICATE, original.arrivalMillis() + 1000 + random.nextInt(21_600_000), false, original.fields()));
            return;
        }
        if (u < (edge += settings.idConflictRate)) {
            GeneratedRecord original = earlierValid();
            Map<String, Object> changed = new LinkedHashMap<>(original.fields());
            changed.put("page_url", changed.get("page_url") + (changed.get("page_url").toString().contains("?") ? "&" : "?") + "variant=b");
            out.add(new GeneratedRecord(render(changed), Fate.ID_CONFLICT, original.arrivalMillis() + 1000 + random.nextInt(3_600_000), false, changed));
            return;
        }
        if (u < (edge += settings.malformedRate)) {
            out.add(new GeneratedRecord(malformed(event), Fate.MALFORMED, arrival(event), false, null));
            return;
        }
        if (u < (edge += settings.schemaViolationRate)) {
            Map<String, Object> broken = violate(event);
            out.add(new GeneratedRecord(render(broken), Fate.SCHEMA_VIOLATION, arrival(event), false, broken));
            return;
        }
        if (u < (edge += settings.oversizedRate)) {
            Map<String, Object> big = new LinkedHashMap<>(event);
            big.put("debug_payload", "x".repeat(settings.oversizedBytes));
            out.add(new GeneratedRecord(render(big), Fate.OVERSIZED, arrival(event), false, big));
            return;
        }
        GeneratedRecord record = new GeneratedRecord(render(event), Fate.VALID, arrival(event), random.nextDouble() < settings.backToBackRate, event);
        valid.add(record);
        out.add(record);
    }

    private GeneratedRecord earlierValid() {
        return valid.get(random.nextInt(valid.size()));
    }

    private long arrival(Map<String, Object> event) {
        long eventMillis = ((Number) event.get("_event_millis")).longValue();
        if (random.nextDouble() < settings.lateRate) {
            return eventMillis + 7_200_000L + (long) (random.nextDouble() * 3 * 86_400_000L);
        }
        return eventMillis + 200 + random.nextInt(5000);
    }

    private List<Map<String, Object>> events(long start) {
        World.User user = world.user(random);
        String sessionId = uuid().toString();
        List<Map<String, Object>> events = new ArrayList<>();
        long t = start;
        String[] campaign = random.nextDouble() < 0.3 ? CAMPAIGNS[random.nextInt(CAMPAIGNS.length)] : null;
        String referrer = campaign != null ? null : REFERRERS[random.nextInt(REFERRERS.length)];

        Map<String, Object> landing = base(user, sessionId, "page_view", t);
        landing.put("page_url", SITE + "/" + landingQuery(campaign, user, landing));
        if (referrer != null) {
            landing.put("referrer", referrer);
        }
        events.add(landing);

        if (user.email != null && random.nextDouble() < 0.3) {
            t += gap();
            Map<String, Object> login = base(user, sessionId, "login", t);
            login.put("page_url", SITE + loginPath(user, login));
            if (!settings.uniformTypes && random.nextDouble() < 0.2) {
                // Analytics snippets that capture forms automatically send what was typed, passwords included.
                String password = "pw-" + Long.toHexString(random.nextLong());
                Map<String, Object> fields = new LinkedHashMap<>();
                fields.put("email", user.email);
                fields.put("password", password);
                fields.put("remember_me", random.nextBoolean());
                Map<String, Object> form = new LinkedHashMap<>();
                form.put("id", "login");
                form.put("fields", fields);
                login.put("form", form);
                plant(login, password);
            }
            events.add(login);
        }
        if (!settings.uniformTypes && user.email != null && random.nextDouble() < 0.02) {
            // A newsletter form sent with GET: the thank-you page's URL holds what was typed.
            t += gap();
            Map<String, Object> signup = base(user, sessionId, "page_view", t);
            String first = user.email.substring(0, user.email.indexOf('.'));
            String surname = SURNAMES[random.nextInt(SURNAMES.length)];
            signup.put("page_url", SITE + "/newsletter/subscribed?first_name=" + Character.toUpperCase(first.charAt(0)) + first.substring(1)
                    + "&last_name=" + surname + "&zip=" + (10000 + random.nextInt(90000)));
            plant(signup, surname);
            events.add(signup);
        }
        if (!settings.uniformTypes && random.nextDouble() < 0.03) {
            // The store locator, with the position the browser reported: precise to a few metres.
            t += gap();
            Map<String, Object> stores = base(user, sessionId, "page_view", t);
            String lat = String.format(Locale.ROOT, "%.6f", 36 + random.nextDouble() * 24);
            String lng = String.format(Locale.ROOT, "%.6f", -9 + random.nextDouble() * 38);
            stores.put("page_url", SITE + "/stores?lat=" + lat + "&lng=" + lng + "&radius=25");
            plant(stores, lat, lng);
            events.add(stores);
        }
        boolean buys = random.nextDouble() < settings.conversionRate;
        boolean carts = buys || random.nextDouble() < settings.cartRate;
        int browse = 1 + (int) (-Math.log(1 - random.nextDouble()) * 5);
        World.Product last = world.popularProduct(random);
        for (int i = 0; i < browse; i++) {
            t += gap();
            if (random.nextDouble() < 0.25) {
                events.add(search(user, sessionId, t));
            } else {
                last = world.popularProduct(random);
                Map<String, Object> view = base(user, sessionId, "page_view", t);
                String url = SITE + "/p/" + last.productId;
                if (!settings.uniformTypes && random.nextDouble() < 0.02) {
                    // A home-page banner tagged with UTM parameters, a common mistake: the session's
                    // campaign stays its landing page's, whatever a later page says.
                    url += "?utm_source=homepage&utm_medium=banner&utm_campaign=winter_promo";
                }
                view.put("page_url", url);
                product(view, last);
                if (!settings.uniformTypes && random.nextDouble() < 0.005) {
                    // Shared by e-mail: the widget reports each recipient's status under the address.
                    String friend = world.user(random).email;
                    if (friend != null) {
                        view.put("share", Map.of("recipients", Map.of(friend, "sent")));
                        plant(view, friend);
                    }
                }
                events.add(view);
            }
        }
        if (carts) {
            t += gap();
            int quantity = 1 + (random.nextDouble() < 0.2 ? random.nextInt(3) : 0);
            Map<String, Object> cart = base(user, sessionId, "add_to_cart", t);
            cart.put("page_url", SITE + "/p/" + last.productId);
            product(cart, last);
            cart.put("quantity", random.nextDouble() < 0.03 && !settings.uniformTypes ? (Object) Integer.toString(quantity) : (Object) quantity);
            events.add(cart);
            if (!buys && random.nextDouble() < 0.15) {
                t += gap();
                Map<String, Object> remove = base(user, sessionId, "remove_from_cart", t);
                remove.put("page_url", SITE + "/cart");
                product(remove, last);
                remove.put("quantity", quantity);
                events.add(remove);
            }
            if (buys) {
                t += gap();
                Map<String, Object> purchase = base(user, sessionId, "purchase", t);
                purchase.put("page_url", SITE + "/checkout/complete?order=" + (100000 + random.nextInt(900000)));
                product(purchase, last);
                purchase.put("quantity", quantity);
                events.add(purchase);
            }
        }
        if (random.nextDouble() < 0.1) {
            t += gap();
            Map<String, Object> logout = base(user, sessionId, "logout", t);
            logout.put("page_url", SITE + "/account/logout");
            events.add(logout);
        }
        if (!settings.uniformTypes && user.email != null && random.nextDouble() < 0.02) {
            // Autofill put the address into the profile's city at sign-up, and the site sends it with every event.
            events.forEach(event -> event.put("city", user.email));
        }
        return events;
    }

    private String landingQuery(String[] campaign, World.User user, Map<String, Object> event) {
        StringBuilder url = new StringBuilder(random.nextBoolean() ? "" : "c/deals");
        List<String> params = new ArrayList<>();
        if (campaign != null) {
            String[] names = {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"};
            for (int i = 0; i < names.length; i++) {
                if (campaign[i] != null) {
                    params.add(names[i] + "=" + campaign[i].replace(" ", "+"));
                }
            }
        }
        if (user.email != null && random.nextDouble() < 0.03) {
            // Newsletter links that leak the address and a login token: the ETL must scrub both.
            params.add("email=" + user.email.replace("@", "%40"));
            String token = Long.toHexString(random.nextLong());
            params.add("token=" + token);
            plant(event, token);
        }
        if (!settings.uniformTypes && user.email != null && random.nextDouble() < 0.03) {
            // Unsubscribe and tracking links that carry the address in base64.
            String subscriber = Base64.getEncoder().encodeToString(user.email.getBytes(StandardCharsets.UTF_8));
            if (random.nextBoolean()) {
                params.add("subscriber=" + subscriber);
            } else {
                url.setLength(0);
                url.append("unsubscribe/").append(subscriber).append("/confirm");
            }
            plant(event, subscriber);
        }
        if (!params.isEmpty()) {
            url.append('?').append(String.join("&", params));
        }
        return url.toString();
    }

    /**
     * Where a login lands. Most are the plain login page; some carry what real sign-ins leak into
     * URLs: an OAuth access token in the fragment, a servlet session id in the path, an e-mail
     * verification link whose JSON Web Token holds the address, or a password-reset link encoded
     * in the login page's return URL.
     */
    private String loginPath(World.User user, Map<String, Object> event) {
        double kind = random.nextDouble();
        if (kind < 0.1) {
            String token = "ya29." + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
            plant(event, token);
            return "/account/callback#access_token=" + token + "&token_type=Bearer&expires_in=3600";
        } else if (kind < 0.2) {
            String session = Long.toHexString(random.nextLong()).toUpperCase(Locale.ROOT);
            plant(event, session);
            return "/account/login;jsessionid=" + session;
        } else if (kind < 0.25) {
            Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
            String payload = base64.encodeToString(("{\"email\":\"" + user.email + "\",\"exp\":" + (1_700_000_000 + random.nextInt(100_000_000)) + "}")
                    .getBytes(StandardCharsets.UTF_8));
            String jwt = base64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "." + payload + "."
                    + base64.encodeToString(Long.toHexString(random.nextLong()).getBytes(StandardCharsets.UTF_8));
            plant(event, jwt, payload);
            return "/account/verify/" + jwt;
        } else if (kind < 0.35) {
            // A password-reset link that went through the login page: the token and the address
            // (encoded twice) ride in the encoded return URL, where no parameter name gives them away.
            String token = Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
            String email = URLEncoder.encode(user.email, StandardCharsets.UTF_8);
            plant(event, token, email.replace("%40", "%2540"));
            return "/account/login?return_to=" + URLEncoder.encode("/account/reset?token=" + token + "&email=" + email, StandardCharsets.UTF_8);
        } else if (kind < 0.45 && !settings.uniformTypes) {
            // A login form sent with GET: its fields' names are encoded (user%5Bpassword%5D).
            String password = "pw-" + Long.toHexString(random.nextLong());
            plant(event, password);
            return "/account/login?" + URLEncoder.encode("user[email]", StandardCharsets.UTF_8) + "=" + URLEncoder.encode(user.email, StandardCharsets.UTF_8)
                    + "&" + URLEncoder.encode("user[password]", StandardCharsets.UTF_8) + "=" + password + "&commit=Sign+in";
        }
        return "/account/login";
    }

    /** Records text that the record carries and the ETL must not let into the lake ({@link GeneratedRecord#secrets()}). */
    @SuppressWarnings("unchecked")
    private static void plant(Map<String, Object> event, String... secrets) {
        ((List<String>) event.computeIfAbsent("_secrets", k -> new ArrayList<String>())).addAll(List.of(secrets));
    }

    /** A Visa-like number that passes the Luhn check, in groups of four. */
    private String cardNumber() {
        int[] digits = new int[16];
        digits[0] = 4;
        for (int i = 1; i < 15; i++) {
            digits[i] = random.nextInt(10);
        }
        int sum = 0;
        for (int i = 14; i >= 0; i--) {
            int d = digits[i];
            if ((14 - i) % 2 == 0) {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }
            sum += d;
        }
        digits[15] = (10 - sum % 10) % 10;
        StringBuilder card = new StringBuilder(19);
        for (int i = 0; i < 16; i++) {
            card.append(i > 0 && i % 4 == 0 ? " " : "").append(digits[i]);
        }
        return card.toString();
    }

    private Map<String, Object> search(World.User user, String sessionId, long t) {
        Map<String, Object> search = base(user, sessionId, "search", t);
        String query = SEARCH_WORDS[random.nextInt(SEARCH_WORDS.length)];
        double leak = random.nextDouble();
        String encoded = null;
        if (leak < 0.01 && user.email != null) {
            query = "order status " + user.email;
        } else if (leak < 0.02) {
            String line = "7946 " + (1000 + random.nextInt(9000));
            query = "call me +44 20 " + line;
            plant(search, line, line.replace(' ', '+'));
        } else if (leak < 0.025) {
            // Shoppers paste card numbers into the search box.
            String card = cardNumber();
            query = "pay with " + card;
            plant(search, card, card.replace(' ', '+'), card.replace(" ", ""));
        } else if (leak < 0.03 && !settings.uniformTypes) {
            // An address in another script; the name ends in a letter that an ASCII-only pattern
            // stops at, so any part of the address left behind shows.
            String name = NON_ASCII_NAMES[random.nextInt(NON_ASCII_NAMES.length)];
            String address = name + (10 + random.nextInt(90)) + "@" + NON_ASCII_DOMAINS[random.nextInt(NON_ASCII_DOMAINS.length)];
            query = "where is my order " + address;
            encoded = URLEncoder.encode(query, StandardCharsets.UTF_8);
            plant(search, name, address, URLEncoder.encode(address, StandardCharsets.UTF_8));
        } else if (leak < 0.035 && !settings.uniformTypes) {
            // A bank account for a refund, printed in groups of four.
            Iban iban = random.nextBoolean()
                    ? new Iban.Builder().countryCode(CountryCode.DE).bankCode(digits(8)).accountNumber(digits(10)).build()
                    : new Iban.Builder().countryCode(CountryCode.NL).bankCode("ABNA").accountNumber(digits(10)).build();
            query = "refund to " + iban.toFormattedString();
            plant(search, iban.toString(), iban.toFormattedString(), iban.toFormattedString().replace(' ', '+'));
        }
        if (encoded == null) {
            encoded = query.replace(" ", "+").replace("@", "%40");
        }
        search.put("page_url", SITE + "/search?q=" + encoded);
        search.put("search_query", query);
        search.put("search_results_count", random.nextInt(120));
        return search;
    }

    private String digits(int n) {
        StringBuilder digits = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            digits.append(random.nextInt(10));
        }
        return digits.toString();
    }

    private void product(Map<String, Object> event, World.Product product) {
        event.put("product_id", product.productId);
        event.put("product_name", product.name);
        event.put("product_category", product.category);
        event.put("product_price", random.nextDouble() < 0.03 && !settings.uniformTypes
                ? (Object) String.format(Locale.ROOT, "%.2f", product.price) : (Object) product.price);
    }

    private Map<String, Object> base(World.User user, String sessionId, String type, long t) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("event_id", uuid().toString());
        event.put("event_type", type);
        double format = random.nextDouble();
        if (format < 0.8 || settings.uniformTypes) {
            event.put("timestamp", ISO_MILLIS.format(Instant.ofEpochMilli(t).atOffset(ZoneOffset.UTC)));
        } else if (format < 0.9) {
            event.put("timestamp", ISO_MILLIS.format(Instant.ofEpochMilli(t).atOffset(ZoneOffset.ofHours(2))));
        } else {
            event.put("timestamp", t);
        }
        event.put("_event_millis", t);
        event.put("user_id", user.userId);
        event.put("session_id", sessionId);
        event.put("device_type", user.deviceType);
        event.put("browser", user.browser);
        event.put("user_agent", user.userAgent);
        event.put("ip_address", user.ipAddress);
        if (user.email != null) {
            event.put("email", user.email);
        }
        event.put("country", user.country);
        event.put("city", user.city);
        if (random.nextDouble() < 0.1) {
            event.put("app_version", "web-3." + random.nextInt(4) + "." + random.nextInt(10));
        }
        return event;
    }

    private long gap() {
        return 3000 + (long) (-Math.log(1 - random.nextDouble()) * 40_000);
    }

    private UUID uuid() {
        long msb = (random.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    private String malformed(Map<String, Object> event) {
        String json = render(event);
        switch (random.nextInt(6)) {
            case 0: return json.substring(0, json.length() / 2);
            case 1: return json + " trailing-garbage";
            case 2: return "[" + json + "]";
            case 3: return "\"just a string\"";
            case 4: return json.replaceFirst("\"event_type\":\"", "\"event_type\":,\"");
            default: return json.substring(0, json.length() - 1);
        }
    }

    private Map<String, Object> violate(Map<String, Object> event) {
        Map<String, Object> broken = new LinkedHashMap<>(event);
        String[] rules = {"event_id", "event_id_format", "event_type", "product_price", "quantity", "device_type", "purchase", "revenue",
            "timestamp_future", "timestamp_zone"};
        String rule = rules[random.nextInt(rules.length)];
        switch (rule) {
            case "event_id": broken.remove("event_id"); break;
            case "event_id_format": broken.put("event_id", "not-a-uuid-" + random.nextInt(1000)); break;
            case "event_type": broken.put("event_type", "hover"); break;
            case "product_price": broken.put("product_price", -1 - random.nextInt(50)); break;
            case "quantity": broken.put("quantity", 0); break;
            case "device_type": broken.put("device_type", "smartwatch"); break;
            case "purchase":
                broken.put("event_type", "purchase");
                broken.remove("product_id");
                break;
            case "revenue":
                // Price and quantity each within their limits, their product past the lake's DECIMAL(12,2).
                broken.put("event_type", "purchase");
                broken.putIfAbsent("product_id", "P00001");
                broken.put("product_price", 5000 + random.nextInt(5000));
                broken.put("quantity", 10_000_000);
                break;
            case "timestamp_future": broken.put("timestamp", "2100-01-01T00:00:00Z"); break;
            default: broken.put("timestamp", "2024-01-01T10:00:00"); break;
        }
        broken.put("_violation", rule);
        return broken;
    }

    /** Renders fields in insertion order; keys starting with '_' are metadata and not sent. */
    static String render(Map<String, Object> fields) {
        StringWriter writer = new StringWriter(640);
        try (JsonGenerator json = JSON.createGenerator(writer)) {
            json.writeStartObject();
            for (Map.Entry<String, Object> field : fields.entrySet()) {
                if (field.getKey().startsWith("_")) {
                    continue;
                }
                json.writeFieldName(field.getKey());
                write(json, field.getValue());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return writer.toString();
    }

    private static void write(JsonGenerator json, Object value) throws IOException {
        if (value instanceof Integer || value instanceof Long) {
            json.writeNumber(((Number) value).longValue());
        } else if (value instanceof Double) {
            json.writeNumber((Double) value);
        } else if (value instanceof Boolean) {
            json.writeBoolean((Boolean) value);
        } else if (value instanceof Map) {
            json.writeStartObject();
            for (Map.Entry<?, ?> field : ((Map<?, ?>) value).entrySet()) {
                json.writeFieldName(field.getKey().toString());
                write(json, field.getValue());
            }
            json.writeEndObject();
        } else {
            json.writeString(value.toString());
        }
    }
}
