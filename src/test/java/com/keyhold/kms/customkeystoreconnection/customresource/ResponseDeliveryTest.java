package com.keyhold.kms.customkeystoreconnection.customresource;

import static com.keyhold.kms.customkeystoreconnection.customresource.Rig.HSM;
import static com.keyhold.kms.customkeystoreconnection.customresource.Rig.props;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The answer: which URLs are answered, how the PUT is retried, how the Reason is limited. */
class ResponseDeliveryTest {
    private final ResponseServer server = new ResponseServer();
    private final List<Duration> sleeps = new ArrayList<>();
    private final List<String> log = new ArrayList<>();
    private final HttpResponseSender sender = new HttpResponseSender(HttpClient.newHttpClient(), sleeps::add, 4,
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
    void interruptedBackoffStopsWithoutSending() {
        server.answer(500);
        final HttpResponseSender interrupted = new HttpResponseSender(HttpClient.newHttpClient(), d -> {
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
        assertThat(Rig.JSON.readTree(new CustomResourceResponse(CustomResourceResponse.Status.SUCCESS, "ok", "cks-1",
            "s", "r", "l", Map.of("A", "b")).toJson(100)).path("Data").path("A").asText()).isEqualTo("b");
    }

    @Test
    void defaultSenderIsBuilt() {
        assertThat(HttpResponseSender.defaults(Sleeper.SYSTEM)).isNotNull();
    }
}
