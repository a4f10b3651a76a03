package io.clickstream.etl.local;

import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

import javax.annotation.Nullable;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The states a local run can resume from under its checkpoint folder, local or {@code s3://}: the
 * checkpoint a cancelled or killed run retains ({@code <job id>/chk-<n>}) and the savepoints of
 * Ctrl+C ({@code savepoints/savepoint-<id>}). Each holds the deduplication state, tens of MB per
 * day of traffic, and every stop adds a savepoint and every crash a job folder: a runner restarted
 * for months would fill its disk. So only the newest {@value #KEPT} are kept, and the one a run
 * resumes from.
 */
public final class RetainedStates {

    /** How many states a checkpoint folder keeps: the newest, and two to go back to. */
    public static final int KEPT = 3;

    private RetainedStates() {
    }

    /** Complete states (folders holding a {@code _metadata}), newest first by when that was written. */
    public static List<Path> newestFirst(String checkpoints) throws IOException {
        Path root = new Path(checkpoints);
        FileSystem fs = root.getFileSystem();
        List<FileStatus> metadata = new ArrayList<>();
        for (FileStatus owner : listed(fs, root)) {
            for (FileStatus state : owner.isDir() ? listed(fs, owner.getPath()) : new FileStatus[0]) {
                if (state.isDir() && state.getPath().getName().matches("(chk|savepoint)-.*")) {
                    FileStatus found = status(fs, new Path(state.getPath(), "_metadata"));
                    if (found != null) {
                        metadata.add(found);
                    }
                }
            }
        }
        return metadata.stream().sorted(Comparator.comparingLong(FileStatus::getModificationTime).reversed())
                .map(m -> m.getPath().getParent()).collect(Collectors.toList());
    }

    /**
     * Deletes every state but the newest {@value #KEPT} and {@code resumedFrom}: a savepoint's
     * folder, or a killed run's whole {@code <job id>} folder once none of its checkpoints is kept.
     *
     * @return the folders deleted
     */
    public static List<Path> prune(String checkpoints, @Nullable Path resumedFrom) throws IOException {
        List<Path> states = newestFirst(checkpoints);
        Set<String> kept = states.stream().limit(KEPT).map(RetainedStates::key).collect(Collectors.toSet());
        if (resumedFrom != null) {
            kept.add(key(resumedFrom));
        }
        List<Path> deleted = new ArrayList<>();
        for (Path state : states.subList(Math.min(KEPT, states.size()), states.size())) {
            Path owner = state.getParent();
            boolean jobFolder = state.getName().startsWith("chk-") && owner.getName().matches("[0-9a-f]{32}");
            Path gone = jobFolder ? owner : state;
            if (kept.contains(key(state)) || jobFolder && kept.stream().anyMatch(k -> k.startsWith(key(owner) + "/")) || deleted.contains(gone)) {
                continue;
            }
            gone.getFileSystem().delete(gone, true);
            deleted.add(gone);
        }
        return deleted;
    }

    /** A state's folder as a comparable path: the same folder listed ({@code file:/x}) or given ({@code file:///x/}, {@code .../_metadata}). */
    private static String key(Path state) {
        Path folder = state.getName().equals("_metadata") ? state.getParent() : state;
        return folder.toUri().getPath().replaceAll("/+$", "");
    }

    /** The folder's entries; none when it does not exist (a local file system answers null, S3 throws). */
    public static FileStatus[] listed(FileSystem fs, Path folder) throws IOException {
        try {
            FileStatus[] entries = fs.listStatus(folder);
            return entries == null ? new FileStatus[0] : entries;
        } catch (FileNotFoundException none) {
            return new FileStatus[0];
        }
    }

    /** The file's status, or null when it does not exist. */
    @Nullable
    public static FileStatus status(FileSystem fs, Path file) throws IOException {
        try {
            return fs.getFileStatus(file);
        } catch (FileNotFoundException none) {
            return null;
        }
    }
}
