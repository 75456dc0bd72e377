package com.keyhold.kms.customkeystoreconnection.local.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.nio.file.Path;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyhold::KMS::CustomKeyStore's failed updates through the local runner, to the end of CloudFormation's rollback:
 * the stack status the runner ends in, the key store's connection state, its store record and the KMS calls made.
 * A key store KMS refused to change, or whose dance a crash interrupted, ends CONNECTED behind a green rollback;
 * a rollback that would re-send a spent password calls nothing and says so.
 */
class KeyStoreRollbackTest {
    static final String STORE_TYPE = "Keyhold::KMS::CustomKeyStore";
    static final String PASSWORD = "kmsPswd1";
    static final String NEW_PASSWORD = "resetPw22";
    static final String CLUSTER = "cluster-765432hgfedcb";
    static final String RELATED_CLUSTER = "cluster-765432bcdefgh";
    static final String TEMPLATE = """
        Parameters:
          KmsUserPassword: {Type: String, NoEcho: true, MinLength: 7}
          PasswordVersion: {Type: String, Default: '1'}
          ClusterId: {Type: String, Default: cluster-765432hgfedcb}
        Resources:
          Store:
            Type: Keyhold::KMS::CustomKeyStore
            Properties:
              CustomKeyStoreName: payments-hsm
              CloudHsmClusterId: !Ref ClusterId
              TrustAnchorCertificate: "-----BEGIN CERTIFICATE-----\\nMIIBtest\\n-----END CERTIFICATE-----"
              KeyStorePassword: !Ref KmsUserPassword
              KeyStorePasswordVersion: !Ref PasswordVersion
          Connection:
            Type: Keyhold::KMS::CustomKeyStoreConnection
            Properties:
              CustomKeyStoreId: !Ref Store
              ConnectionState: CONNECTED
        """;

    @TempDir
    Path dir;

    private static JSONObject record(final RunnerFixture f, final String id) {
        return new JSONObject(f.emulator().parameterValue(StoreRecord.parameterName(id)).orElseThrow());
    }

    private static String created(final RunnerFixture f) throws InterruptedException {
        final StackState created = f.deploy("pay", TEMPLATE, Map.of("KmsUserPassword", PASSWORD));
        assertThat(created.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
        final String id = created.resources.get("Store").physicalId;
        assertThat(f.emulator().state(id)).isEqualTo(ConnectionState.CONNECTED);
        f.emulator().requestLog().clear();
        return id;
    }

    @Test
    void aClusterChangeKmsRefusesEndsUpdateRollbackCompleteWithTheKeyStoreConnected() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final String id = created(f);
            // A related, ACTIVE target passes the DescribeClusters check; KMS then refuses what it cannot see.
            f.emulator().backends().relatedClusters(CLUSTER, RELATED_CLUSTER);
            f.emulator().faults().errorNext("UpdateCustomKeyStore", id, "CloudHsmClusterInvalidConfigurationException",
                1);
            final StackState failed = f.deploy("pay", TEMPLATE, Map.of("KmsUserPassword", PASSWORD, "ClusterId",
                RELATED_CLUSTER));
            assertThat(failed.status).as(f.output()).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
            assertThat(f.output()).contains("UPDATE_FAILED").contains(id + " is CONNECTED again, as it was before the "
                + "update").contains("Rollback: back to the previous properties");
            assertThat(f.emulator().state(id)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isEqualTo(1);
            assertThat(f.emulator().requestCount("UpdateCustomKeyStore")).isEqualTo(1);
            assertThat(f.emulator().requestCount("ConnectCustomKeyStore")).isEqualTo(1);
            assertThat(record(f, id).isNull("comeBackTo")).isTrue();
            assertThat(f.runner.detectDrift("pay")).extracting(StackRunner.Drift::status).containsOnly("IN_SYNC");
            assertThat(failed.leftChanged).as("the runner's 'back to their previous state' is true").isEmpty();
        }
    }

    @Test
    void aCrashWhileDisconnectingThenRecoverStackRollbackEndsConnected() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final String id = created(f);
            // The store's second in-progress answer is the one after DisconnectCustomKeyStore: the process dies there.
            f.runner = f.runner(new ProviderRegistry()
                .register(STORE_TYPE, new RunnerFixture.CrashingProvider(f.target.providers().find(STORE_TYPE), 2))
                .register(RunnerFixture.TYPE, f.target.providers().find(RunnerFixture.TYPE)));
            assertThatThrownBy(() -> f.deploy("pay", TEMPLATE, Map.of("KmsUserPassword", NEW_PASSWORD,
                "PasswordVersion", "2"))).isInstanceOf(RunnerFixture.SimulatedCrash.class);
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isEqualTo(1);
            assertThat(f.emulator().state(id)).isIn(ConnectionState.DISCONNECTING, ConnectionState.DISCONNECTED);
            assertThat(record(f, id).getString("comeBackTo")).isEqualTo("CONNECTED");

