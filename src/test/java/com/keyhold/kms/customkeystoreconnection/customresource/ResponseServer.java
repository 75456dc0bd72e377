package com.keyhold.kms.customkeystoreconnection.customresource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Stands in for the pre-signed S3 ResponseURL: a local HTTP server that records every request. */
final class ResponseServer implements AutoCloseable {
    /**
     * One request as the server saw it: {@code rawPath} and {@code query} as they came on the request line (still
     * percent-encoded), {@code headers} by case-insensitive name, the body decoded as UTF-8.
     */
    record Received(String method, String path, String rawPath, String query, Map<String, List<String>> headers,
                    String body) {
        /** Every value sent for the header {@code name}, in order; empty when it was not sent. */
        List<String> header(final String name) {
            return headers.getOrDefault(name, List.of());
        }

        /** Every Content-Type header value sent. */
        List<String> contentTypes() {
            return header("Content-Type");
        }

        JsonNode json() {
            try {
                return new ObjectMapper().readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private final Deque<Integer> statuses = new ArrayDeque<>();

    ResponseServer() {
        this(plainHttpOnLoopback());
    }

    /** Records what {@code server} (HTTP or HTTPS, not yet started) receives. */
    ResponseServer(final HttpServer server) {
        this.server = server;
        server.createContext("/", exchange -> {
            final String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
            final int status;
            synchronized (this) {
                received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery(), headers, body));
                status = statuses.isEmpty() ? 200 : statuses.poll();
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    private static HttpServer plainHttpOnLoopback() {
        try {
            return HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The statuses the next requests get, in order; 200 after them. */
    synchronized ResponseServer answer(final Integer... next) {
        statuses.addAll(List.of(next));
        return this;
    }

    /** The server's root, for clients that append their own paths. */
    String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String url(final String requestId) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/cloudformation-custom-resource-response/"
            + requestId + "?X-Amz-Signature=secret-signature";
    }

    synchronized List<Received> received() {
        return List.copyOf(received);
    }

    synchronized List<Received> receivedFor(final String requestId) {
        return received.stream().filter(r -> r.path().endsWith("/" + requestId)).toList();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
