package com.keyhold.kms.customkeystoreconnection.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What replaces a Keyhold::KMS::CustomKeyStore and what does not, on the local runner with the type's real handlers:
 * the default CustomKeyStoreType written out or dropped is no change; a real type change is refused; a create-only
 * change replaces the key store the way the schema's replacementStrategy (delete_then_create) says, the old key store
 * deleted before the new one is created, and a key store holding keys is not replaced at all.
 */
class KeyStoreReplacementTest {
    private static final String PASSWORD = "kmsPswd1";
    private static final String STORE = """
        Parameters:
          KmsUserPassword: {Type: String, NoEcho: true}
          TrustAnchor: {Type: String, Default: "-----BEGIN CERTIFICATE-----\\nMIIBtest\\n-----END CERTIFICATE-----"}
        Resources:
          Store:
            Type: Keyhold::KMS::CustomKeyStore
            Properties:
              CustomKeyStoreName: payments-hsm
              CloudHsmClusterId: cluster-765432hgfedcb
              TrustAnchorCertificate: !Ref TrustAnchor
              KeyStorePassword: !Ref KmsUserPassword
              KeyStorePasswordVersion: '1'
        """;
    private static final String STORE_AND_CONNECTION = STORE + """
          Connection:
            Type: Keyhold::KMS::CustomKeyStoreConnection
            Properties:
              CustomKeyStoreId: !Ref Store
              ConnectionState: CONNECTED
        """;
    private static final String TYPE_LINE = "      CustomKeyStoreName: payments-hsm\n";

    @TempDir
    Path dir;

    private static String withType(final String template, final String type) {
        return template.replace(TYPE_LINE, TYPE_LINE + "      CustomKeyStoreType: " + type + "\n");
    }

    private static String printed(final ChangeSet cs) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ChangeSets.print(cs, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static List<String> storeEvents(final RunnerFixture f, final String stack) {
        return new StateStore(f.stateDir).events(stack).stream().filter(e -> e.logicalId.equals("Store"))
            .map(e -> e.status + (e.physicalId == null ? "" : " " + e.physicalId)).toList();
    }

    @Test
    void writingTheDefaultTypeOrDroppingItChangesNothing() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final Map<String, String> params = Map.of("KmsUserPassword", PASSWORD);
            final StackState created = f.deploy("pay", STORE_AND_CONNECTION, params);
            assertThat(created.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            final String id = created.resources.get("Store").physicalId;
            assertThat(f.emulator().state(id)).isEqualTo(ConnectionState.CONNECTED);
            final long calls = f.emulator().requestLog().entries().size();

            final String explicit = withType(STORE_AND_CONNECTION, "AWS_CLOUDHSM");
            final ChangeSet written = f.runner.createChangeSet("pay", "explicit", explicit, "t.yaml", params);
            assertThat(written.changes).hasSize(1);
            assertThat(written.changes.get(0).action).isEqualTo("Modify");
            assertThat(written.changes.get(0).replacement).isEqualTo("False");
            assertThat(printed(written)).contains("Store.CustomKeyStoreType: - -> AWS_CLOUDHSM (requires "
                + "recreation: Never; requires disconnect: no)");
            final StackState updated = f.runner.executeChangeSet("pay", written.changeSetName);
            assertThat(updated.status).as(f.output()).isEqualTo("UPDATE_COMPLETE");
            assertThat(updated.resources.get("Store").physicalId).isEqualTo(id);

            final ChangeSet dropped = f.runner.createChangeSet("pay", "dropped", STORE_AND_CONNECTION, "t.yaml",
                params);
            assertThat(dropped.changes.get(0).replacement).isEqualTo("False");
            assertThat(f.runner.executeChangeSet("pay", dropped.changeSetName).status).isEqualTo("UPDATE_COMPLETE");

            final List<String> seeded = f.emulator().storeIds();
            assertThat(seeded).contains(id);
            assertThat(f.emulator().state(id)).isEqualTo(ConnectionState.CONNECTED);
            for (String op : List.of("CreateCustomKeyStore", "DeleteCustomKeyStore", "UpdateCustomKeyStore",
                "DisconnectCustomKeyStore")) {
                assertThat(f.emulator().requestCount(op)).as(op).isEqualTo("CreateCustomKeyStore".equals(op) ? 1 : 0);
            }
            assertThat(f.emulator().requestLog().entries().stream().skip(calls)
                .filter(e -> e.operation().startsWith("Connect"))).isEmpty();
        }
    }

