package io.clickstream.etl.sink.parquet;

import io.clickstream.etl.model.ClickEvent;

import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Types;

import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.apache.parquet.schema.LogicalTypeAnnotation.TimeUnit.MILLIS;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BINARY;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.BOOLEAN;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT32;
import static org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName.INT64;

/**
 * Writes {@link ClickEvent}s as Snappy Parquet, one lake part file, straight into column buffers.
 *
 * <p>parquet-mr's record API costs about three microseconds per event for these 40 columns (a
 * record consumer walking the schema per field, a UTF-8 copy of every string, a dictionary lookup
 * hashing and comparing those bytes, statistics per value), more than parsing the JSON. Here each
 * field goes to its column directly, dictionaries look strings up by the {@code String} itself,
 * and statistics are taken per page. The file layout is parquet-mr's: its
 * {@link ParquetFileWriter} writes the pages, footer, column and offset indexes and page checksums;
 * data pages v1 with PLAIN or dictionary encoding, pages of at most 20,000 rows, dictionaries up
 * to 1 MiB per row group, then PLAIN. Timestamps are INT64 {@code timestamp-millis} (UTC), money
 * is INT64 DECIMAL(12,2), the date is a DATE. Partition columns are not stored: they live in the
 * path.
 */
public final class ClickEventParquetWriter implements BulkWriter<ClickEvent> {

    public static final MessageType SCHEMA = Types.buildMessage()
            .required(BINARY).as(string()).named("event_id")
            .required(BINARY).as(string()).named("event_type")
            .required(INT64).as(LogicalTypeAnnotation.timestampType(true, MILLIS)).named("event_timestamp")
            .required(INT32).as(LogicalTypeAnnotation.dateType()).named("event_date")
            .required(INT32).named("hour")
            .required(BINARY).as(string()).named("day_of_week")
            .optional(BINARY).as(string()).named("user_id")
            .optional(BINARY).as(string()).named("session_id")
            .optional(BINARY).as(string()).named("page_url")
            .optional(BINARY).as(string()).named("page_host")
            .optional(BINARY).as(string()).named("page_path")
            .optional(BINARY).as(string()).named("referrer_host")
            .optional(BINARY).as(string()).named("utm_source")
            .optional(BINARY).as(string()).named("utm_medium")
            .optional(BINARY).as(string()).named("utm_campaign")
            .optional(BINARY).as(string()).named("utm_term")
            .optional(BINARY).as(string()).named("utm_content")
            .optional(BINARY).as(string()).named("product_id")
            .optional(BINARY).as(string()).named("product_name")
            .optional(BINARY).as(string()).named("product_category")
            .optional(INT64).as(LogicalTypeAnnotation.decimalType(2, 12)).named("product_price")
            .required(INT64).as(LogicalTypeAnnotation.decimalType(2, 12)).named("revenue")
            .optional(INT32).named("quantity")
            .optional(BINARY).as(string()).named("search_query")
            .optional(INT32).named("search_results_count")
            .optional(BINARY).as(string()).named("device_type")
            .optional(BINARY).as(string()).named("browser")
            .optional(BINARY).as(string()).named("browser_version")
            .optional(BINARY).as(string()).named("os")
            .required(BOOLEAN).named("is_bot")
            .optional(BINARY).as(string()).named("country")
            .optional(BINARY).as(string()).named("city")
            .optional(BINARY).as(string()).named("email_hash")
            .optional(BINARY).as(string()).named("ip_address_hash")
            .optional(BINARY).as(string()).named("user_id_hash")
            .optionalGroup().as(LogicalTypeAnnotation.mapType())
                .repeatedGroup()
                    .required(BINARY).as(string()).named("key")
                    .optional(BINARY).as(string()).named("value")
                .named("key_value")
            .named("extra")
            .required(BINARY).as(string()).named("source_file")
            .required(INT64).as(LogicalTypeAnnotation.timestampType(true, MILLIS)).named("ingested_at")
            .named("clickstream_event");

