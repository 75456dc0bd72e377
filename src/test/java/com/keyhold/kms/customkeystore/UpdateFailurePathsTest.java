package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/**
 * The update's failure paths as an operator meets them, each followed by CloudFormation's rollback (an UPDATE back to
 * the previous properties): a refused update puts the key store back before it is reported, the state to come back
 * to lives in the store record until it is restored, and a spent password is never sent. Each test asserts the key
 * store's final connection state, its store record and the KMS calls made. Through the HandlerWrapper against the
 * emulator (StoreTestBase).
 */
class UpdateFailurePathsTest extends StoreTestBase {
    private static final String RELATED_CLUSTER = "cluster-765432bcdefgh";

    private JSONObject record(final String id) {
        return new JSONObject(emulator.parameterValue(StoreRecord.parameterName(id)).orElseThrow());
    }

    private long connectionCalls() {
        return calls("ConnectCustomKeyStore") + calls("DisconnectCustomKeyStore");
    }

    private String messages() {
        final StringBuilder all = new StringBuilder();
        driver.responses().forEach(r -> all.append(r.path("message").asText()).append('\n'));
        return all.toString();
    }

    /** Invokes until the callback context reaches {@code phase}; at most 100 invocations. */
    private void resumeUntilPhase(final ObjectNode request, final String phase) {
        for (int i = 0; i < 100; i++) {
            final JsonNode response = driver.resume(request, 1);
            assertThat(response.path("status").asText()).as(response.toString()).isEqualTo("IN_PROGRESS");
            clock.advanceSeconds(response.path("callbackDelaySeconds").asLong());
            request.set("callbackContext", response.get("callbackContext"));
            if (phase.equals(response.path("callbackContext").path("phase").asText())) {
                return;
            }
        }
        throw new AssertionError("the update never reached " + phase);
    }

    @Test
    void aClusterChangeKmsRefusesIsReconnectedBeforeItIsReportedAndTheRollbackIsGreen() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        connect(id);
        final Map<String, Object> moved = hsm("payments-hsm", PASSWORD, "1");
        // A related, ACTIVE target passes the DescribeClusters check before the disconnect; KMS then refuses what
        // that check cannot see (the cluster's security group, say).
        moved.put("CloudHsmClusterId", RELATED_CLUSTER);
        emulator.backends().relatedClusters(CLUSTER, RELATED_CLUSTER);
        emulator.faults().errorNext("UpdateCustomKeyStore", id, "CloudHsmClusterInvalidConfigurationException", 1);
        final JsonNode failed = driver.run("UPDATE", with(moved, id), with(v1, id));

        assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("FAILED");
        assertThat(failed.path("errorCode").asText()).isEqualTo("InvalidRequest");
        assertThat(failed.path("message").asText()).contains(RELATED_CLUSTER)
            .contains("after KMS refused, Keyhold reconnected it: " + id + " is CONNECTED again, as it was before the "
                + "update, and KMS did not change CloudHsmClusterId").doesNotContain("DISCONNECTED now");
        assertThat(messages()).contains(id + ": KMS refused to change CloudHsmClusterId; reconnecting the key store "
            + "to put it back CONNECTED, as it was, before reporting the failure");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(calls("DisconnectCustomKeyStore")).isEqualTo(1);
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(1);
        assertThat(calls("ConnectCustomKeyStore")).isEqualTo(1);
        assertThat(record(id).isNull("comeBackTo")).as(record(id).toString()).isTrue();
        assertThat(record(id).getString("keyStorePasswordVersion")).isEqualTo("1");

