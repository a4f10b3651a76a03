package io.clickstream.etl.source;

import io.clickstream.etl.model.EventKey;
import io.clickstream.etl.model.FailureType;
import io.clickstream.etl.model.RawRecord;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static io.clickstream.etl.TestEvents.pageView;
import static io.clickstream.etl.TestEvents.uuid;
import static org.assertj.core.api.Assertions.assertThat;

class RecordFramerTest {

    private static final int MAX = 64 * 1024;
    private static final int RAW = 1024;

    @Test
    void newlineDelimitedRecordsKeepTheirLineNumbersAndIds() throws IOException {
        List<RawRecord> out = frame(pageView(uuid(1)) + "\n" + pageView(uuid(2)) + "\n\n" + pageView(uuid(3)) + "\n");
        assertThat(out).extracting(r -> r.key.toString()).containsExactly(uuid(1), uuid(2), uuid(3));
        assertThat(out).extracting(r -> r.lineNumber).containsExactly(1L, 2L, 4L);
        assertThat(out).allMatch(r -> r.failure == null);
        assertThat(text(out.get(0))).isEqualTo(pageView(uuid(1)));
    }

    @Test
    void backToBackAndMixedRecordsAreSplit() throws IOException {
        List<RawRecord> out = frame(pageView(uuid(1)) + pageView(uuid(2)) + "  " + pageView(uuid(3)) + "\n" + pageView(uuid(4)));
        assertThat(out).extracting(r -> r.key.toString()).containsExactly(uuid(1), uuid(2), uuid(3), uuid(4));
        assertThat(out).extracting(r -> r.lineNumber).containsExactly(1L, 1L, 1L, 2L);
        assertThat(text(out.get(1))).isEqualTo(pageView(uuid(2)));
    }

    @Test
    void braceInsideStringsAndEscapedQuotesDoNotConfuseFraming() throws IOException {
        String tricky = "{\"event_id\":\"" + uuid(1) + "\",\"q\":\"a } { \\\" [ ] \\\\\"}";
        List<RawRecord> out = frame(tricky + tricky.replace(uuid(1), uuid(2)));
        assertThat(out).extracting(r -> r.key.toString()).containsExactly(uuid(1), uuid(2));
        assertThat(text(out.get(0))).isEqualTo(tricky);
    }

    @Test
    void theRoutingKeyIsTheTopLevelEventIdAlsoWhenNestedOnesComeFirst() throws IOException {
        List<RawRecord> out = frame("{\"x\":{\"event_id\":\"nested\"},\"s\":\"\\\"event_id\\\":\",\"event_id\" : \"top\"}\n"
                + "{\"event_id\":\"with \\\" escape\"}\n"
                + "{\"event_id\":42}\n");
        assertThat(out).extracting(r -> r.key)
                .containsExactly(EventKey.of("top"), EventKey.of("with \" escape"), EventKey.of("~s3://raw/obj.gz#3"));
    }

    @Test
    void aLoneObjectIsLeftToTheParserToJudge() throws IOException {
        // Nothing else shares its line, so the framer only routes it; parsing rejects the syntax downstream.
        String broken = "{\"event_id\":\"" + uuid(1) + "\",\"event_type\":,}";
        List<RawRecord> out = frame(broken + "\n" + broken + pageView(uuid(2)) + "\n");
        assertThat(out).hasSize(2);
        assertThat(out.get(0).failure).isNull();
        assertThat(out.get(0).key.toString()).isEqualTo(uuid(1));
        assertThat(text(out.get(0))).isEqualTo(broken);
        assertThat(out.get(1).failure).as("shared with another object, the line is judged here").isEqualTo(FailureType.MALFORMED_JSON);
    }

    @Test
    void aLineWithTrailingGarbageIsMalformedAsAWhole() throws IOException {
        String line = pageView(uuid(1)) + pageView(uuid(2)) + " trailing";
        List<RawRecord> out = frame(line + "\n" + pageView(uuid(3)));
        assertThat(out).hasSize(2);
        assertThat(out.get(0).failure).isEqualTo(FailureType.MALFORMED_JSON);
        assertThat(out.get(0).failureMessage).contains("unexpected 't'");
        assertThat(text(out.get(0))).isEqualTo(line);
        assertThat(out.get(1).key.toString()).isEqualTo(uuid(3));
    }