    /**
     * (Nearly) unique per row: a dictionary would only cost lookups and memory before it overflows,
     * so these are PLAIN from the start.
     */
    private static final Set<String> WITHOUT_DICTIONARY = Set.of(
            "event_id", "event_timestamp", "ingested_at", "session_id", "page_url", "page_path", "search_query");

    /** Rows between checks of the row group's size. */
    private static final int SIZE_CHECK_ROWS = 100;

    private final ParquetFileWriter file;
    private final long rowGroupBytes;
    private final ColumnChunkWriter[] columns;
    private long rows;

    private final StringColumnWriter eventId;
    private final StringColumnWriter eventType;
    private final NumberColumnWriter eventTimestamp;
    private final NumberColumnWriter eventDate;
    private final NumberColumnWriter hour;
    private final StringColumnWriter dayOfWeek;
    private final StringColumnWriter userId;
    private final StringColumnWriter sessionId;
    private final StringColumnWriter pageUrl;
    private final StringColumnWriter pageHost;
    private final StringColumnWriter pagePath;
    private final StringColumnWriter referrerHost;
    private final StringColumnWriter utmSource;
    private final StringColumnWriter utmMedium;
    private final StringColumnWriter utmCampaign;
    private final StringColumnWriter utmTerm;
    private final StringColumnWriter utmContent;
    private final StringColumnWriter productId;
    private final StringColumnWriter productName;
    private final StringColumnWriter productCategory;
    private final NumberColumnWriter productPrice;
    private final NumberColumnWriter revenue;
    private final NumberColumnWriter quantity;
    private final StringColumnWriter searchQuery;
    private final NumberColumnWriter searchResultsCount;
    private final StringColumnWriter deviceType;
    private final StringColumnWriter browser;
    private final StringColumnWriter browserVersion;
    private final StringColumnWriter os;
    private final BooleanColumnWriter isBot;
    private final StringColumnWriter country;
    private final StringColumnWriter city;
    private final StringColumnWriter emailHash;
    private final StringColumnWriter ipAddressHash;
    private final StringColumnWriter userIdHash;
    private final StringColumnWriter extraKey;
    private final StringColumnWriter extraValue;
    private final StringColumnWriter sourceFile;
    private final NumberColumnWriter ingestedAt;

    public ClickEventParquetWriter(OutputFile out, long rowGroupBytes, int pageBytes, int dictionaryPageBytes) throws IOException {
        this.rowGroupBytes = rowGroupBytes;
        this.file = new ParquetFileWriter(out, SCHEMA, ParquetFileWriter.Mode.CREATE, rowGroupBytes, 0,
                ParquetProperties.DEFAULT_COLUMN_INDEX_TRUNCATE_LENGTH, ParquetProperties.DEFAULT_STATISTICS_TRUNCATE_LENGTH,
                ParquetProperties.DEFAULT_PAGE_WRITE_CHECKSUM_ENABLED);
        file.start();
        Columns c = new Columns(pageBytes, dictionaryPageBytes);
        eventId = c.string("event_id");
        eventType = c.string("event_type");
        eventTimestamp = c.number("event_timestamp");
        eventDate = c.number("event_date");
        hour = c.number("hour");
        dayOfWeek = c.string("day_of_week");
        userId = c.string("user_id");
        sessionId = c.string("session_id");
        pageUrl = c.string("page_url");
        pageHost = c.string("page_host");
        pagePath = c.string("page_path");
        referrerHost = c.string("referrer_host");
        utmSource = c.string("utm_source");
        utmMedium = c.string("utm_medium");
        utmCampaign = c.string("utm_campaign");
        utmTerm = c.string("utm_term");
        utmContent = c.string("utm_content");
        productId = c.string("product_id");
        productName = c.string("product_name");
        productCategory = c.string("product_category");
        productPrice = c.number("product_price");
        revenue = c.number("revenue");
        quantity = c.number("quantity");
        searchQuery = c.string("search_query");
        searchResultsCount = c.number("search_results_count");
        deviceType = c.string("device_type");
        browser = c.string("browser");
        browserVersion = c.string("browser_version");
        os = c.string("os");
        isBot = c.bool("is_bot");
        country = c.string("country");
        city = c.string("city");
        emailHash = c.string("email_hash");
        ipAddressHash = c.string("ip_address_hash");
        userIdHash = c.string("user_id_hash");
        extraKey = c.string("extra", "key_value", "key");
        extraValue = c.string("extra", "key_value", "value");
        sourceFile = c.string("source_file");
        ingestedAt = c.number("ingested_at");
        columns = c.inSchemaOrder();
    }

