package io.clickstream.etl.local;

import io.clickstream.generator.Fate;
import io.clickstream.generator.GeneratedRecord;
import io.clickstream.generator.GeneratorSettings;
import io.clickstream.generator.TrafficGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The demo's folder: it deletes only what it created, and says what it keeps. */
class LocalDemoTest {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @Test
    void aFolderTheDemoDidNotMakeIsRefusedAndLeftAlone(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("raw"));
        Files.writeString(data.resolve("raw/mine.gz"), "someone's object");

        assertThatThrownBy(() -> LocalDemo.prepare(data, true, out))
                .hasMessage(data + " exists and was not made by the demo (no .clickstream-demo in it); the demo deletes nothing it did not"
                        + " create: choose another folder with --data DIR");
        assertThat(data.resolve("raw/mine.gz")).hasContent("someone's object");
    }

    @Test
    void aNewFolderIsCreatedAndMarkedAsTheDemos(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data/demo");

        LocalDemo.prepare(data, false, out);

        assertThat(data.resolve(LocalDemo.MARKER)).exists();
        assertThat(printed.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void anEarlierRunIsReplacedAndWhatIsNotTheDemosIsKeptAndNamed(@TempDir Path dir) throws Exception {
        Path data = demoRun(dir);
        Files.writeString(data.resolve("notes.txt"), "my notes");

        LocalDemo.prepare(data, false, out);

        assertThat(data.resolve("raw")).doesNotExist();
        assertThat(data.resolve("lake")).doesNotExist();
        assertThat(data.resolve("checkpoints")).doesNotExist();
        assertThat(data.resolve("notes.txt")).hasContent("my notes");
        assertThat(printed.toString(StandardCharsets.UTF_8).lines()).containsExactly("Replacing the previous demo run in " + data
                + " (the demo's own folder: raw, lake, dead-letter, checkpoints); kept, not the demo's: notes.txt");
    }

    @Test
    void objectsOthersAddedToItsRawFolderAreKeptUnlessFreshIsGiven(@TempDir Path dir) throws Exception {
        Path data = demoRun(dir);
        Path added = data.resolve("raw/2026/12/06/09/generated-1.gz");
        Files.createDirectories(added.getParent());
        Files.writeString(added, "from the generator");

        assertThatThrownBy(() -> LocalDemo.prepare(data, false, out))
                .hasMessage(data.resolve("raw") + " holds 1 objects the demo did not write (e.g. 2026/12/06/09/generated-1.gz, added with the"
                        + " generator?): move them, or add --fresh to delete them with the previous run");
        assertThat(added).exists();
        assertThat(data.resolve("lake/part.parquet")).as("nothing deleted on a refusal").exists();

        LocalDemo.prepare(data, true, out);

        assertThat(data.resolve("raw")).doesNotExist();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("and 1 objects others added, as --fresh asked");
    }

    @Test
    void theClosingBlockSaysWhereThingsAreAndWhatToTryNext(@TempDir Path dir) {
        Path data = dir.resolve("data/demo");
        Path spelled = dir.resolve("data/../data/./demo"); // as a relative --data with .. may resolve

        List<String> lines = LocalDemo.closing(spelled, 8081, false).lines().collect(java.util.stream.Collectors.toList());

        assertThat(lines).contains(
                "  lake (Snappy Parquet, by event date):   " + data.toAbsolutePath().resolve("lake"),
                "  dead letters (JSON lines, by type):     " + data.toAbsolutePath().resolve("dead-letter"),
                "  Flink web UI, while a job runs:         http://localhost:8081");
        assertThat(lines.stream().filter(l -> l.matches("  [123]\\. .*java -cp \"\\$CP\" io\\.clickstream\\..*"))).hasSize(3);
        assertThat(lines).anyMatch(l -> l.startsWith("  1. keep the job watching for new traffic:") && l.endsWith(" --watch"));
        // After Ctrl+C on --watch: a fresh --watch would replace the run, whose uncompacted events wait in its savepoint.
        assertThat(LocalDemo.closing(spelled, 8081, true).lines())
                .anyMatch(l -> l.startsWith("  1. go on where the job stopped:") && l.endsWith(" --data " + spelled + " --resume"));
    }

    @Test
    void resumeGoesOnFromTheLastWatchRunsSavepointAndSaysWhyItCannot(@TempDir Path dir) throws Exception {
        LocalDemo.Options o = LocalDemo.Options.parse("--resume", "--data", dir.toString());
        assertThat(o.resume).isTrue();
        assertThat(o.watch).as("goes on watching").isTrue();
        assertThatThrownBy(() -> LocalDemo.Options.parse("--resume", "--records", "500"))
                .hasMessage("--resume goes on with the previous run's folder and traffic: it takes neither --fresh nor --records");
        assertThatThrownBy(() -> LocalDemo.Options.parse("--fresh", "--resume")).hasMessageStartingWith("--resume goes on with");

        assertThatThrownBy(() -> LocalDemo.checkResumable(dir.resolve("none")))
                .hasMessage("--resume: " + dir.resolve("none") + " holds no demo run (no .clickstream-demo); start one with --watch");
        Path data = demoRun(dir);
        assertThatThrownBy(() -> LocalDemo.checkResumable(data)).hasMessageStartingWith("--resume: no savepoint in " + data.resolve("checkpoints"));
        Path savepoint = Files.createDirectories(data.resolve("checkpoints/savepoints/savepoint-000000-000000000001"));
        Files.writeString(savepoint.resolve("_metadata"), "a savepoint");
        LocalDemo.checkResumable(data);
    }

    /** A demo folder as a finished run leaves it: the marker lists the one raw object the demo wrote. */
    private static Path demoRun(Path dir) throws Exception {
        Path data = dir.resolve("demo");
        Path object = data.resolve("raw/2026/12/02/00/demo-1.gz");
        Files.createDirectories(object.getParent());
        Files.writeString(object, "demo traffic");
        Files.writeString(data.resolve(LocalDemo.MARKER), "2026/12/02/00/demo-1.gz\n");
        Files.createDirectories(data.resolve("lake"));
        Files.writeString(data.resolve("lake/part.parquet"), "x");
        Files.createDirectories(data.resolve("checkpoints/chk-1"));
        return data;
    }

    @Test
    void sayingWhatWasWrittenCountsEachKindOfRecordAsTheGeneratorMadeIt() {
        List<GeneratedRecord> few = TrafficGenerator.generate(
                GeneratorSettings.defaults().records(20).days(1).seed(42));
        List<GeneratedRecord> many = TrafficGenerator.generate(
                GeneratorSettings.defaults().records(20_000).days(1).seed(42));
        long valid = many.stream().filter(r -> r.fate() == Fate.VALID).count();
        long malformed = many.stream().filter(r -> r.fate() == Fate.MALFORMED).count();

        // Twenty records happen to hold no fault: the line must not claim any.
        assertThat(LocalDemo.mix(few)).startsWith("20 valid, 0 retries, 0 malformed, 0 breaking the schema, 0 reusing an id with other content, 0 oversized; ");
        assertThat(malformed).isPositive();
        long planted = many.stream().filter(r -> r.fate() == Fate.VALID && !r.secrets().isEmpty()).count();
        long backToBack = many.stream().filter(GeneratedRecord::backToBack).count();
        assertThat(planted).isPositive();
        assertThat(LocalDemo.mix(many)).startsWith(String.format(Locale.ROOT, "%,d valid, ", valid))
                .contains(String.format(Locale.ROOT, ", %,d malformed, ", malformed))
                .contains(String.format(Locale.ROOT, "secrets in the URLs, search text or captured forms of %,d; ", planted))
                .endsWith(String.format(Locale.ROOT, "; %,d records sent back-to-back, without a newline", backToBack));
    }

    /** The default fits a 1 GiB heap (it runs there); ten times as many are refused before anything is written. */
    @Test
    void moreRecordsThanTheHeapHoldsAreRefusedWithWhatToDoInstead() {
        long oneGiB = 1L << 30;
        assertThat(LocalDemo.tooManyForTheHeap(new LocalDemo.Options().records, oneGiB)).isNull();
        assertThat(LocalDemo.tooManyForTheHeap(400_000, oneGiB)).isNull();
        assertThat(LocalDemo.tooManyForTheHeap(3_000_000, oneGiB)).isEqualTo("--records 3,000,000: the demo builds its traffic in memory,"
                + " about 5,435 MB for so many, and this JVM's heap (1,024 MB) holds about 423,845 records; give java a larger -Xmx, or write"
                + " large inputs with the generator, which streams (GeneratorJob --target local --records 3000000), and run LocalRunner over them");
    }

    /** Refused in a real JVM as one line and exit code 2, before the demo's folder is made (it ran out of heap after seconds before). */
    @Test
    void aDemoTooLargeForItsHeapIsOneLineAndExitCode2(@TempDir Path dir) throws Exception {
        Process demo = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-cp",
                System.getProperty("java.class.path"), LocalDemo.class.getName(), "--records", "3000000", "--data", dir.resolve("demo").toString())
                .redirectErrorStream(true).start();
        List<String> lines = new String(demo.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
                .collect(java.util.stream.Collectors.toList());
        assertThat(demo.waitFor()).as("%s", lines).isEqualTo(2);
        assertThat(lines).singleElement().asString().startsWith("--records 3,000,000: the demo builds its traffic in memory");
        assertThat(dir.resolve("demo")).doesNotExist();
    }

    @Test
    void badOptionsAreOneLineAndGoodOnesAreRead() {
        LocalDemo.Options o = LocalDemo.Options.parse("--records", "20_000", "--data", "/tmp/d", "--watch");
        assertThat(o.records).isEqualTo(20_000);
        assertThat(o.data).isEqualTo(Paths.get("/tmp/d"));
        assertThat(o.watch).isTrue();
        assertThat(o.fresh).isFalse();
        assertThat(LocalDemo.Options.parse().records).isEqualTo(300_000);
        for (String bad : new String[] {"-3", "0", "abc", "3000000000"}) {
            assertThatThrownBy(() -> LocalDemo.Options.parse("--records", bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--records '" + bad + "': expected a positive number of records, up to 2147483647");
        }
        assertThatThrownBy(() -> LocalDemo.Options.parse("--records")).hasMessageStartingWith("--records needs a value");
        assertThatThrownBy(() -> LocalDemo.Options.parse("--data", "--watch")).hasMessageStartingWith("--data needs a value");
        assertThatThrownBy(() -> LocalDemo.Options.parse("--record", "5")).hasMessageStartingWith("Unknown option --record ");
    }
}
