package com.keyhold.kms.customkeystoreconnection.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #19 item 6: the key store type's opt-in RefuseDisconnectingUpdates on the local runner. The change set says a
 * disconnecting change will be refused; executing it fails before any KMS call that changes anything and the stack
 * rolls back with the key store CONNECTED and its record as it was; turning the guard off is an update of its own,
 * after which the same change runs the dance. Drift stays in sync with the guard set.
 */
class RefuseDisconnectingUpdatesTest {
    static final String CLUSTER = "cluster-765432hgfedcb";
    static final String TEMPLATE = """
        Parameters:
          KmsUserPassword: {Type: String, NoEcho: true, MinLength: 7}
          PasswordVersion: {Type: String, Default: '1'}
        Resources:
          Store:
            Type: Keyhold::KMS::CustomKeyStore
            Properties:
              CustomKeyStoreName: guarded-hsm
              CloudHsmClusterId: cluster-765432hgfedcb
              TrustAnchorCertificate: "-----BEGIN CERTIFICATE-----\\nMIIBtest\\n-----END CERTIFICATE-----"
              KeyStorePassword: !Ref KmsUserPassword
              KeyStorePasswordVersion: !Ref PasswordVersion
              RefuseDisconnectingUpdates: true
          Connection:
            Type: Keyhold::KMS::CustomKeyStoreConnection
            Properties:
              CustomKeyStoreId: !Ref Store
              ConnectionState: CONNECTED
        """;

    @TempDir
    Path dir;

    private static String printed(final ChangeSet cs) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ChangeSets.print(cs, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aDisconnectingChangeIsRefusedUntilTheGuardIsTurnedOffInAnUpdateOfItsOwn() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final StackState created = f.deploy("guarded", TEMPLATE, Map.of("KmsUserPassword", "kmsPswd1"));
            assertThat(created.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            final String id = created.resources.get("Store").physicalId;
            assertThat(f.emulator().state(id)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.runner.detectDrift("guarded")).extracting(StackRunner.Drift::status).containsOnly("IN_SYNC");
            final String record = f.emulator().parameterValue(StoreRecord.parameterName(id)).orElseThrow();

            f.emulator().backends().resetKmsuserPassword(CLUSTER, "resetPw22");
            final Map<String, String> bump = Map.of("KmsUserPassword", "resetPw22", "PasswordVersion", "2");
            final ChangeSet refused = f.runner.createChangeSet("guarded", "bump", TEMPLATE, "t.yaml", bump);
            assertThat(printed(refused)).contains("Store.KeyStorePasswordVersion: 1 -> 2 (requires recreation: Never; "
                + "requires disconnect: yes; the update will be REFUSED unless the key store is DISCONNECTED "
                + "(RefuseDisconnectingUpdates is true))");
            final StackState afterRefusal = f.runner.executeChangeSet("guarded", "bump");
            assertThat(afterRefusal.status).as(f.output()).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
            assertThat(f.output()).contains("RefuseDisconnectingUpdates is true, and changing KeyStorePassword needs "
                + "the key store DISCONNECTED; it is CONNECTED now");
            assertThat(f.emulator().state(id)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isZero();
            assertThat(f.emulator().requestCount("UpdateCustomKeyStore")).isZero();
            // The record keeps the version KMS has the password under; the rollback's update rewrites its time and
            // notes that version 1 is spent (the key store was CONNECTED under it, and KMS rotated it then).
            final String after = f.emulator().parameterValue(StoreRecord.parameterName(id)).orElseThrow();
            assertThat(after).contains("\"keyStorePasswordVersion\":\"1\"").contains("\"spentPasswordVersions\":[\"1\"]");
            assertThat(withoutTimeAndSpent(after)).isEqualTo(withoutTimeAndSpent(record));

            // Turning the guard off changes nothing in KMS; the change set says so.
            final String off = TEMPLATE.replace("RefuseDisconnectingUpdates: true", "RefuseDisconnectingUpdates: false");
            final ChangeSet lift = f.runner.createChangeSet("guarded", "lift", off, "t.yaml",
                Map.of("KmsUserPassword", "kmsPswd1"));
            assertThat(printed(lift)).contains("Store.RefuseDisconnectingUpdates: true -> false (requires recreation: "
                + "Never; requires disconnect: no)");
            assertThat(f.runner.executeChangeSet("guarded", "lift").status).as(f.output()).isEqualTo("UPDATE_COMPLETE");
            assertThat(f.emulator().requestCount("UpdateCustomKeyStore")).isZero();

            final StackState bumped = f.deploy("guarded", off, bump);
            assertThat(bumped.status).as(f.output()).isEqualTo("UPDATE_COMPLETE");
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isEqualTo(1);
            assertThat(f.emulator().state(id)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.output()).doesNotContain("kmsPswd1").doesNotContain("resetPw22");
        }
    }

    private static String withoutTimeAndSpent(final String record) {
        return record.replaceAll("\"updatedAt\":\"[^\"]*\"", "").replaceAll("\"spentPasswordVersions\":\\[[^\\]]*\\]", "");
    }
}
