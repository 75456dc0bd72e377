package com.keyhold.kms.customkeystoreconnection.local.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.ssm.SsmClient;

/** The wire protocol itself (raw HTTP) and SigV4 verification (real SDK signatures). */
class ProtocolAndSignatureTest {
    private KmsEmulator emu;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        emu = KmsEmulator.builder().clock(new VirtualClock())
                .credentials(EmulatorTestSupport.ACCESS_KEY, EmulatorTestSupport.SECRET_KEY).build().start();
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    private HttpResponse<String> post(String target, String body, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(emu.endpoint().resolve("/"))
                .header("Content-Type", "application/x-amz-json-1.1")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (target != null) {
            b.header("X-Amz-Target", target);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void listensOnLoopbackOnly() {
        assertThat(emu.endpoint().getHost()).isEqualTo("127.0.0.1");
        assertThat(emu.endpoint().getPort()).isPositive();
    }

    @Test
    void missingAuthorizationIsMissingAuthenticationToken() throws Exception {
        HttpResponse<String> r = post("TrentService.DescribeCustomKeyStores", "{}", null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.headers().firstValue("Content-Type")).contains("application/x-amz-json-1.1");
        assertThat(r.body()).contains("\"__type\":\"MissingAuthenticationTokenException\"");
    }

    @Test
    void malformedAuthorizationIsIncompleteSignature() throws Exception {
        HttpResponse<String> r = post("TrentService.DescribeCustomKeyStores", "{}", "Basic abc");
        assertThat(r.body()).contains("IncompleteSignatureException");
    }

    @Test
    void cloudHsmDescribeClustersValidatesItsFiltersAndPages() throws Exception {
        emu.close();
        emu = KmsEmulator.builder().clock(new VirtualClock()).build().start();
        emu.backends().clusterActive("cluster-2222233333aaa", false).clusterHsms("cluster-3333344444bbb", "us-east-1a");
        String auth = "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/cloudhsm/aws4_request, "
                + "SignedHeaders=host, Signature=abc";
        String target = "BaldrApiService.DescribeClusters";
        assertThat(post(target, "{\"Filters\":{\"states\":[\"INITIALIZED\"]}}", auth).body())
                .contains("cluster-2222233333aaa").doesNotContain("cluster-3333344444bbb");
        assertThat(post(target, "{\"Filters\":{\"vpcIds\":[\"vpc-1\"]}}", auth).body())
                .contains("CloudHsmInvalidRequestException").contains("by clusterIds and states only");
        assertThat(post(target, "{\"Filters\":{\"clusterIds\":[\"nope\"]}}", auth).body())
                .contains("CloudHsmInvalidRequestException").contains("Invalid cluster id 'nope'");
        assertThat(post(target, "{\"Filters\":{\"clusterIds\":\"cluster-2222233333aaa\"}}", auth).body())
                .contains("SerializationException");
        assertThat(post(target, "{\"Filters\":[]}", auth).body()).contains("SerializationException");
        assertThat(post(target, "{\"MaxResults\":0}", auth).body()).contains("ValidationException");
        assertThat(post(target, "{\"NextToken\":\"x\"}", auth).body()).contains("Invalid NextToken");
        String first = post(target, "{\"MaxResults\":1}", auth).body();
        assertThat(first).contains("\"NextToken\":\"1\"").contains("cluster-2222233333aaa");
        assertThat(post(target, "{\"MaxResults\":1,\"NextToken\":\"1\"}", auth).body())
                .contains("cluster-3333344444bbb").doesNotContain("NextToken");
        assertThat(post("BaldrApiService.CreateCluster", "{}", auth).body()).contains("UnknownOperationException");
        // Signed for KMS: the CloudHSM target wants the cloudhsm scope.
        assertThat(post(target, "{}", auth.replace("/cloudhsm/", "/kms/")).body())
                .contains("InvalidSignatureException");
        assertThat(emu.requestCount("DescribeClusters")).isPositive();
    }

    @Test
    void unknownOperationsAndPrefixesAndBadJson() throws Exception {
        // No key pair: any well-formed signature gets through to the protocol checks.
        emu.close();
        emu = KmsEmulator.builder().clock(new VirtualClock()).build().start();
        String auth = "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/kms/aws4_request, "
                + "SignedHeaders=host, Signature=abc";
        HttpResponse<String> r = post("TrentService.Encrypt", "{}", auth);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"__type\":\"UnknownOperationException\"");
        assertThat(post("Nonsense.DescribeCustomKeyStores", "{}", auth).body()).contains("UnknownOperationException");
        assertThat(post(null, "{}", auth).body()).contains("UnknownOperationException");
        r = post("TrentService.DescribeCustomKeyStores", "{not json", auth);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"__type\":\"SerializationException\"");
        assertThat(post("TrentService.DescribeCustomKeyStores", "{\"Limit\":\"ten\"}", auth).body())
                .contains("SerializationException", "Limit");
        assertThat(post("TrentService.DescribeCustomKeyStores", "", auth).statusCode()).isEqualTo(200);
        // A credential scoped to the wrong service is refused as AWS refuses it.
        assertThat(post("AmazonSSM.GetParameter", "{\"Name\":\"/x\"}", auth).body())
                .contains("InvalidSignatureException", "'ssm'");
    }

