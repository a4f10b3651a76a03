package io.clickstream.etl;

import io.clickstream.etl.model.FailureType;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/** Reads committed dead-letter files back, as a tool would. */
public final class DeadLetters {

    private DeadLetters() {
    }

    /** Every dead letter under {@code root}, as field name to value (text, long or boolean). */
    public static List<Map<String, Object>> read(Path root) throws IOException {
        List<Map<String, Object>> letters = new ArrayList<>();
        JsonFactory json = new JsonFactory();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path f : walk.filter(p -> p.toString().endsWith(".json.gz")).collect(Collectors.toList())) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(f)); JsonParser p = json.createParser(in)) {
                    while (p.nextToken() == JsonToken.START_OBJECT) {
                        Map<String, Object> d = new HashMap<>();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            JsonToken t = p.nextToken();
                            d.put(name, t == JsonToken.VALUE_NUMBER_INT ? (Object) p.getLongValue()
                                    : t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE ? (Object) p.getBooleanValue()
                                    : t == JsonToken.VALUE_NULL ? null : p.getText());
                        }
                        letters.add(d);
                    }
                }
            }
        }
        return letters;
    }

    /** The raw texts of the dead letters, by failure type (every type present, possibly empty). */
    public static Map<FailureType, List<String>> rawTextsByType(Path root) throws IOException {
        Map<FailureType, List<String>> byType = new EnumMap<>(FailureType.class);
        for (FailureType type : FailureType.values()) {
            byType.put(type, new ArrayList<>());
        }
        for (Map<String, Object> d : read(root)) {
            byType.get(FailureType.valueOf(((String) d.get("failure_type")).toUpperCase(Locale.ROOT))).add((String) d.get("raw_text"));
        }
        return byType;
    }
}
