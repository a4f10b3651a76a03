package io.clickstream.etl.pii;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.model.ClickEvent;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import org.iban4j.CountryCode;
import org.iban4j.IbanUtil;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.io.IOException;
import java.io.Serializable;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes personal data from an event: drops {@code ip_address}, {@code email} and configured
 * fields; in URLs drops credentials and redacts secret parameters (query, fragment and {@code ;}
 * path parameters); in URLs and free text (extras included) replaces e-mail addresses, payment
 * card numbers, phone numbers, IP addresses and JSON Web Tokens; redacts extras, and fields of
 * JSON objects in extras, whose name is a secret, and scrubs the names themselves; replaces e-mail
 * and IP addresses and international phone numbers in ids and labels (user, session, product,
 * place, browser); cuts coordinates (parameters, extras and JSON
 * fields named like {@code lat} or {@code lng}) to two decimals; and, with a key configured, replaces chosen
 * identifiers by keyed HMAC-SHA256 pseudonyms. Values under a layer of URL encoding (a return URL
 * in a parameter, JSON in a parameter, an address encoded twice) are opened and scrubbed by the
 * same rules. Not thread-safe: one instance per operator subtask.
 */
public final class PiiScrubber implements Serializable {
    private static final long serialVersionUID = 1L;

    static final String EMAIL_TOKEN = "[email]";
    static final String CARD_TOKEN = "[card]";
    static final String PHONE_TOKEN = "[phone]";
    static final String IP_TOKEN = "[ip]";
    static final String IBAN_TOKEN = "[iban]";
    static final String SECRET_TOKEN = "REDACTED";

    // In URLs a space is '+' or %20 and a leading plus %2B, so the number patterns accept those too.
    private static final String SEPARATOR = "(?:[ .()/+-]|%20)";
    // Every repetition is bounded (a local part has at most 64 characters, a label 63): unbounded
    // ones made a long field cost quadratic time, and a long run of labels overflowed the stack.
    // Letters of any script and an apostrophe: josé@example.com, anna@bücher.de and
    // o'brien@example.ie must go whole (an ASCII-only pattern matched none of them, or only the
    // part after the last accented letter); so must an internationalised top-level domain.
    private static final String LETTER_OR_DIGIT = "\\p{L}\\p{M}\\p{N}";
    private static final Pattern EMAIL = Pattern.compile(
            "[" + LETTER_OR_DIGIT + "._%+'-]{1,64}(?:@|%40|%2540)[" + LETTER_OR_DIGIT + "-]{1,63}"
                    + "(?:\\.[" + LETTER_OR_DIGIT + "-]{1,63}){0,8}\\.(?:xn--[a-z0-9-]{1,59}|[\\p{L}\\p{M}]{2,24})");
    /** 13 to 19 digits, single separators between them; only Luhn-valid matches are cards. */
    private static final Pattern CARD = Pattern.compile("(?<![\\w-])\\d(?:(?:[ +-]|%20)?\\d){12,18}(?![\\w-])");
    // Not right after '-': a run of digits that ends a UUID or a product code is not a phone number.
    private static final Pattern PHONE = Pattern.compile("(?<![\\w-])(?:\\+|%2B)?\\d(?:" + SEPARATOR + "{0,2}\\d){8,14}(?!\\w)");
    /** A phone number in international form, '+' and country code first: in a user id, only those are phones. */
    private static final Pattern INTERNATIONAL_PHONE = Pattern.compile("(?<![\\w+])\\+\\d(?:" + SEPARATOR + "{0,2}\\d){7,14}(?!\\w)");
    private static final Pattern IPV4 = Pattern.compile("(?<![\\w.])(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?![\\w])");
    private static final Pattern IPV6 = Pattern.compile(
            "(?<![\\w:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?|::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6}))(?![\\w:])");
    /** Degrees with more than two decimals, in a coordinate's value ({@code 52.520008}, {@code 52.520008%2C13.404954}). */
    private static final Pattern PRECISE_DEGREES = Pattern.compile("(?<![\\d.])(\\d{1,3}\\.\\d\\d)\\d{1,20}(?![\\d.])");
    /** A map link's position, {@code @52.520008,13.404954,15z}: latitude and longitude cut like a coordinate's. */
    private static final Pattern MAP_POSITION = Pattern.compile("@(-?\\d{1,3}\\.\\d\\d)\\d{0,20},(-?\\d{1,3}\\.\\d\\d)\\d{0,20}(?![\\d.])");
    /** Where an IBAN may start: a country code and two check digits, not inside a word. */
    private static final Pattern IBAN_START = Pattern.compile("(?<![A-Za-z0-9])[A-Za-z]{2}\\d{2}(?=[ +]?[A-Za-z0-9])");
    /** A bearer token on its own, as pasted from a request: long, with at least one digit. */
    private static final Pattern BEARER = Pattern.compile("(?<![\\w-])([Bb]earer\\s{1,3})(?=[\\w.~+/-]{0,511}\\d)[\\w.~+/-]{16,512}=*");
    /** Authentication schemes that come between a secret name and the secret: {@code Authorization: Bearer abc}. */
    private static final Set<String> AUTH_SCHEMES = Set.of("bearer", "basic", "digest", "token", "negotiate", "jwt");
    /** A JSON Web Token (JWS or JWE): base64url parts, the first a JSON object. Its payload is often an e-mail address or a user id. */
    private static final Pattern JWT = Pattern.compile("(?<![\\w-])eyJ[\\w-]{4,}\\.[\\w-]{4,}(?:\\.[\\w-]*){1,3}");
    /** How many layers of encoding are opened: a URL in a parameter of a URL in a parameter, and so on. */
    private static final int MAX_NESTING = 4;
    private static final JsonFactory JSON = new JsonFactory();

