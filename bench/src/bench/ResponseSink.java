package bench;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Stands in for the pre-signed S3 ResponseURL while bench/run.sh times the custom-resource function: answers every
 * PUT with 200 and appends its body, one line each, to the file named by args[0]. Prints its port, runs until
 * killed. Runs in its own JVM so that it costs the measured process nothing.
 */
public final class ResponseSink {
    public static void main(final String[] args) throws IOException {
        final Path log = Path.of(args[0]);
        final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                final String text = new String(body.readAllBytes(), StandardCharsets.UTF_8).replace('\n', ' ');
                synchronized (ResponseSink.class) {
                    Files.writeString(log, exchange.getRequestMethod() + " " + text + System.lineSeparator(),
                        StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                }
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        System.out.println("response sink listening on port " + server.getAddress().getPort());
    }

    private ResponseSink() {
    }
}
