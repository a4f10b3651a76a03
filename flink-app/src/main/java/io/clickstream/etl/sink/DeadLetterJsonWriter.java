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
        json.writeStringField("failure_type", d.failureType.folderName());
        json.writeStringField("field", d.field);
        json.writeStringField("rule", d.rule);
        json.writeStringField("message", d.message);
        json.writeStringField("source_file", d.sourceFile);
        json.writeNumberField("line_number", d.lineNumber);
        json.writeNumberField("source_record", d.sourceRecord);
        json.writeStringField("failure_time", Instant.ofEpochMilli(d.failureTime).toString());
        json.writeStringField("job_version", d.jobVersion);
        json.writeBooleanField("raw_truncated", d.rawTruncated);
        json.writeNumberField("raw_bytes", d.rawBytes);
        json.writeStringField("raw_text", d.rawText);
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
