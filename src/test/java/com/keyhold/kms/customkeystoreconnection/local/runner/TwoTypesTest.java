package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StoreSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keyhold::KMS::CustomKeyStore and Keyhold::KMS::CustomKeyStoreConnection in one template on the local runner, each
 * through its own real HandlerWrapper: Ref and Fn::GetAtt between them, CloudFormation's order, change sets that say
 * which store updates disconnect, drift for both, and no secret in any output.
 */
class TwoTypesTest {
    static final String PASSWORD = "kmsPswd1";
    static final String NEW_PASSWORD = "resetPw22";
    static final String CLUSTER = "cluster-765432hgfedcb";
    static final String TEMPLATE = """
        Parameters:
          KmsUserPassword: {Type: String, NoEcho: true, MinLength: 7}
          PasswordVersion: {Type: String, Default: '1'}
          StoreName: {Type: String, Default: payments-hsm}
        Resources:
          Store:
            Type: Keyhold::KMS::CustomKeyStore
            Properties:
              CustomKeyStoreName: !Ref StoreName
              CloudHsmClusterId: cluster-765432hgfedcb
              TrustAnchorCertificate: "-----BEGIN CERTIFICATE-----\\nMIIBtest\\n-----END CERTIFICATE-----"
              KeyStorePassword: !Ref KmsUserPassword
              KeyStorePasswordVersion: !Ref PasswordVersion
          Connection:
            Type: Keyhold::KMS::CustomKeyStoreConnection
            Properties:
              CustomKeyStoreId: !Ref Store
              ConnectionState: CONNECTED
        Outputs:
          StoreId: {Value: !Ref Store}
          StoreState: {Value: !GetAtt Store.ObservedConnectionState}
          ConnectionSees: {Value: !GetAtt Connection.CustomKeyStoreName}
        """;

    @TempDir
    Path dir;

    private static List<String> order(final StateStore store, final String stack) {
        return store.events(stack).stream().filter(e -> e.status.endsWith("_COMPLETE") && !e.logicalId.equals(stack))
            .map(e -> e.logicalId + " " + e.status).toList();
    }

