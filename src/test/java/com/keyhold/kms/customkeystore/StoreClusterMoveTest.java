package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.Faults;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Issue #19 item 1: a move to another CloudHSM cluster is checked with DescribeClusters before the key store is
 * disconnected. A cluster KMS would refuse fails the update with no call that changes the key store: it stays
 * CONNECTED, its record as it was.
 */
class StoreClusterMoveTest extends StoreTestBase {
    private static final String RELATED = "cluster-765432gfedcba";
    private static final String OTHER = "cluster-2222233333aaa";

    private String id;
    private Map<String, Object> v1;
    private Optional<String> recordBefore;

    private void connectedStore() {
        v1 = hsm("payments-hsm", PASSWORD, "1");
        id = create(v1);
        connect(id);
        recordBefore = emulator.parameterValue(StoreRecord.parameterName(id));
        assertThat(recordBefore).isPresent();
    }

    private JsonNode moveTo(final String cluster) {
        final Map<String, Object> moved = hsm("payments-hsm", PASSWORD, "1");
        moved.put("CloudHsmClusterId", cluster);
        return driver.run("UPDATE", with(moved, id), with(v1, id));
    }

    private void assertRefusedUntouched(final JsonNode answer, final String problem) {
        assertThat(answer.path("status").asText()).as(answer.toString()).isEqualTo("FAILED");
        assertThat(answer.path("errorCode").asText()).isEqualTo("InvalidRequest");
        assertThat(answer.path("message").asText()).startsWith(id + ": ").contains(problem)
            .contains("Nothing was changed: " + id + " was not disconnected");
        assertThat(calls("DescribeClusters")).isEqualTo(2);
        assertThat(calls("DisconnectCustomKeyStore")).isZero();
        assertThat(calls("UpdateCustomKeyStore")).isZero();
        assertThat(calls("ConnectCustomKeyStore")).isZero();
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(emulator.parameterValue(StoreRecord.parameterName(id))).isEqualTo(recordBefore);
        assertNoSecretAnywhere();
    }

    @Test
    void anUnrelatedClusterIsRefusedBeforeTheDisconnect() {
        connectedStore();
        assertRefusedUntouched(moveTo(OTHER), "CloudHSM cluster " + OTHER + " is not related to " + CLUSTER);
    }

    @Test
    void aClusterThatDoesNotExistIsRefusedBeforeTheDisconnect() {
        emulator.backends().missingCluster(OTHER);
        connectedStore();
        assertRefusedUntouched(moveTo(OTHER), "CloudHSM cluster " + OTHER + " does not exist");
    }

    @Test
    void anInactiveClusterIsRefusedBeforeTheDisconnect() {
        emulator.backends().relatedClusters(CLUSTER, RELATED).clusterActive(RELATED, false);
        connectedStore();
        assertRefusedUntouched(moveTo(RELATED), "CloudHSM cluster " + RELATED + " is INITIALIZED, not ACTIVE");
    }

    @Test
    void aClusterWithHsmsInOneZoneIsRefusedBeforeTheDisconnect() {
        emulator.backends().relatedClusters(CLUSTER, RELATED).clusterHsms(RELATED, "us-east-1a", "us-east-1a");
        connectedStore();
        assertRefusedUntouched(moveTo(RELATED), "has 2 active HSM(s) in 1 Availability Zone(s)");
    }

    @Test
    void aRelatedClusterIsTakenWithTheDance() {
        emulator.backends().relatedClusters(CLUSTER, RELATED);
        connectedStore();
        final JsonNode moved = moveTo(RELATED);
        assertThat(moved.path("status").asText()).as(moved.toString()).isEqualTo("SUCCESS");
        assertThat(moved.path("resourceModel").path("CloudHsmClusterId").asText()).isEqualTo(RELATED);
        assertThat(calls("DescribeClusters")).isEqualTo(2);
        assertThat(calls("DisconnectCustomKeyStore")).isEqualTo(1);
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(1);
        assertThat(calls("ConnectCustomKeyStore")).isEqualTo(1);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void aThrottledDescribeClustersIsRetriedByCallingBack() {
        emulator.backends().relatedClusters(CLUSTER, RELATED);
        connectedStore();
        emulator.faults().errorNext("DescribeClusters", Faults.ANY, "ThrottlingException", 1);
        final JsonNode moved = moveTo(RELATED);
        assertThat(moved.path("status").asText()).as(moved.toString()).isEqualTo("SUCCESS");
        assertThat(driver.responses()).anySatisfy(r -> assertThat(r.path("message").asText())
            .contains("DescribeClusters hit Throttling; retrying"));
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void withoutPermissionToDescribeClustersNothingIsDisconnected() {
        emulator.backends().relatedClusters(CLUSTER, RELATED);
        connectedStore();
        emulator.faults().errorNext("DescribeClusters", Faults.ANY, "AccessDeniedException", 1);
        final JsonNode moved = moveTo(RELATED);
        assertThat(moved.path("status").asText()).as(moved.toString()).isEqualTo("FAILED");
        assertThat(moved.path("errorCode").asText()).isEqualTo("AccessDenied");
        assertThat(moved.path("message").asText()).contains("cloudhsm:DescribeClusters");
        assertThat(calls("DisconnectCustomKeyStore")).isZero();
        assertThat(calls("UpdateCustomKeyStore")).isZero();
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(emulator.parameterValue(StoreRecord.parameterName(id))).isEqualTo(recordBefore);
    }
}
