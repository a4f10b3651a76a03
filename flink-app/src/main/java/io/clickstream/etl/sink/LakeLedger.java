package io.clickstream.etl.sink;

import io.clickstream.etl.sink.parquet.ClickEventParquetReader;

import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.apache.parquet.hadoop.ParquetFileReader;

import java.io.BufferedReader;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * What the lake and the dead letters already hold of each raw object: the positions of its
 * records. Every lake part file carries the positions of its records in its Parquet footer (key
 * {@value #FOOTER_KEY}), so an entry becomes visible with its file and at no other moment; every
 * dead letter names its object and position. A start without saved state reads them back for the
 * objects it is about to read and does not write those records again.
 */
public final class LakeLedger {

    /** Footer key of a lake file: one line per raw object, its key and the positions (a bit set, Base64). */
    public static final String FOOTER_KEY = "clickstream.source-records";

    private LakeLedger() {
    }

    public static String encode(Map<String, BitSet> records) {
        StringBuilder out = new StringBuilder();
        Base64.Encoder base64 = Base64.getEncoder();
        records.forEach((object, positions) -> out.append(object).append('\t').append(base64.encodeToString(positions.toByteArray())).append('\n'));
        return out.toString();
    }

    public static Map<String, BitSet> decode(String value) {
        Map<String, BitSet> records = new HashMap<>();
        if (value == null) {
            return records;
        }
        Base64.Decoder base64 = Base64.getDecoder();
        for (String line : value.split("\n")) {
            int tab = line.lastIndexOf('\t');
            if (tab > 0) {
                records.merge(line.substring(0, tab), BitSet.valueOf(base64.decode(line.substring(tab + 1))), LakeLedger::or);
            }
        }
        return records;
    }

    /** Adds {@code more} into {@code into}. */
    public static void merge(Map<String, BitSet> into, Map<String, BitSet> more) {
        more.forEach((object, positions) -> into.merge(object, (BitSet) positions.clone(), LakeLedger::or));
    }

    private static BitSet or(BitSet a, BitSet b) {
        a.or(b);
        return a;
    }

    /** What the lake and what the dead letters hold of some objects: positions per object key. */
    public static final class Held {
        public final Map<String, BitSet> lake = new HashMap<>();
        public final Map<String, BitSet> deadLetters = new HashMap<>();
        /** Visible files that are not what their names say (no Parquet file, no GZIP, no JSON), with why. */
        public final List<String> unreadable = new ArrayList<>();

        /** How many records the two hold together. */
        public long records() {
            return lake.values().stream().mapToLong(BitSet::cardinality).sum()
                    + deadLetters.values().stream().mapToLong(BitSet::cardinality).sum();
        }

        /** How many objects the two hold records of. */
        public long objects() {
            Set<String> keys = new HashSet<>(lake.keySet());
            keys.addAll(deadLetters.keySet());
            return keys.size();
        }
    }

    /**
     * The positions that visible lake files and dead letters modified at or after {@code since} hold
     * of the given objects, keyed as {@code objects} are: by the object's path below {@code inputRoot},
     * so that {@code s3://} and {@code s3a://} spellings of one root agree.
     *
     * <p>A file that is not what its name says (a {@code .parquet} that is no Parquet file, a dead
     * letter that is no GZIP or JSON: a copy gone wrong, a tool's leftover) is listed in
     * {@link Held#unreadable} and skipped: the job commits only whole files, so it is none of its
     * own, and whatever it held is not readable in the table either. Failing to read a file is
     * thrown, as storage can fail for a moment, and skipping a readable file would write its records
     * again.
     */
    public static Held read(Path lake, Path deadLetters, Path inputRoot, Set<String> objects, long since) throws IOException {
        String root = folder(inputRoot);
        Held held = new Held();
        for (FileStatus file : visibleFiles(lake, since)) {
            if (!file.getPath().getName().endsWith(".parquet")) {
                continue;
            }
            String footer;
            try (ParquetFileReader reader = ParquetFileReader.open(ClickEventParquetReader.inputFile(file.getPath()))) {
                footer = reader.getFooter().getFileMetaData().getKeyValueMetaData().get(FOOTER_KEY);
            } catch (RuntimeException notParquet) {
                // parquet-mr's "is not a Parquet file" (no magic number, too short); I/O failures are IOExceptions
                held.unreadable.add(file.getPath() + ": " + notParquet.getMessage().replaceFirst("^\\S*ParquetInputFile@\\w+ ", ""));
                continue;
            }
            decode(footer).forEach((object, positions) -> {
                String key = below(root, object);
                if (key != null && objects.contains(key)) {
                    held.lake.merge(key, positions, LakeLedger::or);
                }
            });
        }
        JsonFactory json = new JsonFactory();
        for (FileStatus file : visibleFiles(deadLetters, since)) {
            Map<String, BitSet> positions = new HashMap<>();
            try (BufferedReader lines = reader(file.getPath())) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    deadLetter(json, line, root, objects, positions);
                }
            } catch (java.util.zip.ZipException | java.io.EOFException | com.fasterxml.jackson.core.JsonProcessingException notDeadLetters) {
                held.unreadable.add(file.getPath() + ": " + notDeadLetters.getMessage());
                continue;
            }
            positions.forEach((object, p) -> held.deadLetters.merge(object, p, LakeLedger::or));
        }
        return held;
    }

    private static void deadLetter(JsonFactory json, String line, String root, Set<String> objects, Map<String, BitSet> held) throws IOException {
        String source = null;
        int position = -1;
        try (JsonParser p = json.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.getCurrentName();
                JsonToken value = p.nextToken();
                if (DeadLetterJsonWriter.SOURCE_FILE.equals(field) && value == JsonToken.VALUE_STRING) {
                    source = p.getText();
                } else if (DeadLetterJsonWriter.SOURCE_RECORD.equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
                    position = p.getIntValue();
                } else {
                    p.skipChildren();
                }
            }
        }
        String key = source == null || position < 0 ? null : below(root, source);
        if (key != null && objects.contains(key)) {
            held.computeIfAbsent(key, k -> new BitSet()).set(position);
        }
    }

    /** An object's key below the input root, or null when it is not below it. */
    public static String below(String rootFolder, String object) {
        String path = new Path(object).toUri().getPath();
        return path != null && path.startsWith(rootFolder) ? path.substring(rootFolder.length()) : null;
    }

    /** The root's path with a trailing slash, for {@link #below}. */
    public static String folder(Path root) {
        String p = root.toUri().getPath();
        return p.endsWith("/") ? p : p + "/";
    }

    /** Committed files (no name starting with '.' or '_' at any level) modified at or after {@code since}. */
    private static List<FileStatus> visibleFiles(Path root, long since) throws IOException {
        FileSystem fs = root.getFileSystem();
        List<FileStatus> files = new ArrayList<>();
        List<Path> folders = new ArrayList<>(List.of(root));
        while (!folders.isEmpty()) {
            FileStatus[] children;
            try {
                children = fs.listStatus(folders.remove(folders.size() - 1));
            } catch (FileNotFoundException e) {
                continue; // nothing written there yet
            }
            if (children == null) {
                continue;
            }
            for (FileStatus child : children) {
                String name = child.getPath().getName();
                if (name.startsWith(".") || name.startsWith("_")) {
                    continue;
                }
                if (child.isDir()) {
                    folders.add(child.getPath());
                } else if (child.getModificationTime() >= since) {
                    files.add(child);
                }
            }
        }
        return files;
    }

    private static BufferedReader reader(Path file) throws IOException {
        InputStream in = file.getFileSystem().open(file);
        if (file.getName().endsWith(".gz")) {
            in = new GZIPInputStream(in, 64 * 1024);
        }
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 64 * 1024);
    }
}
