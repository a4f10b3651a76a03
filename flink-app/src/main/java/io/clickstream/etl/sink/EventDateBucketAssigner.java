package io.clickstream.etl.sink;

import io.clickstream.etl.model.ClickEvent;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;

import java.time.LocalDate;

/**
 * Puts each event in {@code year=YYYY/month=MM/day=DD} of its own event time in UTC, so late
 * events land in the day they happened. (Flink's {@code DateTimeBucketAssigner} would use
 * processing time and the JVM's zone.)
 */
public final class EventDateBucketAssigner implements BucketAssigner<ClickEvent, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getBucketId(ClickEvent event, Context context) {
        return partition(event.eventDate);
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }

    /** The Hive-style partition path of a day given as days since 1970-01-01. */
    public static String partition(int epochDay) {
        LocalDate d = LocalDate.ofEpochDay(epochDay);
        return "year=" + d.getYear() + "/month=" + twoDigits(d.getMonthValue()) + "/day=" + twoDigits(d.getDayOfMonth());
    }

    static String twoDigits(int n) {
        return n < 10 ? "0" + n : Integer.toString(n);
    }
}
