package io.clickstream.etl.deploy;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.shaded.org.eclipse.jetty.server.Handler;
import org.gaul.shaded.org.eclipse.jetty.server.Request;
import org.gaul.shaded.org.eclipse.jetty.server.Server;
import org.gaul.shaded.org.eclipse.jetty.server.handler.HandlerWrapper;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every request an S3 API server (S3Proxy, path-style) answered, and what IAM would have to allow
 * for it on Amazon S3: each REST operation mapped to its action, resource ARN and condition keys
 * as the S3 authorization reference lists them.
 */
public final class S3RequestLog {

    /** One S3 REST call as it arrived. */
    public static final class S3Request {
        public final String method;
        public final String bucket;
        public final String key;
        public final Map<String, String> query;
        public final String copySource;
        /** Keys named in the body of a multi-object delete. */
        public final List<String> deletedKeys;
        public volatile int status;

        S3Request(String method, String bucket, String key, Map<String, String> query, String copySource, List<String> deletedKeys) {
            this.method = method;
            this.bucket = bucket;
            this.key = key;
            this.query = query;
            this.copySource = copySource;
            this.deletedKeys = deletedKeys;
        }

        /** The S3 API operation, by the REST reference's request shapes. */
        public String operation() {
            boolean object = key != null && !key.isEmpty();
            switch (method) {
                case "HEAD":
                    return object ? "HeadObject" : "HeadBucket";
                case "GET":
                    if (!object) {
                        if (query.containsKey("uploads")) {
                            return "ListMultipartUploads";
                        }
                        if (query.containsKey("location")) {
                            return "GetBucketLocation";
                        }
                        return query.containsKey("list-type") ? "ListObjectsV2" : "ListObjects";
                    }
                    return query.containsKey("uploadId") ? "ListParts" : "GetObject";
                case "PUT":
                    if (!object) {
                        return "CreateBucket";
                    }
                    if (query.containsKey("partNumber")) {
                        return copySource != null ? "UploadPartCopy" : "UploadPart";
                    }
                    return copySource != null ? "CopyObject" : "PutObject";
                case "POST":
                    if (!object && query.containsKey("delete")) {
                        return "DeleteObjects";
                    }
                    if (query.containsKey("uploads")) {
                        return "CreateMultipartUpload";
                    }
                    return query.containsKey("uploadId") ? "CompleteMultipartUpload" : "PostObject";
                case "DELETE":
                    if (!object) {
                        return "DeleteBucket";
                    }
                    return query.containsKey("uploadId") ? "AbortMultipartUpload" : "DeleteObject";
                default:
                    return method;
            }
        }

        /** What IAM evaluates for this request: one or more (action, resource, context). */
        public List<Authorization> authorizations() {
            String bucketArn = "arn:aws:s3:::" + bucket;
            String objectArn = bucketArn + "/" + key;
            Map<String, String> bucketContext = new LinkedHashMap<>();
            bucketContext.put("aws:SecureTransport", "true");
            List<Authorization> out = new ArrayList<>();
            switch (operation()) {
                case "HeadObject":
                case "GetObject":
                    out.add(new Authorization("s3:GetObject", objectArn, bucketContext));
                    break;
                case "HeadBucket":
                case "ListObjects":
                case "ListObjectsV2":
                    for (String[] k : new String[][] {{"prefix", "s3:prefix"}, {"delimiter", "s3:delimiter"}, {"max-keys", "s3:max-keys"}}) {
                        if (query.containsKey(k[0])) {
                            bucketContext.put(k[1], query.get(k[0]));
                        }
                    }
                    out.add(new Authorization("s3:ListBucket", bucketArn, bucketContext));
                    break;
                case "ListMultipartUploads":
                    out.add(new Authorization("s3:ListBucketMultipartUploads", bucketArn, bucketContext));
                    break;
                case "GetBucketLocation":
                    out.add(new Authorization("s3:GetBucketLocation", bucketArn, bucketContext));
                    break;
                case "ListParts":
                    out.add(new Authorization("s3:ListMultipartUploadParts", objectArn, bucketContext));
                    break;
                case "UploadPartCopy":
                case "CopyObject":
                    out.add(new Authorization("s3:PutObject", objectArn, bucketContext));
                    out.add(new Authorization("s3:GetObject", "arn:aws:s3:::" + copySource.replaceFirst("^/", ""), bucketContext));
                    break;
                case "UploadPart":
                case "PutObject":
                case "CreateMultipartUpload":
                case "CompleteMultipartUpload":
                    out.add(new Authorization("s3:PutObject", objectArn, bucketContext));
                    break;
                case "AbortMultipartUpload":
                    out.add(new Authorization("s3:AbortMultipartUpload", objectArn, bucketContext));
                    break;
                case "DeleteObject":
                    out.add(new Authorization("s3:DeleteObject", objectArn, bucketContext));
                    break;
                case "DeleteObjects":
                    for (String k : deletedKeys) {
                        out.add(new Authorization("s3:DeleteObject", bucketArn + "/" + k, bucketContext));
                    }
                    break;
                case "CreateBucket":
                    out.add(new Authorization("s3:CreateBucket", bucketArn, bucketContext));
                    break;
                case "DeleteBucket":
                    out.add(new Authorization("s3:DeleteBucket", bucketArn, bucketContext));
                    break;
                default:
                    throw new AssertionError("no IAM mapping for " + this);
            }
            return out;
        }