    private final Set<String> dropFields;
    private final Set<String> secretParams;
    /** The secret names by their length: a word is compared only with names as long as itself. */
    private final String[][] secretsByLength;
    /** The same for names of coordinates, whose numbers are cut to two decimals. */
    private final String[][] coordinatesByLength;
    /** Whether coordinates are cut at all: with no names configured, map links keep theirs too. */
    private final boolean cutsCoordinates;
    private final Set<String> pseudonymFields;
    private final String pseudonymKey;
    private transient Mac mac;

    public PiiScrubber(JobConfig config) {
        this(config.dropFields, config.secretParams, config.coordinateParams, config.pseudonymFields, config.pseudonymKey());
    }

    /** With the default names of coordinates ({@link JobConfig#COORDINATE_PARAMS}). */
    public PiiScrubber(Set<String> dropFields, Set<String> secretParams, Set<String> pseudonymFields, String pseudonymKey) {
        this(dropFields, secretParams, Set.of(JobConfig.COORDINATE_PARAMS.defaultValue.split(",")), pseudonymFields, pseudonymKey);
    }

    public PiiScrubber(Set<String> dropFields, Set<String> secretParams, Set<String> coordinateParams, Set<String> pseudonymFields,
            String pseudonymKey) {
        this.dropFields = new HashSet<>(dropFields);
        this.secretParams = lower(secretParams);
        this.secretsByLength = byLength(this.secretParams);
        this.coordinatesByLength = byLength(lower(coordinateParams));
        this.cutsCoordinates = !coordinateParams.isEmpty();
        this.pseudonymFields = new HashSet<>(pseudonymFields);
        this.pseudonymKey = pseudonymKey;
    }

    private static String[][] byLength(Set<String> names) {
        String[][] byLength = new String[names.stream().mapToInt(String::length).max().orElse(0) + 1][0];
        for (String name : names) {
            String[] same = Arrays.copyOf(byLength[name.length()], byLength[name.length()].length + 1);
            same[same.length - 1] = name;
            byLength[name.length()] = same;
        }
        return byLength;
    }

    /** Scrubs the event in place and returns how many fields were removed or changed. */
    public int scrub(ClickEvent e) {
        int changed = 0;
        if (pseudonymKey != null) {
            if (pseudonymFields.contains("email") && e.email != null) {
                e.emailHash = pseudonym(e.email.trim().toLowerCase(Locale.ROOT));
            }
            if (pseudonymFields.contains("ip_address") && e.ipAddress != null) {
                e.ipAddressHash = pseudonym(IpAddresses.canonical(e.ipAddress));
            }
            if (pseudonymFields.contains("user_id") && e.userId != null) {
                e.userIdHash = pseudonym(e.userId);
                e.userId = null;
                changed++;
            }
            // In place, unlike the columns above: queries group and count sessions by session_id, and
            // sessions a site keys by the visitor's address would otherwise all become one "[ip]".
            if (pseudonymFields.contains("session_id") && e.sessionId != null) {
                e.sessionId = pseudonym(e.sessionId);
                changed++;
            }
        }
        changed += count(e.userId, e.userId = scrubIdentifier(e.userId));
        // Ids and labels are not free text, but what sites put in them is not always what belongs
        // there: a session keyed by the visitor's address, an address autofilled into the city.
        changed += count(e.sessionId, e.sessionId = scrubIdentifier(e.sessionId));
        changed += count(e.productId, e.productId = scrubIdentifier(e.productId));
        changed += count(e.productName, e.productName = scrubIdentifier(e.productName));
        changed += count(e.productCategory, e.productCategory = scrubIdentifier(e.productCategory));
        changed += count(e.country, e.country = scrubIdentifier(e.country));
        changed += count(e.city, e.city = scrubIdentifier(e.city));
        changed += count(e.browser, e.browser = scrubIdentifier(e.browser));
        changed += count(e.os, e.os = scrubIdentifier(e.os));
        // A version such as 5.0.2.1 reads like an IPv4 address: only e-mail addresses are looked for.
        if (e.browserVersion != null && mayHoldEmail(e.browserVersion)) {
            changed += count(e.browserVersion, e.browserVersion = replace(EMAIL, e.browserVersion, EMAIL_TOKEN));
        }
        if (e.ipAddress != null) {
            e.ipAddress = null;
            changed++;
        }
        if (e.email != null) {
            e.email = null;
            changed++;
        }
        changed += dropConfigured(e);

        String url = scrubUrl(e.pageUrl);
        if (url != e.pageUrl) {
            e.pageUrl = url;
            changed++;
        }
        String referrer = scrubUrl(e.referrer);
        if (referrer != e.referrer) {
            e.referrer = referrer;
            changed++;
        }
        String query = e.searchQuery == null ? null : scrubValue(e.searchQuery, 0);
        if (query != e.searchQuery) {
            e.searchQuery = query;
            changed++;
        }
        if (e.extra != null) {
            List<String> renamed = null;
            for (Map.Entry<String, String> x : e.extra.entrySet()) {
                String value = x.getValue();
                String clean = value == null ? null
                        : isSecretName(x.getKey(), 0, x.getKey().length()) ? SECRET_TOKEN
                        : isCoordinateName(x.getKey(), 0, x.getKey().length()) ? coarsen(value)
                        : scrubValue(value, 0);
                if (clean != null && !clean.equals(value)) {
                    x.setValue(clean);
                    changed++;
                }
                if (scrubText(x.getKey()) != x.getKey()) {
                    renamed = renamed == null ? new ArrayList<>(2) : renamed;
                    renamed.add(x.getKey());
                }
            }
            if (renamed != null) {
                Map<String, Integer> written = new HashMap<>();
                e.extra.keySet().forEach(name -> written.put(name, 2));
                for (String name : renamed) {
                    e.extra.put(uniqueName(scrubText(name), written), e.extra.remove(name));
                    changed++;
                }
            }
        }
        return changed;
    }

