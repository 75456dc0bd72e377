package com.keyhold.kms.customkeystoreconnection.packaging;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Stands in for CloudWatch and CloudWatch Logs on loopback: accepts every call the type owner's metrics and log
 * publishers make, answers it as the service would (empty success), and keeps what was sent, so a test can check what
 * was published rather than that something was attempted.
 */
public final class TelemetrySink implements AutoCloseable {
    /** One call: the operation (from X-Amz-Target, the rpc-v2 path or the query Action) and the raw body. */
    public record Call(String operation, String body) {
    }

    private final HttpServer server;
    private final List<Call> calls = new ArrayList<>();

    public TelemetrySink() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::answer);
        server.start();
    }

    private void answer(final HttpExchange exchange) throws IOException {
        // CBOR (CloudWatch's rpc-v2) carries strings as plain UTF-8, so names and values are readable as text.
        final String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        final String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        final String path = exchange.getRequestURI().getPath();
        final byte[] response;
        if (target != null) {
            // AWS JSON (CloudWatch Logs, and CloudWatch in JSON 1.0): Logs_20140328.PutLogEvents
            record(target.substring(target.indexOf('.') + 1), body);
            exchange.getResponseHeaders().add("Content-Type", "application/x-amz-json-1.1");
            response = "{}".getBytes(StandardCharsets.UTF_8);
        } else if (path.contains("/operation/")) {
            // Smithy rpc-v2-cbor: /service/GraniteServiceVersion20100801/operation/PutMetricData; an empty map.
            record(path.substring(path.lastIndexOf('/') + 1), body);
            exchange.getResponseHeaders().add("Content-Type", "application/cbor");
            exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
            response = new byte[] {(byte) 0xA0};
        } else {
            // AWS query: Action=PutMetricData&...
            final String action = body.replaceAll("(?s).*Action=([A-Za-z]+).*", "$1");
            record(action, body);
            exchange.getResponseHeaders().add("Content-Type", "text/xml");
            response = ("<" + action + "Response><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></"
                + action + "Response>").getBytes(StandardCharsets.UTF_8);
        }
        exchange.sendResponseHeaders(200, response.length);
        exchange.getResponseBody().write(response);
        exchange.close();
    }

    private synchronized void record(final String operation, final String body) {
        calls.add(new Call(operation, body));
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public synchronized List<Call> calls(final String operation) {
        return calls.stream().filter(c -> c.operation().equals(operation)).toList();
    }

    public synchronized List<String> operations() {
        return calls.stream().map(Call::operation).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