    @Test
    void anUnknownPathOrAnotherContentTypeIsAnUnknownOperationAndHugeValuesAreNotEchoed() throws Exception {
        emu.close();
        emu = KmsEmulator.builder().clock(new VirtualClock()).build().start();
        String auth = "AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/kms/aws4_request, "
                + "SignedHeaders=host, Signature=abc";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(emu.endpoint().resolve("/kms/v1"))
                .header("Content-Type", "application/x-amz-json-1.1").header("Authorization", auth)
                .header("X-Amz-Target", "TrentService.DescribeCustomKeyStores")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("UnknownOperationException", "path '/kms/v1'");
        r = http.send(HttpRequest.newBuilder(emu.endpoint().resolve("/")).header("Content-Type", "text/plain")
                .header("Authorization", auth).header("X-Amz-Target", "TrentService.DescribeCustomKeyStores")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.body()).contains("UnknownOperationException", "Content-Type 'text/plain'");
        // With a charset, the JSON content type is still the service's.
        r = http.send(HttpRequest.newBuilder(emu.endpoint().resolve("/"))
                .header("Content-Type", "application/x-amz-json-1.1; charset=utf-8").header("Authorization", auth)
                .header("X-Amz-Target", "TrentService.DescribeCustomKeyStores")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);

        String huge = "x".repeat(10 * 1024 * 1024);
        r = post("TrentService.DescribeCustomKeyStores", "{\"CustomKeyStoreName\":\"" + huge + "\"}", auth);
        assertThat(r.body()).contains("ValidationException", "(10485760 characters)");
        assertThat(r.body().length()).isLessThan(1000);

        String negative = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "keyhold-emulator-marker:-5".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        r = post("TrentService.DescribeCustomKeyStores", "{\"Marker\":\"" + negative + "\"}", auth);
        assertThat(r.body()).contains("InvalidMarkerException");
    }

    @Test
    void rightKeyPairIsAccepted() {
        try (KmsClient kms = EmulatorTestSupport.kms(emu.endpoint());
                SsmClient ssm = EmulatorTestSupport.ssm(emu.endpoint())) {
            assertThat(kms.describeCustomKeyStores().customKeyStores()).isEmpty();
            ssm.putParameter(r -> r.name("/signed").value("v").type("String"));
            assertThat(ssm.getParameter(r -> r.name("/signed")).parameter().value()).isEqualTo("v");
        }
    }

    @Test
    void wrongSecretIsInvalidSignature() {
        try (KmsClient kms = EmulatorTestSupport.kms(emu.endpoint(), EmulatorTestSupport.ACCESS_KEY, "wrong")) {
            assertThatThrownBy(kms::describeCustomKeyStores).isInstanceOf(KmsException.class).satisfies(e -> {
                KmsException k = (KmsException) e;
                assertThat(k.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
                assertThat(k.statusCode()).isEqualTo(400);
            });
        }
    }

    @Test
    void unknownAccessKeyIsUnrecognizedClient() {
        try (KmsClient kms = EmulatorTestSupport.kms(emu.endpoint(), "AKIAUNKNOWN000000000",
                EmulatorTestSupport.SECRET_KEY)) {
            assertThatThrownBy(kms::describeCustomKeyStores).isInstanceOf(KmsException.class).satisfies(e ->
                    assertThat(((KmsException) e).awsErrorDetails().errorCode())
                            .isEqualTo("UnrecognizedClientException"));
        }
    }

    @Test
    void requestsWithoutAnOperationAreLoggedToo() throws Exception {
        post("TrentService.DescribeCustomKeyStores", "{}", null);
        assertThat(emu.requestLog().count("DescribeCustomKeyStores", "MissingAuthenticationTokenException"))
                .isEqualTo(1);
        assertThat(URI.create(emu.endpoint().toString())).isEqualTo(emu.endpoint());
    }
}
