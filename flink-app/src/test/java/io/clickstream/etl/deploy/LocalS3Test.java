package io.clickstream.etl.deploy;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** The S3 server's log stays quiet about clients that die mid-upload, and only about them. */
class LocalS3Test {

    @Test
    void anUploadCutShortIsNotLoggedButOtherStoreErrorsAre() throws Exception {
        Class.forName(LocalS3.class.getName()); // installs the filter
        Logger storeLog = Logger.getLogger("org.jclouds.blobstore.config.LocalBlobStore");
        List<LogRecord> seen = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                seen.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        storeLog.addHandler(capture);
        boolean toConsole = storeLog.getUseParentHandlers();
        storeLog.setUseParentHandlers(false); // this test's own SEVERE record is not news to the build log
        BlobStoreContext context = ContextBuilder.newBuilder("transient").build(BlobStoreContext.class);
        BlobStore blobs = context.getBlobStore();
        blobs.createContainerInLocation(null, "bucket");
        S3Proxy proxy = S3Proxy.builder().blobStore(blobs).endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.NONE, null, null).build();
        proxy.start();
        try {
            while (!"STARTED".equals(proxy.getState())) {
                Thread.sleep(10);
            }
            // A client that announces 100,000 bytes, sends 10 and dies, as a SIGKILLed task manager does.
            try (Socket client = new Socket("127.0.0.1", proxy.getPort())) {
                OutputStream out = client.getOutputStream();
                out.write(("PUT /bucket/part-0 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n0123456789")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
            }
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (blobs.blobExists("bucket", "part-0") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            // The store logs the failed upload on the server's thread once it sees the end of the stream.
            Thread.sleep(500);
            assertThat(blobs.blobExists("bucket", "part-0")).as("the cut upload stored nothing").isFalse();
            storeLog.log(Level.SEVERE, "another failure", new IllegalStateException("disk full"));
            assertThat(seen).extracting(LogRecord::getMessage).containsExactly("another failure");
            assertThat(new LocalS3.ClientGoneFilter().isLoggable(new LogRecord(Level.SEVERE, "no cause"))).isTrue();
        } finally {
            proxy.stop();
            context.close();
            storeLog.removeHandler(capture);
            storeLog.setUseParentHandlers(toConsole);
        }
    }
}