        // CloudFormation's rollback: back to the previous properties; nothing to change, nothing called.
        final JsonNode rollback = driver.run("UPDATE", with(v1, id), with(moved, id));
        assertThat(rollback.path("status").asText()).as(rollback.toString()).isEqualTo("SUCCESS");
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(1);
        assertThat(connectionCalls()).isEqualTo(2);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(rollback.path("resourceModel").path("CloudHsmClusterId").asText()).isEqualTo(CLUSTER);
        assertNoSecretAnywhere();
    }

    @Test
    void anXksMoveToAProxyKmsCannotReachIsReconnectedAndTheRollbackIsGreen() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        emulator.backends().proxyReachable("https://xks-e.example.com", false);
        final Map<String, Object> moved = xks("https://xks-e.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final JsonNode failed = driver.run("UPDATE", with(moved, id), with(v1, id));

        assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("FAILED");
        assertThat(failed.path("message").asText()).contains("could not reach the XKS proxy")
            .contains(id + " is CONNECTED again, as it was before the update");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(record(id).isNull("comeBackTo")).isTrue();

        final JsonNode rollback = driver.run("UPDATE", with(v1, id), with(moved, id));
        assertThat(rollback.path("status").asText()).as(rollback.toString()).isEqualTo("SUCCESS");
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(1);
        assertThat(connectionCalls()).isEqualTo(2);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertNoSecretAnywhere();
    }

    @Test
    void aReconnectAfterARefusalThatEndsFailedSaysSoAndTheRecordKeepsWhereToComeBackTo() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        // The new proxy is unreachable (KMS refuses the update), and so is the old one by now (the reconnect fails).
        emulator.backends().proxyReachable("https://xks-e.example.com", false)
            .proxyReachable("https://xks-a.example.com", false);
        final Map<String, Object> moved = xks("https://xks-e.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final JsonNode failed = driver.run("UPDATE", with(moved, id), with(v1, id));

        assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("FAILED");
        assertThat(failed.path("message").asText()).contains("could not reach the XKS proxy")
            .contains("Keyhold then reconnected the key store to put it back as it was, and the connect failed with "
                + "ConnectionErrorCode XKS_PROXY_NOT_REACHABLE")
            .contains("Keyhold disconnected the FAILED key store, so it is DISCONNECTED now")
            .doesNotContain("CONNECTED again");
        clock.advanceSeconds(60);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(record(id).getString("comeBackTo")).isEqualTo("CONNECTED");
        assertThat(record(id).getString("reconnectFailure")).isEqualTo("XKS_PROXY_NOT_REACHABLE");

        // The rollback changes nothing that could fix it: no second connect, a plain message, SUCCESS.
        final long before = connectionCalls();
        final JsonNode rollback = driver.run("UPDATE", with(v1, id), with(moved, id));
        assertThat(rollback.path("status").asText()).as(rollback.toString()).isEqualTo("SUCCESS");
        assertThat(connectionCalls()).isEqualTo(before);
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(1);
        assertThat(messages()).contains(id + ": the key store stays DISCONNECTED: an earlier update disconnected it "
            + "and reconnecting it failed with ConnectionErrorCode XKS_PROXY_NOT_REACHABLE")
            .contains("aws kms connect-custom-key-store --custom-key-store-id " + id);
        assertThat(record(id).getString("comeBackTo")).isEqualTo("CONNECTED");

        // The proxy is back and the next update changes something: it reconnects at its end, clearing the record.
        emulator.backends().proxyReachable("https://xks-a.example.com", true);
        final Map<String, Object> renamed = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        renamed.put("CustomKeyStoreName", "payments-xks-2");
        final JsonNode fixed = driver.run("UPDATE", with(renamed, id), with(v1, id));
        assertThat(fixed.path("status").asText()).as(fixed.toString()).isEqualTo("SUCCESS");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(record(id).isNull("comeBackTo")).isTrue();
        assertThat(record(id).isNull("reconnectFailure")).isTrue();
        assertNoSecretAnywhere();
    }

    @Test
    void aCrashWhileDisconnectingIsPutBackByTheRollbackThatFollows() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        final Map<String, Object> moved = xks("https://xks-b.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final ObjectNode request = driver.request("UPDATE", with(moved, id), with(v1, id));
        resumeUntilPhase(request, "DISCONNECT_SENT");
        // The process dies here, its callback context lost: the record alone says where to come back to.
        assertThat(record(id).getString("comeBackTo")).isEqualTo("CONNECTED");
        assertThat(emulator.state(id)).isIn(ConnectionState.DISCONNECTING, ConnectionState.DISCONNECTED);

        final JsonNode rollback = driver.run("UPDATE", with(v1, id), with(moved, id));
        assertThat(rollback.path("status").asText()).as(rollback.toString()).isEqualTo("SUCCESS");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(calls("UpdateCustomKeyStore")).isZero();
        assertThat(calls("DisconnectCustomKeyStore")).isEqualTo(1);
        assertThat(calls("ConnectCustomKeyStore")).isEqualTo(1);
        assertThat(record(id).isNull("comeBackTo")).isTrue();
        assertThat(messages()).contains(id + ": reconnecting: an earlier update disconnected this key store and did "
            + "not put it back");
        assertThat(rollback.path("resourceModel").path("XksProxyUriEndpoint").asText())
            .isEqualTo("https://xks-a.example.com");
    }

    @Test
    void aRollbackWhoseOnlyChangeIsASpentPasswordCallsNothingAndSaysWhatToDo() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        connect(id);
        // The version bumped without resetting kmsuser in the cluster: the reconnect ends FAILED.
        final Map<String, Object> bumped = hsm("payments-hsm", "wrongPw99", "2");
        final JsonNode failed = driver.run("UPDATE", with(bumped, id), with(v1, id));
        assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("FAILED");
        assertThat(failed.path("message").asText()).contains("INVALID_CREDENTIALS")
            .contains("Keyhold disconnected the FAILED key store, so it is DISCONNECTED now");
        clock.advanceSeconds(60);
        // Version 2 was listed as spent before UpdateCustomKeyStore sent it: KMS holds it now, and never gets it again.
        assertThat(record(id).getJSONArray("spentPasswordVersions").toList()).containsExactly("1", "2");
        final long updates = calls("UpdateCustomKeyStore");
        final long connections = connectionCalls();

        // The rollback would send version 1's password, which KMS rotated when it connected with it: not sent.
        final JsonNode rollback = driver.run("UPDATE", with(v1, id), with(bumped, id));
        assertThat(rollback.path("status").asText()).as(rollback.toString()).isEqualTo("SUCCESS");
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(updates);
        assertThat(connectionCalls()).isEqualTo(connections);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(messages()).contains(id + ": KeyStorePassword of KeyStorePasswordVersion 1 is not sent to KMS: "
            + "KMS has already connected with that password").contains("the key store stays DISCONNECTED")
            .contains("reset kmsuser's password in the cluster, put it into the secret KeyStorePassword resolves, "
                + "raise KeyStorePasswordVersion");
        assertThat(rollback.path("resourceModel").path("KeyStorePasswordVersion").asText())
            .as("KMS holds version 2's password").isEqualTo("2");
        assertThat(record(id).getString("keyStorePasswordVersion")).isEqualTo("2");
        assertThat(record(id).getString("comeBackTo")).isEqualTo("CONNECTED");

        // The runbook's recovery: reset kmsuser, a new version; the update puts the key store back CONNECTED.
        emulator.backends().resetKmsuserPassword(CLUSTER, NEW_PASSWORD);
        final JsonNode recovered = driver.run("UPDATE", with(hsm("payments-hsm", NEW_PASSWORD, "3"), id),
            with(v1, id));
        assertThat(recovered.path("status").asText()).as(recovered.toString()).isEqualTo("SUCCESS");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(record(id).isNull("comeBackTo")).isTrue();
        assertThat(record(id).getJSONArray("spentPasswordVersions").toList()).containsExactly("1", "2", "3");
        assertNoSecretAnywhere();
    }

    @Test
    void aFailedXksCredentialRotationIsRolledBackByResendingThePreviousCredential() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        v1.put("XksProxyAuthenticationCredentialVersion", "1");
        final String id = create(v1);
        connect(id);
        // A move to a new proxy with a new credential (the move needs the disconnect; the credential goes with it).
        final Map<String, Object> rotated = xks("https://xks-b.example.com", NEW_ACCESS_KEY_ID, NEW_XKS_SECRET);
        rotated.put("XksProxyAuthenticationCredentialVersion", "2");
        final ObjectNode request = driver.request("UPDATE", with(rotated, id), with(v1, id));
        resumeUntilPhase(request, "UPDATE_SENT");
        // The new proxy's rotation was not done after all: it accepts only the old credential.
        emulator.backends().proxyCredential("https://xks-b.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final JsonNode failed = driver.resume(request, 1000);
        assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("FAILED");
        assertThat(failed.path("message").asText()).contains("INVALID_CREDENTIALS");
        clock.advanceSeconds(60);

        final JsonNode rollback = driver.run("UPDATE", with(v1, id), with(rotated, id));
        assertThat(rollback.path("status").asText()).as(rollback.toString()).isEqualTo("SUCCESS");
        assertThat(calls("UpdateCustomKeyStore")).as("the rotation, then the previous credential").isEqualTo(2);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(rollback.path("resourceModel").path("XksProxyAuthenticationCredential").path("AccessKeyId")
            .asText()).isEqualTo(ACCESS_KEY_ID);
        assertThat(record(id).getString("xksProxyAuthenticationCredentialVersion")).isEqualTo("1");
        assertThat(record(id).isNull("comeBackTo")).isTrue();
        assertNoSecretAnywhere();
    }

    @Test
    void aChangedSecretWithoutANewVersionIsNotSentAndSaidSo() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        connect(id);
        final JsonNode same = driver.run("UPDATE", with(hsm("payments-hsm", NEW_PASSWORD, "1"), id), with(v1, id));
        assertThat(same.path("status").asText()).as(same.toString()).isEqualTo("SUCCESS");
        assertThat(calls("UpdateCustomKeyStore")).isZero();
        assertThat(connectionCalls()).isZero();
        assertThat(messages()).contains(id + ": KeyStorePassword changed but KeyStorePasswordVersion did not, so "
            + "Keyhold does not send it to KMS");

        final Map<String, Object> x1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String xksId = create(x1);
        final JsonNode xksSame = driver.run("UPDATE", with(xks("https://xks-a.example.com", ACCESS_KEY_ID,
            NEW_XKS_SECRET), xksId), with(x1, xksId));
        assertThat(xksSame.path("status").asText()).as(xksSame.toString()).isEqualTo("SUCCESS");
        assertThat(calls("UpdateCustomKeyStore")).isZero();
        assertThat(messages()).contains(xksId + ": XksProxyAuthenticationCredential's RawSecretAccessKey changed but "
            + "XksProxyAuthenticationCredentialVersion did not");
        assertNoSecretAnywhere();
    }

    @Test
    void aRenameThatMeetsTheKeyStoreConnectingWaitsForConnectedWithoutDisconnecting() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        emulator.outOfBandConnect(id);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTING);
        final JsonNode renamed = driver.run("UPDATE", with(hsm("payments-hsm-2", PASSWORD, "1"), id), with(v1, id));
        assertThat(renamed.path("status").asText()).as(renamed.toString()).isEqualTo("SUCCESS");
        assertThat(calls("DisconnectCustomKeyStore")).isZero();
        assertThat(calls("ConnectCustomKeyStore")).isZero();
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(1);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(renamed.path("resourceModel").path("CustomKeyStoreName").asText()).isEqualTo("payments-hsm-2");
    }

    @Test
    void aBadPropertyCombinationIsRefusedBeforeAnyDisconnect() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        emulator.requestLog().clear();
        // A move to another endpoint (a disconnect) with a VPC endpoint service on PUBLIC_ENDPOINT connectivity.
        final Map<String, Object> bad = xks("https://xks-b.example.com", ACCESS_KEY_ID, XKS_SECRET);
        bad.put("XksProxyVpcEndpointServiceName", "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0");
        final JsonNode refused = driver.run("UPDATE", with(bad, id), with(v1, id));
        assertThat(refused.path("errorCode").asText()).as(refused.toString()).isEqualTo("InvalidRequest");
        assertThat(refused.path("message").asText()).contains("XksProxyVpcEndpointServiceName applies only with "
            + "XksProxyConnectivity VPC_ENDPOINT_SERVICE");
        assertThat(connectionCalls() + calls("UpdateCustomKeyStore") + calls("PutParameter")).isZero();
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(record(id).isNull("comeBackTo")).isTrue();
    }

    @Test
    void aReconnectKmsRefusesAfterARefusedUpdateSaysBothAndTheNextUpdateReconnects() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        emulator.backends().proxyReachable("https://xks-e.example.com", false);
        emulator.faults().errorNext("ConnectCustomKeyStore", id, "AccessDeniedException", 1);
        final Map<String, Object> moved = xks("https://xks-e.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final JsonNode failed = driver.run("UPDATE", with(moved, id), with(v1, id));
        assertThat(failed.path("errorCode").asText()).as(failed.toString()).isEqualTo("AccessDenied");
        assertThat(failed.path("message").asText()).contains("could not reach the XKS proxy")
            .contains("Keyhold then tried to reconnect the key store and that failed too")
            .contains("It is not CONNECTED now").doesNotContain("CONNECTED again");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(record(id).getString("comeBackTo")).isEqualTo("CONNECTED");

        // The rollback reconnects it; a refused connect there says what the earlier update left.
        emulator.faults().errorNext("ConnectCustomKeyStore", id, "AccessDeniedException", 1);
        final JsonNode refusedAgain = driver.run("UPDATE", with(v1, id), with(moved, id));
        assertThat(refusedAgain.path("message").asText()).as(refusedAgain.toString())
            .contains(id + ": an earlier update disconnected this key store, but the key store did not reconnect");
        final JsonNode rollback = driver.run("UPDATE", with(v1, id), with(moved, id));
        assertThat(rollback.path("status").asText()).as(rollback.toString()).isEqualTo("SUCCESS");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(record(id).isNull("comeBackTo")).isTrue();
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(1);
    }

    @Test
    void aReconnectThatEndsFailedWithACodeOneMoreConnectCanCureIsConnectedOnceMore() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        final long disconnectsBefore = calls("DisconnectCustomKeyStore");
        final long connectsBefore = calls("ConnectCustomKeyStore");
        // The proxy times out once (SecondConnect: worth one more connect), then answers.
        emulator.faults().failNextConnect(id, "XKS_PROXY_TIMED_OUT");
        final Map<String, Object> moved = xks("https://xks-b.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final JsonNode updated = driver.run("UPDATE", with(moved, id), with(v1, id));

        assertThat(updated.path("status").asText()).as(updated.toString()).isEqualTo("SUCCESS");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(calls("ConnectCustomKeyStore") - connectsBefore).isEqualTo(2);
        assertThat(calls("DisconnectCustomKeyStore") - disconnectsBefore).isEqualTo(2);
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(1);
        assertThat(messages()).contains(id + ": the reconnect ended FAILED with ConnectionErrorCode XKS_PROXY_TIMED_OUT, "
            + "which one more connect can cure");
        assertThat(record(id).isNull("comeBackTo")).as(record(id).toString()).isTrue();
        assertNoSecretAnywhere();
    }

    @Test
    void aReconnectThatEndsFailedWithACodeNoConnectCanCureIsNotConnectedAgain() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        final long connectsBefore = calls("ConnectCustomKeyStore");
        emulator.faults().failNextConnect(id, "XKS_PROXY_INVALID_RESPONSE");
        final Map<String, Object> moved = xks("https://xks-b.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final JsonNode failed = driver.run("UPDATE", with(moved, id), with(v1, id));

        assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("FAILED");
        assertThat(failed.path("message").asText()).contains("XKS_PROXY_INVALID_RESPONSE")
            .contains("Keyhold disconnected the FAILED key store, so it is DISCONNECTED now");
        assertThat(calls("ConnectCustomKeyStore") - connectsBefore).isEqualTo(1);
        assertThat(messages()).doesNotContain("one more connect");
        clock.advanceSeconds(60);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(record(id).getString("comeBackTo")).isEqualTo("CONNECTED");
        assertThat(record(id).getString("reconnectFailure")).isEqualTo("XKS_PROXY_INVALID_RESPONSE");
    }

    @Test
    void aSecondConnectThatEndsFailedTooIsTheLastAndSaysSo() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        final long connectsBefore = calls("ConnectCustomKeyStore");
        emulator.faults().failNextConnect(id, "XKS_PROXY_TIMED_OUT").failNextConnect(id, "XKS_PROXY_TIMED_OUT")
            .failNextConnect(id, "XKS_PROXY_TIMED_OUT");
        final Map<String, Object> moved = xks("https://xks-b.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final JsonNode failed = driver.run("UPDATE", with(moved, id), with(v1, id));

        assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("FAILED");
        assertThat(failed.path("message").asText()).contains("XKS_PROXY_TIMED_OUT")
            .contains("Keyhold disconnected the FAILED key store, so it is DISCONNECTED now");
        assertThat(calls("ConnectCustomKeyStore") - connectsBefore).isEqualTo(2);
        clock.advanceSeconds(60);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(record(id).getString("comeBackTo")).isEqualTo("CONNECTED");
        assertThat(record(id).getString("reconnectFailure")).isEqualTo("XKS_PROXY_TIMED_OUT");

        // CloudFormation's rollback moves the endpoint back, so it reconnects: its connect times out (the third
        // fault queued), its one more connect succeeds.
        final long connectsAfter = calls("ConnectCustomKeyStore");
        final JsonNode rollback = driver.run("UPDATE", with(v1, id), with(moved, id));
        assertThat(rollback.path("status").asText()).as(rollback.toString()).isEqualTo("SUCCESS");
        assertThat(calls("ConnectCustomKeyStore") - connectsAfter).isEqualTo(2);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(record(id).isNull("comeBackTo")).isTrue();
        assertThat(record(id).isNull("reconnectFailure")).isTrue();
    }

    @Test
    void aPasswordKmsWasGivenIsNeverSentAgainEvenWhenKeyholdNeverSawItConnect() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        // Listed at create: whoever connects the key store (here the connection type) makes KMS rotate it.
        assertThat(record(id).getJSONArray("spentPasswordVersions").toList()).containsExactly("1");
        connect(id);
        emulator.outOfBandDisconnect(id);
        clock.advanceSeconds(60);
        emulator.backends().resetKmsuserPassword(CLUSTER, NEW_PASSWORD);
        final Map<String, Object> v2 = hsm("payments-hsm", NEW_PASSWORD, "2");
        final JsonNode rotated = driver.run("UPDATE", with(v2, id), with(v1, id));
        assertThat(rotated.path("status").asText()).as(rotated.toString()).isEqualTo("SUCCESS");
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(1);

        // Back to version 1 (a rollback, or a template reverted): its password is spent, so nothing is sent.
        final JsonNode back = driver.run("UPDATE", with(v1, id), with(v2, id));
        assertThat(back.path("status").asText()).as(back.toString()).isEqualTo("SUCCESS");
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(1);
        assertThat(messages()).contains(id + ": KeyStorePassword of KeyStorePasswordVersion 1 is not sent to KMS");
        assertThat(record(id).getString("keyStorePasswordVersion")).isEqualTo("2");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.DISCONNECTED);
        assertNoSecretAnywhere();
    }

    @Test
    void aPasswordWhoseRecordWriteFailedAfterKmsTookItIsNotSentAgain() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        connect(id);
        emulator.backends().resetKmsuserPassword(CLUSTER, NEW_PASSWORD);
        final Map<String, Object> v2 = hsm("payments-hsm", NEW_PASSWORD, "2");
        final ObjectNode request = driver.request("UPDATE", with(v2, id), with(v1, id));
        resumeUntilPhase(request, "UPDATE_SENT");
        // KMS holds version 2 now; the record's next write is denied, and the operation fails.
        emulator.faults().errorNext("PutParameter", null, "AccessDeniedException", 20);
        final JsonNode failed = driver.resume(request, 20);
        assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("FAILED");
        emulator.faults().clear();
        // Version 2 was listed as spent before it was sent, so the record already says so.
        assertThat(record(id).getJSONArray("spentPasswordVersions").toList()).contains("2");

        // CloudFormation's rollback reconnects the key store (KMS rotates version 2's password on that connect) ...
        final JsonNode rollback = driver.run("UPDATE", with(v1, id), with(v2, id));
        assertThat(rollback.path("status").asText()).as(rollback.toString()).isEqualTo("SUCCESS");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        final long updates = calls("UpdateCustomKeyStore");
        // ... and deploying version 2 again does not send its spent password (which would fail INVALID_CREDENTIALS).
        final JsonNode again = driver.run("UPDATE", with(v2, id), with(v1, id));
        assertThat(again.path("status").asText()).as(again.toString()).isEqualTo("SUCCESS");
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(updates);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(messages()).contains(id + ": KeyStorePassword of KeyStorePasswordVersion 2 is not sent to KMS");
        assertNoSecretAnywhere();
    }

    @Test
    void theDisconnectGuardDoesNotRefuseARollbackWhoseOnlyChangeIsASpentPassword() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        v1.put("RefuseDisconnectingUpdates", true);
        final String id = create(v1);
        connect(id);
        final Map<String, Object> v2 = hsm("payments-hsm", PASSWORD, "2");
        v2.put("RefuseDisconnectingUpdates", true);
        // Version 1 is spent (sent at create, rotated by the connect): going back to it sends nothing, so the guard
        // has nothing to refuse and the rollback stays green.
        final JsonNode back = driver.run("UPDATE", with(v1, id), with(v2, id));
        assertThat(back.path("status").asText()).as(back.toString()).isEqualTo("SUCCESS");
        assertThat(calls("DisconnectCustomKeyStore")).isZero();
        assertThat(calls("UpdateCustomKeyStore")).isZero();
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void aPasswordKmsRefusedWhileDisconnectedMayBeSentAgain() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        // DISCONNECTED (as after create): the update needs no disconnect, and KMS refuses it (here: the role).
        emulator.faults().errorNext("UpdateCustomKeyStore", id, "AccessDeniedException", 1);
        final Map<String, Object> v2 = hsm("payments-hsm", NEW_PASSWORD, "2");
        final JsonNode refused = driver.run("UPDATE", with(v2, id), with(v1, id));
        assertThat(refused.path("status").asText()).as(refused.toString()).isEqualTo("FAILED");
        // KMS never held version 2: it is not spent, and the same update sends it.
        assertThat(record(id).getJSONArray("spentPasswordVersions").toList()).containsExactly("1");
        final JsonNode again = driver.run("UPDATE", with(v2, id), with(v1, id));
        assertThat(again.path("status").asText()).as(again.toString()).isEqualTo("SUCCESS");
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(2);
        assertThat(record(id).getString("keyStorePasswordVersion")).isEqualTo("2");
        assertThat(messages()).doesNotContain("is not sent to KMS");
    }
}
