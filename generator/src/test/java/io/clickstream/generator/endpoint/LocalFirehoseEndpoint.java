package io.clickstream.generator.endpoint;

import io.clickstream.generator.FirehoseObjectWriter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for Amazon Data Firehose on loopback, for tests and local trials. It answers the
 * {@code PutRecordBatch} and {@code PutRecord} calls of the Firehose JSON protocol (as the AWS SDK
 * sends them), enforces Firehose's limits, can fail a share of the records of each batch or
 * throttle whole calls, and lands what it accepts as Firehose lands it in S3 (see
 * {@link FirehoseObjectWriter}).
 */
public final class LocalFirehoseEndpoint implements AutoCloseable {

    static final int MAX_BATCH_RECORDS = 500;
    static final long MAX_BATCH_BYTES = 4L * 1024 * 1024;
    static final int MAX_RECORD_BYTES = 1_000 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ScheduledExecutorService flusher = Executors.newSingleThreadScheduledExecutor();
    private final FirehoseObjectWriter objects;
    private final String streamName;
    private final double failShare;
    private final int throttleEvery;
    private final SplittableRandom random;

    private final AtomicLong calls = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong throttled = new AtomicLong();
    private final AtomicLong limitViolations = new AtomicLong();
    private final Set<String> operations = ConcurrentHashMap.newKeySet();

    private LocalFirehoseEndpoint(Path folder, String streamName, double failShare, int throttleEvery,
                                  long bufferBytes, long bufferMillis, long seed) throws IOException {
        this.streamName = streamName;
        this.failShare = failShare;
        this.throttleEvery = throttleEvery;
        this.random = new SplittableRandom(seed);
        this.objects = new FirehoseObjectWriter(folder, streamName, bufferBytes, bufferMillis, seed);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        flusher.scheduleAtFixedRate(this::flushIfDue, 200, 200, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts an endpoint for one delivery stream.
     *
     * @param failShare share of the records of each batch to fail with {@code ServiceUnavailableException}
     * @param throttleEvery throttle every n-th call as a whole (0: never)
     */
    public static LocalFirehoseEndpoint start(Path folder, String streamName, double failShare, int throttleEvery,
                                              long bufferBytes, long bufferMillis, long seed) throws IOException {
        return new LocalFirehoseEndpoint(folder, streamName, failShare, throttleEvery, bufferBytes, bufferMillis, seed);
    }

    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public long accepted() {
        return accepted.get();
    }

    public long failed() {
        return failed.get();
    }

    public long throttled() {
        return throttled.get();
    }

    /** Calls that broke a Firehose limit (more than 500 records or 4 MiB, a record over 1,000 KiB). */
    public long limitViolations() {
        return limitViolations.get();
    }

    /**
     * Every distinct API operation called, as {@code Operation DeliveryStreamName}
     * ({@code PutRecordBatch clickstream-events}): what a producer's IAM policy must allow.
     */
    public Set<String> operations() {
        return Set.copyOf(operations);
    }

    /** Lands everything buffered now, as when a buffering interval ends. */
    public synchronized void flush() throws IOException {
        objects.flush();
    }

    private synchronized void flushIfDue() {
        try {
            objects.flushIfDue(System.currentTimeMillis());
        } catch (IOException e) {
            throw new IllegalStateException("cannot land buffered records", e);
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            long call = calls.incrementAndGet();
            operations.add(target.substring(target.lastIndexOf('.') + 1) + " " + request.path("DeliveryStreamName").asText());
            if (!streamName.equals(request.path("DeliveryStreamName").asText())) {
                error(exchange, 400, "ResourceNotFoundException", "Delivery stream " + request.path("DeliveryStreamName").asText() + " not found");
            } else if (throttleEvery > 0 && call % throttleEvery == 0) {
                throttled.incrementAndGet();
                error(exchange, 503, "ServiceUnavailableException", "Slow down.");
            } else if (target.endsWith(".PutRecordBatch")) {
                putRecordBatch(exchange, (ArrayNode) request.path("Records"));
            } else if (target.endsWith(".PutRecord")) {
                putRecord(exchange, request.path("Record"));
            } else {
                error(exchange, 400, "UnknownOperationException", "Unsupported operation " + target);
            }
        } catch (RuntimeException e) {
            error(exchange, 500, "InternalFailure", e.toString());
        } finally {
            exchange.close();
        }
    }

    private void putRecordBatch(HttpExchange exchange, ArrayNode records) throws IOException {
        byte[][] data = new byte[records.size()][];
        long total = 0;
        for (int i = 0; i < data.length; i++) {
            data[i] = Base64.getDecoder().decode(records.get(i).path("Data").asText());
            total += data[i].length;
            if (data[i].length > MAX_RECORD_BYTES) {
                limitViolations.incrementAndGet();
                error(exchange, 400, "InvalidArgumentException", "Record size exceeds 1,000 KiB");
                return;
            }
        }
        if (data.length == 0 || data.length > MAX_BATCH_RECORDS || total > MAX_BATCH_BYTES) {
            limitViolations.incrementAndGet();
            error(exchange, 400, "InvalidArgumentException", "A batch holds 1 to 500 records and at most 4 MiB");
            return;
        }
        ObjectNode response = JSON.createObjectNode();
        ArrayNode results = response.putArray("RequestResponses");
        int failures = 0;
        synchronized (this) {
            long now = System.currentTimeMillis();
            for (byte[] record : data) {
                ObjectNode result = results.addObject();
                if (random.nextDouble() < failShare) {
                    failures++;
                    result.put("ErrorCode", "ServiceUnavailableException");
                    result.put("ErrorMessage", "Slow down.");
                } else {
                    objects.add(record, now);
                    result.put("RecordId", UUID.randomUUID().toString());
                }
            }
        }
        failed.addAndGet(failures);
        accepted.addAndGet(data.length - failures);
        response.put("FailedPutCount", failures);
        response.put("Encrypted", false);
        respond(exchange, 200, response);
    }

    private void putRecord(HttpExchange exchange, JsonNode record) throws IOException {
        byte[] data = Base64.getDecoder().decode(record.path("Data").asText());
        if (data.length > MAX_RECORD_BYTES) {
            limitViolations.incrementAndGet();
            error(exchange, 400, "InvalidArgumentException", "Record size exceeds 1,000 KiB");
            return;
        }
        synchronized (this) {
            objects.add(data, System.currentTimeMillis());
        }
        accepted.incrementAndGet();
        ObjectNode response = JSON.createObjectNode();
        response.put("RecordId", UUID.randomUUID().toString());
        response.put("Encrypted", false);
        respond(exchange, 200, response);
    }

    private static void error(HttpExchange exchange, int status, String type, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", type);
        body.put("message", message);
        exchange.getResponseHeaders().add("x-amzn-ErrorType", type);
        respond(exchange, status, body);
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
        exchange.getResponseHeaders().add("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() throws IOException {
        server.stop(0);
        flusher.shutdownNow();
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        flush();
    }
}