        @Override
        public String toString() {
            return method + " /" + bucket + (key == null || key.isEmpty() ? "" : "/" + key) + (query.isEmpty() ? "" : " " + query)
                    + " (" + operation() + ", HTTP " + status + ")";
        }
    }

    /** One permission check of a request. */
    public static final class Authorization {
        public final String action;
        public final String resource;
        public final Map<String, String> context;

        Authorization(String action, String resource, Map<String, String> context) {
            this.action = action;
            this.resource = resource;
            this.context = Map.copyOf(context);
        }

        @Override
        public String toString() {
            return action + " on " + resource + (context.size() > 1 ? " with " + context : "");
        }
    }

    private static final Pattern DELETE_KEY = Pattern.compile("<Key>(.*?)</Key>", Pattern.DOTALL);

    private final List<S3Request> requests = new CopyOnWriteArrayList<>();

    /** Puts the log in front of a proxy's handler; call before {@link S3Proxy#start()}. */
    public static S3RequestLog install(S3Proxy proxy) throws ReflectiveOperationException {
        S3RequestLog log = new S3RequestLog();
        Field field = S3Proxy.class.getDeclaredField("server");
        field.setAccessible(true);
        Server server = (Server) field.get(proxy);
        Handler s3 = server.getHandler();
        HandlerWrapper recorder = new HandlerWrapper() {
            @Override
            public void handle(String target, Request base, HttpServletRequest request, HttpServletResponse response)
                    throws IOException, jakarta.servlet.ServletException {
                HttpServletRequest forwarded = request;
                S3Request recorded = log.parse(request);
                if (recorded.operation().equals("DeleteObjects")) {
                    byte[] body = request.getInputStream().readAllBytes();
                    Matcher m = DELETE_KEY.matcher(new String(body, StandardCharsets.UTF_8));
                    while (m.find()) {
                        recorded.deletedKeys.add(unescapeXml(m.group(1)));
                    }
                    forwarded = new ReplayedBody(request, body);
                }
                log.requests.add(recorded);
                try {
                    super.handle(target, base, forwarded, response);
                } finally {
                    recorded.status = response.getStatus();
                }
            }
        };
        recorder.setHandler(s3);
        server.setHandler(recorder);
        return log;
    }

    public List<S3Request> requests() {
        return List.copyOf(requests);
    }

    public void clear() {
        requests.clear();
    }

    private S3Request parse(HttpServletRequest request) {
        String path = request.getRequestURI();
        String[] parts = path.replaceFirst("^/", "").split("/", 2);
        String bucket = decode(parts[0]);
        String key = parts.length > 1 ? decode(parts[1]) : "";
        Map<String, String> query = new LinkedHashMap<>();
        String raw = request.getQueryString();
        if (raw != null && !raw.isEmpty()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        String copySource = request.getHeader("x-amz-copy-source");
        return new S3Request(request.getMethod(), bucket, key, query, copySource == null ? null : decode(copySource), new ArrayList<>());
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String unescapeXml(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
    }

    /** A request whose body was read for the log, handed on with the same bytes. */
    private static final class ReplayedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        ReplayedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException();
                }

                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }
            };
        }
    }
}
