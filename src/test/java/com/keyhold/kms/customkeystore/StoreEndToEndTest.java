package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.core.PollSchedule;
import com.keyhold.kms.customkeystoreconnection.core.RetryPolicy;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.local.emulator.RequestLog;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StoreSpec;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import com.keyhold.kms.customkeystoreconnection.testsupport.EmulatorClients;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keyhold::KMS::CustomKeyStore end to end: real request JSON through its HandlerWrapper, the handlers' SDK clients
 * talking HTTP to the emulator, CloudFormation's callback loop on the emulator's virtual clock.
 */
class StoreEndToEndTest {
    static final String CLUSTER = "cluster-234567abcdefg";
    static final String TRUST_ANCHOR = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----";
    static final String PASSWORD = "kmsPswd1";
    static final String NEW_PASSWORD = "resetPw22";
    static final String ACCESS_KEY_ID = "ABCDEFGHIJKLMNOPQRST";
    static final String NEW_ACCESS_KEY_ID = "QRSTABCDEFGHIJKLMNOP";
    static final String XKS_SECRET = "s3cretXksProxyKeyThatIsLongEnough0123456789+/=";
    static final String NEW_XKS_SECRET = "an0therXksProxyKeyThatIsLongEnough0123456789+/";
    static final List<String> SECRETS = List.of(PASSWORD, NEW_PASSWORD, XKS_SECRET, NEW_XKS_SECRET);

    final VirtualClock clock = new VirtualClock();
    KmsEmulator emulator;
    WrapperDriver driver;
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private PrintStream standardError;

    @BeforeEach
    void start() {
        standardError = System.err;
        System.setErr(new PrintStream(new TeeStream(standardError, logs), true, StandardCharsets.UTF_8));
        emulator = KmsEmulator.builder().clock(clock).build().start();
        driver = newDriver();
    }

    @AfterEach
    void stop() {
        System.setErr(standardError);
        emulator.close();
    }

    WrapperDriver newDriver() {
        final HandlerConfig config = new HandlerConfig(clock, EmulatorClients.at(emulator.endpoint()),
            PollSchedule.DEFAULT, RetryPolicy.DEFAULT);
        return new WrapperDriver(clock, new HandlerWrapper(config, WrapperDriver.tmp()), ResourceModel.TYPE_NAME)
            .as(WrapperDriver.STACK_ID, "Store");
    }

    static Map<String, Object> hsm(final String name, final String password, final String version) {
        final Map<String, Object> props = new LinkedHashMap<>();
        props.put("CustomKeyStoreName", name);
        props.put("CloudHsmClusterId", CLUSTER);
        props.put("TrustAnchorCertificate", TRUST_ANCHOR);
        props.put("KeyStorePassword", password);
        if (version != null) {
            props.put("KeyStorePasswordVersion", version);
        }
        return props;
    }

    static Map<String, Object> xks(final String endpoint, final String accessKeyId, final String secret) {
        final Map<String, Object> props = new LinkedHashMap<>();
        props.put("CustomKeyStoreName", "payments-xks");
        props.put("CustomKeyStoreType", "EXTERNAL_KEY_STORE");
        props.put("XksProxyConnectivity", "PUBLIC_ENDPOINT");
        props.put("XksProxyUriEndpoint", endpoint);
        props.put("XksProxyUriPath", "/example/kms/xks/v1");
        props.put("XksProxyAuthenticationCredential", Map.of("AccessKeyId", accessKeyId, "RawSecretAccessKey", secret));
        return props;
    }

    static Map<String, Object> with(final Map<String, Object> props, final String id) {
        final Map<String, Object> copy = new LinkedHashMap<>(props);
        copy.put("CustomKeyStoreId", id);
        return copy;
    }

    String create(final Map<String, Object> props) {
        final JsonNode created = driver.run("CREATE", props, null);
        assertThat(created.path("status").asText()).as(created.toString()).isEqualTo("SUCCESS");
        return created.path("resourceModel").path("CustomKeyStoreId").asText();
    }

    /** What the connection type does after the store's create: connect, and wait on the virtual clock. */
    void connect(final String id) {
        emulator.outOfBandConnect(id);
        clock.advanceSeconds(60);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
    }

    long calls(final String operation) {
        return emulator.requestCount(operation);
    }