    @Test
    void aSyntaxErrorInOneObjectSpoilsItsWholeLine() throws IOException {
        String line = pageView(uuid(1)) + "{\"event_id\":,\"x\":1}";
        List<RawRecord> out = frame(line);
        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.failure).isEqualTo(FailureType.MALFORMED_JSON);
            assertThat(r.failureMessage).startsWith("invalid JSON");
            assertThat(text(r)).isEqualTo(line);
        });
    }

    @Test
    void unclosedObjectsBareArraysStringsAndNumbersAreMalformed() throws IOException {
        List<RawRecord> out = frame("{\"event_id\":\"x\"\n[1,2]\n\"just text\"\n42\n{\"a\":[1}\n{\"a\":1,\"a\":2}");
        assertThat(out).hasSize(6).allMatch(r -> r.failure == FailureType.MALFORMED_JSON);
        assertThat(out.get(0).failureMessage).contains("unclosed");
        assertThat(out.get(1).failureMessage).contains("'['");
        assertThat(out.get(5).failureMessage).contains("Duplicate field");
        assertThat(out).extracting(r -> r.lineNumber).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    }

    @Test
    void byteOrderMarkAndCrlfLineEndsAreAccepted() throws IOException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        String body = pageView(uuid(1)) + "\r\n" + pageView(uuid(2)) + "\r\n";
        byte[] bytes = concat(bom, body.getBytes(StandardCharsets.UTF_8));
        List<RawRecord> out = frame(new ByteArrayInputStream(bytes), MAX);
        assertThat(out).extracting(r -> r.key.toString()).containsExactly(uuid(1), uuid(2));
        assertThat(text(out.get(1))).isEqualTo(pageView(uuid(2)));
    }

    @Test
    void deeplyNestedJsonIsMalformedNotAStackOverflow() throws IOException {
        String deep = "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000);
        List<RawRecord> out = frame(deep + "\n" + pageView(uuid(1)), 1 << 20);
        assertThat(out.get(0).failure).isEqualTo(FailureType.MALFORMED_JSON);
        assertThat(out.get(0).failureMessage).containsIgnoringCase("nesting");
        assertThat(out.get(1).key.toString()).isEqualTo(uuid(1));
    }

    @Test
    void aFiftyMegabyteLineWithoutNewlineIsOneOversizedRecordAndMemoryStaysBounded() throws IOException {
        long size = 50L << 20;
        String prefix = "{\"event_id\":\"" + uuid(1) + "\",\"blob\":\"";
        InputStream huge = new RepeatingStream(prefix, 'a', size);
        RecordFramer framer = new RecordFramer(huge, "s3://raw/big", MAX, RAW);
        List<RawRecord> out = new ArrayList<>();
        while (framer.advance(out)) {
            assertThat(framer.bufferCapacity()).isLessThanOrEqualTo(MAX + 1);
        }
        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.failure).isEqualTo(FailureType.OVERSIZED_RECORD);
            assertThat(r.bytes).hasSize(RAW);
            assertThat(r.originalSize).isEqualTo(size + prefix.length());
            assertThat(r.isTruncated()).isTrue();
            assertThat(text(r)).startsWith("{\"event_id\":\"" + uuid(1));
        });
    }

    @Test
    void anOversizedRecordIsSkippedAndReadingCarriesOn() throws IOException {
        String big = "{\"event_id\":\"" + uuid(9) + "\",\"blob\":\"" + "b".repeat(2 * MAX) + "\"}";
        List<RawRecord> out = frame(pageView(uuid(1)) + "\n" + big + "\n" + pageView(uuid(2)) + "\n");
        assertThat(out).hasSize(3);
        assertThat(out.get(0).key.toString()).isEqualTo(uuid(1));
        assertThat(out.get(1).failure).isEqualTo(FailureType.OVERSIZED_RECORD);
        assertThat(out.get(1).lineNumber).isEqualTo(2);
        assertThat(out.get(2).key.toString()).isEqualTo(uuid(2));
    }

    @Test
    void aLongRunOfBackToBackRecordsIsReleasedRecordByRecord() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            line.append(pageView(uuid(i)));
        }
        assertThat(line.length()).isGreaterThan(4 * MAX);
        List<RawRecord> out = frame(line + " garbage after many records");
        assertThat(out).hasSize(2001);
        assertThat(out.subList(0, 2000)).allMatch(r -> r.failure == null);
        assertThat(out.get(1999).key.toString()).isEqualTo(uuid(1999));
        assertThat(out.get(2000).failure).isEqualTo(FailureType.MALFORMED_JSON);
        assertThat(text(out.get(2000))).doesNotContain(uuid(0));
    }

    @Test
    void emptyInputYieldsNothing() throws IOException {
        RecordFramer framer = new RecordFramer(new ByteArrayInputStream(new byte[0]), "f", MAX, RAW);
        List<RawRecord> out = new ArrayList<>();
        assertThat(framer.advance(out)).isFalse();
        assertThat(out).isEmpty();
        assertThat(framer.lineCount()).isZero();
    }

    @Test
    void binaryGarbageBecomesMalformedLines() throws IOException {
        byte[] garbage = {0x01, (byte) 0xFF, (byte) 0xFE, 0x00, '\n', 0x7F, 0x02, '\n', ' ', '\r', '\n'};
        List<RawRecord> out = frame(new ByteArrayInputStream(garbage), MAX);
        assertThat(out).hasSize(2).allMatch(r -> r.failure == FailureType.MALFORMED_JSON);
        assertThat(out).extracting(r -> r.lineNumber).containsExactly(1L, 2L);
    }

    @Test
    void framingDoesNotDependOnHowTheStreamIsChunked() throws IOException {
        // Whole reads let the framer copy long runs at once; one to three bytes per read force it
        // through its byte-by-byte path. Both must cut every kind of line identically.
        String[] pieces = {
            pageView(uuid(1)), pageView(uuid(2)) + pageView(uuid(3)), "{\"event_id\":\"" + uuid(4) + "\",\"q\":\"a } { \\\" [ ] \\\\\"}",
            "{\"event_id\":\"" + uuid(5) + "\",\"nested\":{\"a\":[1,{\"b\":\"}\"}]}}", "not json", "{\"event_id\":\"x\"} trailing",
            "{\"unclosed\":\"" + "y".repeat(50), "{\"event_id\":\"" + uuid(6) + "\",\"long\":\"" + "z".repeat(400) + "\"}", "  ", "\r",
            "\uFEFF" + pageView(uuid(7)), "{\"a\":\"\\\\\"}{\"event_id\":\"" + uuid(8) + "\"}", "{\"s\":\"\\\"}\"}"};
        java.util.Random random = new java.util.Random(11);
        for (int round = 0; round < 200; round++) {
            StringBuilder content = new StringBuilder();
            for (int line = 0; line < 12; line++) {
                int parts = 1 + random.nextInt(3);
                for (int k = 0; k < parts; k++) {
                    content.append(pieces[random.nextInt(pieces.length)]);
                }
                content.append(random.nextInt(4) == 0 ? "\r\n" : "\n");
            }
            byte[] bytes = content.toString().getBytes(StandardCharsets.UTF_8);
            int max = 200 + random.nextInt(600);
            List<RawRecord> whole = frame(new ByteArrayInputStream(bytes), max);
            List<RawRecord> trickled = frame(new TrickleStream(bytes, random.nextLong()), max);
            assertThat(describe(trickled)).as("round %d", round).isEqualTo(describe(whole));
        }
    }

    private static List<String> describe(List<RawRecord> records) {
        List<String> out = new ArrayList<>();
        for (RawRecord r : records) {
            out.add(r.lineNumber + "|" + r.key + "|" + r.failure + "|" + r.failureMessage + "|" + r.originalSize + "|" + text(r));
        }
        return out;
    }

    /** Hands out one to three bytes per read. */
    static final class TrickleStream extends InputStream {
        private final byte[] bytes;
        private final java.util.Random random;
        private int pos;

        TrickleStream(byte[] bytes, long seed) {
            this.bytes = bytes;
            this.random = new java.util.Random(seed);
        }

        @Override
        public int read() {
            return pos < bytes.length ? bytes[pos++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, 1 + random.nextInt(3)), bytes.length - pos);
            System.arraycopy(bytes, pos, b, off, n);
            pos += n;
            return n;
        }
    }

    static List<RawRecord> frame(String content) throws IOException {
        return frame(content, MAX);
    }

    static List<RawRecord> frame(String content, int max) throws IOException {
        return frame(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)), max);
    }

    static List<RawRecord> frame(InputStream in, int max) throws IOException {
        RecordFramer framer = new RecordFramer(in, "s3://raw/obj.gz", max, RAW);
        List<RawRecord> out = new ArrayList<>();
        while (framer.advance(out)) {
            // keep reading
        }
        return out;
    }

    static String text(RawRecord r) {
        return new String(r.bytes, StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] c = new byte[a.length + b.length];
        System.arraycopy(a, 0, c, 0, a.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** A prefix followed by {@code count} copies of one byte, generated on the fly. */
    static final class RepeatingStream extends InputStream {
        private final byte[] prefix;
        private final byte fill;
        private final long total;
        private long pos;

        RepeatingStream(String prefix, char fill, long count) {
            this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
            this.fill = (byte) fill;
            this.total = this.prefix.length + count;
        }

        @Override
        public int read() {
            if (pos >= total) {
                return -1;
            }
            int b = pos < prefix.length ? prefix[(int) pos] & 0xFF : fill;
            pos++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (pos >= total) {
                return -1;
            }
            int n = (int) Math.min(len, total - pos);
            for (int i = 0; i < n; i++) {
                b[off + i] = pos < prefix.length ? prefix[(int) pos] : fill;
                pos++;
            }
            return n;
        }
    }
}
