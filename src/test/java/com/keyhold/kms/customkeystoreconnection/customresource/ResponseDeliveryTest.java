package com.keyhold.kms.customkeystoreconnection.customresource;

import static com.keyhold.kms.customkeystoreconnection.customresource.Rig.HSM;
import static com.keyhold.kms.customkeystoreconnection.customresource.Rig.props;
import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.aws.SharedHttpClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The answer: which URLs are answered, how the PUT is retried, how the Reason is limited. */
class ResponseDeliveryTest {
    private final ResponseServer server = new ResponseServer();
    private final List<Duration> sleeps = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final HttpResponseSender sender = new HttpResponseSender(SharedHttpClient.get(), sleeps::add, 4,
        Duration.ofSeconds(1), Duration.ofSeconds(5));

    @AfterEach
    void close() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "https://cloudformation-custom-resource-response-useast1.s3.amazonaws.com/arn%3Aaws/req?X-Amz-Signature=x",
        "https://cloudformation-custom-resource-response-euwest1.s3.eu-west-1.amazonaws.com/a/b?sig=1",
        "https://s3.us-west-2.amazonaws.com/bucket/key?sig=1",
        "https://s3-us-west-2.amazonaws.com/bucket/key",
        "https://bucket.s3-eu-west-1.amazonaws.com/key",
        "https://bucket.s3.dualstack.us-east-1.amazonaws.com/key",
        "https://s3.amazonaws.com/bucket/key",
        "https://cloudformation-custom-resource-response-cnnorth1.s3.cn-north-1.amazonaws.com.cn/key",
        "https://BUCKET.S3.AMAZONAWS.COM:443/key"})
    void s3HttpsUrlsAreAccepted(final String url) {
        assertThat(ResponseUrlPolicy.s3Only().rejection(url)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "http://bucket.s3.amazonaws.com/key",
        "https://example.com/key",
        "https://s3.amazonaws.com.evil.example/key",
        // One foreign label after amazonaws.com: .co, .de and .com are domains anyone can register under.
        "https://bucket.s3.amazonaws.com.co/key",
        "https://bucket.s3.eu-west-1.amazonaws.com.de/key",
        "https://s3.amazonaws.com.com/bucket/key",
        "https://bucket.s3.cn-north-1.amazonaws.com.cn.co/key",
        "https://evil.example/s3.amazonaws.com/key",
        "https://s3.amazonaws.com@evil.example/key",
        "https://user@bucket.s3.amazonaws.com/key",
        "https://bucket.s3.amazonaws.com:8443/key",
        "https://bucket.nots3.amazonaws.com/key",
        "http://127.0.0.1:8080/key",
        "ftp://bucket.s3.amazonaws.com/key",
        "https://bucket.s3.amazonaws.com/ key with spaces",
        "not a url at all",
        ""})
    void everythingElseIsRefused(final String url) {
        assertThat(ResponseUrlPolicy.s3Only().rejection(url)).isPresent();
    }

    @Test
    void theTestSettingAllowsOnlyLoopbackHttp() {
        final ResponseUrlPolicy local = ResponseUrlPolicy.allowingLoopbackForTests();
        assertThat(local.rejection("http://127.0.0.1:8080/key")).isEmpty();
        assertThat(local.rejection("http://localhost:8080/key")).isPresent();
        assertThat(local.rejection("http://u@127.0.0.1:8080/key")).isPresent();
        assertThat(local.rejection("http://10.0.0.1/key")).isPresent();
        assertThat(local.rejection("https://bucket.s3.amazonaws.com/key")).isEmpty();
        assertThat(ResponseUrlPolicy.s3Only().rejection(null)).hasValueSatisfying(r -> assertThat(r).contains("no"));
        assertThat(ResponseUrlPolicy.redacted(null)).isEqualTo("(none)");
        assertThat(ResponseUrlPolicy.redacted("https://h/p")).isEqualTo("https://h/p");
    }

    @Test
    void rejectedResponseUrlSendsNothingTouchesNothingAndSaysWhy() {
        try (Rig rig = new Rig()) {
            final CustomResourceHandler production = rig.handler(CustomResourceSettings.defaults());
            final String local = rig.event("Create", "create-1", null, props(HSM, "CONNECTED"), null);
            rig.invoke(production, local, Duration.ofMinutes(15));
            final String foreign = local.replace(rig.server.url("create-1"),
                "https://collector.example.com/cfn?X-Amz-Signature=secret-signature");
            rig.invoke(production, foreign, Duration.ofMinutes(15));

            assertThat(rig.server.received()).isEmpty();
            assertThat(rig.emulator.requestLog().entries()).as("no AWS call").isEmpty();
            assertThat(rig.log).filteredOn(line -> line.startsWith("ERROR: refusing the Create request create-1"))
                .hasSize(2)
                .anyMatch(line -> line.contains("scheme is 'http', only https is accepted"))
                .anyMatch(line -> line.contains("host 'collector.example.com' is not an Amazon S3 endpoint"))
                .allMatch(line -> line.contains("Nothing was sent") && !line.contains("secret-signature"));
        }
    }

    @Test
    void thePutCarriesTheExactBodyAnEmptyContentTypeAndItsLength() {
        final String body = "{\"Status\":\"FAILED\",\"Reason\":\"caf\u00e9 \u2713\"}";
        assertThat(sender.send(server.url("r-1"), body, log::add)).isTrue();
        assertThat(server.received()).hasSize(1);
        final ResponseServer.Received put = server.received().get(0);
        assertThat(put.method()).isEqualTo("PUT");
        assertThat(put.body()).isEqualTo(body);
        assertThat(put.contentTypes()).as("S3 checks the Content-Type the URL was signed with: none")
            .containsExactly("");
        assertThat(put.header("Content-Length"))
            .containsExactly(String.valueOf(body.getBytes(StandardCharsets.UTF_8).length));
        assertThat(put.header("Transfer-Encoding")).isEmpty();
        assertThat(put.header("Expect")).isEmpty();
        assertThat(log).containsExactly("Response delivered to " + ResponseUrlPolicy.redacted(server.url("r-1"))
            + " (HTTP 200, attempt 1)");
    }

    @Test
    void thePreSignedUrlGoesOutByteForByte() {
        final String path = "/cloudformation-custom-resource-response/arn%3Aaws%3Acloudformation%3Aus-east-1%3A1%3A"
            + "stack/app/guid%7CRes%7Cr-1";
        final String query = "X-Amz-Signature=ab%2Bc%2Fd%3D&AWSAccessKeyId=AKIA&Expires=1700000000"
            + "&X-Amz-Credential=AKIA%2F20240101%2Fus-east-1%2Fs3%2Faws4_request&t=a~b*c%7Ed+e&empty=";
        final String url = server.url("r-1");
        assertThat(sender.send(url.substring(0, url.indexOf("/cloudformation")) + path + "?" + query, "{}", log::add))
            .isTrue();
        assertThat(server.received()).singleElement().satisfies(put -> {
            assertThat(put.rawPath()).isEqualTo(path);
            assertThat(put.query()).as("not decoded, re-encoded or reordered").isEqualTo(query);
        });
    }

    @Test
    void transientServerErrorIsRetriedWithBackoffThenDelivered() {
        server.answer(500, 503);
        assertThat(sender.send(server.url("r-1"), "{\"Status\":\"SUCCESS\"}", log::add)).isTrue();
        assertThat(server.received()).hasSize(3).allMatch(r -> r.method().equals("PUT"))
            .allMatch(r -> r.body().equals("{\"Status\":\"SUCCESS\"}"));
        assertThat(sleeps).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(2));
        assertThat(log).anyMatch(l -> l.contains("HTTP 500") && l.contains("attempt 1 of 4"))
            .allMatch(l -> !l.contains("secret-signature"));
    }

    @Test
    void persistentServerErrorGivesUpAfterTheAttempts() {
        server.answer(500, 500, 500, 500, 500);
        assertThat(sender.send(server.url("r-1"), "{}", log::add)).isFalse();
        assertThat(server.received()).hasSize(4);
        assertThat(log).anyMatch(l -> l.startsWith("ERROR: could not deliver") && l.contains("after 4 attempts"));
    }

    @Test
    void clientErrorIsNotRetried() {
        server.answer(403);
        assertThat(sender.send(server.url("r-1"), "{}", log::add)).isFalse();
        assertThat(server.received()).hasSize(1);
        assertThat(sleeps).isEmpty();
        assertThat(log).anyMatch(l -> l.contains("HTTP 403") && l.contains("not retrying"));
    }

    @Test
    void connectionErrorsAreRetried() throws Exception {
        final int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        assertThat(sender.send("http://127.0.0.1:" + port + "/r", "{}", log::add)).isFalse();
        assertThat(sleeps).hasSize(3);
        assertThat(log).anyMatch(l -> l.contains("ConnectException"));
    }

    @Test
    void aConnectionDroppedBeforeTheAnswerCountsAsOneAttempt() throws Exception {
        final AtomicInteger connections = new AtomicInteger();
        try (ServerSocket dropping = silentServer()) {
            final Thread acceptor = new Thread(() -> {
                while (true) {
                    try (Socket socket = dropping.accept()) {
                        connections.incrementAndGet();
                        socket.getInputStream().read(new byte[64]);
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            final HttpResponseSender twice = new HttpResponseSender(SharedHttpClient.get(), sleeps::add, 2,
                Duration.ofSeconds(1), Duration.ofSeconds(5));
            assertThat(twice.send(url(dropping), "{}", log::add)).isFalse();
        }
        assertThat(connections).as("HttpURLConnection re-sends a buffered PUT once on its own; a streamed one not")
            .hasValue(2);
        assertThat(sleeps).containsExactly(Duration.ofSeconds(1));
        assertThat(log).anyMatch(l -> l.contains("failed (SocketException: ") && l.contains("attempt 1 of 2"));
    }

    @Test
    void anAttemptThatOutlivesTheTimeoutIsAbandonedAndRetried() throws Exception {
        try (ServerSocket silent = silentServer()) {
            final HttpResponseSender quick = new HttpResponseSender(SharedHttpClient.get(), sleeps::add, 2,
                Duration.ofSeconds(1), Duration.ofMillis(300));
            final long started = System.nanoTime();
            assertThat(quick.send(url(silent), "{}", log::add)).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("not the client's 30 s read timeout")
                .isLessThan(Duration.ofSeconds(10));
        }
        assertThat(sleeps).containsExactly(Duration.ofSeconds(1));
        assertThat(log).anyMatch(l -> l.contains("failed (SocketTimeoutException: request timed out), attempt 1 of 2"))
            .anyMatch(l -> l.startsWith("ERROR: could not deliver") && l.contains("after 2 attempts"));
    }

    @Test
    void interruptDuringThePutStopsWithoutRetrying() throws Exception {
        final Thread caller = Thread.currentThread();
        final String where;
        final boolean sent;
        final boolean stillInterrupted;
        final long started = System.nanoTime();
        try (ServerSocket silent = silentServer()) {
            where = ResponseUrlPolicy.redacted(url(silent));
            // Interrupts once the PUT has arrived, then never answers: the sender is waiting for the response.
            final Thread interrupter = new Thread(() -> {
                try (Socket accepted = silent.accept()) {
                    final byte[] buffer = new byte[1024];
                    accepted.getInputStream().read(buffer);
                    caller.interrupt();
                    // Hold the connection open, unanswered, until the sender drops it.
                    while (accepted.getInputStream().read(buffer) >= 0) {
                        continue;
                    }
                } catch (IOException e) {
                    // the sender gave up on the connection: what the test waits for
                }
            });
            interrupter.setDaemon(true);
            interrupter.start();
            sent = sender.send(url(silent), "{}", log::add);
            stillInterrupted = Thread.interrupted();
            interrupter.join(Duration.ofSeconds(5).toMillis());
        }
        assertThat(sent).isFalse();
        assertThat(stillInterrupted).isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("well before the 5 s timeout")
            .isLessThan(Duration.ofSeconds(4));
        assertThat(sleeps).isEmpty();
        assertThat(log).containsExactly("ERROR: interrupted while sending the response to " + where);
    }

    @Test
    void interruptedBackoffStopsWithoutSending() {
        server.answer(500);
        final HttpResponseSender interrupted = new HttpResponseSender(SharedHttpClient.get(), d -> {
            throw new InterruptedException();
        }, 3, Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertThat(interrupted.send(server.url("r-1"), "{}", log::add)).isFalse();
        assertThat(Thread.interrupted()).isTrue();
        assertThat(server.received()).hasSize(1);
    }

    @Test
    void interruptedPutStopsWithoutRetrying() {
        Thread.currentThread().interrupt();
        final boolean sent = sender.send(server.url("r-1"), "{}", log::add);
        final boolean stillInterrupted = Thread.interrupted();
        assertThat(sent).isFalse();
        assertThat(stillInterrupted).isTrue();
        assertThat(server.received()).isEmpty();
        assertThat(log).anyMatch(l -> l.startsWith("ERROR: interrupted"));
    }

    @Test
    void responseBodyHasCloudFormationsMembersAndTheReasonIsLimitedWithoutSplittingCharacters() throws Exception {
        final String reason = "é".repeat(3000);
        final String json = new CustomResourceResponse(CustomResourceResponse.Status.FAILED, reason, "cks-1", "stack",
            "req", "Logical", null).toJson(1000);
        final var body = Rig.JSON.readTree(json);
        assertThat(body.fieldNames()).toIterable().containsExactly("Status", "Reason", "PhysicalResourceId", "StackId",
            "RequestId", "LogicalResourceId", "NoEcho", "Data");
        final String kept = body.path("Reason").asText();
        assertThat(kept).endsWith(CustomResourceResponse.TRUNCATION_MARKER).startsWith("éé");
        assertThat(kept.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1000);
        assertThat(json.getBytes(StandardCharsets.UTF_8).length).isLessThan(4096);
        assertThat(CustomResourceResponse.truncate(null, 10)).isEmpty();
        assertThat(CustomResourceResponse.truncate("short", 10)).isEqualTo("short");
        assertThat(CustomResourceResponse.truncate("x".repeat(50), 5)).isEqualTo(CustomResourceResponse.TRUNCATION_MARKER);
        // The limits are inclusive: a text of exactly maxBytes stays whole, and a character that exactly fills the
        // room before the marker is kept.
        assertThat(CustomResourceResponse.truncate("short", 5)).isEqualTo("short");
        final int marker = CustomResourceResponse.TRUNCATION_MARKER.getBytes(StandardCharsets.UTF_8).length;
        assertThat(CustomResourceResponse.truncate("abc" + "d".repeat(marker + 1), marker + 3)).isEqualTo("abc"
            + CustomResourceResponse.TRUNCATION_MARKER);
        assertThat(CustomResourceResponse.truncate("aé" + "é".repeat(marker), marker + 3)).isEqualTo("aé"
            + CustomResourceResponse.TRUNCATION_MARKER);
        assertThat(Rig.JSON.readTree(new CustomResourceResponse(CustomResourceResponse.Status.SUCCESS, "ok", "cks-1",
            "s", "r", "l", Map.of("A", "b")).toJson(100)).path("Data").path("A").asText()).isEqualTo("b");
    }

    @Test
    void defaultSenderDeliversThroughTheSharedClient() {
        assertThat(HttpResponseSender.defaults(Sleeper.SYSTEM).send(server.url("r-1"), "{}", log::add)).isTrue();
        assertThat(server.received()).singleElement().satisfies(put -> {
            assertThat(put.contentTypes()).containsExactly("");
            assertThat(put.header("Content-Length")).containsExactly("2");
        });
    }

    /** Accepts connections (the kernel's backlog does) but never reads or answers them. */
    private static ServerSocket silentServer() throws Exception {
        return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    private static String url(final ServerSocket socket) {
        return "http://127.0.0.1:" + socket.getLocalPort() + "/r?X-Amz-Signature=secret-signature";
    }
}
