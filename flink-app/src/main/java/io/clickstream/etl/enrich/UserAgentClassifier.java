package io.clickstream.etl.enrich;

import ua_parser.Client;
import ua_parser.Parser;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Browser, OS, device class and bot flag from a user-agent string, using the uap-java parser and
 * the ua-parser project's maintained regexes. Results are cached per string: real traffic has few
 * distinct agents, and parsing one costs far more than a map lookup. Only the first
 * {@value #MAX_PARSED_LENGTH} characters are parsed and cached.
 */
public final class UserAgentClassifier {

    /**
     * How much of a user agent is parsed. Real ones are a few hundred characters; a longer one is
     * junk or an attack, and would cost parse time in proportion to its length (about 10 ms per
     * thousand characters) and cache memory for as long as it stays cached (10,000 agents of a
     * megabyte would not fit a task manager's heap).
     */
    static final int MAX_PARSED_LENGTH = 1024;

    /** What the lake keeps of a user agent. */
    public static final class Agent {
        public final String browser;
        public final String browserVersion;
        public final String os;
        public final String deviceType;
        public final boolean bot;

        Agent(String browser, String browserVersion, String os, String deviceType, boolean bot) {
            this.browser = browser;
            this.browserVersion = browserVersion;
            this.os = os;
            this.deviceType = deviceType;
            this.bot = bot;
        }
    }

    /**
     * Compiling the project's regexes takes most of a second, so one parser serves every subtask in
     * the JVM; parsing is thread-safe (patterns are immutable, each call makes its own matchers).
     */
    private static final class SharedParser {
        static final Parser INSTANCE = new Parser();
    }

    private final Parser parser = SharedParser.INSTANCE;
    private final Map<String, Agent> cache;

    /**
     * Compiles the regexes on a background thread, for a caller that has other start-up work to do
     * meanwhile (the local runner starting its embedded cluster); the first classifier waits for it.
     */
    public static void preload() {
        Thread loader = new Thread(() -> {
            Objects.requireNonNull(SharedParser.INSTANCE);
        }, "user-agent-patterns");
        loader.setDaemon(true);
        loader.start();
    }

    public UserAgentClassifier(int cacheSize) {
        this.cache = new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Agent> eldest) {
                return size() > cacheSize;
            }
        };
    }

    public Agent classify(String userAgent) {
        String parsed = userAgent.length() > MAX_PARSED_LENGTH ? userAgent.substring(0, MAX_PARSED_LENGTH) : userAgent;
        Agent agent = cache.get(parsed);
        if (agent == null) {
            agent = parse(parsed);
            cache.put(parsed, agent);
        }
        return agent;
    }

    /** The characters the cache's keys hold, for tests of its bound. */
    long cachedCharacters() {
        long n = 0;
        for (String key : cache.keySet()) {
            n += key.length();
        }
        return n;
    }

    private Agent parse(String userAgent) {
        Client c = parser.parse(userAgent);
        boolean bot = "Spider".equals(c.device.family);
        String browser = other(c.userAgent.family);
        String version = join(c.userAgent.major, c.userAgent.minor, c.userAgent.patch);
        String os = other(c.os.family);
        return new Agent(browser, version, os, deviceType(c, userAgent, bot), bot);
    }

    private static String deviceType(Client c, String userAgent, boolean bot) {
        String device = c.device.family == null ? "" : c.device.family.toLowerCase(Locale.ROOT);
        String os = c.os.family == null ? "" : c.os.family;
        if (bot) {
            return "desktop";
        }
        if (device.contains("ipad") || device.contains("tablet") || device.contains("kindle")
                || (os.equals("Android") && !userAgent.contains("Mobile"))) {
            return "tablet";
        }
        if (os.equals("iOS") || os.equals("Android") || userAgent.contains("Mobile")) {
            return "mobile";
        }
        return "desktop";
    }

    private static String other(String family) {
        return family == null || family.equals("Other") ? null : family;
    }

    private static String join(String major, String minor, String patch) {
        if (major == null) {
            return null;
        }
        StringBuilder v = new StringBuilder(major);
        if (minor != null) {
            v.append('.').append(minor);
            if (patch != null) {
                v.append('.').append(patch);
            }
        }
        return v.toString();
    }
}
