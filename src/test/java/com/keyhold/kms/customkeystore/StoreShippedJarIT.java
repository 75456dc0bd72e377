package com.keyhold.kms.customkeystore;

import static com.keyhold.kms.customkeystore.StoreTestBase.ACCESS_KEY_ID;
import static com.keyhold.kms.customkeystore.StoreTestBase.CLUSTER;
import static com.keyhold.kms.customkeystore.StoreTestBase.NEW_ACCESS_KEY_ID;
import static com.keyhold.kms.customkeystore.StoreTestBase.NEW_PASSWORD;
import static com.keyhold.kms.customkeystore.StoreTestBase.NEW_XKS_SECRET;
import static com.keyhold.kms.customkeystore.StoreTestBase.PASSWORD;
import static com.keyhold.kms.customkeystore.StoreTestBase.XKS_SECRET;
import static com.keyhold.kms.customkeystore.StoreTestBase.hsm;
import static com.keyhold.kms.customkeystore.StoreTestBase.with;
import static com.keyhold.kms.customkeystore.StoreTestBase.xks;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import com.keyhold.kms.customkeystoreconnection.testsupport.FreshJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The key store type's lifecycle through its shipped jar, one fresh JVM per invocation as Lambda runs it (the
 * Lambda entry point custom-key-store/.rpdk-config declares, made with its no-argument constructor), against the
 * emulator: create, read, rename while CONNECTED, the password dance, an XKS endpoint move and credential rotation,
 * delete refused with keys, delete. The in-process tests cover every branch; this proves the trimmed jar carries what
 * those paths load, and that no secret reaches its output.
 */
class StoreShippedJarIT {
    // The models and secrets of the in-process tests (StoreTestBase's), through the shipped jar instead.
    private static final Path JAR = Path.of("target/keyhold-kms-customkeystore-handler-1.0.0.jar");

    private final VirtualClock clock = new VirtualClock();
    private final List<String> outputs = new ArrayList<>();
    private KmsEmulator emulator;
    private FreshJvm jvm;

    @BeforeEach
    void start() throws Exception {
        emulator = KmsEmulator.builder().clock(clock).build().start();
        jvm = new FreshJvm(JAR, FreshJvm.lambdaEntryPoint(Path.of("custom-key-store")), Map.of(
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
        final ObjectNode request = FreshJvm.request(ResourceModel.TYPE_NAME, action, properties, previous);
        final JsonNode response = jvm.run(request, clock);
        outputs.add(response.toString());
        outputs.add(Files.readString(jvm.work().resolve("stderr.txt")));
        return response;
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
        final JsonNode created = run("CREATE", hsm("payments-hsm", PASSWORD, "1"), null);
        assertSuccess(created);
        final String id = created.path("resourceModel").path("CustomKeyStoreId").asText();
        final JsonNode read = run("READ", Map.of("CustomKeyStoreId", id), null);
        assertThat(read.path("resourceModel").path("KeyStorePasswordVersion").asText()).isEqualTo("1");

        connect(id);
        assertSuccess(run("UPDATE", with(hsm("payments-hsm-2", PASSWORD, "1"), id),
            with(hsm("payments-hsm", PASSWORD, "1"), id)));
        assertThat(emulator.requestCount("DisconnectCustomKeyStore")).as("a rename needs no disconnect").isZero();

        emulator.backends().resetKmsuserPassword(CLUSTER, NEW_PASSWORD);
        assertSuccess(run("UPDATE", with(hsm("payments-hsm-2", NEW_PASSWORD, "2"), id),
            with(hsm("payments-hsm-2", PASSWORD, "1"), id)));
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
        final JsonNode created = run("CREATE", xks(a, ACCESS_KEY_ID, XKS_SECRET), null);
        assertSuccess(created);
        final String id = created.path("resourceModel").path("CustomKeyStoreId").asText();
        connect(id);

        final String b = "https://xks-b.example.com";
        assertSuccess(run("UPDATE", with(xks(b, ACCESS_KEY_ID, XKS_SECRET), id),
            with(xks(a, ACCESS_KEY_ID, XKS_SECRET), id)));
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertSuccess(run("UPDATE", with(xks(b, NEW_ACCESS_KEY_ID, NEW_XKS_SECRET), id),
            with(xks(b, ACCESS_KEY_ID, XKS_SECRET), id)));
        assertThat(run("READ", Map.of("CustomKeyStoreId", id), null).path("resourceModel")
            .path("XksProxyAuthenticationCredential").path("AccessKeyId").asText()).isEqualTo(NEW_ACCESS_KEY_ID);

        assertSuccess(run("DELETE", Map.of("CustomKeyStoreId", id), null));
        assertThat(emulator.storeIds()).isEmpty();
        assertThat(outputs).allSatisfy(output -> assertThat(output).doesNotContain(XKS_SECRET, NEW_XKS_SECRET));
    }
}
