package io.clickstream.etl.source;

import io.clickstream.etl.config.JobConfig.InputLayout;

import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.FileSourceSplitSerializer;
import org.apache.flink.connector.file.src.PendingSplitsCheckpoint;
import org.apache.flink.connector.file.src.PendingSplitsCheckpointSerializer;
import org.apache.flink.core.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectDiscoveryEnumeratorTest {

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy/MM/dd/HH/", java.util.Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final long MINUTE = 60_000L;

    @TempDir
    java.nio.file.Path dir;

    private long now = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();

    @Test
    void handsOutObjectsInKeyOrderIncludingLaterDiscoveries() throws Exception {
        land("2026/01/01/00/s-1-2026-01-01-00-20-00-b.gz", now);
        land("2026/01/01/00/s-1-2026-01-01-00-10-00-a.gz", now);
        land("manual/copy.json", now);
        RecordingEnumeratorContext context = new RecordingEnumeratorContext();
        ObjectDiscoveryEnumerator enumerator = enumerator(context, continuous(), DiscoveryState.empty());
        round(enumerator);
        land("2026/01/01/00/s-1-2026-01-01-00-15-00-c.gz", now += MINUTE);
        round(enumerator);
        drain(enumerator, context);

        // The reader asked once before the second round: it got the first key then, the rest in key order.
        assertThat(names(context.assigned)).containsExactly("s-1-2026-01-01-00-10-00-a.gz", "s-1-2026-01-01-00-15-00-c.gz",
                "s-1-2026-01-01-00-20-00-b.gz", "copy.json");
    }

    @Test
    void windowRoundsListOnlyTheHoursThatCanStillReceiveObjectsAndSweepsFindLateOnes() throws Exception {
        for (int day = 1; day <= 5; day++) {
            land(String.format("2026/01/0%d/07/s-1-old-%d.gz", day, day), at("2026-01-0" + day + "T07:30:00Z"));
        }
        now = at("2026-01-06T12:00:00Z");
        RecordingEnumeratorContext context = new RecordingEnumeratorContext();
        ObjectDiscoveryEnumerator enumerator = enumerator(context, continuous(), DiscoveryState.empty());
        ObjectDiscoveryEnumerator.Listing first = round(enumerator);
        drain(enumerator, context);
        assertThat(first.sweep).isTrue();
        assertThat(context.assigned).hasSize(5);

        now += 5 * MINUTE;
        land("2026/01/06/12/s-1-new.gz", now);
        ObjectDiscoveryEnumerator.Listing window = round(enumerator);
        drain(enumerator, context);
        // 10:00 to 12:00 (2 h lookback) plus the hour that 12:15 (now + the clock margin) falls in: three folders.
        assertThat(window.sweep).isFalse();
        assertThat(window.requests).isEqualTo(3);
        assertThat(names(context.assigned)).endsWith("s-1-new.gz").hasSize(6);

        // A Firehose retry lands under a day-old hour and a manual copy outside the layout: only a sweep sees them.
        land("2026/01/05/11/s-1-retry.gz", now += MINUTE);
        land("backfill/manual.json", now);
        round(enumerator);
        drain(enumerator, context);
        assertThat(context.assigned).hasSize(6);
        assertThat(enumerator.lateObjects()).isZero();

        now += 61 * MINUTE;
        ObjectDiscoveryEnumerator.Listing sweep = round(enumerator);
        drain(enumerator, context);
        assertThat(sweep.sweep).isTrue();
        assertThat(names(context.assigned).subList(6, 8)).containsExactly("s-1-retry.gz", "manual.json");
        assertThat(enumerator.lateObjects()).isEqualTo(2);

        // Later sweeps take nothing again, however long the job runs.
        for (int i = 0; i < 5; i++) {
            now += 61 * MINUTE;
            round(enumerator);
            drain(enumerator, context);
        }
        assertThat(context.assigned).hasSize(8);
        assertThat(enumerator.snapshotState(1).remembered).isEmpty();
    }

    @Test
    void windowRoundsFindNewObjectsWhateverDigitsTheMachinesLocaleWrites() throws Exception {
        // A JVM takes its default locale from LANG: on fa_IR, ar_EG, bn_BD, mr_IN and others,
        // String.format writes numbers in that script's digits, and "2026/01/06/12" would be "۲۰۲۶/۰۱/۰۶/۱۲".
        java.util.Locale before = java.util.Locale.getDefault();
        java.util.Locale.setDefault(java.util.Locale.forLanguageTag("fa-IR"));
        try {
            now = at("2026-01-06T12:00:00Z");
            RecordingEnumeratorContext context = new RecordingEnumeratorContext();
            ObjectDiscoveryEnumerator enumerator = enumerator(context, continuous(), DiscoveryState.empty());
            round(enumerator); // the first round sweeps
            now += 5 * MINUTE;
            land("2026/01/06/12/s-1-new.gz", now);
            ObjectDiscoveryEnumerator.Listing window = round(enumerator);
            drain(enumerator, context);
            assertThat(window.sweep).isFalse();
            assertThat(names(context.assigned)).containsExactly("s-1-new.gz");
        } finally {
            java.util.Locale.setDefault(before);
        }
    }

    /**
     * The proof of boundedness: 20,000 objects land over 60 simulated days (one every 259 s, under the
     * hour of their arrival; one in 500 lands a day late), raw objects expire after a day as by a
     * lifecycle rule, rounds run every 10 minutes with the default window and sweep. The checkpointed
     * state and the requests per round are the same at 10% and at 100% of the run, and every object
     * is handed out exactly once.
     */
    @Test
    void stateAndRequestsStayFlatOverSixtySimulatedDays() throws Exception {
        long start = now;
        long end = start + Duration.ofDays(60).toMillis();
        int objects = 20_000;
        long every = (end - start) / objects;
        long retention = Duration.ofDays(1).toMillis();
        RecordingEnumeratorContext context = new RecordingEnumeratorContext();
        ObjectDiscoveryEnumerator.Settings settings = new ObjectDiscoveryEnumerator.Settings(false, InputLayout.FIREHOSE,
                10 * MINUTE, Duration.ofHours(2).toMillis(), Duration.ofHours(1).toMillis(), null, null);
        ObjectDiscoveryEnumerator enumerator = enumerator(context, settings, DiscoveryState.empty());
        DiscoveryState.Serializer serializer = new DiscoveryState.Serializer(false);
        List<String> landed = new ArrayList<>();
        java.util.ArrayDeque<java.nio.file.Path> retained = new java.util.ArrayDeque<>();
        // Figures over the two hours up to 10% of the run and up to its end: [0] and [1].
        long[] until = {start + (end - start) / 10, end};
        int[] windowRequests = new int[2];
        int[] sweepRequests = new int[2];
        int[] stateBytes = new int[2];
        int[] remembered = new int[2];
        int next = 0;
        for (long t = start; t <= end; t += 10 * MINUTE) {
            now = t;
            for (; next < objects && start + next * every <= now; next++) {
                long arrival = start + next * every;
                long hour = next % 500 == 499 ? arrival - Duration.ofDays(1).toMillis() : arrival;
                String key = HOUR.format(Instant.ofEpochMilli(hour)) + "s-1-" + next + ".gz";
                retained.add(land(key, arrival));
                landed.add(key);
            }
            while (!retained.isEmpty() && Files.getLastModifiedTime(retained.peek()).toMillis() < now - retention) {
                expire(retained.poll());
            }
            ObjectDiscoveryEnumerator.Listing listing = round(enumerator);
            drain(enumerator, context);
            for (int at = 0; at < 2; at++) {
                if (now > until[at] - Duration.ofHours(2).toMillis() && now <= until[at]) {
                    if (listing.sweep) {
                        sweepRequests[at] = Math.max(sweepRequests[at], listing.requests);
                    } else {
                        windowRequests[at] = Math.max(windowRequests[at], listing.requests);
                    }
                    DiscoveryState state = enumerator.snapshotState(0);
                    stateBytes[at] = Math.max(stateBytes[at], serializer.serialize(state).length);
                    remembered[at] = Math.max(remembered[at], state.remembered.size());
                }
            }
        }
        byte[] fileSourceState = new PendingSplitsCheckpointSerializer<>(FileSourceSplitSerializer.INSTANCE).serialize(
                PendingSplitsCheckpoint.fromCollectionSnapshot(List.of(), landed.stream().map(k -> new Path(root(), k)).collect(Collectors.toList())));
        System.out.printf("discovery over 60 simulated days, %d objects (1 day retained): at 10%% state %d bytes (%d objects remembered), "
                        + "%d requests per window round, %d per sweep; at 100%% %d bytes (%d), %d, %d; Flink's FileSource would checkpoint "
                        + "%d bytes at the end; late objects read %d%n",
                objects, stateBytes[0], remembered[0], windowRequests[0], sweepRequests[0], stateBytes[1], remembered[1],
                windowRequests[1], sweepRequests[1], fileSourceState.length, enumerator.lateObjects());

        List<String> read = names(context.assigned);
        assertThat(read).hasSize(objects);
        assertThat(new java.util.HashSet<>(read))
                .isEqualTo(landed.stream().map(k -> k.substring(k.lastIndexOf('/') + 1)).collect(Collectors.toSet()));
        assertThat(enumerator.lateObjects()).isEqualTo(objects / 500);
        // Two hours back and the hour the clock margin reaches: 3 or 4 folders, never more.
        assertThat(windowRequests[1]).isEqualTo(windowRequests[0]).isEqualTo(4);
        assertThat(sweepRequests[1]).isBetween(sweepRequests[0] - 2, sweepRequests[0] + 2);
        assertThat(stateBytes[1]).isLessThanOrEqualTo(stateBytes[0] + stateBytes[0] / 4).isLessThan(16 * 1024);
        assertThat(fileSourceState.length).isGreaterThan(100 * stateBytes[1]);
    }

    @Test
    void restoresAFileSourceCheckpointWithoutRereadingOrSkipping() throws Exception {
        land("2026/01/01/00/s-1-a.gz", now);
        land("2026/01/01/00/s-1-b.gz", now);
        land("2026/01/01/00/s-1-c.gz", now);
        Path a = new Path(root(), "2026/01/01/00/s-1-a.gz");
        Path b = new Path(root(), "2026/01/01/00/s-1-b.gz");
        // The FileSource had read a, discovered b (not yet handed out); c landed after its last listing.
        FileSourceSplit pendingB = new FileSourceSplit("7", b, 0, 1, now, 1);
        byte[] old = new PendingSplitsCheckpointSerializer<>(FileSourceSplitSerializer.INSTANCE)
                .serialize(PendingSplitsCheckpoint.fromCollectionSnapshot(List.of(pendingB), List.of(a, b)));

        now += Duration.ofDays(30).toMillis(); // restored a month later: every hour is outside the window
        DiscoveryState restored = new DiscoveryState.Serializer(false, now).deserialize(1, old);
        RecordingEnumeratorContext context = new RecordingEnumeratorContext();
        ObjectDiscoveryEnumerator enumerator = enumerator(context, continuous(), restored);
        round(enumerator);
        drain(enumerator, context);
        assertThat(names(context.assigned)).containsExactly("s-1-b.gz", "s-1-c.gz");
        for (int i = 0; i < 4; i++) {
            now += 61 * MINUTE;
            round(enumerator);
            drain(enumerator, context);
        }
        assertThat(context.assigned).hasSize(2);
        assertThat(enumerator.snapshotState(2).remembered).isEmpty();
    }

    @Test
    void stateSurvivesItsSerializer() throws Exception {
        land("2026/01/01/00/s-1-a.gz", now);
        land("2026/01/01/00/s-1-b.gz", now);
        RecordingEnumeratorContext context = new RecordingEnumeratorContext();
        ObjectDiscoveryEnumerator enumerator = enumerator(context, continuous(), DiscoveryState.empty());
        round(enumerator);
        context.assigned.clear();
        DiscoveryState.Serializer serializer = new DiscoveryState.Serializer(false);
        DiscoveryState state = serializer.deserialize(serializer.getVersion(), serializer.serialize(enumerator.snapshotState(3)));

        assertThat(state.lastSweepStart).isEqualTo(now);
        assertThat(state.remembered).containsOnlyKeys(new Path(root(), "2026/01/01/00/s-1-a.gz").toString(),
                new Path(root(), "2026/01/01/00/s-1-b.gz").toString());
        assertThat(names(state.pending)).containsExactlyInAnyOrder("s-1-a.gz", "s-1-b.gz");
        ObjectDiscoveryEnumerator restored = enumerator(context, continuous(), state);
        round(restored);
        drain(restored, context);
        assertThat(names(context.assigned)).containsExactly("s-1-a.gz", "s-1-b.gz");
    }

    /**
     * Restored under another root (another pipeline's savepoint, input.path changed), every object
     * there would be new and written again: the enumerator fails the start with the reason instead.
     */
    @Test
    void refusesToStartFromTheStateOfAnotherInputRoot() throws Exception {
        land("2026/01/01/00/s-1-a.gz", now);
        RecordingEnumeratorContext context = new RecordingEnumeratorContext();
        ObjectDiscoveryEnumerator enumerator = enumerator(context, continuous(), DiscoveryState.empty());
        round(enumerator);
        DiscoveryState state = enumerator.snapshotState(1);
        Path otherRoot = new Path(dir.resolve("other-raw").toUri());

        ObjectDiscoveryEnumerator elsewhere = new ObjectDiscoveryEnumerator(context, otherRoot, continuous(), state, false, () -> now);
        assertThatThrownBy(elsewhere::start).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("The saved state is of another input: it names raw objects such as "
                        + new Path(root(), "2026/01/01/00/s-1-a.gz") + ", none under input.path " + otherRoot);
        // Past the check, a start schedules its listings (which this test context refuses to run).
        assertThatThrownBy(enumerator(context, continuous(), state)::start).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(new ObjectDiscoveryEnumerator(context, otherRoot, continuous(), DiscoveryState.empty(), false, () -> now)::start)
                .as("nothing saved, nothing to compare").isInstanceOf(UnsupportedOperationException.class);
    }

    /**
     * A global failover makes a new enumerator from the same source in the same job: its metrics
     * are registered once, and report the newest enumerator. Registered again, Flink refused them
     * with a warning and went on reporting the first enumerator's.
     */
    @Test
    void theEnumeratorsOfOneSourceShareOneSetOfMetricsThatReportsTheNewest() throws Exception {
        land("2026/01/01/00/s-1-a.gz", now);
        land("2026/01/01/00/s-1-b.gz", now);
        RecordingEnumeratorContext context = new RecordingEnumeratorContext();
        RawObjectSource source = new RawObjectSource(root(), new FirehoseObjectFormat<>(1 << 20, 1024), continuous());
        ObjectDiscoveryEnumerator first = (ObjectDiscoveryEnumerator) source.createEnumerator(context);
        round(first);
        DiscoveryState state = first.snapshotState(1);

        ObjectDiscoveryEnumerator second = (ObjectDiscoveryEnumerator) source.restoreEnumerator(context, state);
        second.handleSplitRequest(0, "localhost");

        assertThat(context.registered).extracting(Map.Entry::getKey).as("each once")
                .containsExactlyInAnyOrder("lateObjects", "listRequests", "rememberedObjects", "pendingObjects");
        assertThat(((org.apache.flink.metrics.Gauge<?>) context.metric("pendingObjects")).getValue())
                .as("the second's: one of the two handed out (the first still holds both)").isEqualTo(1);
        assertThat(((org.apache.flink.metrics.Gauge<?>) context.metric("rememberedObjects")).getValue()).isEqualTo(second.snapshotState(2).remembered.size());
        assertThat(((org.apache.flink.metrics.Counter) context.metric("listRequests")).getCount()).isPositive();
    }

    @Test
    void answersEachOfAReadersRequestsAndForgetsThoseOfItsFailedAttempt() throws Exception {
        RecordingEnumeratorContext context = new RecordingEnumeratorContext();
        ObjectDiscoveryEnumerator enumerator = enumerator(context, continuous(), DiscoveryState.empty());
        // A reader asks for the object to read and the next one; nothing has landed yet.
        enumerator.handleSplitRequest(0, "localhost");
        enumerator.handleSplitRequest(0, "localhost");
        // It fails; its next attempt registers and asks again.
        enumerator.addReader(0);
        enumerator.handleSplitRequest(0, "localhost");
        enumerator.handleSplitRequest(0, "localhost");

        land("2026/01/01/00/s-1-a.gz", now);
        land("2026/01/01/00/s-1-b.gz", now);
        land("2026/01/01/00/s-1-c.gz", now);
        round(enumerator);
        assertThat(names(context.assigned)).as("two open requests, not four").containsExactly("s-1-a.gz", "s-1-b.gz");

        enumerator.handleSplitRequest(0, "localhost"); // a finished
        assertThat(names(context.assigned)).containsExactly("s-1-a.gz", "s-1-b.gz", "s-1-c.gz");
    }

    @Test
    void boundedModeListsOnceAndThenSignalsTheEnd() throws Exception {
        land("2026/01/01/00/s-1-a.gz", now);
        land("2026/01/01/00/_hidden.gz", now);
        land("2026/01/01/00/.inprogress", now);
        land("_tmp/s-1-x.gz", now);
        RecordingEnumeratorContext context = new RecordingEnumeratorContext();
        ObjectDiscoveryEnumerator enumerator = enumerator(context,
                new ObjectDiscoveryEnumerator.Settings(true, InputLayout.FIREHOSE, 1000, 0, 1000, null, null), DiscoveryState.empty());
        round(enumerator);
        drain(enumerator, context);
        assertThat(names(context.assigned)).containsExactly("s-1-a.gz");
        assertThat(context.noMoreSplits).containsExactly(0);
        assertThat(enumerator.snapshotState(1).remembered).isEmpty();
    }

    // ---- helpers ------------------------------------------------------------------------------

    private ObjectDiscoveryEnumerator enumerator(RecordingEnumeratorContext context, ObjectDiscoveryEnumerator.Settings settings,
                                                 DiscoveryState state) {
        return new ObjectDiscoveryEnumerator(context, root(), settings, state, false, () -> now);
    }

    private static ObjectDiscoveryEnumerator.Settings continuous() {
        return new ObjectDiscoveryEnumerator.Settings(false, InputLayout.FIREHOSE, 30_000, Duration.ofHours(2).toMillis(),
                Duration.ofHours(1).toMillis(), null, null);
    }

    private static ObjectDiscoveryEnumerator.Listing round(ObjectDiscoveryEnumerator enumerator) throws IOException {
        ObjectDiscoveryEnumerator.Listing listing = enumerator.list();
        enumerator.handOut(listing, null);
        return listing;
    }

    /** A reader that finishes each object at once and asks for the next. */
    private static void drain(ObjectDiscoveryEnumerator enumerator, RecordingEnumeratorContext context) {
        int before;
        do {
            before = context.assigned.size();
            enumerator.handleSplitRequest(0, "localhost");
        } while (context.assigned.size() > before);
    }

    private Path root() {
        return new Path(dir.resolve("raw").toUri());
    }

    private java.nio.file.Path land(String key, long modified) throws IOException {
        java.nio.file.Path file = dir.resolve("raw").resolve(key);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[] {'{', '}'});
        Files.setLastModifiedTime(file, FileTime.fromMillis(modified));
        return file;
    }

    /** Deletes an object and the folders it leaves empty, as S3's lifecycle expiry would (S3 has no folders). */
    private void expire(java.nio.file.Path object) throws IOException {
        Files.delete(object);
        java.nio.file.Path raw = dir.resolve("raw");
        for (java.nio.file.Path p = object.getParent(); !p.equals(raw) && isEmptyFolder(p); p = p.getParent()) {
            Files.delete(p);
        }
    }

    private static boolean isEmptyFolder(java.nio.file.Path p) throws IOException {
        try (Stream<java.nio.file.Path> children = Files.list(p)) {
            return children.findAny().isEmpty();
        }
    }

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    private static List<String> names(List<? extends FileSourceSplit> splits) {
        return splits.stream().map(s -> s.path().getName()).collect(Collectors.toList());
    }
}
