package com.keyhold.kms.customkeystoreconnection.local.runner;

import static com.keyhold.kms.customkeystoreconnection.local.runner.RunnerFixture.HSM;
import static com.keyhold.kms.customkeystoreconnection.local.runner.RunnerFixture.SPARE;
import static com.keyhold.kms.customkeystoreconnection.local.runner.RunnerFixture.TWO_STORES;
import static com.keyhold.kms.customkeystoreconnection.local.runner.RunnerFixture.TYPE;
import static com.keyhold.kms.customkeystoreconnection.local.runner.RunnerFixture.XKS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

/** Stacks against the in-process emulator through the real handlers: create, update, rollback, replace, drift, crash. */
class StackRunnerTest {
    private static final String RECORD = "/keyhold/kms/custom-key-store-connection/";

    @TempDir
    Path dir;

    private static List<String> events(final RunnerFixture f, final String stack) {
        return f.runner.store().events(stack).stream().map(e -> e.logicalId + " " + e.status).toList();
    }

    private static String single(final String id, final String extra) {
        return "Parameters:\n  Id: {Type: String, Default: " + id + "}\n  State: {Type: String, Default: CONNECTED}\n"
            + "Resources:\n  Store:\n    Type: " + TYPE + "\n" + extra + "    Properties:\n"
            + "      CustomKeyStoreId: !Ref Id\n      ConnectionState: !Ref State\n";
    }

