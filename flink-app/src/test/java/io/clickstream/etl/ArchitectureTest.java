package io.clickstream.etl;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job's code as a house: files are rooms, imports arrows. The foundation (model, config,
 * metrics) holds the stages (source, parse, dedup, pii, enrich, sink), which hold the job; the
 * tools (local runner, demo, local Athena, benchmark, replay) stand on top and are not shipped.
 * No arrow may run back up, and only the tools may use the generator.
 */
class ArchitectureTest {

    private static final Path MAIN = Paths.get("src/main/java/io/clickstream/etl");
    private static final Map<String, Integer> FLOORS = Map.ofEntries(
            Map.entry("model", 0), Map.entry("config", 0), Map.entry("metrics", 0),
            Map.entry("source", 1), Map.entry("parse", 1), Map.entry("dedup", 1), Map.entry("pii", 1), Map.entry("enrich", 1),
            Map.entry("sink", 1),
            Map.entry("ClickstreamEtlJob", 2),
            Map.entry("LocalRunner", 3), Map.entry("local", 3), Map.entry("bench", 3), Map.entry("ops", 3));
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.clickstream\\.(etl|generator)\\.([A-Za-z]+)", Pattern.MULTILINE);
    private static final String[] ROOT_CLASSES = {"ClickstreamEtlJob", "LocalRunner"};

    @Test
    void noArrowRunsBackUpAndOnlyToolsUseTheGenerator() throws IOException {
        List<Path> rooms;
        try (Stream<Path> files = Files.walk(MAIN)) {
            rooms = files.filter(p -> p.toString().endsWith(".java")).sorted().collect(Collectors.toList());
        }
        List<String> backUp = new ArrayList<>();
        int arrows = 0;
        for (Path room : rooms) {
            int floor = floor(room);
            String code = withoutComments(Files.readString(room));
            Matcher m = IMPORT.matcher(code);
            while (m.find()) {
                arrows++;
                if (m.group(1).equals("generator")) {
                    if (floor < 3) {
                        backUp.add(MAIN.relativize(room) + " uses the generator");
                    }
                } else if (FLOORS.getOrDefault(m.group(2), 3) > floor) {
                    backUp.add(MAIN.relativize(room) + " -> " + m.group(2));
                }
            }
            if (room.getParent().equals(MAIN)) {
                // Classes of the root package need no import: look for their names.
                for (String other : ROOT_CLASSES) {
                    if (!room.getFileName().toString().equals(other + ".java") && Pattern.compile("\\b" + other + "\\b").matcher(code).find()) {
                        arrows++;
                        if (FLOORS.get(other) > floor) {
                            backUp.add(MAIN.relativize(room) + " -> " + other);
                        }
                    }
                }
            }
        }
        System.out.printf("the house: %d rooms on 4 floors, %d arrows between our packages, %d running back up%n", rooms.size(), arrows, backUp.size());
        assertThat(backUp).as("imports from a higher floor").isEmpty();
    }

    private static int floor(Path room) {
        Path relative = MAIN.relativize(room);
        String first = relative.getNameCount() == 1 ? relative.getFileName().toString().replace(".java", "") : relative.getName(0).toString();
        Integer floor = FLOORS.get(first);
        assertThat(floor).as("the floor of %s (add its package to FLOORS)", relative).isNotNull();
        return floor;
    }

    private static String withoutComments(String code) {
        return code.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)//.*$", "");
    }
}
