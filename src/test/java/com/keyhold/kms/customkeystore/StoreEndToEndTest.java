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
 * Keyhold::KMS::CustomKeyStore end to end (StoreTestBase): both store types' lifecycles, the dance's faults, delete
 * safety, and no secret in any output.
 */
class StoreEndToEndTest extends StoreTestBase {
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
        assertThat(driver.run("DELETE", with(again, id), null).path("errorCode").asText())
            .as("a key store already gone: NotFound, which CloudFormation takes as deleted").isEqualTo("NotFound");
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
        // Three key stores in pages of two (CloudFormation's maxResults): the third is reached only by the NextToken.
        final java.util.Set<String> seeded = new java.util.TreeSet<>();
        for (int i = 0; i < 3; i++) {
            final String id = "cks-1234567890abcdef" + i;
            emulator.seedStore(StoreSpec.cloudHsm("seeded-" + i).id(id));
            seeded.add(id);
        }
        final ObjectNode firstRequest = driver.request("LIST", null, null);
        firstRequest.put("maxResults", 2);
        final JsonNode first = driver.invoke(firstRequest);
        assertThat(first.path("status").asText()).as(first.toString()).isEqualTo("SUCCESS");
        assertThat(first.path("resourceModels")).hasSize(2);
        assertThat(first.path("nextToken").isTextual()).as(first.toString()).isTrue();

        final ObjectNode next = driver.request("LIST", null, null);
        next.put("maxResults", 2);
        next.put("nextToken", first.path("nextToken").asText());
        final JsonNode second = driver.invoke(next);

        assertThat(second.path("resourceModels")).hasSize(1);
        assertThat(second.path("nextToken").isMissingNode() || second.path("nextToken").isNull())
            .as("the last page has no token: " + second).isTrue();
        final java.util.List<String> listed = new java.util.ArrayList<>();
        first.path("resourceModels").forEach(m -> listed.add(m.path("CustomKeyStoreId").asText()));
        second.path("resourceModels").forEach(m -> listed.add(m.path("CustomKeyStoreId").asText()));
        assertThat(listed).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(seeded);
        assertThat(calls("DescribeCustomKeyStores")).isEqualTo(2);
        // Without maxResults, KMS's own page size: all three in one page.
        assertThat(driver.run("LIST", null, null).path("resourceModels")).hasSize(3);
        assertThat(ListHandler.pageSize(5000)).isEqualTo(1000);
        assertThat(ListHandler.pageSize(0)).isNull();
        assertThat(ListHandler.pageSize(1)).isEqualTo(1);
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

}
