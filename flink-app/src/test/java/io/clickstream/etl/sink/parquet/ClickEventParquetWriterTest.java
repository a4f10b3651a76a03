package io.clickstream.etl.sink.parquet;

import io.clickstream.etl.model.ClickEvent;

import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.SeekableInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lake writer against parquet-mr's own record writer ({@link ReferenceParquetWriter}) on the
 * same events: same rows (read by DuckDB and by parquet-mr's reader with page checksums verified),
 * same statistics, with many pages, row groups and dictionary fallbacks on the way.
 */
class ClickEventParquetWriterTest {

    private static final String[] WORDS = {"shoes", "Schuhe", "chaussures été", "zapatos", "靴", "ботинки", "👟 sneakers",
            "Zebra", "apple", "éclair", "", "a\tb", "quote\"s", "back\\slash"};

    @TempDir
    Path dir;

    @Test
    void writesTheSameRowsAsParquetMrAcrossPagesRowGroupsAndDictionaryFallbacks() throws Exception {
        List<ClickEvent> events = events(30_000, 7);
        // Small pages, row groups and dictionaries: hundreds of pages, several row groups, and
        // dictionaries that fall back to PLAIN mid row group (product_name) or from the start (city).
        Path written = write(events, 1 << 20, 8 << 10, 16 << 10);
        Path reference = reference(events, 64 << 20, 1 << 20);

        assertThat(differences(written, reference)).isZero();
        assertThat(differences(reference, written)).isZero();
        assertThat(parquetMrRows(written)).isEqualTo(parquetMrRows(reference)).hasSize(events.size());

        ParquetMetadata footer = footer(written);
        assertThat(footer.getBlocks()).hasSizeGreaterThan(2);
        assertThat(footer.getBlocks()).anySatisfy(block ->
                assertThat(column(block, "product_name").getEncodings()).contains(Encoding.PLAIN_DICTIONARY, Encoding.PLAIN));
        assertThat(footer.getBlocks()).allSatisfy(block ->
                assertThat(column(block, "city").getEncodings()).contains(Encoding.PLAIN).doesNotContain(Encoding.PLAIN_DICTIONARY));
        ColumnChunkMetaData eventType = column(footer.getBlocks().get(0), "event_type");
        assertThat(eventType.getEncodings()).contains(Encoding.PLAIN_DICTIONARY).doesNotContain(Encoding.PLAIN);
        assertThat(column(footer.getBlocks().get(0), "event_id").getEncodings()).contains(Encoding.PLAIN).doesNotContain(Encoding.PLAIN_DICTIONARY);
        try (ParquetFileReader reader = reader(written)) {
            assertThat(reader.readOffsetIndex(column(footer.getBlocks().get(0), "page_url")).getPageCount()).isGreaterThan(5);
            assertThat(reader.readColumnIndex(eventType)).isNotNull();
        }
    }

    @Test
    void statisticsAndNullCountsMatchParquetMr() throws Exception {
        List<ClickEvent> events = events(20_000, 11);
        ParquetMetadata written = footer(write(events, 64 << 20, 1 << 20, 1 << 20));
        ParquetMetadata reference = footer(reference(events, 64 << 20, 1 << 20));

        assertThat(written.getBlocks()).hasSize(1);
        assertThat(reference.getBlocks()).hasSize(1);
        BlockMetaData ours = written.getBlocks().get(0);
        BlockMetaData theirs = reference.getBlocks().get(0);
        assertThat(ours.getRowCount()).isEqualTo(events.size());
        for (ColumnDescriptor c : ClickEventParquetWriter.SCHEMA.getColumns()) {
            String path = String.join(".", c.getPath());
            ColumnChunkMetaData a = column(ours, c.getPath());
            ColumnChunkMetaData b = column(theirs, c.getPath());
            assertThat(a.getValueCount()).as(path).isEqualTo(b.getValueCount());
            assertThat(a.getStatistics()).as(path).isEqualTo(b.getStatistics());
            assertThat(a.getEncodings()).as(path).containsExactlyInAnyOrderElementsOf(b.getEncodings());
            // Same encodings and values: sizes within a few percent (run boundaries differ slightly).
            assertThat((double) a.getTotalSize()).as(path).isCloseTo(b.getTotalSize(), org.assertj.core.data.Percentage.withPercentage(25));
        }
        // Strings are ordered by unsigned UTF-8 bytes, as Parquet's spec requires.
        assertThat(column(ours, "product_category").getStatistics().maxAsString()).isEqualTo("👟 sneakers");
    }

    @Test
    void anEventMissingARequiredValueIsRejectedWholeAndTheFileStaysValid() throws Exception {
        List<ClickEvent> events = events(3, 3);
        ClickEvent bad = events(1, 4).get(0);
        bad.eventType = null;
        Path file = dir.resolve("x.parquet");
        try (FSDataOutputStream out = stream(file)) {
            BulkWriter<ClickEvent> writer = new ClickEventParquetWriter.Factory(1 << 20, 1 << 20).create(out);
            writer.addElement(events.get(0));
            assertThatThrownBy(() -> writer.addElement(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("event_type");
            writer.addElement(events.get(1));
            writer.addElement(events.get(2));
            writer.finish();
        }
        assertThat(parquetMrRows(file)).isEqualTo(parquetMrRows(reference(events, 1 << 20, 1 << 20)));
    }

    @Test
    void anEmptyFileIsAValidParquetFileWithNoRows() throws Exception {
        Path file = dir.resolve("empty.parquet");
        try (FSDataOutputStream out = stream(file)) {
            new ClickEventParquetWriter.Factory(1 << 20, 1 << 20).create(out).finish();
        }
        assertThat(footer(file).getBlocks()).isEmpty();
        assertThat(parquetMrRows(file)).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------

    /** Enriched events with every column's shapes: nulls, unicode, maps with null values, extremes. */
    static List<ClickEvent> events(int n, long seed) {
        Random random = new Random(seed);
        List<ClickEvent> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ClickEvent e = new ClickEvent();
            e.eventId = new UUID(random.nextLong(), random.nextLong()).toString();
            e.eventType = pick(random, "page_view", "search", "add_to_cart", "purchase");
            e.eventTimestamp = 1_764_000_000_000L + random.nextInt(400_000_000) - (i % 97 == 0 ? 2_000_000_000_000L : 0);
            e.eventDate = (int) Math.floorDiv(e.eventTimestamp, 86_400_000L);
            e.hour = random.nextInt(24);
            e.dayOfWeek = pick(random, "Monday", "Tuesday", "Sunday");
            e.userId = maybe(random, 0.2, "u-" + random.nextInt(5_000));
            e.sessionId = maybe(random, 0.1, UUID.randomUUID().toString());
            e.pageUrl = maybe(random, 0.05, "https://shop.example.com/p/" + random.nextInt(100_000) + "?q=" + pick(random, WORDS));
            e.pageHost = maybe(random, 0.05, pick(random, "shop.example.com", "m.example.com"));
            e.pagePath = maybe(random, 0.05, "/p/" + random.nextInt(1_000));
            e.referrerHost = maybe(random, 0.6, pick(random, "www.google.com", "t.co", "bücher.example"));
            e.utmSource = maybe(random, 0.8, pick(random, "google", "newsletter"));
            e.utmMedium = maybe(random, 0.8, pick(random, "cpc", "email"));
            e.utmCampaign = maybe(random, 0.8, "spring-" + random.nextInt(5));
            e.utmTerm = maybe(random, 0.95, pick(random, WORDS));
            e.utmContent = maybe(random, 0.95, "");
            e.productId = maybe(random, 0.5, "P" + random.nextInt(300));
            // Stretches of a few names, then of near-unique ones: a dictionary worth starting that
            // outgrows a small dictionary page later in the row group.
            e.productName = maybe(random, 0.5, i % 4_000 < 2_000 ? pick(random, WORDS) : pick(random, WORDS) + " #" + random.nextInt(1_000_000));
            e.productCategory = maybe(random, 0.5, pick(random, WORDS));
            e.productPriceCents = random.nextInt(10) == 0 ? null : (long) random.nextInt(1_000_000) - 10;
            e.revenueCents = random.nextInt(4) == 0 ? random.nextInt(5_000_000) : 0;
            e.quantity = random.nextInt(3) == 0 ? null : random.nextInt(5) - 1;
            e.searchQuery = maybe(random, 0.7, pick(random, WORDS) + " " + random.nextInt(100));
            e.searchResultsCount = random.nextBoolean() ? null : (i % 501 == 0 ? Integer.MIN_VALUE : random.nextInt(400));
            e.deviceType = maybe(random, 0.1, pick(random, "desktop", "mobile", "tablet"));
            e.browser = maybe(random, 0.1, pick(random, "Chrome", "Firefox", "Safari"));
            e.browserVersion = maybe(random, 0.1, random.nextInt(130) + "." + random.nextInt(3));
            e.os = maybe(random, 0.1, pick(random, "Windows", "iOS", "Android"));
            e.isBot = random.nextInt(20) == 0;
            e.country = maybe(random, 0.3, pick(random, "DE", "FR", "US"));
            e.city = maybe(random, 0.3, "city-" + random.nextInt(50_000));
            e.emailHash = maybe(random, 0.7, Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
            e.ipAddressHash = maybe(random, 0.7, Long.toHexString(random.nextLong()));
            e.userIdHash = null;
            e.extra = extra(random);
            e.sourceFile = "s3://raw/2026/11/2" + (i / 5_000) + "/clickstream-" + (i / 1_000) + ".gz";
            e.ingestedAt = 1_764_500_000_000L + i;
            events.add(e);
        }
        return events;
    }

    private static Map<String, String> extra(Random random) {
        switch (random.nextInt(5)) {
            case 0:
                return null;
            case 1:
                return new LinkedHashMap<>();
            default:
                Map<String, String> extra = new LinkedHashMap<>();
                int entries = 1 + random.nextInt(3);
                for (int i = 0; i < entries; i++) {
                    extra.put(pick(random, "ab_test", "campaign", "größe", "nested"), random.nextInt(4) == 0 ? null : pick(random, WORDS));
                }
                return extra;
        }
    }

    private static String maybe(Random random, double nullShare, String value) {
        return random.nextDouble() < nullShare ? null : value;
    }

    private static String pick(Random random, String... values) {
        return values[random.nextInt(values.length)];
    }

    private Path write(List<ClickEvent> events, long rowGroupBytes, int pageBytes, int dictionaryPageBytes) throws IOException {
        Path file = Files.createTempFile(dir, "written-", ".parquet");
        try (FSDataOutputStream out = stream(file)) {
            BulkWriter<ClickEvent> writer = new ClickEventParquetWriter.Factory(rowGroupBytes, pageBytes, dictionaryPageBytes).create(out);
            for (ClickEvent event : events) {
                writer.addElement(event);
            }
            writer.flush();
            writer.finish();
        }
        return file;
    }

    private Path reference(List<ClickEvent> events, long rowGroupBytes, int pageBytes) throws IOException {
        Path file = Files.createTempFile(dir, "reference-", ".parquet");
        ReferenceParquetWriter.write(new LocalOutputFile(file), events, rowGroupBytes, pageBytes);
        return file;
    }

    private static FSDataOutputStream stream(Path file) throws IOException {
        return FileSystem.getLocalFileSystem().create(new org.apache.flink.core.fs.Path(file.toUri()), FileSystem.WriteMode.OVERWRITE);
    }

    /** Rows of {@code a} that {@code b} lacks, counting duplicates, as DuckDB reads both. */
    private static long differences(Path a, Path b) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*) FROM (SELECT * FROM read_parquet('" + a + "') EXCEPT ALL SELECT * FROM read_parquet('" + b + "'))")) {
            r.next();
            return r.getLong(1);
        }
    }

    /** Every record as parquet-mr's example reader renders it, page checksums verified. */
    private static List<String> parquetMrRows(Path file) throws IOException {
        List<String> rows = new ArrayList<>();
        try (ParquetFileReader reader = reader(file)) {
            PageReadStore rowGroup;
            while ((rowGroup = reader.readNextRowGroup()) != null) {
                RecordReader<Group> records = new ColumnIOFactory().getColumnIO(ClickEventParquetWriter.SCHEMA)
                        .getRecordReader(rowGroup, new GroupRecordConverter(ClickEventParquetWriter.SCHEMA));
                for (long i = 0; i < rowGroup.getRowCount(); i++) {
                    rows.add(records.read().toString());
                }
            }
        }
        return rows;
    }

    private static ParquetFileReader reader(Path file) throws IOException {
        return ParquetFileReader.open(new BytesInputFile(Files.readAllBytes(file)),
                ParquetReadOptions.builder().usePageChecksumVerification(true).build());
    }

    private static ParquetMetadata footer(Path file) throws IOException {
        try (ParquetFileReader reader = reader(file)) {
            return reader.getFooter();
        }
    }

    private static ColumnChunkMetaData column(BlockMetaData block, String... path) {
        return block.getColumns().stream()
                .filter(c -> c.getPath().toDotString().equals(String.join(".", path)))
                .findFirst().orElseThrow();
    }

    /** A local file as parquet-mr's output file, for the reference writer. */
    private static final class LocalOutputFile implements OutputFile {
        private final Path file;

        LocalOutputFile(Path file) {
            this.file = file;
        }

        @Override
        public PositionOutputStream create(long blockSizeHint) throws IOException {
            OutputStream out = Files.newOutputStream(file);
            return new PositionOutputStream() {
                private long position;

                @Override
                public long getPos() {
                    return position;
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    position++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    position += len;
                }

                @Override
                public void close() throws IOException {
                    out.close();
                }
            };
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
            return create(blockSizeHint);
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }
    }

    /** A file's bytes as parquet-mr's input file. */
    private static final class BytesInputFile implements InputFile {
        private final byte[] bytes;

        BytesInputFile(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public long getLength() {
            return bytes.length;
        }

        @Override
        public SeekableInputStream newStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(bytes);
            return new DelegatingSeekableInputStream(in) {
                @Override
                public long getPos() {
                    return bytes.length - in.available();
                }

                @Override
                public void seek(long newPos) {
                    in.reset();
                    in.skip(newPos);
                }
            };
        }
    }
}
