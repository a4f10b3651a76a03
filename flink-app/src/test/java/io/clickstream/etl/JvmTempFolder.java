package io.clickstream.etl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A child JVM's own temp folder ({@code java.io.tmpdir}) inside a test's folder: what a killed JVM
 * leaves behind goes away with the test, and what a JVM that ended cleanly left can be checked.
 */
final class JvmTempFolder {
    /** The one folder every embedded cluster shares (Flink's REST upload folder): it does not grow with runs. */
    private static final String SHARED_UPLOAD_FOLDER = "flink-web-upload";

    private final Path folder;

    JvmTempFolder(Path testFolder) {
        this.folder = testFolder.resolve("jvm-tmp");
    }

    /** The JVM option that points the child's temp folder here (created). */
    String option() throws IOException {
        return "-Djava.io.tmpdir=" + Files.createDirectories(folder);
    }

    /** Every file and folder a child left, but the empty shared upload folder. */
    List<Path> leftovers() {
        try (Stream<Path> paths = Files.walk(folder)) {
            return paths.filter(p -> !p.equals(folder))
                    .filter(p -> !(p.equals(folder.resolve(SHARED_UPLOAD_FOLDER)) && isEmptyFolder(p)))
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isEmptyFolder(Path p) {
        try (Stream<Path> entries = Files.list(p)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
