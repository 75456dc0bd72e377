package com.keyhold.kms.customkeystoreconnection.local.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CloudFormation's ways out of UPDATE_ROLLBACK_FAILED, through the runner: continue-update-rollback with
 * --resources-to-skip, and delete-stack.
 */
class UpdateRollbackFailedTest {
    static final String HSM = RunnerFixture.HSM;
    static final String XKS = RunnerFixture.XKS;

    @TempDir
    Path dir;

    private static JSONObject record(final RunnerFixture f, final String id) {
        return new JSONObject(f.emulator().parameterValue(OwnershipRecord.parameterName(id)).orElseThrow());
    }

    /**
     * Both DISCONNECTED, then an update to CONNECTED: Hsm connects, Xks's connect fails, and the rollback's disconnect
     * of Hsm is denied: the stack ends UPDATE_ROLLBACK_FAILED with Hsm CONNECTED.
     */
    private static StackState rollbackFailed(final RunnerFixture f) throws InterruptedException {
        final Map<String, String> off = Map.of("HsmState", "DISCONNECTED", "XksState", "DISCONNECTED");
        assertThat(f.deploy("s", RunnerFixture.TWO_STORES, off).status).as(f.output()).isEqualTo("CREATE_COMPLETE");
        for (int i = 0; i < 3; i++) {
            f.emulator().faults().failNextConnect(XKS, "XKS_PROXY_NOT_REACHABLE");
        }
        f.emulator().faults().errorNext("DisconnectCustomKeyStore", HSM, "AccessDeniedException", 1);
        final StackState failed = f.deploy("s", RunnerFixture.TWO_STORES, Map.of("HsmState", "CONNECTED",
            "XksState", "CONNECTED"));
        assertThat(failed.status).as(f.output()).isEqualTo("UPDATE_ROLLBACK_FAILED");
        assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(f.emulator().state(XKS)).isEqualTo(ConnectionState.DISCONNECTED);
        f.emulator().requestLog().clear();
        return failed;
    }

    @Test
    void continueUpdateRollbackSkippingTheFailedResourceEndsUpdateRollbackComplete() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            rollbackFailed(f);
            assertThatThrownBy(() -> f.runner.continueUpdateRollback("s", List.of("Xks")))
                .isInstanceOf(UsageException.class).hasMessageContaining("--resources-to-skip Xks: only resources "
                    + "whose update rollback failed can be skipped (as in CloudFormation); in stack s: Hsm. Nothing "
                    + "was changed");
            assertThat(new StateStore(f.stateDir).load("s").orElseThrow().status).isEqualTo("UPDATE_ROLLBACK_FAILED");

            final StackState done = f.runner.continueUpdateRollback("s", List.of("Hsm"));
            assertThat(done.status).as(f.output()).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
            assertThat(f.output()).contains("Skipped by continue-update-rollback")
                .contains("finds nothing to change").contains("aws kms connect-custom-key-store --custom-key-store-id "
                    + HSM);
            assertThat(done.resources.get("Hsm").status).isEqualTo("UPDATE_COMPLETE");
            assertThat(done.parameters).containsEntry("HsmState", "DISCONNECTED");
            // Skipped: the key store keeps what the failed update left; its record says so too.
            assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(record(f, HSM).getString("connectionState")).isEqualTo("CONNECTED");
            assertThat(record(f, XKS).getString("connectionState")).isEqualTo("DISCONNECTED");
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isZero();
            assertThat(f.emulator().requestCount("ConnectCustomKeyStore")).isZero();
            assertThatThrownBy(() -> f.runner.continueUpdateRollback("s", List.of()))
                .hasMessageContaining("stack s is UPDATE_ROLLBACK_COMPLETE: continue-update-rollback applies only");
        }
    }

    @Test
    void continueUpdateRollbackWithoutSkippingRetriesTheFailedRollback() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            rollbackFailed(f);
            final StackState done = f.runner.continueUpdateRollback("s", List.of());
            assertThat(done.status).as(f.output()).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
            assertThat(f.emulator().state(HSM)).isIn(ConnectionState.DISCONNECTING, ConnectionState.DISCONNECTED);
            assertThat(record(f, HSM).getString("connectionState")).isEqualTo("DISCONNECTED");
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isEqualTo(1);
        }
    }

    @Test
    void aStackInUpdateRollbackFailedCanBeDeleted() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            rollbackFailed(f);
            final StackState deleted = f.runner.deleteStack("s");
            assertThat(deleted.status).as(f.output()).isEqualTo("DELETE_COMPLETE");
            assertThat(new StateStore(f.stateDir).load("s")).isEmpty();
            assertThat(f.emulator().parameterValue(OwnershipRecord.parameterName(HSM))).isEmpty();
            assertThat(f.emulator().parameterValue(OwnershipRecord.parameterName(XKS))).isEmpty();
            // ConnectionStateOnDelete is UNCHANGED: the key stores stay as they are.
            assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isZero();
        }
    }
}
