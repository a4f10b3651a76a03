package io.clickstream.etl.source;

import io.clickstream.etl.model.EventKey;
import io.clickstream.etl.model.FailureType;
import io.clickstream.etl.model.RawRecord;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Splits one line of a raw object into JSON objects, fed as the {@link RecordFramer} reads it. A
 * line is all or nothing: unless it is whole JSON objects and whitespace (a UTF-8 byte-order mark
 * at its start and carriage returns included), the entire line becomes one malformed record.
 *
 * <p>Memory is bounded by {@code maxRecordBytes}: a line longer than that is judged object by
 * object (complete, valid objects are released as they fill the buffer), and a single object
 * longer than that becomes an oversized record whose rest is skipped, not buffered. One scanner,
 * {@link #scan}, tracks strings and nesting for every byte of a line.
 */
final class ObjectSplitter {

    private static final JsonFactory JSON = JsonFactory.builder()
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final int[] BOM = {0xEF, 0xBB, 0xBF};

    private enum Mode { NORMAL, MALFORMED, OVERSIZED }

    private final String sourceFile;
    private final byte[] sourceFileUtf8;
    private final int maxRecordBytes;
    private final int maxRawBytes;

    /** The line as far as it is kept: at most the record limit (or the raw-text limit) of bytes. */
    private byte[] line = new byte[4096];
    private int lineLen;
    /** Bytes of the line so far, kept or not. */
    private long lineTotal;
    private long lineNumber;
    private Mode mode = Mode.NORMAL;
    private String problem;
    private int depth;
    private boolean inString;
    private boolean escaped;
    private int objectStart = -1;
    /** Start and end in {@link #line} of each complete object not yet released. */
    private int[] objects = new int[16];
    private int objectCount;
    private int bomMatched;
    private boolean sawContent;
    /** Part of the current line was already emitted, so it can no longer be rejected as a whole. */
    private boolean released;

    ObjectSplitter(String sourceFile, int maxRecordBytes, int maxRawBytes) {
        this.sourceFile = sourceFile;
        this.sourceFileUtf8 = RawRecord.utf8(sourceFile);
        this.maxRecordBytes = maxRecordBytes;
        this.maxRawBytes = maxRawBytes;
    }

    /**
     * Takes bytes of line {@code lineNumber} from {@code buf[from, to)}, up to a newline.
     *
     * @return the index of the newline, or {@code to} when there is none
     */
    int feed(byte[] buf, int from, int to, long lineNumber, List<RawRecord> out) {
        this.lineNumber = lineNumber;
        int i = from;
        while (i < to && buf[i] != '\n') {
            if (mode != Mode.NORMAL) {
                return skipToNewline(buf, i, to);
            }
            if (lineLen == maxRecordBytes) {
                overflow(out);
                continue;
            }
            i = scan(buf, i, Math.min(to, i + (maxRecordBytes - lineLen)), out);
        }
        return i;
    }

    /** Whether the current line has any bytes (an empty line yields nothing). */
    boolean lineStarted() {
        return lineTotal > 0;
    }

    /**
     * The one scanner: tracks strings, nesting, the byte-order mark and whitespace between
     * objects in locals, stops after an object closes, at something that is not an object, at a
     * newline or at {@code limit}, and keeps the scanned bytes in one copy.
     *
     * @return the index after the last byte taken
     */
    private int scan(byte[] buf, int from, int limit, List<RawRecord> out) {
        int nesting = depth;
        boolean quoted = inString;
        boolean afterBackslash = escaped;
        boolean closed = false;
        boolean unexpected = false;
        int i = from;
        while (i < limit) {
            byte b = buf[i];
            if (b == '\n') {
                break;
            }
            i++;
            if (quoted) {
                if (afterBackslash) {
                    afterBackslash = false;
                } else if (b == '\\') {
                    afterBackslash = true;
                } else if (b == '"') {
                    quoted = false;
                }
            } else if (nesting > 0) {
                if (b == '"') {
                    quoted = true;
                } else if (b == '{' || b == '[') {
                    nesting++;
                } else if ((b == '}' || b == ']') && --nesting == 0) {
                    closed = true;
                    break;
                }
            } else if (!sawContent && bomMatched < BOM.length && (b & 0xFF) == BOM[bomMatched]) {
                bomMatched++;
            } else if (b != ' ' && b != '\t' && b != '\r') {
                sawContent = true;
                if (b == '{' && (bomMatched == 0 || bomMatched == BOM.length)) {
                    nesting = 1;
                    objectStart = lineLen + (i - 1 - from);
                } else {
                    unexpected = true;
                    break;
                }
            }
        }
        keep(buf, from, i - from);
        lineTotal += i - from;
        depth = nesting;
        inString = quoted;
        escaped = afterBackslash;
        if (closed) {
            addObject(objectStart, lineLen);
            objectStart = -1;
        } else if (unexpected) {
            unexpected(buf[i - 1] & 0xFF, out);
        }
        return i;
    }

    /** A byte that cannot start an object: the line is malformed from here, or as a whole. */
    private void unexpected(int c, List<RawRecord> out) {
        String unexpected = "unexpected " + describe(c) + " at top level, byte " + lineTotal + " of the line: only JSON objects are accepted";
        if (released) {
            String error = releaseObjects(objectCount, out, false);
            if (error == null) {
                cut(lineLen - 1);
            }
            malformed(error != null ? error : unexpected);
        } else {
            malformed(unexpected);
        }
    }

    /** Once the line is judged: counts the rest up to the newline, keeping only what a failure shows. */
    private int skipToNewline(byte[] buf, int from, int to) {
        int i = from;
        while (i < to && buf[i] != '\n') {
            i++;
        }
        int shown = Math.min(i - from, Math.max(0, maxRawBytes - lineLen));
        keep(buf, from, shown);
        lineTotal += i - from;
        return i;
    }

    /** Ends line {@code lineNumber}: releases its objects or emits its failure. */
    void endLine(long lineNumber, List<RawRecord> out) {
        this.lineNumber = lineNumber;
        endLine(out);
    }

    /** Emits what is kept of the current line as the unreadable rest of the object. */
    void unreadable(long lineNumber, List<RawRecord> out, Throwable cause) {
        int keep = Math.min(lineLen, maxRawBytes);
        out.add(RawRecord.failure(FailureType.UNREADABLE_OBJECT,
                "object unreadable from line " + lineNumber + " on: " + cause,
                Arrays.copyOf(line, keep), Math.max(lineTotal, keep), sourceFile, lineNumber));
    }

    /** Size of the line buffer: the splitter's memory, bounded by the maximum record size. */
    int bufferCapacity() {
        return line.length;
    }

    private void endLine(List<RawRecord> out) {
        if (lineTotal == 0) {
            return;
        }
        if (mode == Mode.NORMAL) {
            boolean unclosed = depth > 0 || inString;
            if (released) {
                // Part of this long line is already out: judge the rest record by record.
                String error = releaseObjects(objectCount, out, false);
                if (error != null) {
                    malformed(error);
                } else if (unclosed) {
                    cut(objectStart);
                    malformed("unclosed JSON object at end of line");
                }
            } else if (unclosed) {
                malformed("unclosed JSON object at end of line");
            } else {
                String error = releaseObjects(objectCount, out, true);
                if (error != null) {
                    malformed(error);
                }
            }
        }
        if (mode == Mode.MALFORMED) {
            out.add(failure(FailureType.MALFORMED_JSON, problem));
        } else if (mode == Mode.OVERSIZED) {
            out.add(failure(FailureType.OVERSIZED_RECORD, problem + " (line of " + lineTotal + " bytes)"));
        }
        resetLine();
    }

    /** The buffer is full: release finished objects, or give up on the one that does not fit. */
    private void overflow(List<RawRecord> out) {
        released = true;
        String error = releaseObjects(objectCount, out, false);
        if (error != null) {
            malformed(error + " (in a line longer than input.max-record-bytes, judged record by record)");
            return;
        }
        if (objectStart > 0) {
            int keep = lineLen - objectStart;
            System.arraycopy(line, objectStart, line, 0, keep);
            lineLen = keep;
            objectStart = 0;
        } else if (objectStart < 0) {
            lineLen = 0;
        }
        objectCount = 0;
        if (objectStart == 0 && lineLen >= maxRecordBytes) {
            mode = Mode.OVERSIZED;
            problem = "record exceeds input.max-record-bytes (" + maxRecordBytes + " bytes)";
        }
    }

    /**
     * Validates the first {@code count} objects and, when all are valid (or {@code atomic} is
     * false), emits them. Returns the first syntax error, or null.
     *
     * <p>A lone object on its line needs no check here: nothing else can spoil its line, and the
     * parser downstream rejects bad syntax with the same result. Only its {@code event_id} is
     * needed, for routing, and a direct scan finds it far cheaper than a parser.
     */
    private String releaseObjects(int count, List<RawRecord> out, boolean atomic) {
        if (count == 1 && atomic) {
            EventKey key = quickEventKey(objects[0], objects[1]);
            if (key != null) {
                emit(1, new EventKey[] {key}, out);
                return null;
            }
        }
        EventKey[] keys = new EventKey[count];
        for (int i = 0; i < count; i++) {
            try {
                String id = validate(objects[2 * i], objects[2 * i + 1]);
                keys[i] = id == null ? null : EventKey.of(id);
            } catch (IOException e) {
                if (!atomic) {
                    emit(i, keys, out);
                    cut(objects[2 * i]);
                }
                return "invalid JSON: " + oneLine(e);
            }
        }
        emit(count, keys, out);
        return null;
    }

    private void emit(int count, EventKey[] keys, List<RawRecord> out) {
        for (int i = 0; i < count; i++) {
            byte[] json = Arrays.copyOfRange(line, objects[2 * i], objects[2 * i + 1]);
            out.add(RawRecord.record(json, keys[i], sourceFile, sourceFileUtf8, lineNumber));
        }
    }

    /** Drops everything before {@code from}, so the raw text of a failure starts at the failure. */
    private void cut(int from) {
        System.arraycopy(line, from, line, 0, lineLen - from);
        lineLen -= from;
        objectCount = 0;
    }

    private static final byte[] EVENT_ID_KEY = "\"event_id\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * The key of the first top-level {@code "event_id"} when it is a plain string (no escapes), or
     * null when that is not certain, in which case the caller falls back to a full parse.
     */
    private EventKey quickEventKey(int start, int end) {
        int depth = 0;
        boolean quoted = false;
        for (int i = start; i < end; i++) {
            byte b = line[i];
            if (quoted) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    quoted = false;
                }
                continue;
            }
            if (b == '{' || b == '[') {
                depth++;
            } else if (b == '}' || b == ']') {
                depth--;
            } else if (b == '"') {
                if (depth == 1 && matches(i, end, EVENT_ID_KEY)) {
                    return plainStringKey(i + EVENT_ID_KEY.length, end);
                }
                quoted = true;
            }
        }
        return null;
    }

    private boolean matches(int at, int end, byte[] pattern) {
        if (at + pattern.length > end) {
            return false;
        }
        for (int k = 0; k < pattern.length; k++) {
            if (line[at + k] != pattern[k]) {
                return false;
            }
        }
        return true;
    }

    /** Reads {@code : "value"} after a key; null unless it is a plain ASCII string without escapes. */
    private EventKey plainStringKey(int i, int end) {
        while (i < end && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }
        if (i >= end || line[i] != ':') {
            return null;
        }
        i++;
        while (i < end && (line[i] == ' ' || line[i] == '\t')) {
            i++;
        }
        if (i >= end || line[i] != '"') {
            return null;
        }
        int from = ++i;
        while (i < end && line[i] != '"') {
            if (line[i] == '\\' || line[i] < 0x20) {
                return null;
            }
            i++;
        }
        return i < end ? EventKey.of(line, from, i) : null;
    }

    /** Checks the syntax of one object and returns its top-level {@code event_id}, if any. */
    private String validate(int start, int end) throws IOException {
        String eventId = null;
        try (JsonParser p = JSON.createParser(line, start, end - start)) {
            p.nextToken();
            JsonToken t;
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
                    p.skipChildren();
                } else if (value == JsonToken.VALUE_STRING && name.equals("event_id")) {
                    eventId = p.getText();
                }
            }
            if (t != JsonToken.END_OBJECT || p.nextToken() != null) {
                throw new JsonProcessingException("not a single JSON object") { };
            }
        }
        return eventId;
    }

    private void malformed(String message) {
        mode = Mode.MALFORMED;
        problem = message;
    }

    private RawRecord failure(FailureType type, String message) {
        int keep = Math.min(lineLen, maxRawBytes);
        return RawRecord.failure(type, message, Arrays.copyOf(line, keep), lineTotal, sourceFile, lineNumber);
    }

    private void addObject(int start, int end) {
        if (2 * objectCount + 2 > objects.length) {
            objects = Arrays.copyOf(objects, objects.length * 2);
        }
        objects[2 * objectCount] = start;
        objects[2 * objectCount + 1] = end;
        objectCount++;
    }

    private void keep(byte[] buf, int from, int count) {
        if (lineLen + count > line.length) {
            line = Arrays.copyOf(line, Math.min(Math.max(line.length * 2, lineLen + count), Math.max(maxRecordBytes, maxRawBytes) + 1));
        }
        System.arraycopy(buf, from, line, lineLen, count);
        lineLen += count;
    }

    private void resetLine() {
        lineLen = 0;
        lineTotal = 0;
        mode = Mode.NORMAL;
        problem = null;
        depth = 0;
        inString = false;
        escaped = false;
        objectStart = -1;
        objectCount = 0;
        bomMatched = 0;
        sawContent = false;
        released = false;
        if (line.length > 1 << 20) {
            line = new byte[4096];
        }
    }

    private static String describe(int c) {
        return c >= 0x20 && c < 0x7F ? "'" + (char) c + "'" : String.format(Locale.ROOT, "byte 0x%02X", c);
    }

    private static String oneLine(IOException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int cut = m.indexOf('\n');
        return cut < 0 ? m : m.substring(0, cut);
    }
}
