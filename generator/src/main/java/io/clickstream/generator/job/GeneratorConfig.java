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

    /** Every key with its default ({@code null}: unset). */
    public static final Map<String, String> DEFAULTS;

    static {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("target", "local");
        d.put("output.path", "data/raw");
        d.put("firehose.stream", null);
        d.put("firehose.region", null);
        d.put("firehose.endpoint", null);
        d.put("records", "100000");
        d.put("duration", null);
        d.put("rate", "0");
        d.put("burst.factor", "1");
        d.put("burst.every", "60s");
        d.put("burst.length", "10s");
        d.put("seed", null);
        d.put("time.mode", "backfill");
        d.put("start-date", null);
        d.put("days", "3");
        d.put("buffer.size", "5mb");
        d.put("buffer.interval", "60s");
        d.put("faults.duplicate", "0.02");
        d.put("faults.malformed", "0.005");
        d.put("faults.schema-violation", "0.005");
        d.put("faults.id-conflict", "0.002");
        d.put("faults.late", "0.01");
        d.put("faults.back-to-back", "0.05");
        d.put("faults.oversized", "0");
        d.put("faults.oversized-bytes", "1200000");
        d.put("parallelism", "1");
        d.put("progress.interval", "5s");
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
        target = r.get("target", v -> Target.valueOf(v.trim().toUpperCase(Locale.ROOT)), "local or firehose");
        outputPath = r.get("output.path", String::trim, "a folder");
        firehoseStream = r.get("firehose.stream", String::trim, "a delivery stream name");
        firehoseRegion = r.get("firehose.region", String::trim, "an AWS region such as eu-west-1");
        firehoseEndpoint = r.get("firehose.endpoint", GeneratorConfig::url, "an http:// or https:// URL");
        Duration duration = r.get("duration", GeneratorConfig::positive, "a duration such as 10 min");
        rate = r.get("rate", v -> nonNegative(Double.parseDouble(v.trim())), "events per second, 0 for as fast as possible");
        burstFactor = r.get("burst.factor", v -> atLeast(Double.parseDouble(v.trim()), 1), "a factor >= 1");
        burstEvery = r.get("burst.every", GeneratorConfig::positive, "a duration");
        burstLength = r.get("burst.length", GeneratorConfig::positive, "a duration");
        bufferBytes = r.get("buffer.size", v -> MemorySize.parse(v.trim()).getBytes(), "a size such as 5mb");
        bufferInterval = r.get("buffer.interval", GeneratorConfig::positive, "a duration such as 60s");
        live = r.get("time.mode", v -> {
            String mode = v.trim().toLowerCase(Locale.ROOT);
            if (!mode.equals("live") && !mode.equals("backfill")) {
                throw new IllegalArgumentException();
            }
            return mode.equals("live");
        }, "backfill or live");
        parallelism = r.get("parallelism", v -> (int) atLeast(Integer.parseInt(v.trim()), 1), "an integer >= 1");
        progressInterval = r.get("progress.interval", GeneratorConfig::positive, "a duration such as 5s");

        GeneratorSettings s = GeneratorSettings.defaults();
        long count = r.get("records", v -> (long) atLeast(Long.parseLong(v.trim()), 1), "a positive integer");
        Long seed = r.get("seed", v -> Long.parseLong(v.trim()), "an integer");
        // Unset: new traffic each run (a repeat would be all duplicates and id conflicts); printed, so it can be repeated.
        seedGiven = seed != null;
        s.seed = seedGiven ? seed : new java.security.SecureRandom().nextLong() >>> 1;
        s.days = r.get("days", v -> (int) atLeast(Integer.parseInt(v.trim()), 1), "an integer >= 1");
        LocalDate start = r.get("start-date", v -> LocalDate.parse(v.trim()), "a date such as 2026-01-31");
        s.startMillis = (start != null ? start : LocalDate.now(ZoneOffset.UTC).minusDays(s.days))
                .atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        s.duplicateRate = r.get("faults.duplicate", GeneratorConfig::share, "a share from 0 to 1");
        s.malformedRate = r.get("faults.malformed", GeneratorConfig::share, "a share from 0 to 1");
        s.schemaViolationRate = r.get("faults.schema-violation", GeneratorConfig::share, "a share from 0 to 1");
        s.idConflictRate = r.get("faults.id-conflict", GeneratorConfig::share, "a share from 0 to 1");
        s.lateRate = r.get("faults.late", GeneratorConfig::share, "a share from 0 to 1");
        s.backToBackRate = r.get("faults.back-to-back", GeneratorConfig::share, "a share from 0 to 1");
        s.oversizedRate = r.get("faults.oversized", GeneratorConfig::share, "a share from 0 to 1");
        s.oversizedBytes = r.get("faults.oversized-bytes", v -> (int) atLeast(Integer.parseInt(v.trim()), 1), "a size in bytes");
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

    /** The keys with their defaults, for {@code --help}; docs/generator.md explains each. */
    public static String usage() {
        StringBuilder out = new StringBuilder("Generates synthetic clickstream traffic to a local folder or a Firehose stream.\n"
                + "Keys, as --key value (docs/generator.md explains each):\n");
        DEFAULTS.forEach((key, value) -> out.append(String.format("  --%-26s %s%n", key, value == null ? "(unset)" : value)));
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

    private static String url(String v) {
        String s = v.trim();
        if (!s.startsWith("http://") && !s.startsWith("https://")) {
            throw new IllegalArgumentException();
        }
        return s;
    }

    private static Duration positive(String v) {
        Duration d = TimeUtils.parseDuration(v.trim());
        if (d.isZero() || d.isNegative()) {
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

        <T> T get(String key, Function<String, T> parse, String expected) {
            String raw = values.containsKey(key) ? values.get(key) : DEFAULTS.get(key);
            if (raw == null || raw.trim().isEmpty()) {
                return DEFAULTS.get(key) == null ? null : parse.apply(DEFAULTS.get(key));
            }
            try {
                return parse.apply(raw);
            } catch (RuntimeException e) {
                errors.add(key + "='" + raw + "': expected " + expected);
                return DEFAULTS.get(key) == null ? null : parse.apply(DEFAULTS.get(key));
            }
        }
    }
}