    /** 1 when a field's value was replaced by a scrubbed one, which is a new instance. */
    private static int count(String before, String after) {
        return before == after ? 0 : 1;
    }

    /**
     * A name that its scrubbed form would give twice in one map or object ({@code [email]} for two
     * addresses) gets a number: {@code [email]#2}. {@code written} maps each name given so far to
     * the next number to try for it, so that a record of many addresses as names costs no more than
     * its length, not the square of it.
     */
    private static String uniqueName(String name, Map<String, Integer> written) {
        String unique = name;
        Integer next = written.get(name);
        if (next != null) {
            int i = next;
            while (written.containsKey(unique = name + "#" + i)) {
                i++;
            }
            written.put(name, i + 1);
        }
        written.put(unique, 2);
        return unique;
    }

    /**
     * Sites that sign users in by e-mail or phone often send the address or the number as the user
     * id, and some key anonymous visitors by their IP address: those are scrubbed. Other numbers are
     * not, since numeric user ids look like phone or card numbers and must stay whole; a phone
     * number is one with the international '+' in front. Other ids and labels (session, product,
     * place, browser) get the same rules. Same instance when clean.
     */
    String scrubIdentifier(String id) {
        if (id == null || !mayHoldAddress(id)) {
            return id;
        }
        String s = id;
        if (s.indexOf('@') >= 0 || s.contains("%40") || s.contains("%2540")) {
            s = replace(EMAIL, s, EMAIL_TOKEN);
        }
        if (mayHoldIpv4(s)) {
            s = replace(IPV4, s, IP_TOKEN);
        }
        if (s.indexOf(':') != s.lastIndexOf(':')) {
            s = replace(IPV6, s, IP_TOKEN);
        }
        if (s.indexOf('+') >= 0) {
            s = replace(INTERNATIONAL_PHONE, s, PHONE_TOKEN);
        }
        return s.equals(id) ? id : s;
    }

