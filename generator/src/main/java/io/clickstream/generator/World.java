package io.clickstream.generator;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** The stable population of users and products that traffic is drawn from, built from a seed. */
final class World {

    static final class User {
        String userId;
        String country;
        String city;
        String deviceType;
        String browser;
        String userAgent;
        String ipAddress;
        String email;
    }

    static final class Product {
        String productId;
        String name;
        String category;
        double price;
    }

    private static final String[][] PLACES = {
        {"US", "New York"}, {"US", "San Francisco"}, {"US", "Chicago"}, {"GB", "London"}, {"GB", "Manchester"},
        {"DE", "Berlin"}, {"DE", "Munich"}, {"FR", "Paris"}, {"ES", "Madrid"}, {"IT", "Milan"},
        {"NL", "Amsterdam"}, {"SE", "Stockholm"}, {"PL", "Warsaw"}, {"BR", "Sao Paulo"}, {"MX", "Mexico City"},
        {"IN", "Bengaluru"}, {"JP", "Tokyo"}, {"AU", "Sydney"}, {"CA", "Toronto"}, {"ZA", "Cape Town"}
    };

    /** device type, browser, user agent. */
    private static final String[][] AGENTS = {
        {"desktop", "Chrome", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.91 Safari/537.36"},
        {"desktop", "Firefox", "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0"},
        {"desktop", "Safari", "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15"},
        {"desktop", "Edge", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.67"},
        {"desktop", "Chrome", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.6312.122 Safari/537.36"},
        {"mobile", "Mobile Safari", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1"},
        {"mobile", "Chrome Mobile", "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36"},
        {"mobile", "Samsung Internet", "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36"},
        {"tablet", "Mobile Safari", "Mozilla/5.0 (iPad; CPU OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1"},
        {"desktop", "Googlebot", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"},
    };
    private static final double[] AGENT_WEIGHTS = {30, 10, 10, 6, 4, 18, 14, 4, 3, 1};

    private static final String[] CATEGORIES = {
        "electronics", "books", "home", "garden", "toys", "sports", "fashion", "beauty", "grocery", "automotive"
    };
    private static final String[] ADJECTIVES = {
        "Classic", "Smart", "Compact", "Deluxe", "Eco", "Ultra", "Vintage", "Pro", "Mini", "Family"
    };
    private static final String[] NOUNS = {
        "Lamp", "Backpack", "Kettle", "Headphones", "Novel", "Sneakers", "Drill", "Puzzle", "Jacket", "Blender",
        "Camera", "Mug", "Watch", "Chair", "Tent", "Scarf", "Serum", "Coffee", "Charger", "Planter"
    };
    static final String[] FIRST_NAMES = {"anna", "ben", "carla", "dev", "emma", "felix", "grace", "hugo", "ines", "jon"};
    static final String[] MAIL_DOMAINS = {"gmail.com", "outlook.com", "yahoo.co.uk", "web.de", "proton.me"};

    final List<User> users = new ArrayList<>();
    final List<Product> products = new ArrayList<>();
    private final double[] productCdf;
    private final double[] agentCdf;

    World(GeneratorSettings settings, int userCount) {
        SplittableRandom random = new SplittableRandom(settings.seed);
        agentCdf = cdf(AGENT_WEIGHTS);
        for (int i = 0; i < settings.products; i++) {
            Product p = new Product();
            p.productId = String.format(Locale.ROOT, "P%05d", i + 1);
            p.category = CATEGORIES[random.nextInt(CATEGORIES.length)];
            p.name = ADJECTIVES[random.nextInt(ADJECTIVES.length)] + " " + NOUNS[random.nextInt(NOUNS.length)];
            // Log-normal-ish prices between a few and a few hundred, fixed per product.
            p.price = Math.round(Math.exp(1.5 + random.nextDouble() * 4.2) * 100) / 100.0;
            products.add(p);
        }
        double[] weights = new double[settings.products];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = 1.0 / Math.pow(i + 1, settings.zipfExponent);
        }
        productCdf = cdf(weights);
        for (int i = 0; i < userCount; i++) {
            User u = new User();
            u.userId = String.format(Locale.ROOT, "u-%07d", i + 1);
            String[] place = PLACES[random.nextInt(PLACES.length)];
            u.country = place[0];
            u.city = place[1];
            String[] agent = AGENTS[pick(agentCdf, random.nextDouble())];
            u.deviceType = agent[0];
            u.browser = agent[1];
            u.userAgent = agent[2];
            u.ipAddress = random.nextInt(10) == 0 ? ipv6(random) : ipv4(random);
            if (random.nextDouble() < 0.4) {
                u.email = FIRST_NAMES[random.nextInt(FIRST_NAMES.length)] + "." + (1000 + i) + "@"
                        + MAIL_DOMAINS[random.nextInt(MAIL_DOMAINS.length)];
            }
            users.add(u);
        }
    }

    Product popularProduct(SplittableRandom random) {
        return products.get(pick(productCdf, random.nextDouble()));
    }

    User user(SplittableRandom random) {
        return users.get(random.nextInt(users.size()));
    }

    static double[] cdf(double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double[] cdf = new double[weights.length];
        double running = 0;
        for (int i = 0; i < weights.length; i++) {
            running += weights[i] / total;
            cdf[i] = running;
        }
        cdf[cdf.length - 1] = 1.0;
        return cdf;
    }

    static int pick(double[] cdf, double u) {
        int lo = 0;
        int hi = cdf.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static String ipv4(SplittableRandom random) {
        // Public-looking unicast ranges only.
        return (11 + random.nextInt(180)) + "." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }

    private static String ipv6(SplittableRandom random) {
        return String.format(Locale.ROOT, "2a02:%x:%x:%x::%x", random.nextInt(0x10000), random.nextInt(0x10000),
                random.nextInt(0x10000), 1 + random.nextInt(0xfffe));
    }
}