    @Override
    public void addElement(ClickEvent e) throws IOException {
        checkRequired(e);
        eventId.write(e.eventId);
        eventType.write(e.eventType);
        eventTimestamp.write(e.eventTimestamp);
        eventDate.write(e.eventDate);
        hour.write(e.hour);
        dayOfWeek.write(e.dayOfWeek);
        userId.write(e.userId);
        sessionId.write(e.sessionId);
        pageUrl.write(e.pageUrl);
        pageHost.write(e.pageHost);
        pagePath.write(e.pagePath);
        referrerHost.write(e.referrerHost);
        utmSource.write(e.utmSource);
        utmMedium.write(e.utmMedium);
        utmCampaign.write(e.utmCampaign);
        utmTerm.write(e.utmTerm);
        utmContent.write(e.utmContent);
        productId.write(e.productId);
        productName.write(e.productName);
        productCategory.write(e.productCategory);
        productPrice.write(e.productPriceCents);
        revenue.write(e.revenueCents);
        quantity.write(e.quantity);
        searchQuery.write(e.searchQuery);
        searchResultsCount.write(e.searchResultsCount);
        deviceType.write(e.deviceType);
        browser.write(e.browser);
        browserVersion.write(e.browserVersion);
        os.write(e.os);
        isBot.write(e.isBot);
        country.write(e.country);
        city.write(e.city);
        emailHash.write(e.emailHash);
        ipAddressHash.write(e.ipAddressHash);
        userIdHash.write(e.userIdHash);
        extra(e.extra);
        sourceFile.write(e.sourceFile);
        ingestedAt.write(e.ingestedAt);
        if (++rows % SIZE_CHECK_ROWS == 0 && bufferedBytes() >= rowGroupBytes) {
            writeRowGroup();
        }
    }

    /** Rejects an event before any column takes a value from it, so that the file stays whole. */
    private static void checkRequired(ClickEvent e) {
        String missing = e.eventId == null ? "event_id"
                : e.eventType == null ? "event_type"
                : e.dayOfWeek == null ? "day_of_week"
                : e.sourceFile == null ? "source_file"
                : null;
        if (missing == null && e.extra != null) {
            for (String key : e.extra.keySet()) {
                if (key == null) {
                    missing = "extra.key";
                }
            }
        }
        if (missing != null) {
            throw new IllegalArgumentException("Required column " + missing + " has no value in event " + e.eventId);
        }
    }

    /**
     * The map's two leaf columns: one (key, value) pair per entry, the first at repetition level 0.
     * An empty map is written as null: Parquet readers treat both the same for analytics.
     */
    private void extra(Map<String, String> extra) throws IOException {
        extraKey.startRecord();
        extraValue.startRecord();
        if (extra == null || extra.isEmpty()) {
            extraKey.add(null, 0, 0);
            extraValue.add(null, 0, 0);
            return;
        }
        int repetition = 0;
        for (Map.Entry<String, String> entry : extra.entrySet()) {
            extraKey.add(entry.getKey(), repetition, 2);
            extraValue.add(entry.getValue(), repetition, entry.getValue() == null ? 2 : 3);
            repetition = 1;
        }
    }

    private long bufferedBytes() {
        long bytes = 0;
        for (ColumnChunkWriter column : columns) {
            bytes += column.bufferedBytes();
        }
        return bytes;
    }