    @Test
    void createsInDependencyOrderThenUpdates() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final StackState created = f.deploy("s", TWO_STORES, Map.of());
            assertThat(created.status).isEqualTo("CREATE_COMPLETE");
            assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.emulator().state(XKS)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.emulator().parameterValue(RECORD + HSM)).isPresent();
            assertThat(created.outputs).containsEntry("HsmName", "hsm");
            assertThat(created.resources.get("Hsm").physicalId).isEqualTo(HSM);
            assertThat(created.resources.get("Hsm").attributes.get("ObservedConnectionState").asText())
                .isEqualTo("CONNECTED");
            assertThat(events(f, "s")).containsSubsequence("s CREATE_IN_PROGRESS", "Hsm CREATE_IN_PROGRESS",
                "Hsm CREATE_COMPLETE", "Xks CREATE_IN_PROGRESS", "Xks CREATE_COMPLETE", "s CREATE_COMPLETE");
            assertThat(f.output()).contains("Hsm", "CONNECTING for",
                "(target CONNECTED)");

            final StackState updated = f.deploy("s", TWO_STORES, Map.of("XksState", "DISCONNECTED"));
            assertThat(updated.status).isEqualTo("UPDATE_COMPLETE");
            assertThat(f.emulator().state(XKS)).isEqualTo(ConnectionState.DISCONNECTED);
            assertThat(updated.parameters).containsEntry("XksState", "DISCONNECTED");
            assertThat(updated.resources.get("Xks").properties.get("ConnectionState").asText())
                .isEqualTo("DISCONNECTED");
        }
    }

    @Test
    void aFailedConnectRollsTheUpdateBackAndTheKeyStoresReturnToTheirPreviousState() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.deploy("s", TWO_STORES, Map.of("HsmState", "DISCONNECTED", "XksState", "DISCONNECTED"));
            f.emulator().faults().failNextConnect(XKS, "XKS_PROXY_NOT_REACHABLE");
            final StackState state = f.deploy("s", TWO_STORES, Map.of("HsmState", "CONNECTED",
                "XksState", "CONNECTED"));
            assertThat(state.status).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
            assertThat(state.statusReason).contains("failed to update: [Xks]", "NotStabilized",
                "XKS_PROXY_NOT_REACHABLE");
            assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.DISCONNECTED);
            assertThat(f.emulator().state(XKS)).isEqualTo(ConnectionState.DISCONNECTED);
            assertThat(state.parameters).containsEntry("HsmState", "DISCONNECTED").containsEntry("XksState",
                "DISCONNECTED");
            assertThat(state.resources.get("Hsm").properties.get("ConnectionState").asText())
                .isEqualTo("DISCONNECTED");
            assertThat(state.operation).isNull();
            assertThat(events(f, "s")).containsSubsequence("Hsm UPDATE_COMPLETE", "Xks UPDATE_FAILED",
                "s UPDATE_ROLLBACK_IN_PROGRESS", "Xks UPDATE_IN_PROGRESS", "Xks UPDATE_COMPLETE",
                "Hsm UPDATE_IN_PROGRESS", "Hsm UPDATE_COMPLETE", "s UPDATE_ROLLBACK_COMPLETE");
            // The stack can be updated again once the cause is gone.
            assertThat(f.deploy("s", TWO_STORES, Map.of("HsmState", "CONNECTED")).status)
                .isEqualTo("UPDATE_COMPLETE");
        }
    }

    @Test
    void aFailedFirstCreateEndsRollbackCompleteLeavingNothingAndTheStackCanOnlyBeDeleted() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.emulator().faults().failNextConnect(XKS, "XKS_PROXY_TIMED_OUT");
            final StackState state = f.deploy("s", TWO_STORES, Map.of());
            assertThat(state.status).isEqualTo("ROLLBACK_COMPLETE");
            assertThat(state.resources).isEmpty();
            assertThat(f.emulator().parameterValue(RECORD + HSM)).isEmpty();
            assertThat(f.emulator().parameterValue(RECORD + XKS)).isEmpty();
            assertThat(events(f, "s")).containsSubsequence("Xks CREATE_FAILED", "s ROLLBACK_IN_PROGRESS",
                "Xks DELETE_COMPLETE", "Hsm DELETE_COMPLETE", "s ROLLBACK_COMPLETE");
            assertThatThrownBy(() -> f.deploy("s", TWO_STORES, Map.of())).isInstanceOf(OperationFailedException.class)
                .hasMessageContaining("ROLLBACK_COMPLETE").hasMessageContaining("can only be deleted");
            assertThat(f.runner.deleteStack("s").status).isEqualTo("DELETE_COMPLETE");
            assertThat(f.runner.store().load("s")).isEmpty();
        }
    }

    @Test
    void aKeyStoreOwnedByAnotherStackIsNotReleasedByTheRollback() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.deploy("first", single(HSM, ""), Map.of());
            final StackState second = f.deploy("second", single(HSM, ""), Map.of());
            assertThat(second.status).isEqualTo("ROLLBACK_COMPLETE");
            assertThat(second.statusReason).contains("AlreadyExists");
            assertThat(f.emulator().parameterValue(RECORD + HSM)).get().asString().contains("first");
            assertThat(events(f, "second")).doesNotContain("Store DELETE_IN_PROGRESS");
        }
    }

    @Test
    void changingTheIdReplacesTheResourceAndCleansUpTheOldOne() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.deploy("s", single(HSM, ""), Map.of());
            final StackState state = f.deploy("s", single(HSM, ""), Map.of("Id", SPARE));
            assertThat(state.status).isEqualTo("UPDATE_COMPLETE");
            assertThat(state.resources.get("Store").physicalId).isEqualTo(SPARE);
            assertThat(f.emulator().parameterValue(RECORD + SPARE)).isPresent();
            assertThat(f.emulator().parameterValue(RECORD + HSM)).isEmpty();
            assertThat(f.emulator().state(SPARE)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(events(f, "s")).containsSubsequence("Store CREATE_IN_PROGRESS", "Store CREATE_COMPLETE",
                "s UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", "Store DELETE_IN_PROGRESS", "Store DELETE_COMPLETE",
                "s UPDATE_COMPLETE");
        }
    }

    @Test
    void removedResourcesAreDeletedAndRetainedOnesAreLeftAsTheyAre() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.deploy("s", TWO_STORES, Map.of());
            final String onlyHsm = TWO_STORES.substring(0, TWO_STORES.indexOf("  Xks:"))
                .replace("    Type: Keyhold", "    DeletionPolicy: Retain\n    Type: Keyhold") + "Outputs: {}\n";
            final StackState state = f.deploy("s", onlyHsm, Map.of());
            assertThat(state.status).isEqualTo("UPDATE_COMPLETE");
            assertThat(state.resources).containsOnlyKeys("Hsm");
            assertThat(f.emulator().parameterValue(RECORD + XKS)).isEmpty();
            assertThat(f.runner.deleteStack("s").status).isEqualTo("DELETE_COMPLETE");
            assertThat(events(f, "s")).isEmpty();
            assertThat(f.output()).contains("Hsm                    DELETE_SKIPPED");
            assertThat(f.emulator().parameterValue(RECORD + HSM)).as("retained: the ownership record stays")
                .isPresent();
        }
    }

    @Test
    void driftDetectionFindsAnOutOfBandDisconnectAndADeletedRecord() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.deploy("s", TWO_STORES, Map.of());
            assertThat(f.runner.detectDrift("s")).extracting(StackRunner.Drift::status)
                .containsExactly("IN_SYNC", "IN_SYNC");
            f.emulator().outOfBandDisconnect(XKS);
            f.target.compressedTime().advance(Duration.ofMinutes(1));
            try (SsmClient ssm = SsmClient.builder().endpointOverride(f.emulator().endpoint())
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                    AwsBasicCredentials.create("a", "b"))).build()) {
                ssm.deleteParameter(r -> r.name(RECORD + HSM));
            }
            final List<StackRunner.Drift> drift = f.runner.detectDrift("s");
            assertThat(drift.get(0).status()).isEqualTo("DELETED");
            assertThat(drift.get(1).status()).isEqualTo("MODIFIED");
            assertThat(drift.get(1).differences())
                .containsExactly("ConnectionState: expected CONNECTED, actual DISCONNECTED");
        }
    }

    @Test
    void aCrashLeavesTheStackInProgressAndResumeFinishesWithoutRepeatingTheConnect() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.runner = f.runner(new ProviderRegistry().register(TYPE,
                new RunnerFixture.CrashingProvider(f.target.providers().find(TYPE), 2)));
            assertThatThrownBy(() -> f.deploy("s", TWO_STORES, Map.of()))
                .isInstanceOf(RunnerFixture.SimulatedCrash.class);
            f.runner = f.runner(f.target.providers());
            final StackState crashed = f.runner.requireStack("s");
            assertThat(crashed.status).isEqualTo("CREATE_IN_PROGRESS");
            // Xks depends on Hsm, so only Hsm's call is in flight, with its saved callback context.
            assertThat(crashed.operation.steps.get(0).logicalId).isEqualTo("Hsm");
            assertThat(crashed.operation.steps.get(0).call.callbackContext.isObject()).isTrue();
            assertThat(crashed.operation.steps.get(1).call).isNull();
            assertThat(StackRunner.interruptedMessage(crashed)).contains("while Hsm was CREATE_IN_PROGRESS",
                "recover-stack --stack-name s --resume", "--rollback");
            assertThatThrownBy(() -> f.deploy("s", TWO_STORES, Map.of()))
                .isInstanceOf(OperationFailedException.class).hasMessageContaining("recover-stack");

            final StackState resumed = f.runner.recover("s", false);
            assertThat(resumed.status).isEqualTo("CREATE_COMPLETE");
            assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.emulator().requestLog().count("ConnectCustomKeyStore")).as("one connect per key store")
                .isEqualTo(2);
            assertThat(f.output()).contains("Resumed from the saved callback context");
        }
    }

    @Test
    void aCrashedCreateCanBeRolledBackInstead() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.runner = f.runner(new ProviderRegistry().register(TYPE,
                new RunnerFixture.CrashingProvider(f.target.providers().find(TYPE), 1)));
            assertThatThrownBy(() -> f.deploy("s", TWO_STORES, Map.of()))
                .isInstanceOf(RunnerFixture.SimulatedCrash.class);
            f.runner = f.runner(f.target.providers());
            final StackState rolledBack = f.runner.recover("s", true);
            assertThat(rolledBack.status).isEqualTo("ROLLBACK_COMPLETE");
            assertThat(f.emulator().parameterValue(RECORD + HSM)).isEmpty();
            assertThatThrownBy(() -> f.runner.recover("s", true)).isInstanceOf(OperationFailedException.class)
                .hasMessageContaining("no interrupted or failed operation");
        }
    }

    @Test
    void aStackBeingChangedByAnotherCommandIsLocked() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir); StateStore.Lock ignored = f.runner.store().lock("s")) {
            assertThatThrownBy(() -> f.deploy("s", TWO_STORES, Map.of())).isInstanceOf(OperationFailedException.class)
                .hasMessageContaining("another keyhold command is working on stack s");
        }
    }
}
