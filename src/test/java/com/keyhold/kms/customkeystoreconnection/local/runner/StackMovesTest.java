package com.keyhold.kms.customkeystoreconnection.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.Faults;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resources moving between stacks as CloudFormation moves them, through the runner (which answers
 * DescribeStackResources for its stacks on the emulator's endpoint): a record whose stack no longer holds the key
 * store is taken over by the stack that does, with an event saying so; while its stack holds it, or when
 * CloudFormation cannot be asked, the refusal stands.
 */
class StackMovesTest {
    static final String HSM = RunnerFixture.HSM;
    static final String CONNECTION = """
        Parameters:
          State: {Type: String, Default: CONNECTED}
        Resources:
          %s:
            Type: Keyhold::KMS::CustomKeyStoreConnection
            DeletionPolicy: %s
            Properties:
              CustomKeyStoreId: cks-1234567890abcdef0
              ConnectionState: !Ref State
        """;

    @TempDir
    Path dir;

    private static JSONObject ownership(final RunnerFixture f) {
        return new JSONObject(f.emulator().parameterValue(OwnershipRecord.parameterName(HSM)).orElseThrow());
    }

    private static List<Imports.Target> importing(final String type, final String logicalId, final Path dir) {
        return Imports.parse("[{\"ResourceType\":\"" + type + "\",\"LogicalResourceId\":\"" + logicalId
            + "\",\"ResourceIdentifier\":{\"CustomKeyStoreId\":\"" + HSM + "\"}}]", dir);
    }

    /** Stack a holds the connection (retained), then is deleted: its record stays, naming a stack that is gone. */
    private static String retainedFromDeletedStack(final RunnerFixture f) throws InterruptedException {
        final StackState a = f.deploy("a", CONNECTION.formatted("Conn", "Retain"), Map.of());
        assertThat(a.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
        assertThat(f.runner.deleteStack("a").status).isEqualTo("DELETE_COMPLETE");
        assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(ownership(f).getString("stackId")).isEqualTo(a.stackId);
        return a.stackId;
    }

    private static StackState imported(final RunnerFixture f, final String stack, final String logicalId,
                                       final String policy) throws InterruptedException {
        f.runner.createChangeSet(stack, "imp", CONNECTION.formatted(logicalId, policy), "t.yaml", Map.of(),
            importing(RunnerFixture.TYPE, logicalId, f.stateDir));
        final StackState b = f.runner.executeChangeSet(stack, "imp");
        assertThat(b.status).as(f.output()).isEqualTo("IMPORT_COMPLETE");
        return b;
    }

    @Test
    void retainedInOneStackImportedIntoAnotherThenUpdatedAndDeletedThere() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final String a = retainedFromDeletedStack(f);
            final StackState b = imported(f, "b", "Moved", "Retain");
            assertThat(ownership(f).getString("stackId")).as("an import reads; it writes nothing").isEqualTo(a);
            f.emulator().requestLog().clear();

            final StackState updated = f.deploy("b", CONNECTION.formatted("Moved", "Retain"),
                Map.of("State", "DISCONNECTED"));
            assertThat(updated.status).as(f.output()).isEqualTo("UPDATE_COMPLETE");
            assertThat(f.output()).contains(HSM + ": taking its record over from stack " + a + " (logical id Conn): "
                + "stack " + a + " no longer exists or no longer lists Conn, and this stack (" + b.stackId + ") holds "
                + "it as Moved");
            assertThat(new StateStore(f.stateDir).events("b")).anySatisfy(e -> assertThat(e.reason)
                .startsWith(HSM + ": taking its record over from stack " + a));
            assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.DISCONNECTED);
            assertThat(ownership(f).getString("stackId")).isEqualTo(b.stackId);
            assertThat(ownership(f).getString("logicalResourceId")).isEqualTo("Moved");
            assertThat(ownership(f).getString("connectionState")).isEqualTo("DISCONNECTED");
            assertThat(f.emulator().requestCount("DescribeStackResources")).as("a's Conn, then b's Moved, once")
                .isEqualTo(2);
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isEqualTo(1);

            f.emulator().requestLog().clear();
            assertThat(f.runner.deleteStack("b").status).isEqualTo("DELETE_COMPLETE");
            assertThat(f.emulator().parameterValue(OwnershipRecord.parameterName(HSM))).as("b's resource was "
                + "retained: its record stays, now naming b").isPresent();
            assertThat(f.emulator().requestCount("DescribeStackResources")).isZero();
        }
    }

    @Test
    void aStackDeletedAndCreatedAgainImportsItsKeyStoreAndDeletesIt() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final String first = retainedFromDeletedStack(f);
            // The same stack name again: a new stack id, so the record's stack is gone.
            final StackState again = imported(f, "a", "Conn", "Delete");
            assertThat(again.stackId).isNotEqualTo(first);
            f.emulator().requestLog().clear();
            assertThat(f.runner.deleteStack("a").status).as(f.output()).isEqualTo("DELETE_COMPLETE");
            assertThat(f.output()).contains(HSM + ": taking its record over from stack " + first);
            assertThat(f.emulator().parameterValue(OwnershipRecord.parameterName(HSM))).as("released").isEmpty();
            assertThat(f.emulator().state(HSM)).as("ConnectionStateOnDelete UNCHANGED")
                .isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.emulator().requestCount("DescribeStackResources")).isEqualTo(2);
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isZero();
        }
    }

    @Test
    void aDeleteCloudFormationDoesNotAnswerForFailsAndIsRetriedNeverDroppingTheKeyStoreQuietly() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final String a = retainedFromDeletedStack(f);
            imported(f, "b", "Moved", "Delete");
            f.emulator().requestLog().clear();
            f.emulator().faults().errorNext("DescribeStackResources", Faults.ANY, "ThrottlingException", 1);

            final StackState failed = f.runner.deleteStack("b");

            assertThat(failed.status).as(f.output()).isEqualTo("DELETE_FAILED");
            assertThat(f.output()).contains("Keyhold could not ask CloudFormation whether stack " + a)
                .contains("retry the delete");
            assertThat(failed.resources).containsKey("Moved");
            assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(ownership(f).getString("stackId")).as("nothing taken over, nothing released").isEqualTo(a);
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isZero();

            assertThat(f.runner.deleteStack("b").status).as(f.output()).isEqualTo("DELETE_COMPLETE");
            assertThat(f.output()).contains(HSM + ": taking its record over from stack " + a);
            assertThat(f.emulator().parameterValue(OwnershipRecord.parameterName(HSM))).as("released").isEmpty();
        }
    }

    @Test
    void twoImportChangeSetsForOneKeyStoreImportItOnce() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            retainedFromDeletedStack(f);
            for (String stack : List.of("b", "c")) {
                f.runner.createChangeSet(stack, "imp", CONNECTION.formatted("Moved", "Retain"), "t.yaml", Map.of(),
                    importing(RunnerFixture.TYPE, "Moved", f.stateDir));
            }
            assertThat(f.runner.executeChangeSet("b", "imp").status).as(f.output()).isEqualTo("IMPORT_COMPLETE");

            final StackState second = f.runner.executeChangeSet("c", "imp");

            assertThat(second.status).as(f.output()).isEqualTo("ROLLBACK_COMPLETE");
            assertThat(second.statusReason).contains("Moved (" + HSM + ") could not be imported: it already belongs "
                + "to stack b");
            assertThat(second.resources).isEmpty();
            assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.CONNECTED);
        }
    }

    @Test
    void anImportOfAKeyStoreALiveStackHoldsIsRefusedBeforeAnythingRuns() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final StackState a = f.deploy("a", CONNECTION.formatted("Conn", "Retain"), Map.of());
            f.emulator().requestLog().clear();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.runner.createChangeSet("b", "imp",
                CONNECTION.formatted("Moved", "Retain"), "t.yaml", Map.of(), importing(RunnerFixture.TYPE, "Moved",
                    f.stateDir))).isInstanceOf(UsageException.class).hasMessageContaining("resource to import Moved: "
                        + HSM + " already belongs to stack a");
            assertThat(new StateStore(f.stateDir).load("b")).isEmpty();
            assertThat(ownership(f).getString("stackId")).isEqualTo(a.stackId);
            assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.emulator().requestLog().entries()).isEmpty();
        }
    }

    @Test
    void whileTheRecordedStackHoldsItAnotherResourceChangesNothing() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final StackState a = f.deploy("a", CONNECTION.formatted("Conn", "Retain"), Map.of());
            // A second resource of another stack naming the same key store: its create meets a's live record.
            final StackState b = f.deploy("b", CONNECTION.formatted("Other", "Retain"),
                Map.of("State", "DISCONNECTED"));
            assertThat(b.status).as(f.output()).isEqualTo("ROLLBACK_COMPLETE");
            assertThat(f.output()).contains("already managed by stack " + a.stackId);
            assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(ownership(f).getString("stackId")).isEqualTo(a.stackId);
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isZero();
        }
    }

    @Test
    void aDeniedDescribeStackResourcesRefusesNamingThePermissionAndTheRollbackChangesNothing() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final String a = retainedFromDeletedStack(f);
            imported(f, "b", "Moved", "Retain");
            f.emulator().faults().errorNext("DescribeStackResources", Faults.ANY, "AccessDenied", 10);
            f.emulator().requestLog().clear();
            final StackState failed = f.deploy("b", CONNECTION.formatted("Moved", "Retain"),
                Map.of("State", "DISCONNECTED"));
            // The update is refused; its rollback asks for the state the key store has, so it succeeds unchanged.
            assertThat(failed.status).as(f.output()).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
            assertThat(f.output()).contains("UPDATE_FAILED");
            assertThat(new StateStore(f.stateDir).events("b")).anySatisfy(e -> assertThat(e.reason).contains(
                "NotFound", HSM + " is not this resource's key store", "DescribeStackResources was denied "
                    + "(AccessDenied). Allow cloudformation:DescribeStackResources to the handler's role"));
            assertThat(ownership(f).getString("stackId")).as("left as it was").isEqualTo(a);
            assertThat(ownership(f).getString("connectionState")).isEqualTo("CONNECTED");
            assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.emulator().requestLog().entries()).extracting(e -> e.operation() + " " + e.outcome())
                .filteredOn(c -> !c.startsWith("GetParameter ") && !c.startsWith("DescribeCustomKeyStores "))
                .containsExactly("DescribeStackResources AccessDenied", "DescribeStackResources AccessDenied");
        }
    }

    static final String STORE = """
        Resources:
          Store:
            Type: Keyhold::KMS::CustomKeyStore
            DeletionPolicy: Retain
            Properties:
              CustomKeyStoreName: %s
              CloudHsmClusterId: cluster-765432hgfedcb
              TrustAnchorCertificate: "-----BEGIN CERTIFICATE-----\\nMIIBtest\\n-----END CERTIFICATE-----"
              KeyStorePassword: kmsPswd1
              KeyStorePasswordVersion: '1'
        """;

    /** A key store made by stack a (retained, a deleted), imported into stack b: its id. */
    private static String storeMovedToB(final RunnerFixture f, final StackState[] stacks) throws InterruptedException {
        final StackState a = f.deploy("a", STORE.formatted("payments-hsm"), Map.of());
        assertThat(a.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
        final String id = a.resources.get("Store").physicalId;
        assertThat(f.runner.deleteStack("a").status).isEqualTo("DELETE_COMPLETE");
        f.runner.createChangeSet("b", "imp", STORE.formatted("payments-hsm"), "t.yaml", Map.of(),
            Imports.parse("[{\"ResourceType\":\"Keyhold::KMS::CustomKeyStore\",\"LogicalResourceId\":\"Store\","
                + "\"ResourceIdentifier\":{\"CustomKeyStoreId\":\"" + id + "\"}}]", f.stateDir));
        final StackState b = f.runner.executeChangeSet("b", "imp");
        assertThat(b.status).as(f.output()).isEqualTo("IMPORT_COMPLETE");
        stacks[0] = a;
        stacks[1] = b;
        return id;
    }

    @Test
    void theKeyStoreTypeRefusedForADeniedCallRollsBackWithoutAChange() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final StackState[] stacks = new StackState[2];
            final String id = storeMovedToB(f, stacks);
            f.emulator().faults().errorNext("DescribeStackResources", Faults.ANY, "AccessDenied", 10);
            f.emulator().requestLog().clear();
            final StackState failed = f.deploy("b", STORE.formatted("payments-hsm-2"), Map.of());
            assertThat(failed.status).as(f.output()).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
            assertThat(new StateStore(f.stateDir).events("b")).anySatisfy(e -> assertThat(e.reason).contains(
                "NotFound", id + " is managed by another Keyhold::KMS::CustomKeyStore resource", "Allow "
                    + "cloudformation:DescribeStackResources to the handler's role"));
            final JSONObject record = new JSONObject(f.emulator().parameterValue(StoreRecord.parameterName(id))
                .orElseThrow());
            assertThat(record.getString("stackId")).as("left as it was").isEqualTo(stacks[0].stackId);
            assertThat(f.emulator().requestCount("UpdateCustomKeyStore")).isZero();
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isZero();
            assertThat(f.emulator().requestCount("DescribeStackResources")).as("the update's and the rollback's")
                .isEqualTo(2);
        }
    }

    @Test
    void theKeyStoreTypeTakesItsStoreRecordOverAfterARetainAndImport() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final StackState[] stacks = new StackState[2];
            final String id = storeMovedToB(f, stacks);
            final StackState a = stacks[0];
            final StackState b = stacks[1];
            f.emulator().requestLog().clear();
            final StackState renamed = f.deploy("b", STORE.formatted("payments-hsm-2"), Map.of());
            assertThat(renamed.status).as(f.output()).isEqualTo("UPDATE_COMPLETE");
            assertThat(f.output()).contains(id + ": taking its record over from stack " + a.stackId);
            final JSONObject record = new JSONObject(f.emulator().parameterValue(StoreRecord.parameterName(id))
                .orElseThrow());
            assertThat(record.getString("stackId")).isEqualTo(b.stackId);
            assertThat(record.getString("keyStorePasswordVersion")).isEqualTo("1");
            assertThat(f.emulator().requestCount("DescribeStackResources")).isEqualTo(2);
            assertThat(f.emulator().requestCount("UpdateCustomKeyStore")).isEqualTo(1);
        }
    }
}
