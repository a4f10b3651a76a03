package io.clickstream.etl.sink.parquet;

import io.clickstream.etl.model.ClickEvent;

import org.apache.flink.connector.file.sink.compactor.RecordWiseFileCompactor;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.parquet.ParquetInputFile;

import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.io.RecordReader;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads a lake part file back into {@link ClickEvent}s with parquet-mr's reader, for the file
 * sink's compaction: small part files are read record by record and written again, through the
 * same {@link ClickEventParquetBuilder}, as one larger file. Only the lake's columns are filled.
 */
public final class ClickEventParquetReader implements RecordWiseFileCompactor.Reader<ClickEvent> {

    private final ParquetFileReader file;
    private final MessageColumnIO columns;
    private RecordReader<Group> rows;
    private long rowsLeft;

    private ClickEventParquetReader(ParquetFileReader file) {
        this.file = file;
        this.columns = new ColumnIOFactory().getColumnIO(LakeSchema.SCHEMA, file.getFileMetaData().getSchema());
    }

    @Override
    public ClickEvent read() throws IOException {
        while (rowsLeft == 0) {
            PageReadStore rowGroup = file.readNextRowGroup();
            if (rowGroup == null) {
                return null;
            }
            rows = columns.getRecordReader(rowGroup, new GroupRecordConverter(LakeSchema.SCHEMA));
            rowsLeft = rowGroup.getRowCount();
        }
        rowsLeft--;
        return toEvent(rows.read());
    }

    @Override
    public void close() throws IOException {
        file.close();
    }

    static ClickEvent toEvent(Group g) {
        ClickEvent e = new ClickEvent();
        e.eventId = g.getString("event_id", 0);
        e.eventType = g.getString("event_type", 0);
        e.eventTimestamp = g.getLong("event_timestamp", 0);
        e.eventDate = g.getInteger("event_date", 0);
        e.hour = g.getInteger("hour", 0);
        e.dayOfWeek = g.getString("day_of_week", 0);
        e.userId = string(g, "user_id");
        e.sessionId = string(g, "session_id");
        e.pageUrl = string(g, "page_url");
        e.pageHost = string(g, "page_host");
        e.pagePath = string(g, "page_path");
        e.referrerHost = string(g, "referrer_host");
        e.utmSource = string(g, "utm_source");
        e.utmMedium = string(g, "utm_medium");
        e.utmCampaign = string(g, "utm_campaign");
        e.utmTerm = string(g, "utm_term");
        e.utmContent = string(g, "utm_content");
        e.productId = string(g, "product_id");
        e.productName = string(g, "product_name");
        e.productCategory = string(g, "product_category");
        e.productPriceCents = g.getFieldRepetitionCount("product_price") == 0 ? null : g.getLong("product_price", 0);
        e.revenueCents = g.getLong("revenue", 0);
        e.quantity = g.getFieldRepetitionCount("quantity") == 0 ? null : g.getInteger("quantity", 0);
        e.searchQuery = string(g, "search_query");
        e.searchResultsCount = g.getFieldRepetitionCount("search_results_count") == 0 ? null : g.getInteger("search_results_count", 0);
        e.deviceType = string(g, "device_type");
        e.browser = string(g, "browser");
        e.browserVersion = string(g, "browser_version");
        e.os = string(g, "os");
        e.isBot = g.getBoolean("is_bot", 0);
        e.country = string(g, "country");
        e.city = string(g, "city");
        e.emailHash = string(g, "email_hash");
        e.ipAddressHash = string(g, "ip_address_hash");
        e.userIdHash = string(g, "user_id_hash");
        if (g.getFieldRepetitionCount("extra") > 0) {
            Group map = g.getGroup("extra", 0);
            Map<String, String> extra = new LinkedHashMap<>();
            for (int i = 0; i < map.getFieldRepetitionCount("key_value"); i++) {
                Group entry = map.getGroup("key_value", i);
                extra.put(entry.getString("key", 0), string(entry, "value"));
            }
            e.extra = extra;
        }
        e.sourceFile = g.getString("source_file", 0);
        e.ingestedAt = g.getLong("ingested_at", 0);
        return e;
    }

    private static String string(Group g, String field) {
        return g.getFieldRepetitionCount(field) == 0 ? null : g.getString(field, 0);
    }

    /** Opens committed part files of the lake for the compactor. */
    public static final class Factory implements RecordWiseFileCompactor.Reader.Factory<ClickEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public RecordWiseFileCompactor.Reader<ClickEvent> createFor(Path path) throws IOException {
            FileSystem fs = path.getFileSystem();
            long length = fs.getFileStatus(path).getLen();
            ParquetInputFile in = new ParquetInputFile(fs.open(path), length);
            return new ClickEventParquetReader(ParquetFileReader.open(in, ParquetReadOptions.builder().usePageChecksumVerification(true).build()));
        }
    }
}
