package io.clickstream.generator;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Command line: writes synthetic traffic into a local folder in Firehose's layout.
 *
 * <pre>--output ./data/raw --records 300000 --days 3 --seed 42</pre>
 */
public final class GeneratorMain {

    private GeneratorMain() {
    }

    public static void main(String[] args) throws Exception {
        Path output = Paths.get("data/raw");
        GeneratorSettings settings = GeneratorSettings.defaults();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("Missing value for " + args[i]);
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--output": output = Paths.get(value); break;
                case "--records": settings.records(Integer.parseInt(value)); break;
                case "--days": settings.days(Integer.parseInt(value)); break;
                case "--seed": settings.seed(Long.parseLong(value)); break;
                case "--start-date": settings.start(LocalDate.parse(value).atStartOfDay().toInstant(ZoneOffset.UTC)); break;
                default: throw new IllegalArgumentException("Unknown option " + args[i] + " (known: --output --records --days --seed --start-date)");
            }
        }
        if (!args_contains(args, "--start-date")) {
            settings.startMillis = LocalDate.now(ZoneOffset.UTC).minusDays(settings.days).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        List<GeneratedRecord> records = TrafficGenerator.generate(settings);
        List<Path> objects = FirehoseLocalWriter.withDefaults(output, settings.seed).write(records);
        Map<Fate, Integer> counts = new EnumMap<>(Fate.class);
        for (GeneratedRecord r : records) {
            counts.merge(r.fate(), 1, Integer::sum);
        }
        System.out.printf("Wrote %,d records in %,d objects under %s: %s%n", records.size(), objects.size(), output.toAbsolutePath(), counts);
    }

    private static boolean args_contains(String[] args, String option) {
        for (String arg : args) {
            if (arg.equals(option)) {
                return true;
            }
        }
        return false;
    }
}
