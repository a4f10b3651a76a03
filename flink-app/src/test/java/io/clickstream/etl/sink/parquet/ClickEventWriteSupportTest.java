package io.clickstream.etl.sink.parquet;

import io.clickstream.etl.model.ClickEvent;
import io.clickstream.etl.sink.LakeLedger;

import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.connector.file.sink.compactor.RecordWiseFileCompactor;
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
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.io.SeekableInputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lake file as flink-parquet's {@code ParquetWriterFactory} and parquet-mr write it through
 * {@link ClickEventWriteSupport}: every value of varied events read back raw by parquet-mr's own
 * reader (page checksums verified) and by DuckDB, with the footer the lake promises (Snappy, INT64
 * UTC millisecond timestamps, decimals, no INT96, dictionaries only where they pay, statistics).
 */
class ClickEventWriteSupportTest {

    private static final String[] WORDS = {"shoes", "Schuhe", "chaussures été", "zapatos", "靴", "ботинки", "👟 sneakers",
            "Zebra", "apple", "éclair", "", "a\tb", "quote\"s", "back\\slash"};

    @TempDir
    Path dir;

    @Test
    void everyValueReadsBackAsWrittenAcrossPagesAndRowGroups() throws Exception {
        List<ClickEvent> events = events(30_000, 7);
        Path file = write(events, 1 << 20, 8 << 10);

        List<Group> rows = parquetMrRows(file);
        assertThat(rows).hasSize(events.size());
        for (int i = 0; i < events.size(); i++) {
            ClickEvent e = events.get(i);
            Group g = rows.get(i);
            assertThat(g.getString("event_id", 0)).isEqualTo(e.eventId);
            assertThat(g.getString("event_type", 0)).isEqualTo(e.eventType);
            assertThat(g.getLong("event_timestamp", 0)).isEqualTo(e.eventTimestamp);
            assertThat(g.getInteger("event_date", 0)).isEqualTo(e.eventDate);
            assertThat(g.getInteger("hour", 0)).isEqualTo(e.hour);
            assertThat(optionalString(g, "user_id")).isEqualTo(e.userId);
            assertThat(optionalString(g, "page_url")).isEqualTo(e.pageUrl);
            assertThat(optionalString(g, "product_name")).isEqualTo(e.productName);
            assertThat(optionalString(g, "utm_content")).isEqualTo(e.utmContent);
            assertThat(g.getFieldRepetitionCount("product_price") == 0 ? null : g.getLong("product_price", 0)).isEqualTo(e.productPriceCents);
            assertThat(g.getLong("revenue", 0)).isEqualTo(e.revenueCents);
            assertThat(g.getFieldRepetitionCount("quantity") == 0 ? null : g.getInteger("quantity", 0)).isEqualTo(e.quantity);
            assertThat(g.getFieldRepetitionCount("search_results_count") == 0 ? null : g.getInteger("search_results_count", 0))
                    .isEqualTo(e.searchResultsCount);
            assertThat(g.getBoolean("is_bot", 0)).isEqualTo(e.isBot);
            assertThat(extra(g)).isEqualTo(e.extra == null || e.extra.isEmpty() ? null : e.extra);
            assertThat(g.getString("source_file", 0)).isEqualTo(e.sourceFile);
            assertThat(g.getLong("ingested_at", 0)).isEqualTo(e.ingestedAt);
        }

        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement s = c.createStatement();
                ResultSet r = s.executeQuery("SELECT count(*), count(DISTINCT event_id), sum(revenue), count(extra) FROM read_parquet('" + file + "')")) {
            r.next();
            assertThat(r.getLong(1)).isEqualTo(events.size());
            assertThat(r.getLong(2)).isEqualTo(events.size());
            assertThat(r.getBigDecimal(3)).isEqualByComparingTo(java.math.BigDecimal.valueOf(
                    events.stream().mapToLong(e -> e.revenueCents).sum(), 2));
            assertThat(r.getLong(4)).isEqualTo(events.stream().filter(e -> e.extra != null && !e.extra.isEmpty()).count());
        }
    }

    @Test
    void theCompactionReaderReadsEveryEventBackAsWritten() throws Exception {
        List<ClickEvent> events = events(12_000, 13);
        Path file = write(events, 1 << 20, 16 << 10);
        List<ClickEvent> read = new ArrayList<>();
        RecordWiseFileCompactor.Reader<ClickEvent> reader = new ClickEventParquetReader.Factory()
                .createFor(new org.apache.flink.core.fs.Path(file.toUri()));
        try {
            for (ClickEvent e = reader.read(); e != null; e = reader.read()) {
                read.add(e);
            }
        } finally {
            reader.close();
        }
        assertThat(read).hasSize(events.size());
        // Written again, the events read back give the same file content: nothing is lost in the round trip.
        Path again = write(read, 1 << 20, 16 << 10);
        List<Group> original = parquetMrRows(file);
        List<Group> rewritten = parquetMrRows(again);
        for (int i = 0; i < original.size(); i++) {
            assertThat(rewritten.get(i).toString()).as("row %d", i).isEqualTo(original.get(i).toString());
        }
    }

    @Test
    void theFooterIsTheLakesContract() throws Exception {
        List<ClickEvent> events = events(20_000, 11);
        ParquetMetadata footer = footer(write(events, 1 << 20, 64 << 10));

        assertThat(footer.getBlocks()).hasSizeGreaterThan(1);
        assertThat(footer.getFileMetaData().getSchema()).isEqualTo(LakeSchema.SCHEMA);
        assertThat(footer.getFileMetaData().getSchema().getColumns())
                .noneMatch(c -> c.getPrimitiveType().getPrimitiveTypeName() == PrimitiveType.PrimitiveTypeName.INT96);
        assertThat(LakeSchema.SCHEMA.getType("event_timestamp").getLogicalTypeAnnotation())
                .isEqualTo(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MILLIS));
        long min = events.stream().mapToLong(e -> e.eventTimestamp).min().orElseThrow();
        long max = events.stream().mapToLong(e -> e.eventTimestamp).max().orElseThrow();
        long statsMin = Long.MAX_VALUE;
        long statsMax = Long.MIN_VALUE;
        for (BlockMetaData block : footer.getBlocks()) {
            assertThat(block.getColumns()).allSatisfy(c -> assertThat(c.getCodec()).isEqualTo(CompressionCodecName.SNAPPY));
            assertThat(column(block, "event_id").getEncodings()).doesNotContain(Encoding.PLAIN_DICTIONARY, Encoding.RLE_DICTIONARY);
            assertThat(column(block, "event_type").getEncodings()).containsAnyOf(Encoding.PLAIN_DICTIONARY, Encoding.RLE_DICTIONARY);
            ColumnChunkMetaData ts = column(block, "event_timestamp");
            statsMin = Math.min(statsMin, (Long) ts.getStatistics().genericGetMin());
            statsMax = Math.max(statsMax, (Long) ts.getStatistics().genericGetMax());
        }
        assertThat(statsMin).isEqualTo(min);
        assertThat(statsMax).isEqualTo(max);
    }

    @Test
    void theFooterListsThePositionsOfItsRecordsInTheirRawObjects() throws Exception {
        List<ClickEvent> events = events(5_000, 12).subList(0, 4_321);
        Map<String, BitSet> listed = LakeLedger.decode(footer(write(events, 1 << 20, 64 << 10)).getFileMetaData().getKeyValueMetaData()
                .get(LakeLedger.FOOTER_KEY));

        assertThat(listed).hasSize(5);
        assertThat(listed.values().stream().mapToInt(BitSet::cardinality).sum()).isEqualTo(events.size());
        assertThat(events).allSatisfy(e -> assertThat(listed.get(e.sourceFile).get(e.sourceOrdinal)).isTrue());
        assertThat(listed.get("s3://raw/2026/11/20/clickstream-4.gz").cardinality()).isEqualTo(321);
    }

    @Test
    void anEventMissingARequiredValueIsRejectedWholeAndTheFileStaysValid() throws Exception {
        List<ClickEvent> events = events(3, 3);
        ClickEvent bad = events(1, 4).get(0);
        bad.eventType = null;
        Path file = dir.resolve("x.parquet");
        try (FSDataOutputStream out = stream(file)) {
            BulkWriter<ClickEvent> writer = new LakeWriterFactory(1 << 20, 1 << 20).create(out);
            writer.addElement(events.get(0));
            assertThatThrownBy(() -> writer.addElement(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("event_type");
            writer.addElement(events.get(1));
            writer.addElement(events.get(2));
            writer.finish();
        }
        assertThat(parquetMrRows(file)).extracting(g -> g.getString("event_id", 0))
                .containsExactly(events.get(0).eventId, events.get(1).eventId, events.get(2).eventId);
    }

    @Test
    void anEmptyFileIsAValidParquetFileWithNoRows() throws Exception {
        Path file = dir.resolve("empty.parquet");
        try (FSDataOutputStream out = stream(file)) {
            new LakeWriterFactory(1 << 20, 1 << 20).create(out).finish();
        }
        assertThat(footer(file).getBlocks()).isEmpty();
        assertThat(parquetMrRows(file)).isEmpty();
    }

    private static String optionalString(Group g, String field) {
        return g.getFieldRepetitionCount(field) == 0 ? null : g.getString(field, 0);
    }

    private static Map<String, String> extra(Group g) {
        if (g.getFieldRepetitionCount("extra") == 0) {
            return null;
        }
        Group map = g.getGroup("extra", 0);
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < map.getFieldRepetitionCount("key_value"); i++) {
            Group kv = map.getGroup("key_value", i);
            out.put(kv.getString("key", 0), kv.getFieldRepetitionCount("value") == 0 ? null : kv.getString("value", 0));
        }
        return out;
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
            e.sourceOrdinal = i % 1_000;
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

    private Path write(List<ClickEvent> events, long rowGroupBytes, int pageBytes) throws IOException {
        return write(Files.createTempFile(dir, "written-", ".parquet"), events, rowGroupBytes, pageBytes);
    }

    /** Writes events as the lake sink does: through {@link LakeWriterFactory}. */
    static Path write(Path file, List<ClickEvent> events, long rowGroupBytes, int pageBytes) throws IOException {
        try (FSDataOutputStream out = stream(file)) {
            BulkWriter<ClickEvent> writer = new LakeWriterFactory(rowGroupBytes, pageBytes).create(out);
            for (ClickEvent event : events) {
                writer.addElement(event);
            }
            writer.flush();
            writer.finish();
        }
        return file;
    }

    static FSDataOutputStream stream(Path file) throws IOException {
        return FileSystem.getLocalFileSystem().create(new org.apache.flink.core.fs.Path(file.toUri()), FileSystem.WriteMode.OVERWRITE);
    }

    /** Every record as parquet-mr's example reader reads it, page checksums verified. */
    static List<Group> parquetMrRows(Path file) throws IOException {
        List<Group> rows = new ArrayList<>();
        try (ParquetFileReader reader = reader(file)) {
            PageReadStore rowGroup;
            while ((rowGroup = reader.readNextRowGroup()) != null) {
                RecordReader<Group> records = new ColumnIOFactory().getColumnIO(LakeSchema.SCHEMA)
                        .getRecordReader(rowGroup, new GroupRecordConverter(LakeSchema.SCHEMA));
                for (long i = 0; i < rowGroup.getRowCount(); i++) {
                    rows.add(records.read());
                }
            }
        }
        return rows;
    }

    private static ParquetFileReader reader(Path file) throws IOException {
        return ParquetFileReader.open(new BytesInputFile(Files.readAllBytes(file)),
                ParquetReadOptions.builder().usePageChecksumVerification(true).build());
    }

    static ParquetMetadata footer(Path file) throws IOException {
        try (ParquetFileReader reader = reader(file)) {
            return reader.getFooter();
        }
    }

    private static ColumnChunkMetaData column(BlockMetaData block, String... path) {
        return block.getColumns().stream()
                .filter(c -> c.getPath().toDotString().equals(String.join(".", path)))
                .findFirst().orElseThrow();
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
