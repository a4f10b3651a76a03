package io.clickstream.etl.deploy;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.fs.FileSystem;

import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * An S3 API server on loopback (S3Proxy over an in-memory jclouds store) with a log of every
 * request it answers, and Flink's S3 file systems pointed at it.
 */
public final class LocalS3 implements AutoCloseable {

    /**
     * The in-memory store logs a SEVERE stack trace when a client goes away in the middle of an
     * upload, as the tests' SIGKILLs make it do; the request fails as it would on S3, so only that
     * log is dropped. Held here because java.util.logging keeps its loggers weakly.
     */
    private static final Logger STORE_LOG = Logger.getLogger("org.jclouds.blobstore.config.LocalBlobStore");

    static {
        STORE_LOG.setFilter(new ClientGoneFilter());
    }

    public static final String ACCESS_KEY = "test-access";
    public static final String SECRET_KEY = "test-secret-key";

    public final BlobStore blobs;
    public final S3RequestLog log;
    private final S3Proxy proxy;

    private LocalS3(BlobStore blobs, S3Proxy proxy, S3RequestLog log) {
        this.blobs = blobs;
        this.proxy = proxy;
        this.log = log;
    }

    public static LocalS3 start(String... buckets) throws Exception {
        BlobStoreContext context = ContextBuilder.newBuilder("transient").credentials(ACCESS_KEY, SECRET_KEY).build(BlobStoreContext.class);
        BlobStore blobs = context.getBlobStore();
        for (String bucket : buckets) {
            blobs.createContainerInLocation(null, bucket);
        }
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobs)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                // S3 headers S3Proxy does not implement (Trino's listings ask for x-amz-optional-object-attributes,
                // which S3 answers) are ignored rather than refused with 501.
                .ignoreUnknownHeaders(true)
                .build();
        S3RequestLog log = S3RequestLog.install(proxy);
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
        LocalS3 s3 = new LocalS3(blobs, proxy, log);
        FileSystem.initialize(s3.flinkConfiguration(), null);
        return s3;
    }

    public String endpoint() {
        return "http://127.0.0.1:" + proxy.getPort();
    }

    /** What a Flink cluster needs to reach this server through its S3 file system. */
    public Configuration flinkConfiguration() {
        Configuration conf = new Configuration();
        flinkSettings().forEach(conf::setString);
        return conf;
    }

    public Map<String, String> flinkSettings() {
        return Map.of("s3.endpoint", endpoint(), "s3.path.style.access", "true", "s3.access-key", ACCESS_KEY, "s3.secret-key", SECRET_KEY);
    }

    /** The job keys of a local run against this server. */
    public Map<String, String> jobKeys() {
        return Map.of("s3.endpoint", endpoint(), "s3.path-style-access", "true", "s3.access-key", ACCESS_KEY, "s3.secret-key", SECRET_KEY);
    }

    /** Stores a local file at an {@code s3://bucket/key} URI directly in the store, as another writer would (not logged). */
    public void put(String uri, Path file) throws IOException {
        URI u = URI.create(uri);
        String key = u.getPath().replaceFirst("^/", "");
        blobs.putBlob(u.getHost(), blobs.blobBuilder(key).payload(Files.readAllBytes(file)).contentLength(Files.size(file)).build());
    }

    /** Every object under a prefix, in-progress uploads' parked tails included, folder markers not. */
    public List<String> keys(String bucket, String prefix) {
        List<String> keys = new ArrayList<>();
        for (StorageMetadata m : blobs.list(bucket, ListContainerOptions.Builder.prefix(prefix).recursive())) {
            if (!m.getName().endsWith("/")) {
                keys.add(m.getName());
            }
        }
        return keys;
    }

    /** Only the objects Athena would read: no name starting with '_' or '.'. */
    public List<String> visibleKeys(String bucket, String prefix) {
        List<String> visible = new ArrayList<>();
        for (String k : keys(bucket, prefix)) {
            String name = k.substring(k.lastIndexOf('/') + 1);
            if (!name.startsWith("_") && !name.startsWith(".")) {
                visible.add(k);
            }
        }
        return visible;
    }

    /** Copies objects out of a bucket, keeping their keys as paths, so DuckDB can read them. */
    public Path download(String bucket, List<String> keys, Path folder) throws IOException {
        for (String key : keys) {
            Path target = folder.resolve(key);
            Files.createDirectories(target.getParent());
            try (InputStream in = blobs.getBlob(bucket, key).getPayload().openStream()) {
                Files.copy(in, target);
            }
        }
        return folder;
    }

    @Override
    public void close() throws Exception {
        FileSystem.initialize(new Configuration(), null);
        proxy.stop();
    }

    /** Passes every record except one caused by a client's connection ending early (Jetty's {@code EofException}). */
    static final class ClientGoneFilter implements Filter {
        @Override
        public boolean isLoggable(LogRecord record) {
            for (Throwable t = record.getThrown(); t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t.getClass().getSimpleName().equals("EofException")) {
                    return false;
                }
            }
            return true;
        }
    }
}
