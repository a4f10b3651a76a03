package io.clickstream.etl.config;

import org.apache.flink.configuration.Configuration;
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

    /** Fields the pseudonym option can hash. */
    public static final Set<String> PSEUDONYM_CANDIDATES = Set.of("email", "ip_address", "user_id", "session_id");
    private static final Set<String> SECRET_KEYS = Set.of("pii.pseudonym-key", "s3.secret-key");

    /**
     * One setting, declared once: its name, its default ({@code null}: required, or unset), what it
     * accepts (shown in errors and in {@code --help}) and how it is read. docs/configuration.md is
     * checked against these declarations.
     */
    public static final class Key<T> implements Serializable {
        private static final long serialVersionUID = 1L;
        public final String name;
        public final String defaultValue;
        public final String accepts;
        public final boolean required;
        private final transient Function<String, T> parse;

        private Key(String name, String defaultValue, String accepts, boolean required, Function<String, T> parse) {
            this.name = name;
            this.defaultValue = defaultValue;
            this.accepts = accepts;
            this.required = required;
            this.parse = parse;
            ALL_KEYS.add(this);
        }
    }

    private static final List<Key<?>> ALL_KEYS = new ArrayList<>();
    private static final Duration ONE_MILLI = Duration.ofMillis(1);

    private static <T> Key<T> key(String name, String defaultValue, String accepts, Function<String, T> parse) {
        return new Key<>(name, defaultValue, accepts, false, parse);
    }

    private static Key<String> required(String name, String accepts) {
        return new Key<>(name, null, accepts, true, JobConfig::location);
    }

    public static final Key<String> INPUT_PATH = required("input.path", "a folder or URI");
    public static final Key<InputMode> INPUT_MODE = key("input.mode", "continuous", "continuous or bounded",
            v -> InputMode.valueOf(v.trim().toUpperCase(Locale.ROOT)));
    public static final Key<Duration> MONITOR_INTERVAL = key("input.monitor-interval", "30s",
            "a duration of 1ms or more, with its unit, such as 30s or 5min", duration(ONE_MILLI));
    public static final Key<InputLayout> INPUT_LAYOUT = key("input.layout", "firehose", "firehose or any",
            v -> InputLayout.valueOf(v.trim().toUpperCase(Locale.ROOT)));
    public static final Key<Duration> INPUT_LOOKBACK = key("input.lookback", "2h", "a duration with its unit, such as 2h",
            duration(Duration.ZERO));
    public static final Key<Duration> SWEEP_INTERVAL = key("input.sweep-interval", "1h",
            "a duration of 1ms or more, with its unit, such as 1h", duration(ONE_MILLI));
    public static final Key<Boolean> REPROCESS = key("input.reprocess", "false", "true or false", JobConfig::bool);
    public static final Key<Integer> MAX_RECORD_BYTES = key("input.max-record-bytes", "1mb", "a size between 1kb and 1gb, such as 1mb",
            v -> bytes(v, 1024, Integer.MAX_VALUE / 2));
    public static final Key<String> LAKE_PATH = required("output.lake.path", "a folder or URI");
    public static final Key<String> DEAD_LETTER_PATH = required("output.dead-letter.path", "a folder or URI");
    public static final Key<String> PART_PREFIX = key("output.part-prefix", "part",
            "letters, digits, '-' or '_', not starting with '_' or '.' (Athena hides such files)", JobConfig::partPrefix);
    public static final Key<Long> ROW_GROUP_SIZE = key("output.parquet.row-group-size", "32mb", "a size between 64kb and 2gb, such as 32mb",
            v -> (long) bytes(v, 64 * 1024, Integer.MAX_VALUE));
    public static final Key<Integer> PAGE_SIZE = key("output.parquet.page-size", "256kb", "a size between 1kb and 64mb, such as 1mb",
            v -> bytes(v, 1024, 64 << 20));
    public static final Key<Boolean> COMPACTION = key("output.compaction.enabled", "true", "true or false", JobConfig::bool);
    public static final Key<Long> COMPACTION_TARGET_SIZE = key("output.compaction.target-size", "128mb",
            "a size between 1kb and 2gb, such as 128mb", v -> (long) bytes(v, 1024, Integer.MAX_VALUE));
    public static final Key<Duration> COMPACTION_MAX_DELAY = key("output.compaction.max-delay", "15min",
            "a duration of 1ms or more, with its unit, such as 15min", duration(ONE_MILLI));
    public static final Key<Integer> DEAD_LETTER_MAX_RAW_BYTES = key("dead-letter.max-raw-bytes", "64kb",
            "a size between 256b and 64mb, such as 64kb", v -> bytes(v, 256, 64 << 20));
    public static final Key<Duration> MAX_FUTURE_SKEW = key("validation.max-future-skew", "1d",
            "a duration with its unit, such as 1d or 6h", duration(Duration.ZERO));
    public static final Key<Integer> MAX_EXTRA_FIELDS = key("validation.max-extra-fields", "64", "an integer from 0 to 10000",
            v -> intIn(v, 0, 10_000));
    /** The current UTC year when the job starts: a later earliest year would refuse every event. */
    private static final int THIS_YEAR = java.time.Year.now(java.time.ZoneOffset.UTC).getValue();
    public static final Key<Integer> EARLIEST_YEAR = key("validation.earliest-year", "2000", "a year from 2000 to " + THIS_YEAR,
            v -> intIn(v, 2000, THIS_YEAR));
    public static final Key<Duration> DEDUP_TTL = key("dedup.ttl", "24h", "a duration of 1ms or more, with its unit, such as 24h",
            duration(ONE_MILLI));
    /** The event schema's fields {@code pii.drop-fields} removes (besides any field outside the schema). */
    public static final Set<String> DROPPABLE_FIELDS = Set.of("user_id", "session_id", "city", "country", "user_agent", "referrer", "search_query");
    /** The event schema's fields that are always removed. */
    public static final Set<String> ALWAYS_REMOVED_FIELDS = Set.of("ip_address", "email");
    /**
     * The event schema's other fields: validated, or what the lake's columns are made of. Named in
     * {@code pii.drop-fields} they were once accepted and silently kept, so they are refused.
     */
    public static final Set<String> KEPT_FIELDS = Set.of("event_id", "event_type", "timestamp", "page_url", "product_id", "product_name",
            "product_category", "product_price", "quantity", "search_results_count", "device_type", "browser", "browser_version", "os");
    public static final Key<Set<String>> DROP_FIELDS = key("pii.drop-fields", "", "comma-separated field names", JobConfig::fieldNames);
    public static final Key<Set<String>> SECRET_PARAMS = key("pii.secret-params",
            "email,token,password,passwd,pwd,pass,pw,secret,auth,authorization,session,sessionid,sid,jsessionid,phpsessid,key,apikey,"
                    + "signature,sig,credential,credentials,otp,cvv,cvc,pin,iban,"
                    // Personal data that forms sent with GET and tracking links name plainly.
                    + "firstname,first_name,lastname,last_name,fullname,full_name,surname,address,addr,street,zip,zipcode,postcode,postal,"
                    + "phone,mobile,tel,telephone,dob,birthday,birthdate,birth,ssn,passport",
            "comma-separated parameter names or words of them", JobConfig::fieldNames);
    public static final Key<Set<String>> COORDINATE_PARAMS = key("pii.coordinate-params", "lat,lng,lon,latitude,longitude,ll,sll",
            "comma-separated parameter names or words of them", JobConfig::fieldNames);
    public static final Key<String> PSEUDONYM_KEY = key("pii.pseudonym-key", null, "at least 16 characters", JobConfig::secret);
    public static final Key<String> PSEUDONYM_KEY_SECRET = key("pii.pseudonym-key-secret", null,
            "a Secrets Manager secret ARN (arn:aws:secretsmanager:<region>:<account>:secret:<name>)", JobConfig::secretArn);
    public static final Key<Set<String>> PSEUDONYM_FIELDS = key("pii.pseudonym-fields", "email",
            "comma-separated, from " + new java.util.TreeSet<>(PSEUDONYM_CANDIDATES), JobConfig::pseudonymFields);
    public static final Key<String> JOB_VERSION = key("job.version", null, "a version label", String::trim);
    /**
     * The most subtasks an embedded cluster runs this job with: its 64 MiB of network memory holds
     * the channels of 64 (at 128 tasks fail to deploy for want of network buffers), and on one
     * machine more subtasks than cores gain nothing.
     */
    public static final int MAX_LOCAL_PARALLELISM = 64;
    public static final Key<Integer> PARALLELISM = key("parallelism", "2", "an integer from 1 to " + MAX_LOCAL_PARALLELISM,
            v -> intIn(v, 1, MAX_LOCAL_PARALLELISM));
    public static final Key<Duration> CHECKPOINT_INTERVAL = key("checkpoint.interval", "60s",
            "a duration of 10ms or more (Flink's least), with its unit, such as 60s", duration(Duration.ofMillis(10)));
    public static final Key<String> CHECKPOINT_DIR = key("checkpoint.dir", null, "a folder or URI", JobConfig::path);
    public static final Key<String> RESUME_FROM = key("resume.from", null, "latest, or the path of a savepoint or retained checkpoint",
            JobConfig::path);
    public static final Key<Boolean> ALLOW_NON_RESTORED_STATE = key("resume.allow-non-restored-state", "false", "true or false",
            JobConfig::bool);
    public static final Key<Integer> WEB_UI_PORT = key("web-ui.port", "8081", "a port from 0 to 65535", v -> intIn(v, 0, 65535));
    public static final Key<Boolean> WEB_UI_ENABLED = key("web-ui.enabled", "true", "true or false", JobConfig::bool);
    public static final Key<String> S3_ENDPOINT = key("s3.endpoint", null, "an http:// or https:// URL", JobConfig::httpUrl);
    public static final Key<Boolean> S3_PATH_STYLE_ACCESS = key("s3.path-style-access", "false", "true or false", JobConfig::bool);
    public static final Key<String> S3_ACCESS_KEY = key("s3.access-key", null, "an access key id", String::trim);
    public static final Key<String> S3_SECRET_KEY = key("s3.secret-key", null, "a secret key", v -> v);

    /** Every key the job reads, in the order they are documented. */
    public static final List<Key<?>> KEYS = Collections.unmodifiableList(new ArrayList<>(ALL_KEYS));

    /** Every key the job reads, with its default ({@code null}: required or unset). */
    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        KEYS.forEach(k -> d.put(k.name, k.defaultValue));
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
    /** Events before January 1 of this year (UTC) are schema violations: on AWS the first year the lake's table shows. */
    public final int earliestYear;
    public final Duration dedupTtl;
    public final Set<String> dropFields;
    /**
     * Settings that are valid but probably not what was meant, one sentence each, for the job to
     * log at start-up: a {@code pii.drop-fields} name one typo away from a schema field
     * ({@code referer}, {@code user_agnet}) is taken for an extra field, and the schema's field stays.
     */
    public final List<String> doubts;
    public final Set<String> secretParams;
    public final Set<String> coordinateParams;
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
        inputPath = p.get(INPUT_PATH);
        inputMode = p.get(INPUT_MODE);
        monitorInterval = p.get(MONITOR_INTERVAL);
        inputLayout = p.get(INPUT_LAYOUT);
        inputLookback = p.get(INPUT_LOOKBACK);
        sweepInterval = p.get(SWEEP_INTERVAL);
        reprocess = p.get(REPROCESS);
        maxRecordBytes = p.get(MAX_RECORD_BYTES);
        lakePath = p.get(LAKE_PATH);
        deadLetterPath = p.get(DEAD_LETTER_PATH);
        partPrefix = p.get(PART_PREFIX);
        rowGroupBytes = p.get(ROW_GROUP_SIZE);
        pageBytes = p.get(PAGE_SIZE);
        compaction = p.get(COMPACTION);
        compactionTargetBytes = p.get(COMPACTION_TARGET_SIZE);
        compactionMaxDelay = p.get(COMPACTION_MAX_DELAY);
        deadLetterMaxRawBytes = p.get(DEAD_LETTER_MAX_RAW_BYTES);
        maxFutureSkew = p.get(MAX_FUTURE_SKEW);
        maxExtraFields = p.get(MAX_EXTRA_FIELDS);
        earliestYear = p.get(EARLIEST_YEAR);
        dedupTtl = p.get(DEDUP_TTL);
        dropFields = p.get(DROP_FIELDS);
        List<String> kept = dropFields.stream().filter(KEPT_FIELDS::contains).collect(Collectors.toList());
        if (!kept.isEmpty()) {
            p.errors.add("pii.drop-fields: " + String.join(", ", kept) + (kept.size() == 1 ? " is a field" : " are fields")
                    + " the lake keeps (scrubbed) and cannot drop; droppable: " + String.join(", ", new java.util.TreeSet<>(DROPPABLE_FIELDS))
                    + ", and any field outside the schema (ip_address and email are always removed)");
        }
        doubts = dropFields.stream().filter(f -> !KEPT_FIELDS.contains(f)).map(JobConfig::likelyTypo).filter(java.util.Objects::nonNull)
                .collect(Collectors.toUnmodifiableList());
        secretParams = p.get(SECRET_PARAMS);
        coordinateParams = p.get(COORDINATE_PARAMS);
        pseudonymKey = p.get(PSEUDONYM_KEY);
        pseudonymKeySecret = p.get(PSEUDONYM_KEY_SECRET);
        if (pseudonymKey != null && pseudonymKeySecret != null) {
            p.errors.add("pii.pseudonym-key/pii.pseudonym-key-secret: set one, not both");
        }
        pseudonymFields = p.get(PSEUDONYM_FIELDS);
        if (values.containsKey(PSEUDONYM_FIELDS.name) && !values.containsKey(PSEUDONYM_KEY.name) && !values.containsKey(PSEUDONYM_KEY_SECRET.name)) {
            // Else a user asking for user_id_hash would get user_id as sent, and no hash column at all.
            p.errors.add("pii.pseudonym-fields: pseudonyms need a key; set pii.pseudonym-key or pii.pseudonym-key-secret"
                    + " (without one no hash column is written and user_id stays as sent)");
        }
        String version = p.get(JOB_VERSION);
        jobVersion = version != null ? version : defaultVersion();
        parallelism = p.get(PARALLELISM);
        checkpointInterval = p.get(CHECKPOINT_INTERVAL);
        checkpointDir = p.get(CHECKPOINT_DIR);
        resumeFrom = p.get(RESUME_FROM);
        allowNonRestoredState = p.get(ALLOW_NON_RESTORED_STATE);
        webUiPort = p.get(WEB_UI_PORT);
        webUiEnabled = p.get(WEB_UI_ENABLED);
        s3Endpoint = p.get(S3_ENDPOINT);
        s3PathStyleAccess = p.get(S3_PATH_STYLE_ACCESS);
        s3AccessKey = p.get(S3_ACCESS_KEY);
        s3SecretKey = p.get(S3_SECRET_KEY);
        checkS3Credentials(s3AccessKey, s3SecretKey, p.errors);
        if (lakePath != null && deadLetterPath != null && isInside(deadLetterPath, lakePath)) {
            p.errors.add("output.dead-letter.path='" + deadLetterPath + "': must be outside output.lake.path, or the lake table would read dead letters");
        }
        if (compaction && lakePath != null && !compactionCarries(lakePath)) {
            p.errors.add("output.lake.path='" + lakePath + "': holds " + charactersCompactionLoses(lakePath) + ", which Flink 1.20's"
                    + " FileSink loses on the way to its compactor (it passes each file on as a URI and reads the escapes back"
                    + " literally), so compacted files would land in another folder; use a path without them, or set"
                    + " output.compaction.enabled=false");
        }
        if (inputPath != null && lakePath != null && (isInside(lakePath, inputPath) || isInside(inputPath, lakePath))) {
            p.errors.add("input.path='" + inputPath + "': must not overlap output.lake.path");
        }
        if (inputPath != null && deadLetterPath != null && (isInside(deadLetterPath, inputPath) || isInside(inputPath, deadLetterPath))) {
            p.errors.add("input.path='" + inputPath + "': must not overlap output.dead-letter.path, or the job would read its dead letters as raw objects");
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

    /** The keys, their defaults and what they accept, for {@code --help}. */
    public static String usage() {
        StringBuilder out = new StringBuilder("Keys (as --key value; on MSF in the property group " + PROPERTY_GROUP + "):\n");
        for (Key<?> key : KEYS) {
            String shown = key.required ? "required" : key.defaultValue == null ? "unset" : key.defaultValue.isEmpty() ? "empty" : key.defaultValue;
            out.append(String.format(Locale.ROOT, "  --%-34s %-14s %s%n", key.name, shown, key.accepts));
        }
        return out.append("Every key is described in docs/configuration.md.\n").toString();
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

    /** Flink's S3 file system settings of a local run (on MSF the application's role reaches S3, and these keys are ignored). */
    public Configuration s3Settings() {
        return s3Settings(s3Endpoint, s3PathStyleAccess, s3AccessKey, s3SecretKey);
    }

    /**
     * The same settings from the {@code s3.*} keys alone, for a tool that reaches the job's storage
     * (the dead-letter replay): the same keys, checked the same way.
     *
     * @throws ConfigException naming every bad or unknown key
     */
    public static Configuration s3Settings(Map<String, String> values) {
        Parser p = new Parser(values);
        String accessKey = p.get(S3_ACCESS_KEY);
        String secretKey = p.get(S3_SECRET_KEY);
        Configuration settings = s3Settings(p.get(S3_ENDPOINT), p.get(S3_PATH_STYLE_ACCESS), accessKey, secretKey);
        checkS3Credentials(accessKey, secretKey, p.errors);
        List<String> known = KEYS.stream().map(k -> k.name).filter(n -> n.startsWith("s3.")).collect(Collectors.toList());
        for (String key : values.keySet()) {
            if (!known.contains(key)) {
                p.errors.add(key + ": unknown key (known keys: " + String.join(", ", known) + ")");
            }
        }
        if (!p.errors.isEmpty()) {
            throw new ConfigException(p.errors);
        }
        return settings;
    }

    private static Configuration s3Settings(String endpoint, boolean pathStyleAccess, String accessKey, String secretKey) {
        Configuration settings = new Configuration();
        if (endpoint != null) {
            settings.setString("s3.endpoint", endpoint);
        }
        settings.setString("s3.path.style.access", Boolean.toString(pathStyleAccess));
        if (accessKey != null && secretKey != null) {
            settings.setString("s3.access-key", accessKey);
            settings.setString("s3.secret-key", secretKey);
        }
        return settings;
    }

    private static void checkS3Credentials(String accessKey, String secretKey, List<String> errors) {
        if ((accessKey == null) != (secretKey == null)) {
            errors.add("s3.access-key/s3.secret-key: set both or neither (neither uses the default AWS credentials chain)");
        }
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

    /**
     * An input or output location: a local folder given without a scheme is made absolute against
     * the working directory at start-up. What compares locations (the lake's ledger of what it
     * holds, the Firehose hour folders) gets absolute paths from listings, so a relative root such
     * as {@code ./data/raw} would match none of them.
     */
    private static String location(String v) {
        String p = path(v);
        String location = p.matches("[A-Za-z][A-Za-z0-9+.-]*:.*") ? p : java.nio.file.Paths.get(p).toAbsolutePath().normalize().toString();
        new org.apache.flink.core.fs.Path(location); // refuses what Flink cannot read, such as file:raw (a relative path in a URI)
        return location;
    }

    private static String httpUrl(String v) {
        String url = v.trim();
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
            throw new IllegalArgumentException();
        }
        return url;
    }

    /**
     * A duration of at least {@code min}, with its unit. Flink reads a bare number as milliseconds,
     * so {@code dedup.ttl=24} meant for hours would remember ids for 24 ms and let every retry
     * through: only 0 may go without a unit.
     */
    private static Function<String, Duration> duration(Duration min) {
        return v -> {
            String s = v.trim();
            Duration d = TimeUtils.parseDuration(s);
            boolean bareNumber = !s.isEmpty() && s.chars().allMatch(c -> c >= '0' && c <= '9');
            if (bareNumber && !d.isZero() || d.compareTo(min) < 0) {
                throw new IllegalArgumentException();
            }
            return d;
        };
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

    /** Why {@code name} in pii.drop-fields is probably a misspelt schema field, or null. */
    private static String likelyTypo(String name) {
        java.util.SortedSet<String> schema = new java.util.TreeSet<>(DROPPABLE_FIELDS);
        schema.addAll(ALWAYS_REMOVED_FIELDS);
        schema.addAll(KEPT_FIELDS);
        if (schema.contains(name)) {
            return null;
        }
        String plain = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
        for (String field : schema) {
            if (plain.equals(field.replace("_", "")) || oneEditApart(name, field)) {
                return "pii.drop-fields: '" + name + "' is no field of the event schema, so it is dropped only from events that carry"
                        + " it as an extra field; did you mean " + field + (KEPT_FIELDS.contains(field) ? " (which the lake keeps)" : "")
                        + "?";
            }
        }
        return null;
    }

    /** One letter added, removed, changed, or two neighbours swapped. */
    private static boolean oneEditApart(String a, String b) {
        if (Math.abs(a.length() - b.length()) > 1) {
            return false;
        }
        int i = 0;
        while (i < a.length() && i < b.length() && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        if (a.length() == b.length()) {
            String restA = a.substring(Math.min(a.length(), i + 1));
            boolean changed = restA.equals(b.substring(Math.min(b.length(), i + 1)));
            boolean swapped = i + 1 < a.length() && a.charAt(i) == b.charAt(i + 1) && a.charAt(i + 1) == b.charAt(i)
                    && a.substring(i + 2).equals(b.substring(i + 2));
            return changed || swapped;
        }
        return a.length() > b.length() ? a.substring(i + 1).equals(b.substring(i)) : b.substring(i + 1).equals(a.substring(i));
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

    /**
     * Whether the lake's compaction can work under {@code lakePath}. Flink's FileSink hands each
     * file to its compactor as {@code path.toUri().toString()} and reads it back with
     * {@code new Path(String)}, which takes escapes literally: under a folder with a space (or
     * another character a URI escapes) the compactor looks for {@code my%20lake} and its output is
     * committed there.
     */
    public static boolean compactionCarries(String lakePath) {
        org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(lakePath);
        return new org.apache.flink.core.fs.Path(path.toUri().toString()).equals(path);
    }

    private static String charactersCompactionLoses(String lakePath) {
        return lakePath.chars().distinct().filter(c -> !compactionCarries("/a" + (char) c + "b"))
                .mapToObj(c -> "'" + (char) c + "'").collect(Collectors.joining(", "));
    }

    private static boolean isInside(String child, String parent) {
        String c = comparable(child);
        String p = comparable(parent);
        return c.startsWith(p);
    }

    /** A location with a trailing slash; a local one absolute and without {@code .} or {@code ..}. */
    private static String comparable(String location) {
        String l = location.contains("://") || location.startsWith("file:") ? location
                : java.nio.file.Paths.get(location).toAbsolutePath().normalize().toString();
        return l.endsWith("/") ? l : l + "/";
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

        /**
         * The key's value, or its default; null when unset without a default. A bad value is
         * reported and the default used, so that every problem is reported, not just the first.
         */
        <T> T get(Key<T> key) {
            String raw = values.get(key.name);
            if (raw == null || raw.trim().isEmpty() && key.defaultValue == null) {
                if (key.required) {
                    errors.add(key.name + ": required");
                }
                return key.defaultValue == null ? null : key.parse.apply(key.defaultValue);
            }
            T value = convert(key.name, raw, key.parse, key.accepts);
            return value != null || key.defaultValue == null ? value : key.parse.apply(key.defaultValue);
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
