package io.clickstream.etl.source;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Marks exceptions of the underlying storage stream, so they are not mistaken for corrupt data. */
final class StorageInputStream extends FilterInputStream {

    StorageInputStream(InputStream in) {
        super(in);
    }

    @Override
    public int read() throws IOException {
        try {
            return super.read();
        } catch (IOException e) {
            throw new StorageIOException(e);
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            throw new StorageIOException(e);
        }
    }
}