    @Test
    void changingTheTypeInATemplateIsAReplacementBecauseTrustAnchorCertificateGoes() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.deploy("pay", STORE, Map.of("KmsUserPassword", PASSWORD));
            final String xks = """
                Parameters:
                  KmsUserPassword: {Type: String, NoEcho: true}
                Resources:
                  Store:
                    Type: Keyhold::KMS::CustomKeyStore
                    Properties:
                      CustomKeyStoreName: payments-hsm
                      CustomKeyStoreType: EXTERNAL_KEY_STORE
                      XksProxyConnectivity: PUBLIC_ENDPOINT
                      XksProxyUriEndpoint: https://xks.example.com
                      XksProxyUriPath: /example/kms/xks/v1
                      XksProxyAuthenticationCredential:
                        AccessKeyId: ABCDEFGHIJKLMNOPQRST
                        RawSecretAccessKey: !Ref KmsUserPassword
                """;
            final ChangeSet change = f.runner.createChangeSet("pay", "type", xks, "t.yaml",
                Map.of("KmsUserPassword", "s3cretXksProxyKeyThatIsLongEnough0123456789+/="));
            assertThat(change.changes.get(0).replacement).isEqualTo("True");
            assertThat(printed(change)).contains("Store.CustomKeyStoreType: - -> EXTERNAL_KEY_STORE (requires "
                + "recreation: Never").contains("Store.TrustAnchorCertificate: ").contains("(requires recreation: "
                + "Always)");
        }
    }

    @Test
    void aCreateOnlyChangeDeletesTheOldKeyStoreBeforeCreatingTheNewOne() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final String old = f.deploy("pay", STORE, Map.of("KmsUserPassword", PASSWORD)).resources.get("Store")
                .physicalId;
            final ChangeSet change = f.runner.createChangeSet("pay", "anchor", STORE, "t.yaml", Map.of(
                "KmsUserPassword", PASSWORD,
                "TrustAnchor", "-----BEGIN CERTIFICATE-----\\nMIIBnew\\n-----END CERTIFICATE-----"));
            assertThat(change.changes.get(0).replacement).isEqualTo("True");

            final StackState replaced = f.runner.executeChangeSet("pay", change.changeSetName);

            assertThat(replaced.status).as(f.output()).isEqualTo("UPDATE_COMPLETE");
            final String fresh = replaced.resources.get("Store").physicalId;
            assertThat(fresh).isNotEqualTo(old);
            assertThat(f.emulator().storeIds()).contains(fresh).doesNotContain(old);
            final List<String> events = storeEvents(f, "pay");
            assertThat(events).containsSubsequence("DELETE_IN_PROGRESS " + old, "DELETE_COMPLETE " + old,
                "CREATE_IN_PROGRESS", "CREATE_COMPLETE " + fresh);
            assertThat(events.stream().filter(e -> e.startsWith("DELETE_COMPLETE"))).as("no cleanup delete after")
                .hasSize(1);
            assertThat(f.output()).contains("replacementStrategy is delete_then_create");
        }
    }

    @Test
    void aKeyStoreHoldingKeysIsNotReplacedAndStaysAsItWas() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final String old = f.deploy("pay", STORE, Map.of("KmsUserPassword", PASSWORD)).resources.get("Store")
                .physicalId;
            f.emulator().keyCount(old, 1);
            final ChangeSet change = f.runner.createChangeSet("pay", "anchor", STORE, "t.yaml", Map.of(
                "KmsUserPassword", PASSWORD,
                "TrustAnchor", "-----BEGIN CERTIFICATE-----\\nMIIBnew\\n-----END CERTIFICATE-----"));

            final StackState refused = f.runner.executeChangeSet("pay", change.changeSetName);

            assertThat(refused.status).as(f.output()).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
            assertThat(f.output()).contains("DELETE_FAILED").contains("still holds some KMS key(s)");
            assertThat(refused.resources.get("Store").physicalId).isEqualTo(old);
            assertThat(f.emulator().storeIds()).contains(old);
            assertThat(f.emulator().requestCount("DeleteCustomKeyStore")).isEqualTo(1);
            assertThat(f.emulator().state(old)).isEqualTo(ConnectionState.DISCONNECTED);
            assertThat(f.emulator().requestCount("CreateCustomKeyStore")).isEqualTo(1);
        }
    }

    @Test
    void aReplacementWhoseCreateFailsIsRolledBackByCreatingTheOldKeyStoreAgain() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final String old = f.deploy("pay", STORE, Map.of("KmsUserPassword", PASSWORD)).resources.get("Store")
                .physicalId;
            final ChangeSet change = f.runner.createChangeSet("pay", "anchor", STORE, "t.yaml", Map.of(
                "KmsUserPassword", PASSWORD,
                "TrustAnchor", "-----BEGIN CERTIFICATE-----\\nMIIBnew\\n-----END CERTIFICATE-----"));
            f.emulator().faults().errorNext("CreateCustomKeyStore", "*", "CloudHsmClusterInvalidConfigurationException",
                1);

            final StackState rolledBack = f.runner.executeChangeSet("pay", change.changeSetName);

            assertThat(rolledBack.status).as(f.output()).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
            assertThat(f.output()).contains("Rollback: creating again the resource that the replacement deleted");
            final String again = rolledBack.resources.get("Store").physicalId;
            // A new key store (the emulator's seeded ids may repeat the deleted one's; KMS's would not).
            assertThat(again).startsWith("cks-");
            assertThat(f.emulator().storeIds()).contains(again);
            assertThat(storeEvents(f, "pay")).containsSubsequence("DELETE_COMPLETE " + old, "CREATE_FAILED",
                "CREATE_COMPLETE " + again);
            assertThat(rolledBack.resources.get("Store").properties.get("TrustAnchorCertificate").asText())
                .contains("MIIBtest");
            assertThat(f.emulator().requestCount("DeleteCustomKeyStore")).isEqualTo(1);
            assertThat(f.emulator().requestCount("CreateCustomKeyStore")).isEqualTo(3);
        }
    }
}
