package io.clickstream.etl.sink;

import io.clickstream.etl.model.DeadLetter;

import org.apache.flink.api.common.serialization.BulkWriter;
import org.apache.flink.core.fs.FSDataOutputStream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;

import java.io.IOException;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;

/**
 * Writes dead letters as GZIP-compressed JSON lines, one file per bucket and checkpoint, so they
 * are committed exactly once like the lake and Athena can read them with a JSON SerDe.
 */
public final class DeadLetterJsonWriter implements BulkWriter<DeadLetter> {

    private static final JsonFactory JSON = new JsonFactory();

    private final GZIPOutputStream gzip;
    /** The field names of a dead letter's JSON, for every reader of the files (replay, the lake ledger). */
    public static final String FAILURE_TYPE = "failure_type";
    public static final String FIELD = "field";
    public static final String RULE = "rule";
    public static final String MESSAGE = "message";
    public static final String SOURCE_FILE = "source_file";
    public static final String LINE_NUMBER = "line_number";
    public static final String SOURCE_RECORD = "source_record";
    public static final String FAILURE_TIME = "failure_time";
    public static final String JOB_VERSION = "job_version";
    public static final String RAW_TRUNCATED = "raw_truncated";
    public static final String RAW_BYTES = "raw_bytes";
    public static final String RAW_TEXT = "raw_text";

    private final JsonGenerator json;

    private DeadLetterJsonWriter(FSDataOutputStream stream) throws IOException {
        this.gzip = new GZIPOutputStream(stream, 64 * 1024);
        this.json = JSON.createGenerator(gzip);
        json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        json.setRootValueSeparator(new SerializedString("\n"));
    }

    @Override
    public void addElement(DeadLetter d) throws IOException {
        json.writeStartObject();
        json.writeStringField(FAILURE_TYPE, d.failureType.folderName());
        json.writeStringField(FIELD, d.field);
        json.writeStringField(RULE, d.rule);
        json.writeStringField(MESSAGE, d.message);
        json.writeStringField(SOURCE_FILE, d.sourceFile);
        json.writeNumberField(LINE_NUMBER, d.lineNumber);
        json.writeNumberField(SOURCE_RECORD, d.sourceRecord);
        json.writeStringField(FAILURE_TIME, Instant.ofEpochMilli(d.failureTime).toString());
        json.writeStringField(JOB_VERSION, d.jobVersion);
        json.writeBooleanField(RAW_TRUNCATED, d.rawTruncated);
        json.writeNumberField(RAW_BYTES, d.rawBytes);
        json.writeStringField(RAW_TEXT, d.rawText);
        json.writeEndObject();
    }

    @Override
    public void flush() throws IOException {
        json.flush();
    }

    @Override
    public void finish() throws IOException {
        json.writeRaw('\n');
        json.flush();
        gzip.finish();
    }

    /** Serializable factory for the file sink. */
    public static final class Factory implements BulkWriter.Factory<DeadLetter> {
        private static final long serialVersionUID = 1L;

        @Override
        public BulkWriter<DeadLetter> create(FSDataOutputStream out) throws IOException {
            return new DeadLetterJsonWriter(out);
        }
    }
}