    /**
     * Whether an id may hold what {@link #scrubIdentifier} looks for, in one pass over it: most ids
     * and labels (a UUID, a product name) hold none of '@', '%', '.', ':' or '+' and cost no more.
     */
    private static boolean mayHoldAddress(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '@' || c == '%' || c == '.' || c == ':' || c == '+') {
                return true;
            }
        }
        return false;
    }

    private static boolean mayHoldEmail(String s) {
        return s.indexOf('@') >= 0 || s.indexOf('%') >= 0;
    }

    private int dropConfigured(ClickEvent e) {
        if (dropFields.isEmpty()) {
            return 0;
        }
        int removed = 0;
        for (String field : dropFields) {
            switch (field) {
                case "user_id": if (e.userId != null) { e.userId = null; removed++; } break;
                case "session_id": if (e.sessionId != null) { e.sessionId = null; removed++; } break;
                case "city": if (e.city != null) { e.city = null; removed++; } break;
                case "country": if (e.country != null) { e.country = null; removed++; } break;
                case "user_agent": if (e.userAgent != null) { e.userAgent = null; removed++; } break;
                case "referrer": if (e.referrer != null) { e.referrer = null; removed++; } break;
                case "search_query": if (e.searchQuery != null) { e.searchQuery = null; removed++; } break;
                default: break;
            }
        }
        if (e.extra != null) {
            for (Iterator<String> keys = e.extra.keySet().iterator(); keys.hasNext(); ) {
                if (dropFields.contains(keys.next())) {
                    keys.remove();
                    removed++;
                }
            }
        }
        return removed;
    }

    /**
     * Drops the credentials of {@code user:password@host}, redacts the values of secret parameters
     * and scrubs the rest as text. Returns the same instance when nothing changed.
     */
    public String scrubUrl(String url) {
        return url == null ? null : scrubUrl(url, 0);
    }

    private String scrubUrl(String url, int depth) {
        int pathStart = authorityEnd(url);
        String s = withoutCredentials(url, pathStart);
        pathStart -= url.length() - s.length();
        s = redactSecretParameters(s, pathStart, depth);
        s = scrubText(s, true);
        return s.equals(url) ? url : s;
    }

    /**
     * Scrubs a value whose kind is not known: a JSON object or array field by field, a URL or a
     * query string parameter by parameter, text that is still URL-encoded after decoding it, other
     * text as text. Same instance when clean.
     */
    private String scrubValue(String value, int depth) {
        if (depth > MAX_NESTING) {
            return scrubText(value);
        }
        String v = value.trim();
        if (v.startsWith("{") || v.startsWith("[")) {
            return scrubJson(value, depth);
        }
        // An address or JSON in base64 (an unsubscribe link's subscriber, a tracking blob): if what
        // it decodes to holds anything to scrub, the whole value goes.
        if (Base64Text.plausible(v, 0, v.length()) && hidesPersonalData(v, depth)) {
            return SECRET_TOKEN;
        }
        if (v.contains("://") || v.startsWith("/") || v.indexOf('?') >= 0) {
            return scrubUrl(value, depth);
        }
        if (v.indexOf('=') > 0) {
            // A query string without its '?' (a form body, an OAuth state): scanned as one.
            String clean = scrubUrl("?" + value, depth);
            return clean.substring(1).equals(value) ? value : clean.substring(1);
        }
        return scrubEncoded(value, depth);
    }

    /** Whether a plausible base64 value decodes to text that holds anything to scrub. */
    private boolean hidesPersonalData(String base64, int depth) {
        String text = Base64Text.decode(base64);
        return text != null && !scrubValue(text, depth + 1).equals(text);
    }

    /** Text that may still be URL-encoded: scrubbed as text, and decoded once more and scrubbed again. */
    private String scrubEncoded(String value, int depth) {
        String s = scrubText(value);
        if (depth < MAX_NESTING && PercentCoding.hasEscape(s, 0, s.length())) {
            String decoded = PercentCoding.decode(s);
            String clean = scrubValue(decoded, depth + 1);
            if (!clean.equals(decoded)) {
                s = PercentCoding.encode(clean);
            }
        }
        return s.equals(value) ? value : s;
    }

    /**
     * Scrubs a JSON value field by field: a field named like a secret becomes {@code "REDACTED"}
     * whole, strings and numbers are scrubbed as values. Text that is not JSON after all is
     * scrubbed as text. Same instance when clean.
     */
    private String scrubJson(String json, int depth) {
        StringWriter out = new StringWriter(json.length());
        boolean changed = false;
        // The names written in each open object: two addresses as names ({"anna@example.com": ...,
        // "ben@example.com": ...}) must not become the same name twice.
        List<Map<String, Integer>> names = new ArrayList<>();
        try (JsonParser p = JSON.createParser(json); JsonGenerator g = JSON.createGenerator(out)) {
            for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                if (t == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    String cleanName = uniqueName(scrubText(name), names.get(names.size() - 1));
                    changed |= cleanName != name;
                    g.writeFieldName(cleanName);
                    t = p.nextToken();
                    if (t != JsonToken.VALUE_NULL && isSecretName(name, 0, name.length())) {
                        p.skipChildren();
                        g.writeString(SECRET_TOKEN);
                        changed = true;
                        continue;
                    }
                    if ((t == JsonToken.VALUE_NUMBER_FLOAT || t == JsonToken.VALUE_STRING) && isCoordinateName(name, 0, name.length())) {
                        String text = p.getText();
                        String coarse = coarsen(text);
                        if (coarse != text) {
                            if (t == JsonToken.VALUE_NUMBER_FLOAT) {
                                g.writeNumber(coarse);
                            } else {
                                g.writeString(coarse);
                            }
                            changed = true;
                            continue;
                        }
                    }
                }
                if (t == JsonToken.VALUE_STRING || t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT) {
                    String text = p.getText();
                    String clean = t == JsonToken.VALUE_STRING ? scrubValue(text, depth + 1) : scrubText(text);
                    if (clean != text) {
                        g.writeString(clean);
                        changed = true;
                        continue;
                    }
                }
                if (t == JsonToken.START_OBJECT) {
                    names.add(new HashMap<>());
                } else if (t == JsonToken.END_OBJECT) {
                    names.remove(names.size() - 1);
                }
                g.copyCurrentEvent(p);
            }
        } catch (IOException notJson) {
            return scrubText(json);
        }
        return changed ? out.toString() : json;
    }

    /**
     * Redacts the value after a secret name ({@code password: hunter2}) and bearer tokens, and
     * replaces JSON Web Tokens, e-mail addresses, IBANs, payment card numbers, phone numbers and IP
     * addresses. Same instance when clean.
     */
    public String scrubText(String text) {
        return text == null ? null : scrubText(text, false);
    }

    private String scrubText(String text, boolean url) {
        String s = text;
        if (s.indexOf(':') >= 0 || (!url && s.indexOf('=') >= 0)) {
            s = redactSecretAssignments(s, url);
        }
        if (s.contains("earer")) {
            Matcher bearer = BEARER.matcher(s);
            s = bearer.find() ? bearer.replaceAll("$1" + SECRET_TOKEN) : s;
        }
        if (s.contains("eyJ")) {
            s = replace(JWT, s, SECRET_TOKEN);
        }
        if (s.indexOf('@') >= 0 || s.contains("%40") || s.contains("%2540")) {
            if (cutsCoordinates && s.indexOf('@') >= 0) {
                Matcher position = MAP_POSITION.matcher(s);
                s = position.find() ? position.replaceAll("@$1,$2") : s;
            }
            s = replace(EMAIL, s, EMAIL_TOKEN);
        }
        // An IPv4 address has at least 4 digits, a phone number 9, an IBAN 10, a card number 13.
        int digits = countDigits(s);
        if (digits >= 4 && mayHoldIpv4(s)) {
            s = replace(IPV4, s, IP_TOKEN);
        }
        if (digits >= 10) {
            s = replaceIbans(s);
        }
        if (digits >= 13) {
            s = replaceCards(s);
        }
        if (digits >= 9) {
            s = replace(PHONE, s, PHONE_TOKEN);
        }
        if (s.indexOf(':') >= 0 && s.indexOf(':') != s.lastIndexOf(':')) {
            s = replace(IPV6, s, IP_TOKEN);
        }
        return s.equals(text) ? text : s;
    }

    /**
     * Whether a parameter or extra field of this name holds a secret: the name, or one of its words,
     * is a configured secret name (case-insensitive). Words are split at characters other than
     * letters and digits, where lower case turns upper and where letters turn digits, so
     * {@code access_token}, {@code X-Amz-Signature}, {@code sessionId} and {@code key2} contain
     * {@code token}, {@code signature}, {@code session} and {@code key}, while {@code keyword} does
     * not contain {@code key}.
     */
    boolean isSecretName(String s, int from, int to) {
        return hasWord(s, from, to, secretsByLength);
    }

    /** Whether a parameter or field of this name holds a coordinate ({@code lat}, {@code geo_lng}, {@code userLatitude}). */
    boolean isCoordinateName(String s, int from, int to) {
        return hasWord(s, from, to, coordinatesByLength);
    }

    /** Whether the name, or one of its words as {@link #isSecretName} splits them, is one of {@code names}. */
    private static boolean hasWord(String s, int from, int to, String[][] names) {
        if (isWord(s, from, to, names)) {
            return true;
        }
        int word = from;
        for (int i = from; i <= to; i++) {
            char c = i < to ? s.charAt(i) : ' ';
            boolean separator = !isLetterOrDigit(c);
            boolean camelStart = !separator && i > word && isUpperCase(c)
                    && (isLowerCase(s.charAt(i - 1))
                        || (i + 1 < to && isUpperCase(s.charAt(i - 1)) && isLowerCase(s.charAt(i + 1))));
            boolean digitsStart = !separator && i > word && (c < 128 ? isDigit(c) : Character.isDigit(c)) && isLetter(s.charAt(i - 1));
            if (separator || camelStart || digitsStart) {
                if (i > word && (word > from || i < to) && isWord(s, word, i, names)) {
                    return true;
                }
                word = separator ? i + 1 : i;
            }
        }
        return false;
    }

    private static boolean isWord(String s, int from, int to, String[][] names) {
        int length = to - from;
        if (length >= names.length) {
            return false;
        }
        char first = length == 0 ? 0 : s.charAt(from);
        for (String name : names[length]) {
            // Names are lower case: an ASCII first letter that differs in any case rules a name out early.
            char n = length == 0 ? 0 : name.charAt(0);
            if (first < 128 && n < 128 && first != n && (first | 0x20) != n) {
                continue;
            }
            if (s.regionMatches(true, from, name, 0, length)) {
                return true;
            }
        }
        return false;
    }

    // Names are mostly ASCII, for which these need no lookup in the Unicode tables.

    private static boolean isLetter(char c) {
        return c < 128 ? (c | 0x20) >= 'a' && (c | 0x20) <= 'z' : Character.isLetter(c);
    }

    private static boolean isLetterOrDigit(char c) {
        return c < 128 ? isLetter(c) || isDigit(c) : Character.isLetterOrDigit(c);
    }

    private static boolean isUpperCase(char c) {
        return c < 128 ? c >= 'A' && c <= 'Z' : Character.isUpperCase(c);
    }

    private static boolean isLowerCase(char c) {
        return c < 128 ? c >= 'a' && c <= 'z' : Character.isLowerCase(c);
    }

    /**
     * Redacts the value of {@code name: value} and {@code name=value} in text when the name is
     * secret, as error messages, pasted request headers and text that looks like JSON but is not
     * carry them: {@code password: hunter2}, {@code "token":"abc"}, {@code Authorization: Basic
     * dXNlcjpwYXNz}. A quoted value is redacted up to its closing quote, another up to the next
     * space or delimiter; an authentication scheme before the secret is kept.
     */
    private String redactSecretAssignments(String s, boolean url) {
        StringBuilder out = null;
        int copied = 0;
        int n = s.length();
        // The next ':' and '=' (in a URL only ':': name=value there is a parameter, which has been
        // seen), each searched again only once passed, so that a field of one of them costs no more
        // than its length.
        int colon = s.indexOf(':');
        int equals = url ? -1 : s.indexOf('=');
        while (colon >= 0 || equals >= 0) {
            int i = colon < 0 ? equals : equals < 0 ? colon : Math.min(colon, equals);
            if (i == colon) {
                colon = s.indexOf(':', i + 1);
            } else {
                equals = s.indexOf('=', i + 1);
            }
            char c = s.charAt(i);
            if (c == ':' && s.startsWith("//", i + 1)) {
                continue; // a URL's scheme (https://), not a name
            }
            int nameEnd = skipBack(s, i, copied);
            if (nameEnd > copied && (s.charAt(nameEnd - 1) == '"' || s.charAt(nameEnd - 1) == '\'')) {
                nameEnd--;
            }
            int nameStart = nameEnd;
            while (nameStart > copied && nameEnd - nameStart < 64 && isNameChar(s.charAt(nameStart - 1))) {
                nameStart--;
            }
            // Not a host name before its port: https://auth.example.com:8443 holds no secret.
            boolean host = c == ':' && nameStart >= 2 && (s.startsWith("//", nameStart - 2) || s.charAt(nameStart - 1) == '@');
            if (nameStart == nameEnd || host || !isSecretName(s, nameStart, nameEnd)) {
                continue;
            }
            int valueStart = skipSpaces(s, i + 1);
            int valueEnd;
            if (valueStart < n && (s.charAt(valueStart) == '"' || s.charAt(valueStart) == '\'')) {
                char quote = s.charAt(valueStart++);
                valueEnd = valueStart;
                while (valueEnd < n && s.charAt(valueEnd) != quote && valueEnd - valueStart < 1024) {
                    valueEnd += s.charAt(valueEnd) == '\\' ? 2 : 1;
                }
                valueEnd = Math.min(valueEnd, n);
            } else {
                valueEnd = unquotedEnd(s, valueStart, url);
                int next = skipSpaces(s, valueEnd);
                if (next > valueEnd && next < n && AUTH_SCHEMES.contains(s.substring(valueStart, valueEnd).toLowerCase(Locale.ROOT))) {
                    valueStart = next;
                    valueEnd = unquotedEnd(s, valueStart, url);
                }
            }
            if (valueEnd == valueStart || s.startsWith(SECRET_TOKEN, valueStart)) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(n);
            }
            out.append(s, copied, valueStart).append(SECRET_TOKEN);
            copied = valueEnd;
            colon = colon >= 0 && colon < valueEnd ? s.indexOf(':', valueEnd) : colon;
            equals = equals >= 0 && equals < valueEnd ? s.indexOf('=', valueEnd) : equals;
        }
        return out == null ? s : out.append(s, copied, n).toString();
    }

    private static int skipBack(String s, int i, int floor) {
        int j = i;
        while (j > floor && i - j < 3 && s.charAt(j - 1) == ' ') {
            j--;
        }
        return j;
    }

    private static int skipSpaces(String s, int i) {
        int j = i;
        while (j < s.length() && j - i < 3 && s.charAt(j) == ' ') {
            j++;
        }
        return j;
    }

    /** Where a value without quotes ends: at a space or a delimiter, in a URL also where its next part starts. */
    private static int unquotedEnd(String s, int from, boolean url) {
        int j = from;
        while (j < s.length() && j - from < 1024 && !Character.isWhitespace(s.charAt(j)) && "\"'&,;<>)]}".indexOf(s.charAt(j)) < 0
                && !(url && (s.charAt(j) == '?' || s.charAt(j) == '#' || s.charAt(j) == '/'))) {
            j++;
        }
        return j;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.' || c == '[' || c == ']';
    }

    /**
     * Redacts the value of every parameter whose name {@link #isSecretName is secret}. A parameter
     * starts after '?', '&', ';' or '#' (so OAuth tokens in the fragment and {@code ;jsessionid=}
     * count), or after '/' while in the path ({@code /api/token=abc/}), and ends at the next of
     * those. Other values, and path segments that may be base64, are opened for what they hide
     * (a return URL, JSON, an address in base64); coordinates keep two decimals.
     */
    private String redactSecretParameters(String url, int from, int depth) {
        StringBuilder out = null;
        int copied = 0;
        boolean inPath = true;
        int n = url.length();
        int i = from;
        while (i < n) {
            char c = url.charAt(i);
            if (c == '?' || c == '#') {
                inPath = false;
            }
            if (c != '?' && c != '&' && c != ';' && c != '#' && !(inPath && c == '/')) {
                i++;
                continue;
            }
            int nameStart = i + 1;
            int eq = nameStart;
            while (eq < n && url.charAt(eq) != '=' && !endsParameter(url.charAt(eq), inPath)) {
                eq++;
            }
            if (eq == n || url.charAt(eq) != '=') {
                // A path segment without a name: an unsubscribe link's /unsubscribe/YW5uYUBleGFtcGxlLmNvbQ
                // is the address in base64.
                if (inPath && c == '/' && depth < MAX_NESTING && Base64Text.plausible(url, nameStart, eq)
                        && hidesPersonalData(url.substring(nameStart, eq), depth)) {
                    out = out == null ? new StringBuilder(n) : out;
                    out.append(url, copied, nameStart).append(SECRET_TOKEN);
                    copied = eq;
                }
                i = eq;
                continue;
            }
            int valueEnd = eq + 1;
            while (valueEnd < n && !endsParameter(url.charAt(valueEnd), inPath)) {
                valueEnd++;
            }
            boolean paddedBase64 = inPath && c == '/' && depth < MAX_NESTING && Base64Text.plausible(url, nameStart, valueEnd);
            String replacement = paddedBase64 ? (hidesPersonalData(url.substring(nameStart, valueEnd), depth) ? SECRET_TOKEN : null)
                    : valueEnd == eq + 1 ? null
                    : isSecretParameterName(url, nameStart, eq) ? SECRET_TOKEN
                    : isCoordinateName(url, nameStart, eq) ? coarsenedOrNull(url, eq + 1, valueEnd)
                    : depth < MAX_NESTING ? scrubNestedValue(url, eq + 1, valueEnd, depth) : null;
            if (replacement != null) {
                if (out == null) {
                    out = new StringBuilder(n);
                }
                // A padded segment goes whole; a parameter keeps its name.
                out.append(url, copied, paddedBase64 ? nameStart : eq + 1).append(replacement);
                copied = valueEnd;
            }
            i = valueEnd;
        }
        return out == null ? url : out.append(url, copied, n).toString();
    }

    /**
     * Whether a parameter's name is secret, also once decoded: a form sent with GET names its
     * fields {@code user%5Bpassword%5D}.
     */
    private boolean isSecretParameterName(String url, int from, int to) {
        if (isSecretName(url, from, to)) {
            return true;
        }
        if (!PercentCoding.hasEscape(url, from, to)) {
            return false;
        }
        String name = PercentCoding.decode(url.substring(from, to));
        return isSecretName(name, 0, name.length());
    }

    /**
     * What a parameter value hides under its encoding (a return URL and its parameters, JSON, an
     * address encoded twice), scrubbed and encoded again; null when it hides nothing.
     */
    private String scrubNestedValue(String url, int from, int to, int depth) {
        String value;
        String decoded;
        if (PercentCoding.hasEscape(url, from, to)) {
            value = url.substring(from, to);
            decoded = PercentCoding.decode(value);
        } else if (url.charAt(from) == '{' || url.charAt(from) == '[' || Base64Text.plausible(url, from, to)
                || url.lastIndexOf('=', to - 1) >= from) {
            // JSON, base64, or a query string that was not even encoded (?q=password=hunter2).
            value = url.substring(from, to);
            decoded = value;
        } else {
            return null;
        }
        String clean = scrubValue(decoded, depth + 1);
        if (clean.equals(decoded)) {
            return null;
        }
        return decoded == value ? clean : PercentCoding.encode(clean);
    }

    private static boolean endsParameter(char c, boolean inPath) {
        return c == '?' || c == '&' || c == ';' || c == '#' || (inPath && c == '/');
    }

    /** Where the path starts: after {@code scheme://authority}, or 0 for a URL without a scheme. */
    private static int authorityEnd(String url) {
        int scheme = url.indexOf("://");
        if (scheme <= 0) {
            return 0;
        }
        for (int i = 0; i < scheme; i++) {
            char c = url.charAt(i);
            if (!(Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
                return 0;
            }
        }
        int i = scheme + 3;
        while (i < url.length() && "/?#;".indexOf(url.charAt(i)) < 0) {
            i++;
        }
        return i;
    }

    /** Drops {@code user:password@} from the authority, which ends at {@code authorityEnd}. */
    private static String withoutCredentials(String url, int authorityEnd) {
        int authorityStart = url.indexOf("://") + 3;
        int at = authorityEnd <= 0 ? -1 : url.lastIndexOf('@', authorityEnd - 1);
        return at < authorityStart ? url : url.substring(0, authorityStart) + url.substring(at + 1);
    }

    private String pseudonym(String value) {
        try {
            if (mac == null) {
                mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(pseudonymKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            }
            byte[] digest = mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder(64);
            for (byte b : digest) {
                hex.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return hex.toString();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static String replace(Pattern pattern, String s, String token) {
        Matcher m = pattern.matcher(s);
        return m.find() ? m.replaceAll(Matcher.quoteReplacement(token)) : s;
    }

    /**
     * A coordinate's numbers cut to two decimals, about a kilometre: enough for a store locator's
     * statistics, too little to find a home. Same instance when none had more.
     */
    static String coarsen(String value) {
        Matcher m = PRECISE_DEGREES.matcher(value);
        return m.find() ? m.replaceAll("$1") : value;
    }

    private static String coarsenedOrNull(String url, int from, int to) {
        String value = url.substring(from, to);
        String coarse = coarsen(value);
        return coarse == value ? null : coarse;
    }

    /**
     * Replaces IBANs, printed (groups of four) or not: where a country code and check digits start
     * one, as many letters and digits as that country's IBANs have must follow, with valid check
     * digits (iban4j knows each country's length and format).
     */
    private static String replaceIbans(String s) {
        Matcher m = IBAN_START.matcher(s);
        StringBuilder out = null;
        int copied = 0;
        while (m.find()) {
            CountryCode country = CountryCode.getByCode(s.substring(m.start(), m.start() + 2).toUpperCase(Locale.ROOT));
            if (country == null || !IbanUtil.isSupportedCountry(country)) {
                continue;
            }
            int length = IbanUtil.getIbanLength(country);
            StringBuilder iban = new StringBuilder(length);
            int end = m.start();
            while (end < s.length() && iban.length() < length) {
                char c = s.charAt(end);
                boolean separator = (c == ' ' || c == '+') && end + 1 < s.length() && isAsciiLetterOrDigit(s.charAt(end + 1))
                        && isAsciiLetterOrDigit(s.charAt(end - 1));
                if (isAsciiLetterOrDigit(c)) {
                    iban.append(Character.toUpperCase(c));
                } else if (!separator) {
                    break;
                }
                end++;
            }
            if (iban.length() == length && (end == s.length() || !isAsciiLetterOrDigit(s.charAt(end)))
                    && IbanUtil.isValid(iban.toString())) {
                if (out == null) {
                    out = new StringBuilder(s.length());
                }
                out.append(s, copied, m.start()).append(IBAN_TOKEN);
                copied = end;
            }
        }
        return out == null ? s : out.append(s, copied, s.length()).toString();
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    /** Replaces card numbers; other long digit runs are left to the phone pattern. */
    private static String replaceCards(String s) {
        Matcher m = CARD.matcher(s);
        StringBuilder out = null;
        int copied = 0;
        while (m.find()) {
            if (luhnValid(s, m.start(), m.end())) {
                if (out == null) {
                    out = new StringBuilder(s.length());
                }
                out.append(s, copied, m.start()).append(CARD_TOKEN);
                copied = m.end();
            }
        }
        return out == null ? s : out.append(s, copied, s.length()).toString();
    }

    /**
     * The Luhn check that every payment card number passes, over the digits between from and to;
     * an encoded space (%20) between them is a separator, not digits.
     */
    static boolean luhnValid(String s, int from, int to) {
        int[] digits = new int[to - from];
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c == '%') {
                i += 2;
            } else if (c >= '0' && c <= '9') {
                digits[n++] = c - '0';
            }
        }
        int sum = 0;
        for (int k = 0; k < n; k++) {
            int d = digits[n - 1 - k];
            if (k % 2 == 1) {
                d = d * 2 > 9 ? d * 2 - 9 : d * 2;
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    /**
     * Whether three dots stand between digits, as in every IPv4 address: a host name and a product
     * code ({@code shop.example.com/p/P00049}) do not pay for the pattern.
     */
    private static boolean mayHoldIpv4(String s) {
        int dots = 0;
        for (int i = s.indexOf('.', 1); i > 0 && i + 1 < s.length(); i = s.indexOf('.', i + 1)) {
            if (isDigit(s.charAt(i - 1)) && isDigit(s.charAt(i + 1)) && ++dots == 3) {
                return true;
            }
        }
        return false;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int countDigits(String s) {
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                n++;
            }
        }
        return n;
    }

    private static Set<String> lower(Set<String> names) {
        Set<String> out = new HashSet<>();
        for (String n : names) {
            out.add(n.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    @Override
    public String toString() {
        return "PiiScrubber{drop=" + dropFields + ", secretParams=" + secretParams + ", pseudonyms="
                + (pseudonymKey == null ? "off" : pseudonymFields.toString()) + "}";
    }
}
