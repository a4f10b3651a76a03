package io.clickstream.generator.job;

import io.clickstream.generator.GeneratorSettings;

import org.apache.flink.configuration.MemorySize;
import org.apache.flink.util.TimeUtils;

import java.io.Serializable;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Settings of the generator job, from the MSF property group {@value #PROPERTY_GROUP} or from
 * {@code --key value} arguments. Every bad key is reported at once.
 */
public final class GeneratorConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final String PROPERTY_GROUP = "ClickstreamGenerator";
    /** Firehose's limit for one record. */
    public static final int FIREHOSE_MAX_RECORD_BYTES = 1_000 * 1024;

    /**
     * One setting, declared once: its name, default ({@code null}: unset), what it accepts (shown in
     * errors and {@code --help}) and how it is read. docs/generator.md is checked against these.
     * (The job's {@code JobConfig} declares its keys the same way; the two modules share no code
     * because the job's MSF jar does not carry the generator.)
     */
    public static final class Key<T> {
        public final String name;
        public final String defaultValue;
        public final String accepts;
        private final Function<String, T> parse;

        private Key(String name, String defaultValue, String accepts, Function<String, T> parse) {
            this.name = name;
            this.defaultValue = defaultValue;
            this.accepts = accepts;
            this.parse = parse;
            ALL_KEYS.add(this);
        }
    }

    private static final List<Key<?>> ALL_KEYS = new ArrayList<>();

    private static <T> Key<T> key(String name, String defaultValue, String accepts, Function<String, T> parse) {
        return new Key<>(name, defaultValue, accepts, parse);
    }

    private static final String SHARE = "a share from 0 to 1";

    public static final Key<Target> TARGET = key("target", "local", "local or firehose", v -> Target.valueOf(v.trim().toUpperCase(Locale.ROOT)));
    public static final Key<String> OUTPUT_PATH = key("output.path", "data/raw", "a local folder or a file:/// URI", GeneratorConfig::folder);
    public static final Key<String> FIREHOSE_STREAM = key("firehose.stream", null, "a delivery stream name", String::trim);
    public static final Key<String> FIREHOSE_REGION = key("firehose.region", null, "an AWS region such as eu-west-1", GeneratorConfig::region);
    public static final Key<String> FIREHOSE_ENDPOINT = key("firehose.endpoint", null, "an http:// or https:// URL", GeneratorConfig::url);
    public static final Key<Long> RECORDS = key("records", "100000", "a positive integer", v -> (long) atLeast(Long.parseLong(v.trim()), 1));
    public static final Key<Duration> DURATION = key("duration", null, "a duration with its unit, such as 10min", GeneratorConfig::positive);
    public static final Key<Double> RATE = key("rate", "0", "events per second, 0 for as fast as possible",
            v -> nonNegative(Double.parseDouble(v.trim())));
    public static final Key<Double> BURST_FACTOR = key("burst.factor", "1", "a factor >= 1", v -> atLeast(Double.parseDouble(v.trim()), 1));
    public static final Key<Duration> BURST_EVERY = key("burst.every", "60s", "a duration with its unit, such as 60s", GeneratorConfig::positive);
    public static final Key<Duration> BURST_LENGTH = key("burst.length", "10s", "a duration with its unit, such as 10s", GeneratorConfig::positive);
    public static final Key<Long> SEED = key("seed", null, "an integer (unset: a new one each run)", v -> Long.parseLong(v.trim()));
    public static final Key<Boolean> TIME_MODE = key("time.mode", "backfill", "backfill or live", GeneratorConfig::live);
    public static final Key<LocalDate> START_DATE = key("start-date", null, "a date such as 2026-01-31", v -> LocalDate.parse(v.trim()));
    public static final Key<Integer> DAYS = key("days", "3", "an integer >= 1", v -> (int) atLeast(Integer.parseInt(v.trim()), 1));
    public static final Key<Long> BUFFER_SIZE = key("buffer.size", "5mb", "a size such as 5mb", v -> MemorySize.parse(v.trim()).getBytes());
    public static final Key<Duration> BUFFER_INTERVAL = key("buffer.interval", "60s", "a duration with its unit, such as 60s", GeneratorConfig::positive);
    public static final Key<Double> DUPLICATE = key("faults.duplicate", "0.02", SHARE, GeneratorConfig::share);
    public static final Key<Double> MALFORMED = key("faults.malformed", "0.005", SHARE, GeneratorConfig::share);
    public static final Key<Double> SCHEMA_VIOLATION = key("faults.schema-violation", "0.005", SHARE, GeneratorConfig::share);
    public static final Key<Double> ID_CONFLICT = key("faults.id-conflict", "0.002", SHARE, GeneratorConfig::share);
    public static final Key<Double> LATE = key("faults.late", "0.01", SHARE, GeneratorConfig::share);
    public static final Key<Double> BACK_TO_BACK = key("faults.back-to-back", "0.05", SHARE, GeneratorConfig::share);
    public static final Key<Double> OVERSIZED = key("faults.oversized", "0", SHARE, GeneratorConfig::share);
    public static final Key<Integer> OVERSIZED_BYTES = key("faults.oversized-bytes", "1200000", "a size in bytes",
            v -> (int) atLeast(Integer.parseInt(v.trim()), 1));
    public static final Key<Integer> PARALLELISM = key("parallelism", "1", "an integer >= 1", v -> (int) atLeast(Integer.parseInt(v.trim()), 1));
    public static final Key<Duration> PROGRESS_INTERVAL = key("progress.interval", "5s", "a duration with its unit, such as 5s", GeneratorConfig::positive);

    /** Every key with its default ({@code null}: unset), in declaration order. */
    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        ALL_KEYS.forEach(k -> d.put(k.name, k.defaultValue));
        DEFAULTS = Collections.unmodifiableMap(d);
    }

    public enum Target { LOCAL, FIREHOSE }

    public final Target target;
    public final String outputPath;
    public final String firehoseStream;
    public final String firehoseRegion;
    public final String firehoseEndpoint;
    /** Records to send in total. */
    public final long records;
    public final double rate;
    public final double burstFactor;
    public final Duration burstEvery;
    public final Duration burstLength;
    public final long bufferBytes;
    public final Duration bufferInterval;
    public final int parallelism;
    /** Event time is the time of sending (live) rather than simulated over {@code days}. */
    public final boolean live;
    public final Duration progressInterval;
    public final GeneratorSettings traffic;
    /** Whether {@code seed} was given; otherwise a new one was drawn for this run. */
    public final boolean seedGiven;

    private GeneratorConfig(Map<String, String> values) {
        List<String> errors = new ArrayList<>();
        Reader r = new Reader(values, errors);
        target = r.get(TARGET);
        outputPath = r.get(OUTPUT_PATH);
        firehoseStream = r.get(FIREHOSE_STREAM);
        firehoseRegion = r.get(FIREHOSE_REGION);
        firehoseEndpoint = r.get(FIREHOSE_ENDPOINT);
        Duration duration = r.get(DURATION);
        rate = r.get(RATE);
        burstFactor = r.get(BURST_FACTOR);
        burstEvery = r.get(BURST_EVERY);
        burstLength = r.get(BURST_LENGTH);
        bufferBytes = r.get(BUFFER_SIZE);
        bufferInterval = r.get(BUFFER_INTERVAL);
        live = r.get(TIME_MODE);
        parallelism = r.get(PARALLELISM);
        progressInterval = r.get(PROGRESS_INTERVAL);

        GeneratorSettings s = GeneratorSettings.defaults();
        long count = r.get(RECORDS);
        Long seed = r.get(SEED);
        // Unset: new traffic each run (a repeat would be all duplicates and id conflicts); printed, so it can be repeated.
        seedGiven = seed != null;
        s.seed = seedGiven ? seed : new java.security.SecureRandom().nextLong() >>> 1;
        s.days = r.get(DAYS);
        LocalDate start = r.get(START_DATE);
        s.startMillis = (start != null ? start : LocalDate.now(ZoneOffset.UTC).minusDays(s.days))
                .atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        s.duplicateRate = r.get(DUPLICATE);
        s.malformedRate = r.get(MALFORMED);
        s.schemaViolationRate = r.get(SCHEMA_VIOLATION);
        s.idConflictRate = r.get(ID_CONFLICT);
        s.lateRate = r.get(LATE);
        s.backToBackRate = r.get(BACK_TO_BACK);
        s.oversizedRate = r.get(OVERSIZED);
        s.oversizedBytes = r.get(OVERSIZED_BYTES);
        if (duration != null) {
            if (rate <= 0) {
                errors.add("duration: needs a rate (events per second) to know how many events to send");
            } else {
                count = (long) Math.ceil(rate * duration.toMillis() / 1000.0);
            }
        }
        records = count;
        s.records = (int) Math.min(Integer.MAX_VALUE, count);
        traffic = s;

        if (target == Target.FIREHOSE) {
            if (firehoseStream == null) {
                errors.add("firehose.stream: required for target firehose");
            }
            if (s.oversizedRate > 0 && s.oversizedBytes + 2_000 > FIREHOSE_MAX_RECORD_BYTES) {
                errors.add("faults.oversized-bytes=" + s.oversizedBytes + ": Firehose accepts records up to 1,000 KiB; "
                        + "lower it (and the ETL's input.max-record-bytes) to inject oversized records through Firehose");
            }
        }
        for (String key : values.keySet()) {
            if (!DEFAULTS.containsKey(key)) {
                errors.add(key + ": unknown key (known keys: " + String.join(", ", DEFAULTS.keySet()) + ")");
            }
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("Invalid generator configuration:\n  - " + String.join("\n  - ", errors));
        }
    }

    /** The keys with their defaults and what they accept, for {@code --help}; docs/generator.md explains each. */
    public static String usage() {
        StringBuilder out = new StringBuilder("Generates synthetic clickstream traffic to a local folder or a Firehose stream.\n"
                + "Keys, as --key value (docs/generator.md explains each):\n");
        for (Key<?> key : ALL_KEYS) {
            out.append(String.format(Locale.ROOT, "  --%-26s %-10s %s%n", key.name, key.defaultValue == null ? "(unset)" : key.defaultValue, key.accepts));
        }
        return out.toString();
    }

    public static GeneratorConfig fromMap(Map<String, String> values) {
        return new GeneratorConfig(values);
    }

    public static GeneratorConfig fromArgs(String[] args) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("Expected --key value pairs, got '" + args[i] + "'");
            }
            values.put(args[i].substring(2), args[i + 1]);
        }
        return new GeneratorConfig(values);
    }

    public static GeneratorConfig fromPropertyGroups(Map<String, Properties> groups) {
        Properties p = groups.getOrDefault(PROPERTY_GROUP, new Properties());
        Map<String, String> values = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> values.put(k, p.getProperty(k)));
        return new GeneratorConfig(values);
    }

    private static boolean live(String v) {
        String mode = v.trim().toLowerCase(Locale.ROOT);
        if (!mode.equals("live") && !mode.equals("backfill")) {
            throw new IllegalArgumentException();
        }
        return mode.equals("live");
    }

    /**
     * A local folder; {@code file:///...} (the job's spelling of a local input) as the folder it
     * names. Any other scheme is refused: the local target writes files, and {@code s3://b/raw}
     * would otherwise become a folder named {@code s3:} in the working directory.
     */
    private static String folder(String v) {
        String s = v.trim();
        if (s.isEmpty()) {
            throw new IllegalArgumentException();
        }
        if (s.startsWith("file:")) {
            return java.nio.file.Paths.get(java.net.URI.create(s)).toString();
        }
        if (s.matches("[A-Za-z][A-Za-z0-9+.-]*:.*")) {
            throw new IllegalArgumentException();
        }
        return s;
    }

    /** An AWS region's name (us-east-1, ap-southeast-5, us-gov-west-1): a typo would only show as an unknown host at the first send. */
    private static String region(String v) {
        String s = v.trim();
        if (!s.matches("[a-z]{2}(-[a-z]+)+-\\d{1,2}")) {
            throw new IllegalArgumentException();
        }
        return s;
    }

    private static String url(String v) {
        String s = v.trim();
        if (!s.startsWith("http://") && !s.startsWith("https://")) {
            throw new IllegalArgumentException();
        }
        return s;
    }

    /**
     * A duration of 1 ms or more, with its unit: Flink reads a bare number as milliseconds, so
     * {@code --duration 600} meant as seconds would send for 0.6 s.
     */
    private static Duration positive(String v) {
        String s = v.trim();
        Duration d = TimeUtils.parseDuration(s);
        if (s.chars().allMatch(c -> c >= '0' && c <= '9') || d.toMillis() < 1) {
            throw new IllegalArgumentException();
        }
        return d;
    }

    private static double share(String v) {
        double d = Double.parseDouble(v.trim());
        if (d < 0 || d > 1) {
            throw new IllegalArgumentException();
        }
        return d;
    }

    private static double nonNegative(double d) {
        if (d < 0 || Double.isNaN(d)) {
            throw new IllegalArgumentException();
        }
        return d;
    }

    private static double atLeast(double d, double min) {
        if (d < min || Double.isNaN(d)) {
            throw new IllegalArgumentException();
        }
        return d;
    }

    /** Reads one key, falling back to its default and recording a problem instead of failing. */
    private static final class Reader {
        private final Map<String, String> values;
        private final List<String> errors;

        Reader(Map<String, String> values, List<String> errors) {
            this.values = values;
            this.errors = errors;
        }

        <T> T get(Key<T> key) {
            String raw = values.get(key.name);
            T fallback = key.defaultValue == null ? null : key.parse.apply(key.defaultValue);
            if (raw == null || raw.trim().isEmpty()) {
                return fallback;
            }
            try {
                return key.parse.apply(raw);
            } catch (RuntimeException e) {
                errors.add(key.name + "='" + raw + "': expected " + key.accepts);
                return fallback;
            }
        }
    }
}
