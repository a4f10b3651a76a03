package io.clickstream.etl.source;

import org.apache.flink.core.fs.Path;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * Firehose's S3 key layout: {@code <root>/YYYY/MM/DD/HH/<name>}, the hour being the UTC arrival
 * hour. Knowing it, discovery lists only the hours that can still receive objects.
 */
final class FirehoseKeyLayout {

    static final long HOUR_MILLIS = 3_600_000L;
    /** The hour of a key outside the layout (a manual copy, another tool's folder). */
    static final long NO_HOUR = Long.MIN_VALUE;

    private final String rootPath;

    FirehoseKeyLayout(Path root) {
        String p = root.toUri().getPath();
        this.rootPath = p.endsWith("/") ? p : p + "/";
    }

    /** The start (epoch millis) of the UTC hour that {@code object}'s prefix names, or {@link #NO_HOUR}. */
    long hourOf(Path object) {
        String p = object.toUri().getPath();
        if (!p.startsWith(rootPath)) {
            return NO_HOUR;
        }
        String k = p.substring(rootPath.length());
        // "YYYY/MM/DD/HH/" and a name without further folders
        if (k.length() < 15 || k.indexOf('/', 14) >= 0 || !digitsAndSlashes(k)) {
            return NO_HOUR;
        }
        try {
            return LocalDateTime.of(number(k, 0, 4), number(k, 5, 7), number(k, 8, 10), number(k, 11, 13), 0)
                    .toEpochSecond(ZoneOffset.UTC) * 1000;
        } catch (DateTimeException e) {
            return NO_HOUR;
        }
    }

    /** The folder of the hour starting at {@code hourStart}. */
    Path hourFolder(Path root, long hourStart) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(hourStart, 1000), 0, ZoneOffset.UTC);
        // Locale.ROOT: the default locale may write other scripts' digits (fa, ar, bn, mr, ...), naming folders that do not exist.
        return new Path(root, String.format(Locale.ROOT, "%04d/%02d/%02d/%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour()));
    }

    static long hourStart(long millis) {
        return Math.floorDiv(millis, HOUR_MILLIS) * HOUR_MILLIS;
    }

    private static boolean digitsAndSlashes(String k) {
        for (int i = 0; i < 14; i++) {
            char c = k.charAt(i);
            boolean slash = i == 4 || i == 7 || i == 10 || i == 13;
            if (slash ? c != '/' : c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static int number(String s, int from, int to) {
        return Integer.parseInt(s.substring(from, to));
    }
}