    @Test
    void storeAndConnectionInOneStack() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final StackState created = f.deploy("pay", TEMPLATE, Map.of("KmsUserPassword", PASSWORD));
            assertThat(created.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            final String id = created.resources.get("Store").physicalId;
            assertThat(id).startsWith("cks-");
            assertThat(created.resources.get("Connection").physicalId).isEqualTo(id);
            assertThat(f.emulator().state(id)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(created.outputs).containsEntry("StoreId", id).containsEntry("ConnectionSees", "payments-hsm")
                .containsEntry("StoreState", "DISCONNECTED");
            final StateStore store = new StateStore(f.stateDir);
            assertThat(order(store, "pay")).containsSubsequence("Store CREATE_COMPLETE", "Connection CREATE_COMPLETE");

            // Rename while connected: the change set says maybe (KMS's texts disagree); this KMS renames in place.
            final ChangeSet rename = f.runner.createChangeSet("pay", "rename", TEMPLATE, "t.yaml",
                Map.of("StoreName", "payments-hsm-2"));
            assertThat(printed(rename)).contains("Store.CustomKeyStoreName: payments-hsm -> payments-hsm-2 "
                + "(requires recreation: Never; requires disconnect: maybe (tried in place first; disconnects, "
                + "updates and reconnects only if KMS refuses the change while connected))");
            assertThat(f.runner.executeChangeSet("pay", "rename").status).as(f.output()).isEqualTo("UPDATE_COMPLETE");
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isZero();

            // The password version bump: disconnect, update, reconnect, said before it runs.
            f.emulator().backends().resetKmsuserPassword(CLUSTER, NEW_PASSWORD);
            final ChangeSet bump = f.runner.createChangeSet("pay", "bump", TEMPLATE, "t.yaml",
                Map.of("KmsUserPassword", NEW_PASSWORD, "PasswordVersion", "2"));
            final String shown = printed(bump);
            assertThat(shown).contains("Store.KeyStorePasswordVersion: 1 -> 2 (requires recreation: Never; "
                + "requires disconnect: yes)").contains("Store.KeyStorePassword: **** -> ****");
            // The state files hold resolved NoEcho values (a rollback must send the previous password): owner-only,
            // like a credentials file.
            for (Path file : List.of(f.stateDir.resolve("stacks/pay/stack.json"),
                f.stateDir.resolve("stacks/pay/changesets/bump.json"))) {
                assertThat(Files.readString(file)).containsAnyOf(PASSWORD, NEW_PASSWORD);
                if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                    assertThat(Files.getPosixFilePermissions(file)).as(file.toString())
                        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
                }
            }
            assertThat(f.runner.executeChangeSet("pay", "bump").status).as(f.output()).isEqualTo("UPDATE_COMPLETE");
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isEqualTo(1);
            assertThat(f.emulator().state(id)).isEqualTo(ConnectionState.CONNECTED);

            // Drift for both types: in sync, then the out-of-band disconnect shows on the connection.
            assertThat(f.runner.detectDrift("pay")).extracting(StackRunner.Drift::status)
                .containsOnly("IN_SYNC");
            f.emulator().outOfBandDisconnect(id);
            final List<StackRunner.Drift> drifted = f.runner.detectDrift("pay");
            assertThat(drifted).filteredOn(d -> d.logicalId().equals("Connection")).singleElement()
                .satisfies(d -> assertThat(d.status()).isEqualTo("MODIFIED"));

            // A create-only property: replacement, and no disconnect line (a new key store is made instead).
            final ChangeSet replace = f.runner.createChangeSet("pay", "replace", TEMPLATE.replace("MIIBtest",
                "MIIBnew"), "t.yaml", Map.of());
            assertThat(replace.changes.get(0).logicalId).isEqualTo("Store");
            assertThat(replace.changes.get(0).replacement).isEqualTo("True");
            assertThat(replace.changes.get(0).details.get(0).requiresDisconnect).isNull();
            // The connection's CustomKeyStoreId is the new key store's: known only when it exists.
            assertThat(replace.changes.get(1).logicalId).isEqualTo("Connection");
            assertThat(replace.changes.get(1).replacement).isEqualTo("Conditional");
            final int before = f.output().length();
            f.runner.deleteStack("pay");
            assertThat(f.emulator().storeIds()).doesNotContain(id);
            // The connection first (its ConnectionStateOnDelete), then the key store.
            final String deletion = f.output().substring(before);
            assertThat(deletion.indexOf("Connection             DELETE_COMPLETE")).as(deletion).isPositive()
                .isLessThan(deletion.indexOf("Store                  DELETE_IN_PROGRESS"));
            assertThat(f.output()).doesNotContain(PASSWORD).doesNotContain(NEW_PASSWORD);
        }
    }

    @Test
    void aStoreCreateThatDiedAfterKmsMadeTheKeyStoreResumesWithThatKeyStore() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final String storeType = "Keyhold::KMS::CustomKeyStore";
            final String connectionType = "Keyhold::KMS::CustomKeyStoreConnection";
            // The first invocation creates the key store and calls back (KMS does not show it yet); the process dies
            // before the runner saves that answer, so all it knows is the call it started. (The first fault answers
            // the create's look by name.)
            f.emulator().faults().errorNext("DescribeCustomKeyStores", "*", "CustomKeyStoreNotFoundException", 2);
            f.runner = f.runner(new ProviderRegistry()
                .register(storeType, new RunnerFixture.CrashingProvider(f.target.providers().find(storeType), 1, true))
                .register(connectionType, f.target.providers().find(connectionType)));
            final List<String> seeded = f.emulator().storeIds();
            assertThatThrownBy(() -> f.deploy("pay", TEMPLATE, Map.of("KmsUserPassword", PASSWORD)))
                .isInstanceOf(RunnerFixture.SimulatedCrash.class);
            final List<String> madeByTheCrashedCreate = new ArrayList<>(f.emulator().storeIds());
            madeByTheCrashedCreate.removeAll(seeded);
            assertThat(madeByTheCrashedCreate).hasSize(1);
            final String made = madeByTheCrashedCreate.get(0);

            f.runner = f.runner(f.target.providers());
            final StackState resumed = f.runner.recover("pay", false);
            assertThat(resumed.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            assertThat(resumed.resources.get("Store").physicalId).isEqualTo(made);
            assertThat(f.emulator().storeIds()).as("no second key store, none left outside the stack")
                .hasSize(seeded.size() + 1).contains(made);
            assertThat(f.output()).contains("Resumed from the saved callback context");
            assertThat(Files.readString(f.stateDir.resolve("handler.log")))
                .contains(made + ": this create made it before its answer was lost");
        }
    }

    @Test
    void aResumedStoreCreateDoesNotAdoptAKeyStoreMadeByHandOnAnotherClusterInBetween() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final String storeType = "Keyhold::KMS::CustomKeyStore";
            final String connectionType = "Keyhold::KMS::CustomKeyStoreConnection";
            // The create intent is written, then the invocation dies before KMS creates anything (CreateCustomKeyStore
            // fails past the SDK's own retries, the handler calls back, the process dies).
            f.emulator().faults().errorNext("CreateCustomKeyStore", "*", "KMSInternalException", 3);
            f.runner = f.runner(new ProviderRegistry()
                .register(storeType, new RunnerFixture.CrashingProvider(f.target.providers().find(storeType), 1, true))
                .register(connectionType, f.target.providers().find(connectionType)));
            final List<String> before = new ArrayList<>(f.emulator().storeIds());
            assertThatThrownBy(() -> f.deploy("pay", TEMPLATE, Map.of("KmsUserPassword", PASSWORD)))
                .isInstanceOf(RunnerFixture.SimulatedCrash.class);
            assertThat(f.emulator().storeIds()).isEqualTo(before);
            // Meanwhile someone creates a key store of that name by hand, on another cluster, and connects it.
            final String byHand = f.emulator().seedStore(StoreSpec.cloudHsm("payments-hsm")
                .cloudHsmClusterId("cluster-2222233333aaa").state(ConnectionState.CONNECTED));

            f.runner = f.runner(f.target.providers());
            final StackState resumed = f.runner.recover("pay", false);
            assertThat(resumed.status).as(f.output()).isIn("CREATE_FAILED", "ROLLBACK_COMPLETE");
            assertThat(f.output()).contains("already used by key store " + byHand)
                .contains("it is on CloudHSM cluster cluster-2222233333aaa");
            assertThat(f.emulator().storeIds()).as("taken by nobody, deleted by nobody").contains(byHand)
                .hasSize(before.size() + 1);
            assertThat(f.emulator().state(byHand)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.emulator().parameterValue(StoreRecord.parameterName(byHand))).isEmpty();
        }
    }

    private static String printed(final ChangeSet cs) {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ChangeSets.print(cs, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    static final String IMPORT_TEMPLATE = """
        Resources:
          Store:
            Type: Keyhold::KMS::CustomKeyStore
            DeletionPolicy: Retain
            Properties:
              CustomKeyStoreName: hsm
        """;

    @Test
    void importAdoptsAnExistingKeyStoreThroughItsReadHandler() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final List<Imports.Target> targets = Imports.parse("[{\"ResourceType\":\"Keyhold::KMS::CustomKeyStore\","
                + "\"LogicalResourceId\":\"Store\",\"ResourceIdentifier\":{\"CustomKeyStoreId\":\""
                + RunnerFixture.HSM + "\"}}]", dir);
            final ChangeSet cs = f.runner.createChangeSet("adopt", "imp", IMPORT_TEMPLATE, "t.yaml", Map.of(), targets);
            assertThat(cs.changeSetType).isEqualTo("IMPORT");
            assertThat(printed(cs)).contains("Import  Store              " + RunnerFixture.HSM);
            final StackState s = f.runner.executeChangeSet("adopt", "imp");
            assertThat(s.status).as(f.output()).isEqualTo("IMPORT_COMPLETE");
            assertThat(s.resources.get("Store").physicalId).isEqualTo(RunnerFixture.HSM);
            assertThat(f.output()).contains("IMPORT_IN_PROGRESS").contains("IMPORT_COMPLETE");
            // A resource is in one stack only.
            assertThatThrownBy(() -> f.runner.createChangeSet("again", "imp", IMPORT_TEMPLATE, "t.yaml", Map.of(),
                targets)).hasMessageContaining(RunnerFixture.HSM + " already belongs to stack adopt");
            assertThat(new StateStore(f.stateDir).load("again")).as("a refused import leaves no stack").isEmpty();
            // Retained: deleting the stack leaves the adopted key store where it was.
            f.runner.deleteStack("adopt");
            assertThat(f.emulator().storeIds()).contains(RunnerFixture.HSM);
        }
    }

    @Test
    void importRefusesWhatCloudFormationRefuses() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final Path file = dir.resolve("import.json");
            java.nio.file.Files.writeString(file, "[{\"ResourceType\":\"Keyhold::KMS::CustomKeyStore\","
                + "\"LogicalResourceId\":\"Other\",\"ResourceIdentifier\":{\"CustomKeyStoreId\":\"cks-1\"}},"
                + "{\"ResourceType\":\"Keyhold::KMS::CustomKeyStore\",\"LogicalResourceId\":\"Store\","
                + "\"ResourceIdentifier\":{\"CustomKeyStoreName\":\"hsm\"}}]");
            final List<Imports.Target> targets = Imports.parse("file://" + file.getFileName(), dir);
            assertThatThrownBy(() -> f.runner.createChangeSet("adopt", "imp", IMPORT_TEMPLATE.replace(
                "    DeletionPolicy: Retain\n", ""), "t.yaml", Map.of(), targets))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("Other: not in the template")
                .hasMessageContaining("Store: has no DeletionPolicy")
                .hasMessageContaining("ResourceIdentifier must be {\"CustomKeyStoreId\"");
            assertThatThrownBy(() -> Imports.parse("{}", dir)).isInstanceOf(UsageException.class)
                .hasMessageContaining("takes a JSON list");
            assertThatThrownBy(() -> Imports.parse("file://missing.json", dir)).isInstanceOf(UsageException.class)
                .hasMessageContaining("cannot read");
        }
    }

    private int keyhold(final ByteArrayOutputStream out, final ByteArrayOutputStream err, final String... args) {
        final String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--state-dir";
        all[args.length + 1] = dir.resolve("state").toString();
        final java.util.Map<String, String> env = Map.of();
        return com.keyhold.kms.customkeystoreconnection.local.Keyhold.run(all,
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
            env, Sleeper.NONE, RunnerFixture.FIXED, dir);
    }

    @Test
    void importFromTheCommandLineAsTheAwsCliSpellsIt() throws Exception {
        final Path template = dir.resolve("adopt.yaml");
        java.nio.file.Files.writeString(template, IMPORT_TEMPLATE);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(keyhold(out, err, "create-change-set", "--stack-name", "adopt", "--change-set-name", "imp",
            "--change-set-type", "IMPORT", "--template-file", template.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--change-set-type IMPORT needs --resources-to-import");
        assertThat(keyhold(out, err, "create-change-set", "--stack-name", "adopt", "--change-set-name", "imp",
            "--change-set-type", "ADOPT", "--template-file", template.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("allowed: CREATE, UPDATE, IMPORT");
        assertThat(keyhold(out, err, "create-change-set", "--stack-name", "adopt", "--change-set-name", "imp",
            "--resources-to-import", "[]", "--template-file", template.toString())).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--resources-to-import goes with --change-set-type");
        final String resources = "[{\"ResourceType\":\"Keyhold::KMS::CustomKeyStore\",\"LogicalResourceId\":"
            + "\"Store\",\"ResourceIdentifier\":{\"CustomKeyStoreId\":\"cks-1234567890abcdef0\"}}]";
        assertThat(keyhold(out, err, "create-change-set", "--stack-name", "adopt", "--change-set-name", "imp",
            "--change-set-type", "IMPORT", "--resources-to-import", resources, "--template-file",
            template.toString())).as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(keyhold(out, err, "execute-change-set", "--stack-name", "adopt", "--change-set-name", "imp"))
            .as(err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Import  Store")
            .contains("Successfully imported into stack - adopt");
    }
}
