package io.clickstream.etl.config;

import org.apache.flink.configuration.MemorySize;
import org.apache.flink.util.TimeUtils;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every setting of the job, read from the MSF property group {@value #PROPERTY_GROUP} or from
 * {@code --key value} arguments locally, validated once at start-up. All problems are reported
 * together, each naming its key; secret values are never echoed.
 */
public final class JobConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String PROPERTY_GROUP = "ClickstreamEtl";

    /** Every key the job reads, with its default ({@code null}: required or unset). */
    public static final Map<String, String> DEFAULTS;
    /** Fields the pseudonym option can hash. */
    public static final Set<String> PSEUDONYM_CANDIDATES = Set.of("email", "ip_address", "user_id");
    private static final Set<String> SECRET_KEYS = Set.of("pii.pseudonym-key", "s3.secret-key");

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("input.path", null);
        d.put("input.mode", "continuous");
        d.put("input.monitor-interval", "30s");
        d.put("input.layout", "firehose");
        d.put("input.lookback", "2h");
        d.put("input.sweep-interval", "1h");
        d.put("input.reprocess", "false");
        d.put("input.max-record-bytes", "1mb");
        d.put("output.lake.path", null);
        d.put("output.dead-letter.path", null);
        d.put("output.part-prefix", "part");
        d.put("output.parquet.row-group-size", "32mb");
        d.put("output.parquet.page-size", "256kb");
        d.put("output.compaction.enabled", "true");
        d.put("output.compaction.target-size", "128mb");
        d.put("output.compaction.max-delay", "15min");
        d.put("dead-letter.max-raw-bytes", "64kb");
        d.put("validation.max-future-skew", "1d");
        d.put("validation.max-extra-fields", "64");
        d.put("dedup.ttl", "24h");
        d.put("pii.drop-fields", "");
        d.put("pii.secret-params", "email,token,password,auth,session,key");
        d.put("pii.pseudonym-key", null);
        d.put("pii.pseudonym-key-secret", null);
        d.put("pii.pseudonym-fields", "email");
        d.put("job.version", null);
        d.put("parallelism", "2");
        d.put("checkpoint.interval", "60s");
        d.put("checkpoint.dir", null);
        d.put("resume.from", null);
        d.put("resume.allow-non-restored-state", "false");
        d.put("web-ui.port", "8081");
        d.put("web-ui.enabled", "true");
        d.put("s3.endpoint", null);
        d.put("s3.path-style-access", "false");
        d.put("s3.access-key", null);
        d.put("s3.secret-key", null);
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    public enum InputMode { CONTINUOUS, BOUNDED }

    /** How keys under the input root are laid out: Firehose's UTC hour prefixes, or anything. */
    public enum InputLayout { FIREHOSE, ANY }

    public final String inputPath;
    public final InputMode inputMode;
    public final Duration monitorInterval;
    public final InputLayout inputLayout;
    /** Continuous mode: how long after its hour ends an hour prefix is still listed every monitor interval. */
    public final Duration inputLookback;
    /** Continuous mode: how often the whole root is listed for objects outside the hour window. */
    public final Duration sweepInterval;
    /** A start without saved state writes every record again, even those the lake already holds. */
    public final boolean reprocess;
    public final int maxRecordBytes;
    public final String lakePath;
    public final String deadLetterPath;
    public final String partPrefix;
    public final long rowGroupBytes;
    public final int pageBytes;
    /** Whether the lake's small part files are rewritten into larger ones before they become visible. */
    public final boolean compaction;
    public final long compactionTargetBytes;
    public final Duration compactionMaxDelay;
    public final int deadLetterMaxRawBytes;
    public final Duration maxFutureSkew;
    public final int maxExtraFields;
    public final Duration dedupTtl;
    public final Set<String> dropFields;
    public final Set<String> secretParams;
    private final String pseudonymKey;
    /** ARN of a Secrets Manager secret holding the pseudonym key, read once at start-up ({@link #withSecretsResolved}). */
    public final String pseudonymKeySecret;
    public final Set<String> pseudonymFields;
    public final String jobVersion;
    public final int parallelism;
    public final Duration checkpointInterval;
    public final String checkpointDir;
    /** Local runs: {@code latest} (newest retained checkpoint in {@link #checkpointDir}) or a savepoint/checkpoint path. */
    public final String resumeFrom;
    /** Local runs: start from {@link #resumeFrom} even if it holds state of an operator the job no longer has. */
    public final boolean allowNonRestoredState;
    public final int webUiPort;
    public final boolean webUiEnabled;
    public final String s3Endpoint;
    public final boolean s3PathStyleAccess;
    public final String s3AccessKey;
    private final String s3SecretKey;
    private final Map<String, String> values;

    private JobConfig(Map<String, String> values) {
        this.values = new LinkedHashMap<>(values);
        Parser p = new Parser(values);
        inputPath = p.required("input.path", JobConfig::path);
        inputMode = p.get("input.mode", v -> InputMode.valueOf(v.trim().toUpperCase(Locale.ROOT)), "continuous or bounded");
        monitorInterval = p.get("input.monitor-interval", JobConfig::positiveDuration, "a positive duration such as 30s or 5 min");
        inputLayout = p.get("input.layout", v -> InputLayout.valueOf(v.trim().toUpperCase(Locale.ROOT)), "firehose or any");
        inputLookback = p.get("input.lookback", JobConfig::nonNegativeDuration, "a duration such as 2h");
        sweepInterval = p.get("input.sweep-interval", JobConfig::positiveDuration, "a positive duration such as 1h");
        reprocess = p.get("input.reprocess", JobConfig::bool, "true or false");
        maxRecordBytes = p.get("input.max-record-bytes", v -> bytes(v, 1024, Integer.MAX_VALUE / 2), "a size between 1kb and 1gb, such as 1mb");
        lakePath = p.required("output.lake.path", JobConfig::path);
        deadLetterPath = p.required("output.dead-letter.path", JobConfig::path);
        partPrefix = p.get("output.part-prefix", JobConfig::partPrefix, "letters, digits, '-' or '_', not starting with '_' or '.' (Athena hides such files)");
        rowGroupBytes = p.get("output.parquet.row-group-size", v -> (long) bytes(v, 64 * 1024, Integer.MAX_VALUE), "a size between 64kb and 2gb, such as 32mb");
        pageBytes = p.get("output.parquet.page-size", v -> bytes(v, 1024, 64 << 20), "a size between 1kb and 64mb, such as 1mb");
        compaction = p.get("output.compaction.enabled", JobConfig::bool, "true or false");
        compactionTargetBytes = p.get("output.compaction.target-size", v -> (long) bytes(v, 1024, Integer.MAX_VALUE), "a size between 1kb and 2gb, such as 128mb");
        compactionMaxDelay = p.get("output.compaction.max-delay", JobConfig::positiveDuration, "a positive duration such as 15min");
        deadLetterMaxRawBytes = p.get("dead-letter.max-raw-bytes", v -> bytes(v, 256, 64 << 20), "a size between 256b and 64mb, such as 64kb");
        maxFutureSkew = p.get("validation.max-future-skew", JobConfig::nonNegativeDuration, "a duration such as 1d or 6h");
        maxExtraFields = p.get("validation.max-extra-fields", v -> intIn(v, 0, 10_000), "an integer from 0 to 10000");
        dedupTtl = p.get("dedup.ttl", JobConfig::positiveDuration, "a positive duration such as 24h");
        dropFields = p.get("pii.drop-fields", JobConfig::fieldNames, "comma-separated field names");
        secretParams = p.get("pii.secret-params", JobConfig::fieldNames, "comma-separated query parameter names");
        pseudonymKey = p.get("pii.pseudonym-key", JobConfig::secret, "at least 16 characters");
        pseudonymKeySecret = p.optional("pii.pseudonym-key-secret", JobConfig::secretArn,
                "a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)", null);
        if (pseudonymKey != null && pseudonymKeySecret != null) {
            p.errors.add("pii.pseudonym-key/pii.pseudonym-key-secret: set one, not both");
        }
        pseudonymFields = p.get("pii.pseudonym-fields", JobConfig::pseudonymFields, "comma-separated, from " + new java.util.TreeSet<>(PSEUDONYM_CANDIDATES));
        jobVersion = p.optional("job.version", v -> v.trim(), "a version label", defaultVersion());
        parallelism = p.get("parallelism", v -> intIn(v, 1, 1024), "an integer from 1 to 1024");
        checkpointInterval = p.get("checkpoint.interval", JobConfig::positiveDuration, "a positive duration such as 60s");
        checkpointDir = p.optional("checkpoint.dir", JobConfig::path, "a folder or URI", null);
        resumeFrom = p.optional("resume.from", JobConfig::path, "latest, or the path of a savepoint or retained checkpoint", null);
        allowNonRestoredState = p.get("resume.allow-non-restored-state", JobConfig::bool, "true or false");
        webUiPort = p.get("web-ui.port", v -> intIn(v, 0, 65535), "a port from 0 to 65535");
        webUiEnabled = p.get("web-ui.enabled", JobConfig::bool, "true or false");
        s3Endpoint = p.optional("s3.endpoint", JobConfig::httpUrl, "an http:// or https:// URL", null);
        s3PathStyleAccess = p.get("s3.path-style-access", JobConfig::bool, "true or false");
        s3AccessKey = p.optional("s3.access-key", String::trim, "an access key id", null);
        s3SecretKey = p.optional("s3.secret-key", v -> v, "a secret key", null);
        if ((s3AccessKey == null) != (s3SecretKey == null)) {
            p.errors.add("s3.access-key/s3.secret-key: set both or neither (neither uses the default AWS credentials chain)");
        }
        if (lakePath != null && deadLetterPath != null && isInside(deadLetterPath, lakePath)) {
            p.errors.add("output.dead-letter.path='" + deadLetterPath + "': must be outside output.lake.path, or the lake table would read dead letters");
        }
        if (inputPath != null && lakePath != null && (isInside(lakePath, inputPath) || isInside(inputPath, lakePath))) {
            p.errors.add("input.path='" + inputPath + "': must not overlap output.lake.path");
        }
        for (String key : values.keySet()) {
            if (!DEFAULTS.containsKey(key)) {
                p.errors.add(key + ": unknown key (known keys: " + String.join(", ", DEFAULTS.keySet()) + ")");
            }
        }
        if (!p.errors.isEmpty()) {
            throw new ConfigException(p.errors);
        }
    }

    /** Validates a flat key/value map. */
    public static JobConfig fromMap(Map<String, String> values) {
        return new JobConfig(values);
    }

    /** Validates MSF runtime properties: one group, {@value #PROPERTY_GROUP}. */
    public static JobConfig fromPropertyGroups(Map<String, Properties> groups) {
        List<String> errors = new ArrayList<>();
        Map<String, String> values = new LinkedHashMap<>();
        for (Map.Entry<String, Properties> group : groups.entrySet()) {
            if (!group.getKey().equals(PROPERTY_GROUP)) {
                errors.add("property group '" + group.getKey() + "': unknown (the job reads only '" + PROPERTY_GROUP + "')");
                continue;
            }
            group.getValue().stringPropertyNames().forEach(k -> values.put(k, group.getValue().getProperty(k)));
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return new JobConfig(values);
    }

    /** Parses {@code --key value} pairs. */
    public static Map<String, String> parseArgs(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> errors = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--") || arg.length() == 2) {
                errors.add("argument '" + arg + "': expected --key value");
            } else if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                errors.add(arg.substring(2) + ": missing value");
            } else {
                values.put(arg.substring(2), args[++i]);
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return values;
    }

    /**
     * This configuration with the pseudonym key read from {@link #pseudonymKeySecret}, if set: the
     * key then never appears in the application's properties, only in the running job.
     */
    public JobConfig withSecretsResolved(Function<String, String> secretValue) {
        if (pseudonymKeySecret == null) {
            return this;
        }
        String key = secretValue.apply(pseudonymKeySecret);
        if (key == null || key.length() < 16) {
            throw new ConfigException(List.of("pii.pseudonym-key-secret='" + pseudonymKeySecret
                    + "': the secret's value must be a key of at least 16 characters"));
        }
        Map<String, String> resolved = new LinkedHashMap<>(values);
        resolved.remove("pii.pseudonym-key-secret");
        resolved.put("pii.pseudonym-key", key);
        return new JobConfig(resolved);
    }

    /** The pseudonym key, or {@code null}. Never log it. */
    public String pseudonymKey() {
        return pseudonymKey;
    }

    /** The S3 secret key for local runs, or {@code null}. Never log it. */
    public String s3SecretKey() {
        return s3SecretKey;
    }

    public boolean bounded() {
        return inputMode == InputMode.BOUNDED;
    }

    @Override
    public String toString() {
        return "JobConfig{input=" + inputPath + " (" + inputMode + "), lake=" + lakePath + ", deadLetters=" + deadLetterPath
                + ", pseudonymKey=" + (pseudonymKey == null ? "unset" : "<redacted>") + ", version=" + jobVersion + "}";
    }

    // ---- value parsers ---------------------------------------------------------------------

    private static String path(String v) {
        String p = v.trim();
        if (p.isEmpty()) {
            throw new IllegalArgumentException();
        }
        return p.endsWith("/") && p.length() > 1 ? p.substring(0, p.length() - 1) : p;
    }

    private static String httpUrl(String v) {
        String url = v.trim();
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new IllegalArgumentException();
        }
        return url;
    }

    private static Duration positiveDuration(String v) {
        Duration d = TimeUtils.parseDuration(v.trim());
        if (d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException();
        }
        return d;
    }

    private static Duration nonNegativeDuration(String v) {
        Duration d = TimeUtils.parseDuration(v.trim());
        if (d.isNegative()) {
            throw new IllegalArgumentException();
        }
        return d;
    }

    private static int bytes(String v, long min, long max) {
        long b = MemorySize.parse(v.trim()).getBytes();
        if (b < min || b > max) {
            throw new IllegalArgumentException();
        }
        return (int) b;
    }

    private static int intIn(String v, int min, int max) {
        int i = Integer.parseInt(v.trim());
        if (i < min || i > max) {
            throw new IllegalArgumentException();
        }
        return i;
    }

    private static boolean bool(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        if (!s.equals("true") && !s.equals("false")) {
            throw new IllegalArgumentException();
        }
        return Boolean.parseBoolean(s);
    }

    private static String partPrefix(String v) {
        String s = v.trim();
        if (!s.matches("[A-Za-z0-9][A-Za-z0-9_-]*")) {
            throw new IllegalArgumentException();
        }
        return s;
    }

    private static Set<String> fieldNames(String v) {
        Set<String> names = Arrays.stream(v.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .collect(Collectors.toCollection(LinkedHashSet::new));
        for (String name : names) {
            if (!name.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException();
            }
        }
        return Collections.unmodifiableSet(names);
    }

    private static Set<String> pseudonymFields(String v) {
        Set<String> names = fieldNames(v);
        if (!PSEUDONYM_CANDIDATES.containsAll(names)) {
            throw new IllegalArgumentException();
        }
        return names;
    }

    private static String secretArn(String v) {
        String arn = v.trim();
        if (!arn.matches("arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:.+")) {
            throw new IllegalArgumentException();
        }
        return arn;
    }

    private static String secret(String v) {
        if (v.length() < 16) {
            throw new IllegalArgumentException();
        }
        return v;
    }

    private static boolean isInside(String child, String parent) {
        String c = child.endsWith("/") ? child : child + "/";
        String p = parent.endsWith("/") ? parent : parent + "/";
        return c.startsWith(p);
    }

    /** The build's version, from a resource Maven fills in. */
    private static String defaultVersion() {
        try (InputStream in = JobConfig.class.getResourceAsStream("/clickstream-etl-version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            return "dev";
        }
    }

    /** Collects every problem instead of stopping at the first. */
    private static final class Parser {
        final Map<String, String> values;
        final List<String> errors = new ArrayList<>();

        Parser(Map<String, String> values) {
            this.values = values;
        }

        <T> T required(String key, Function<String, T> parse) {
            String raw = values.get(key);
            if (raw == null || raw.trim().isEmpty()) {
                errors.add(key + ": required");
                return null;
            }
            return convert(key, raw, parse, "a path or URI");
        }

        <T> T get(String key, Function<String, T> parse, String expected) {
            String raw = values.containsKey(key) ? values.get(key) : DEFAULTS.get(key);
            if (raw == null) {
                return null;
            }
            T value = convert(key, raw, parse, expected);
            // Keep going after a bad value so that every problem is reported, not just the first.
            return value != null || DEFAULTS.get(key) == null ? value : parse.apply(DEFAULTS.get(key));
        }

        <T> T optional(String key, Function<String, T> parse, String expected, T fallback) {
            String raw = values.get(key);
            return raw == null || raw.trim().isEmpty() ? fallback : convert(key, raw, parse, expected);
        }

        private <T> T convert(String key, String raw, Function<String, T> parse, String expected) {
            try {
                return parse.apply(raw);
            } catch (RuntimeException e) {
                String shown = SECRET_KEYS.contains(key) ? "<redacted>" : "'" + raw + "'";
                errors.add(key + "=" + shown + ": expected " + expected);
                return null;
            }
        }
    }
}
