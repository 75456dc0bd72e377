package com.keyhold.kms.customkeystore.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import com.keyhold.kms.customkeystoreconnection.testsupport.FreshJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The key store type's lifecycle through its shipped jar, one fresh JVM per invocation as Lambda runs it, against the
 * emulator: create, read, rename while CONNECTED, the password dance, an XKS endpoint move and credential rotation,
 * delete refused with keys, delete. The in-process tests cover every branch; this proves the trimmed jar carries what
 * those paths load, and that no secret reaches its output.
 */
class StoreShippedJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of("target/keyhold-kms-customkeystore-handler-1.0.0.jar");
    private static final String CLUSTER = "cluster-234567abcdefg";
    private static final String PASSWORD = "kmsPswd1";
    private static final String NEW_PASSWORD = "resetPw22";
    private static final String XKS_SECRET = "s3cretXksProxyKeyThatIsLongEnough0123456789+/=";
    private static final String NEW_XKS_SECRET = "an0therXksProxyKeyThatIsLongEnough0123456789+/";

    private final VirtualClock clock = new VirtualClock();
    private final List<String> outputs = new ArrayList<>();
    private KmsEmulator emulator;
    private FreshJvm jvm;

    @BeforeEach
    void start() throws Exception {
        emulator = KmsEmulator.builder().clock(clock).build().start();
        jvm = new FreshJvm(JAR, "com.keyhold.kms.customkeystore.HandlerWrapperExecutable", Map.of(
            "AWS_ENDPOINT_URL_KMS", emulator.endpoint().toString(),
            "AWS_ENDPOINT_URL_SSM", emulator.endpoint().toString()),
            Files.createTempDirectory(Path.of("target"), "store-jar-it-"));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private JsonNode run(final String action, final Map<String, Object> properties,
                         final Map<String, Object> previous) throws Exception {
        final ObjectNode request = JSON.createObjectNode();
        request.put("awsAccountId", "123456789012");
        request.put("bearerToken", UUID.randomUUID().toString());
        request.put("region", "us-east-1");
        request.put("action", action);
        request.put("resourceType", "Keyhold::KMS::CustomKeyStore");
        request.put("resourceTypeVersion", "00000001");
        request.put("stackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/shipped/1");
        final ObjectNode data = request.putObject("requestData");
        final ObjectNode credentials = data.putObject("callerCredentials");
        credentials.put("accessKeyId", "AKIAIOSFODNN7EXAMPLE");
        credentials.put("secretAccessKey", "secret");
        credentials.put("sessionToken", "token");
        data.put("logicalResourceId", "Store");
        data.set("resourceProperties", JSON.valueToTree(properties));
        if (previous != null) {
            data.set("previousResourceProperties", JSON.valueToTree(previous));
        }
        request.putNull("callbackContext");
        final JsonNode response = jvm.run(request, clock);
        outputs.add(response.toString());
        outputs.add(Files.readString(jvm.work().resolve("stderr.txt")));
        return response;
    }

    private static Map<String, Object> hsm(final String id, final String name, final String password,
                                           final String version) {
        final Map<String, Object> props = new LinkedHashMap<>();
        if (id != null) {
            props.put("CustomKeyStoreId", id);
        }
        props.put("CustomKeyStoreName", name);
        props.put("CloudHsmClusterId", CLUSTER);
        props.put("TrustAnchorCertificate", "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----");
        props.put("KeyStorePassword", password);
        props.put("KeyStorePasswordVersion", version);
        return props;
    }

    private static Map<String, Object> xks(final String id, final String endpoint, final String accessKeyId,
                                           final String secret) {
        final Map<String, Object> props = new LinkedHashMap<>();
        if (id != null) {
            props.put("CustomKeyStoreId", id);
        }
        props.put("CustomKeyStoreName", "payments-xks");
        props.put("CustomKeyStoreType", "EXTERNAL_KEY_STORE");
        props.put("XksProxyConnectivity", "PUBLIC_ENDPOINT");
        props.put("XksProxyUriEndpoint", endpoint);
        props.put("XksProxyUriPath", "/example/kms/xks/v1");
        props.put("XksProxyAuthenticationCredential", Map.of("AccessKeyId", accessKeyId, "RawSecretAccessKey", secret));
        return props;
    }

    private void connect(final String id) {
        emulator.outOfBandConnect(id);
        clock.advanceSeconds(60);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
    }

    private static void assertSuccess(final JsonNode response) {
        assertThat(response.path("status").asText()).as(response.toString()).isEqualTo("SUCCESS");
    }

    @Test
    void aCloudHsmKeyStoresLifeThroughTheShippedJar() throws Exception {
        final JsonNode created = run("CREATE", hsm(null, "payments-hsm", PASSWORD, "1"), null);
        assertSuccess(created);
        final String id = created.path("resourceModel").path("CustomKeyStoreId").asText();
        final JsonNode read = run("READ", Map.of("CustomKeyStoreId", id), null);
        assertThat(read.path("resourceModel").path("KeyStorePasswordVersion").asText()).isEqualTo("1");

        connect(id);
        assertSuccess(run("UPDATE", hsm(id, "payments-hsm-2", PASSWORD, "1"), hsm(id, "payments-hsm", PASSWORD, "1")));
        assertThat(emulator.requestCount("DisconnectCustomKeyStore")).as("a rename needs no disconnect").isZero();

        emulator.backends().resetKmsuserPassword(CLUSTER, NEW_PASSWORD);
        assertSuccess(run("UPDATE", hsm(id, "payments-hsm-2", NEW_PASSWORD, "2"),
            hsm(id, "payments-hsm-2", PASSWORD, "1")));
        assertThat(emulator.requestCount("DisconnectCustomKeyStore")).isEqualTo(1);
        assertThat(emulator.requestCount("ConnectCustomKeyStore")).isEqualTo(1);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);

        emulator.keyCount(id, 1);
        final JsonNode refused = run("DELETE", Map.of("CustomKeyStoreId", id), null);
        assertThat(refused.path("errorCode").asText()).isEqualTo("ResourceConflict");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        emulator.keyCount(id, 0);
        assertSuccess(run("DELETE", Map.of("CustomKeyStoreId", id), null));
        assertThat(emulator.storeIds()).doesNotContain(id);
        assertThat(outputs).allSatisfy(output -> assertThat(output).doesNotContain(PASSWORD, NEW_PASSWORD));
    }

    @Test
    void anExternalKeyStoresMovesThroughTheShippedJar() throws Exception {
        final String a = "https://xks-a.example.com";
        final JsonNode created = run("CREATE", xks(null, a, "ABCDEFGHIJKLMNOPQRST", XKS_SECRET), null);
        assertSuccess(created);
        final String id = created.path("resourceModel").path("CustomKeyStoreId").asText();
        connect(id);

        final String b = "https://xks-b.example.com";
        assertSuccess(run("UPDATE", xks(id, b, "ABCDEFGHIJKLMNOPQRST", XKS_SECRET),
            xks(id, a, "ABCDEFGHIJKLMNOPQRST", XKS_SECRET)));
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertSuccess(run("UPDATE", xks(id, b, "QRSTABCDEFGHIJKLMNOP", NEW_XKS_SECRET),
            xks(id, b, "ABCDEFGHIJKLMNOPQRST", XKS_SECRET)));
        assertThat(run("READ", Map.of("CustomKeyStoreId", id), null).path("resourceModel")
            .path("XksProxyAuthenticationCredential").path("AccessKeyId").asText()).isEqualTo("QRSTABCDEFGHIJKLMNOP");

        assertSuccess(run("DELETE", Map.of("CustomKeyStoreId", id), null));
        assertThat(emulator.storeIds()).isEmpty();
        assertThat(outputs).allSatisfy(output -> assertThat(output).doesNotContain(XKS_SECRET, NEW_XKS_SECRET));
    }
}