            f.runner = f.runner(f.target.providers());
            final StackState rolledBack = f.runner.recover("pay", true);
            assertThat(rolledBack.status).as(f.output()).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
            assertThat(f.emulator().state(id)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.emulator().requestCount("UpdateCustomKeyStore")).isZero();
            assertThat(f.emulator().requestCount("ConnectCustomKeyStore")).isEqualTo(1);
            assertThat(record(f, id).isNull("comeBackTo")).isTrue();
            assertThat(record(f, id).getString("keyStorePasswordVersion")).isEqualTo("1");
            assertThat(f.output()).contains(id + ": reconnecting: an earlier update disconnected this key store");
        }
    }

    @Test
    void aCrashWhileDisconnectingThenRecoverStackResumeFinishesTheUpdate() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final String id = created(f);
            f.runner = f.runner(new ProviderRegistry()
                .register(STORE_TYPE, new RunnerFixture.CrashingProvider(f.target.providers().find(STORE_TYPE), 2))
                .register(RunnerFixture.TYPE, f.target.providers().find(RunnerFixture.TYPE)));
            f.emulator().backends().resetKmsuserPassword(CLUSTER, NEW_PASSWORD);
            assertThatThrownBy(() -> f.deploy("pay", TEMPLATE, Map.of("KmsUserPassword", NEW_PASSWORD,
                "PasswordVersion", "2"))).isInstanceOf(RunnerFixture.SimulatedCrash.class);

            f.runner = f.runner(f.target.providers());
            final StackState resumed = f.runner.recover("pay", false);
            assertThat(resumed.status).as(f.output()).isEqualTo("UPDATE_COMPLETE");
            assertThat(f.emulator().state(id)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isEqualTo(1);
            assertThat(f.emulator().requestCount("UpdateCustomKeyStore")).isEqualTo(1);
            assertThat(f.emulator().requestCount("ConnectCustomKeyStore")).isEqualTo(1);
            assertThat(record(f, id).isNull("comeBackTo")).isTrue();
            assertThat(record(f, id).getString("keyStorePasswordVersion")).isEqualTo("2");
        }
    }

    @Test
    void aRollbackToASpentPasswordCallsNothingAndEndsUpdateRollbackComplete() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final String id = created(f);
            // Version 2 without resetting kmsuser in the cluster: the reconnect ends FAILED (INVALID_CREDENTIALS).
            final StackState failed = f.deploy("pay", TEMPLATE, Map.of("KmsUserPassword", NEW_PASSWORD,
                "PasswordVersion", "2"));
            assertThat(failed.status).as(f.output()).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
            assertThat(f.emulator().requestCount("UpdateCustomKeyStore")).as("the bump only").isEqualTo(1);
            assertThat(f.emulator().requestCount("ConnectCustomKeyStore")).as("the dance's reconnect only")
                .isEqualTo(1);
            assertThat(f.output()).contains("INVALID_CREDENTIALS")
                .contains(id + ": KeyStorePassword of KeyStorePasswordVersion 1 is not sent to KMS")
                .doesNotContain(PASSWORD).doesNotContain(NEW_PASSWORD);
            // The whole event (the console shortens long lines): where the key store stays, why, and the recovery.
            assertThat(new StateStore(f.stateDir).events("pay")).anySatisfy(e -> assertThat(e.reason).contains(
                "the key store stays DISCONNECTED", "reset kmsuser's password in the cluster, put it into the secret "
                    + "KeyStorePassword resolves, raise KeyStorePasswordVersion", "an earlier update disconnected it "
                    + "and reconnecting it failed with ConnectionErrorCode INVALID_CREDENTIALS"));
            // Keyhold disconnected the FAILED key store; the runner's clock stops when the stack does.
            assertThat(f.emulator().state(id)).isIn(ConnectionState.DISCONNECTING, ConnectionState.DISCONNECTED);
            assertThat(record(f, id).getString("keyStorePasswordVersion")).isEqualTo("2");
            assertThat(record(f, id).getString("comeBackTo")).isEqualTo("CONNECTED");
            assertThat(record(f, id).getString("reconnectFailure")).isEqualTo("INVALID_CREDENTIALS");
            // The runner's summary says so too: the key store is not back as it was.
            assertThat(failed.leftChanged).singleElement().asString().startsWith(id + ": CONNECTED before the "
                + "operation, DISCONNECT");
        }
    }

    @Test
    void aChangedPasswordWithoutANewVersionIsSaidInTheChangeSetAndAnEventAndNotSent() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final String id = created(f);
            final ChangeSet cs = f.runner.createChangeSet("pay", "same-version", TEMPLATE, "t.yaml",
                Map.of("KmsUserPassword", NEW_PASSWORD));
            final java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
            ChangeSets.print(cs, new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("Store.KeyStorePassword: "
                + "**** -> **** (requires recreation: Never; requires disconnect: no (not sent to KMS: "
                + "KeyStorePasswordVersion did not change; change it too to send the new value))")
                .doesNotContain(PASSWORD).doesNotContain(NEW_PASSWORD);
            final StackState updated = f.runner.executeChangeSet("pay", "same-version");
            assertThat(updated.status).as(f.output()).isEqualTo("UPDATE_COMPLETE");
            assertThat(f.emulator().requestCount("UpdateCustomKeyStore")).isZero();
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isZero();
            assertThat(f.emulator().state(id)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.output()).contains(id + ": KeyStorePassword changed but KeyStorePasswordVersion did not, so "
                + "Keyhold does not send it to KMS").doesNotContain(PASSWORD).doesNotContain(NEW_PASSWORD);
        }
    }

    /**
     * KMS returns an XKS key store's AccessKeyId, so the change set shows its change; only RawSecretAccessKey is
     * masked, and neither the secret nor its length appears.
     */
    @Test
    void aChangedAccessKeyIdIsShownAndTheSecretStaysMasked() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir, "{\"stores\": []}", b -> {
        })) {
            final StackState created = f.deploy("pay", XKS_TEMPLATE, Map.of("XksSecret", XKS_SECRET));
            assertThat(created.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            final String newSecret = XKS_SECRET.replace('s', 'S');
            final ChangeSet cs = f.runner.createChangeSet("pay", "rotate", XKS_TEMPLATE.replace("ABCDEFGHIJKLMNOPQRST",
                "ZYXWVUTSRQPONMLKJIHG"), "t.yaml", Map.of("XksSecret", newSecret));
            final java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
            ChangeSets.print(cs, new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8)).contains(
                    "Store.XksProxyAuthenticationCredential: {\"AccessKeyId\":\"ABCDEFGHIJKLMNOPQRST\","
                        + "\"RawSecretAccessKey\":\"****\"} -> {\"AccessKeyId\":\"ZYXWVUTSRQPONMLKJIHG\","
                        + "\"RawSecretAccessKey\":\"****\"}")
                .doesNotContain(XKS_SECRET).doesNotContain(newSecret)
                .doesNotContain("*".repeat(5));
            assertThat(Json.MAPPER.writeValueAsString(cs.changes)).doesNotContain(XKS_SECRET).doesNotContain(newSecret);
        }
    }

    static final String XKS_TEMPLATE = """
        Parameters:
          XksSecret: {Type: String, NoEcho: true}
          Endpoint: {Type: String, Default: 'https://xks-a.example.com'}
        Resources:
          Store:
            Type: Keyhold::KMS::CustomKeyStore
            Properties:
              CustomKeyStoreName: payments-xks
              CustomKeyStoreType: EXTERNAL_KEY_STORE
              XksProxyConnectivity: PUBLIC_ENDPOINT
              XksProxyUriEndpoint: !Ref Endpoint
              XksProxyUriPath: /kms/xks/v1
              XksProxyAuthenticationCredential:
                AccessKeyId: ABCDEFGHIJKLMNOPQRST
                RawSecretAccessKey: !Ref XksSecret
          Connection:
            Type: Keyhold::KMS::CustomKeyStoreConnection
            Properties:
              CustomKeyStoreId: !Ref Store
              ConnectionState: CONNECTED
        """;
    static final String XKS_SECRET = "s3cretXksProxyKeyThatIsLongEnough0123456789+/=";

    /**
     * A crash after each in-progress answer of an XKS endpoint move's dance, then recover-stack --rollback: the key
     * store ends CONNECTED on its old endpoint whatever the point (never made, or made and moved back by the
     * rollback's own dance).
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "crash after in-progress answer {0}")
    @org.junit.jupiter.params.provider.ValueSource(ints = {1, 2, 3, 4})
    void aCrashAtAnyPointOfTheDanceThenRecoverStackRollbackEndsConnected(final int crashAfter) throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir, "{\"stores\": []}", b -> {
        })) {
            final StackState created = f.deploy("pay", XKS_TEMPLATE, Map.of("XksSecret", XKS_SECRET));
            assertThat(created.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            final String id = created.resources.get("Store").physicalId;
            f.emulator().requestLog().clear();
            f.runner = f.runner(new ProviderRegistry()
                .register(STORE_TYPE, new RunnerFixture.CrashingProvider(f.target.providers().find(STORE_TYPE),
                    crashAfter))
                .register(RunnerFixture.TYPE, f.target.providers().find(RunnerFixture.TYPE)));
            assertThatThrownBy(() -> f.deploy("pay", XKS_TEMPLATE, Map.of("XksSecret", XKS_SECRET, "Endpoint",
                "https://xks-b.example.com"))).isInstanceOf(RunnerFixture.SimulatedCrash.class);

            f.runner = f.runner(f.target.providers());
            final StackState rolledBack = f.runner.recover("pay", true);
            assertThat(rolledBack.status).as(f.output()).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
            assertThat(f.emulator().state(id)).as(f.output()).isEqualTo(ConnectionState.CONNECTED);
            assertThat(record(f, id).isNull("comeBackTo")).isTrue();
            final long updates = f.emulator().requestCount("UpdateCustomKeyStore");
            assertThat(updates).isIn(0L, 2L);
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isLessThanOrEqualTo(updates == 0 ? 1 : 2);
            assertThat(f.runner.detectDrift("pay")).extracting(StackRunner.Drift::status).containsOnly("IN_SYNC");
            assertThat(f.output()).doesNotContain(XKS_SECRET);
        }
    }
}
