package io.clickstream.etl.pii;

import io.clickstream.etl.config.JobConfig;
import io.clickstream.etl.model.ClickEvent;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes personal data from an event: drops {@code ip_address}, {@code email} and configured
 * fields; scrubs e-mail addresses, phone numbers, IP addresses and secret query parameters from
 * URLs and free text (extras included); and, with a key configured, replaces chosen identifiers by
 * keyed HMAC-SHA256 pseudonyms. Not thread-safe: one instance per operator subtask.
 */
public final class PiiScrubber implements Serializable {
    private static final long serialVersionUID = 1L;

    static final String EMAIL_TOKEN = "[email]";
    static final String PHONE_TOKEN = "[phone]";
    static final String IP_TOKEN = "[ip]";
    static final String SECRET_TOKEN = "REDACTED";

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+(?:@|%40)[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
    private static final Pattern PHONE = Pattern.compile("(?<![\\w+])\\+?\\d(?:[ .()/-]{0,2}\\d){8,14}(?!\\w)");
    private static final Pattern IPV4 = Pattern.compile("(?<![\\w.])(?:(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)(?![\\w])");
    private static final Pattern IPV6 = Pattern.compile(
            "(?<![\\w:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?|::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6}))(?![\\w:])");

    private final Set<String> dropFields;
    private final Set<String> secretParams;
    private final Set<String> pseudonymFields;
    private final String pseudonymKey;
    private transient Mac mac;

    public PiiScrubber(JobConfig config) {
        this(config.dropFields, config.secretParams, config.pseudonymFields, config.pseudonymKey());
    }

    public PiiScrubber(Set<String> dropFields, Set<String> secretParams, Set<String> pseudonymFields, String pseudonymKey) {
        this.dropFields = new HashSet<>(dropFields);
        this.secretParams = lower(secretParams);
        this.pseudonymFields = new HashSet<>(pseudonymFields);
        this.pseudonymKey = pseudonymKey;
    }

    /** Scrubs the event in place and returns how many fields were removed or changed. */
    public int scrub(ClickEvent e) {
        int changed = 0;
        if (pseudonymKey != null) {
            if (pseudonymFields.contains("email") && e.email != null) {
                e.emailHash = pseudonym(e.email.trim().toLowerCase(Locale.ROOT));
            }
            if (pseudonymFields.contains("ip_address") && e.ipAddress != null) {
                e.ipAddressHash = pseudonym(e.ipAddress.trim());
            }
            if (pseudonymFields.contains("user_id") && e.userId != null) {
                e.userIdHash = pseudonym(e.userId);
                e.userId = null;
                changed++;
            }
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
        String query = scrubText(e.searchQuery);
        if (query != e.searchQuery) {
            e.searchQuery = query;
            changed++;
        }
        if (e.extra != null) {
            for (Map.Entry<String, String> x : e.extra.entrySet()) {
                String value = x.getValue();
                String clean = looksLikeUrl(value) ? scrubUrl(value) : scrubText(value);
                if (clean != value) {
                    x.setValue(clean);
                    changed++;
                }
            }
        }
        return changed;
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
     * Redacts secret query parameters and scrubs the rest as text. Returns the same instance when
     * nothing changed.
     */
    public String scrubUrl(String url) {
        if (url == null) {
            return null;
        }
        int q = url.indexOf('?');
        String result = url;
        if (q >= 0 && !secretParams.isEmpty()) {
            int end = url.indexOf('#', q);
            String query = end < 0 ? url.substring(q + 1) : url.substring(q + 1, end);
            String[] params = query.split("&", -1);
            boolean redacted = false;
            for (int i = 0; i < params.length; i++) {
                int eq = params[i].indexOf('=');
                if (eq >= 0 && secretParams.contains(params[i].substring(0, eq).toLowerCase(Locale.ROOT))) {
                    params[i] = params[i].substring(0, eq + 1) + SECRET_TOKEN;
                    redacted = true;
                }
            }
            if (redacted) {
                result = url.substring(0, q + 1) + String.join("&", params) + (end < 0 ? "" : url.substring(end));
            }
        }
        String text = scrubText(result);
        return text.equals(url) ? url : text;
    }

    /** Replaces e-mail addresses, phone numbers and IP addresses. Same instance when clean. */
    public String scrubText(String text) {
        if (text == null) {
            return null;
        }
        String s = text;
        if (s.indexOf('@') >= 0 || s.contains("%40")) {
            s = replace(EMAIL, s, EMAIL_TOKEN);
        }
        if (countDigits(s) >= 7) {
            if (s.indexOf('.') >= 0) {
                s = replace(IPV4, s, IP_TOKEN);
            }
            s = replace(PHONE, s, PHONE_TOKEN);
        }
        if (s.indexOf(':') >= 0 && s.indexOf(':') != s.lastIndexOf(':')) {
            s = replace(IPV6, s, IP_TOKEN);
        }
        return s.equals(text) ? text : s;
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

    private static boolean looksLikeUrl(String s) {
        return s != null && (s.startsWith("http://") || s.startsWith("https://"));
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