    private void writeRowGroup() throws IOException {
        if (rows == 0) {
            return;
        }
        file.startBlock(rows);
        for (ColumnChunkWriter column : columns) {
            column.writeChunk(file);
        }
        file.endBlock();
        rows = 0;
    }

    /** Parquet cannot make a half-written file readable: rows are flushed by {@link #finish()}. */
    @Override
    public void flush() {
    }

    @Override
    public void finish() throws IOException {
        writeRowGroup();
        file.end(Collections.emptyMap());
    }

    private static LogicalTypeAnnotation string() {
        return LogicalTypeAnnotation.stringType();
    }

    /** Creates the column writers by path and checks that every column of the schema has one. */
    private static final class Columns {
        private final int pageBytes;
        private final int dictionaryPageBytes;
        private final PageWorkspace workspace = new PageWorkspace();
        private final Map<String, ColumnChunkWriter> byPath = new HashMap<>();

        Columns(int pageBytes, int dictionaryPageBytes) {
            this.pageBytes = pageBytes;
            this.dictionaryPageBytes = dictionaryPageBytes;
        }

        StringColumnWriter string(String... path) {
            return add(new StringColumnWriter(descriptor(path), pageBytes, workspace,
                    !WITHOUT_DICTIONARY.contains(path[0]), dictionaryPageBytes));
        }

        NumberColumnWriter number(String... path) {
            return add(new NumberColumnWriter(descriptor(path), pageBytes, workspace,
                    !WITHOUT_DICTIONARY.contains(path[0]), dictionaryPageBytes));
        }

        BooleanColumnWriter bool(String... path) {
            return add(new BooleanColumnWriter(descriptor(path), pageBytes, workspace));
        }

        private <T extends ColumnChunkWriter> T add(T column) {
            byPath.put(String.join(".", column.descriptor.getPath()), column);
            return column;
        }

        private static ColumnDescriptor descriptor(String... path) {
            return SCHEMA.getColumnDescription(path);
        }

        ColumnChunkWriter[] inSchemaOrder() {
            List<ColumnDescriptor> leaves = SCHEMA.getColumns();
            ColumnChunkWriter[] ordered = new ColumnChunkWriter[leaves.size()];
            for (int i = 0; i < ordered.length; i++) {
                ordered[i] = byPath.get(String.join(".", leaves.get(i).getPath()));
                if (ordered[i] == null) {
                    throw new IllegalStateException("No writer for column " + Arrays.toString(leaves.get(i).getPath()));
                }
            }
            return ordered;
        }
    }

    /** Creates a writer per lake part file; serializable, so it travels with the job graph. */
    public static final class Factory implements BulkWriter.Factory<ClickEvent> {
        private static final long serialVersionUID = 1L;

        private final long rowGroupBytes;
        private final int pageBytes;
        private final int dictionaryPageBytes;

        public Factory(long rowGroupBytes, int pageBytes) {
            this(rowGroupBytes, pageBytes, ParquetProperties.DEFAULT_DICTIONARY_PAGE_SIZE);
        }

        public Factory(long rowGroupBytes, int pageBytes, int dictionaryPageBytes) {
            this.rowGroupBytes = rowGroupBytes;
            this.pageBytes = pageBytes;
            this.dictionaryPageBytes = dictionaryPageBytes;
        }

        @Override
        public BulkWriter<ClickEvent> create(FSDataOutputStream out) throws IOException {
            return new ClickEventParquetWriter(new StreamFile(out), rowGroupBytes, pageBytes, dictionaryPageBytes);
        }
    }

    /** The part file's stream as a Parquet output file. The sink owns the stream: close only flushes. */
    static final class StreamFile implements OutputFile {
        private final FSDataOutputStream out;

        StreamFile(FSDataOutputStream out) {
            this.out = out;
        }

        @Override
        public PositionOutputStream create(long blockSizeHint) {
            return new PositionOutputStream() {
                @Override
                public long getPos() throws IOException {
                    return out.getPos();
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }

                @Override
                public void close() throws IOException {
                    out.flush();
                }
            };
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) {
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
}
