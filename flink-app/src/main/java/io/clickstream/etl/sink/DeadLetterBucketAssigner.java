package io.clickstream.etl.sink;

import io.clickstream.etl.model.DeadLetter;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

import java.time.LocalDate;

/** Dead letters go to {@code failure_type=<type>/processing_date=YYYY-MM-DD} (UTC). */
public final class DeadLetterBucketAssigner implements BucketAssigner<DeadLetter, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getBucketId(DeadLetter letter, Context context) {
        LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(letter.failureTime, 86_400_000L));
        return "failure_type=" + letter.failureType.folderName() + "/processing_date=" + day;
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