    @Test
    void cloudHsmLifecycle() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        assertThat(id).startsWith("cks-");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.DISCONNECTED);

        final JsonNode read = driver.run("READ", with(v1, id), null);
        assertThat(read.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(read.path("resourceModel").path("CustomKeyStoreName").asText()).isEqualTo("payments-hsm");
        assertThat(read.path("resourceModel").path("CloudHsmClusterId").asText()).isEqualTo(CLUSTER);
        assertThat(read.path("resourceModel").path("KeyStorePasswordVersion").asText()).isEqualTo("1");
        assertThat(read.path("resourceModel").has("KeyStorePassword")).isFalse();

        connect(id);
        // Rename while CONNECTED: one in-place update, the connection untouched.
        final Map<String, Object> renamed = hsm("payments-hsm-2", PASSWORD, "1");
        final JsonNode rename = driver.run("UPDATE", with(renamed, id), with(v1, id));
        assertThat(rename.path("status").asText()).as(rename.toString()).isEqualTo("SUCCESS");
        assertThat(calls("DisconnectCustomKeyStore")).isZero();
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(1);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);

        // The operator reset kmsuser in the cluster, put it in the secret and bumped the version.
        emulator.backends().resetKmsuserPassword(CLUSTER, NEW_PASSWORD);
        final Map<String, Object> bumped = hsm("payments-hsm-2", NEW_PASSWORD, "2");
        final JsonNode bump = driver.run("UPDATE", with(bumped, id), with(renamed, id));
        assertThat(bump.path("status").asText()).as(bump.toString()).isEqualTo("SUCCESS");
        assertThat(calls("DisconnectCustomKeyStore")).isEqualTo(1);
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(2);
        assertThat(calls("ConnectCustomKeyStore")).isEqualTo(1);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(driver.responses()).anySatisfy(r -> assertThat(r.path("message").asText()).contains(
            "disconnecting to change KeyStorePassword (KMS changes it only while DISCONNECTED); will reconnect"));

        // An update that sends no secret: the stale template password is not sent again.
        final Map<String, Object> again = hsm("payments-hsm-3", NEW_PASSWORD, "2");
        assertThat(driver.run("UPDATE", with(again, id), with(bumped, id)).path("status").asText())
            .isEqualTo("SUCCESS");
        connectStillWorks(id);

        emulator.keyCount(id, 2);
        final JsonNode refused = driver.run("DELETE", with(again, id), null);
        assertThat(refused.path("status").asText()).isEqualTo("FAILED");
        assertThat(refused.path("errorCode").asText()).isEqualTo("ResourceConflict");
        assertThat(refused.path("message").asText()).contains("holds 2 KMS keys").contains("DeletionPolicy: Retain");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);

        emulator.keyCount(id, 0);
        final JsonNode deleted = driver.run("DELETE", with(again, id), null);
        assertThat(deleted.path("status").asText()).as(deleted.toString()).isEqualTo("SUCCESS");
        assertThat(emulator.storeIds()).doesNotContain(id);
        assertThat(driver.run("DELETE", with(again, id), null).path("status").asText()).isEqualTo("SUCCESS");
        final JsonNode gone = driver.run("READ", with(again, id), null);
        assertThat(gone.path("errorCode").asText()).isEqualTo("NotFound");
        assertNoSecretAnywhere();
    }

    private void connectStillWorks(final String id) {
        emulator.outOfBandDisconnect(id);
        clock.advanceSeconds(60);
        connect(id);
    }

    @Test
    void xksEndpointMoveAndCredentialRotation() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        final Map<String, Object> moved = xks("https://xks-b.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final JsonNode move = driver.run("UPDATE", with(moved, id), with(v1, id));
        assertThat(move.path("status").asText()).as(move.toString()).isEqualTo("SUCCESS");
        assertThat(move.path("resourceModel").path("XksProxyUriEndpoint").asText()).isEqualTo("https://xks-b.example.com");
        assertThat(calls("DisconnectCustomKeyStore")).isEqualTo(1);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);

        final Map<String, Object> rotated = xks("https://xks-b.example.com", NEW_ACCESS_KEY_ID, NEW_XKS_SECRET);
        emulator.backends().proxyCredential("https://xks-b.example.com", NEW_ACCESS_KEY_ID, NEW_XKS_SECRET);
        final JsonNode rotate = driver.run("UPDATE", with(rotated, id), with(moved, id));
        assertThat(rotate.path("status").asText()).as(rotate.toString()).isEqualTo("SUCCESS");
        assertThat(rotate.path("resourceModel").path("XksProxyAuthenticationCredential").path("AccessKeyId").asText())
            .isEqualTo(NEW_ACCESS_KEY_ID);
        assertThat(rotate.path("resourceModel").path("XksProxyAuthenticationCredential").has("RawSecretAccessKey"))
            .isFalse();
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);

        assertThat(driver.run("DELETE", with(rotated, id), null).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(emulator.storeIds()).doesNotContain(id);
        assertNoSecretAnywhere();
    }

    @Test
    void propertiesOfTheOtherTypeAreRefusedNamingTheTypeThatAcceptsThem() {
        final Map<String, Object> props = hsm("payments-hsm", PASSWORD, null);
        props.put("XksProxyUriPath", "/kms/xks/v1");
        final JsonNode refused = driver.run("CREATE", props, null);
        assertThat(refused.path("errorCode").asText()).isEqualTo("InvalidRequest");
        assertThat(refused.path("message").asText()).contains("XksProxyUriPath is a property of EXTERNAL_KEY_STORE");
        assertThat(calls("CreateCustomKeyStore")).isZero();
    }

    @Test
    void invalidCredentialsOnTheReconnectSayTheKeyStoreIsDisconnectedNowAndWhatToDo() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        connect(id);
        // The version bumped without resetting kmsuser in the cluster: KMS's copy no longer matches.
        final Map<String, Object> bumped = hsm("payments-hsm", "wrongPw99", "2");
        final JsonNode failed = driver.run("UPDATE", with(bumped, id), with(v1, id));
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("message").asText()).contains("INVALID_CREDENTIALS").contains("DISCONNECTED now")
            .contains("aws kms connect-custom-key-store --custom-key-store-id " + id)
            .contains("change KeyStorePasswordVersion");
        clock.advanceSeconds(60);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.DISCONNECTED);
    }

    @Test
    void aCrashAfterEveryInvocationRepeatsNoConnectionCall() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        final long connectsBefore = calls("ConnectCustomKeyStore");
        final ObjectNode request = driver.request("UPDATE", with(xks("https://xks-c.example.com", ACCESS_KEY_ID,
            XKS_SECRET), id), with(v1, id));
        JsonNode response;
        int invocations = 0;
        do {
            // CloudFormation lost the answer (the Lambda crashed before replying): it invokes again with the same
            // context, and only the second answer counts.
            driver.invoke(request.deepCopy());
            response = driver.invoke(request);
            clock.advanceSeconds(response.path("callbackDelaySeconds").asLong());
            request.set("callbackContext", response.get("callbackContext"));
        } while ("IN_PROGRESS".equals(response.path("status").asText()) && ++invocations < 200);
        assertThat(response.path("status").asText()).as(response.toString()).isEqualTo("SUCCESS");
        assertThat(calls("DisconnectCustomKeyStore")).isEqualTo(1);
        assertThat(calls("ConnectCustomKeyStore") - connectsBefore).isEqualTo(1);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void throttlingAndDescribeLagAreWaitedOut() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        emulator.faults().throttleNext("UpdateCustomKeyStore", 2);
        emulator.faults().throttleNext("DescribeCustomKeyStores", 1);
        emulator.faults().describeLag(Duration.ofSeconds(12));
        final JsonNode moved = driver.run("UPDATE", with(xks("https://xks-d.example.com", ACCESS_KEY_ID, XKS_SECRET),
            id), with(v1, id));
        assertThat(moved.path("status").asText()).as(moved.toString()).isEqualTo("SUCCESS");
        assertThat(emulator.requestLog().count("UpdateCustomKeyStore", RequestLog.OK)).isEqualTo(1);
        clock.advanceSeconds(60);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void listPagesEveryKeyStore() {
        emulator.seedStore(StoreSpec.cloudHsm("seeded").id("cks-1234567890abcdef0"));
        final JsonNode list = driver.run("LIST", null, null);
        assertThat(list.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(list.path("resourceModels").get(0).path("CustomKeyStoreId").asText())
            .isEqualTo("cks-1234567890abcdef0");
    }

    @Test
    void anotherStacksConnectionResourceBlocksDelete() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        final WrapperDriver connection = new WrapperDriver(clock, EmulatorClients.at(emulator.endpoint()))
            .as("arn:aws:cloudformation:us-east-1:123456789012:stack/other/1", "Connection");
        final JsonNode connected = connection.run("CREATE", Map.of("CustomKeyStoreId", id,
            "ConnectionState", "CONNECTED"), null);
        assertThat(connected.path("status").asText()).as(connected.toString()).isEqualTo("SUCCESS");
        final JsonNode refused = driver.run("DELETE", with(v1, id), null);
        assertThat(refused.path("errorCode").asText()).isEqualTo("ResourceConflict");
        assertThat(refused.path("message").asText()).contains("stack/other/1");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(calls("DisconnectCustomKeyStore")).isZero();
    }

    /** Every output of every path: final answers, messages, callback contexts, logs, the emulator's log and state. */
    void assertNoSecretAnywhere() {
        final List<String> outputs = new ArrayList<>();
        for (JsonNode response : driver.responses()) {
            outputs.add(response.path("message").asText());
            outputs.add(response.path("callbackContext").toString());
            if (!"IN_PROGRESS".equals(response.path("status").asText())) {
                outputs.add(response.toString());
            }
        }
        outputs.add(logs.toString(StandardCharsets.UTF_8));
        emulator.requestLog().entries().forEach(entry -> outputs.add(entry.toString()));
        outputs.add(emulator.stateJson());
        for (String secret : SECRETS) {
            assertThat(outputs).allSatisfy(output -> assertThat(output).doesNotContain(secret));
        }
    }

    /** Writes to both streams: the test sees the logs, and so does the console. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream first;
        private final java.io.OutputStream second;

        TeeStream(final java.io.OutputStream first, final java.io.OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(final int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }
    }
}
