package io.clickstream.etl.source;

import java.io.IOException;

/**
 * An I/O failure of the storage itself (network, throttling), as opposed to bad bytes. Such
 * failures are not the data's fault: they fail the task so it retries from the last checkpoint.
 */
final class StorageIOException extends IOException {
    private static final long serialVersionUID = 1L;

    StorageIOException(IOException cause) {
        super(cause.getMessage(), cause);
    }
}
