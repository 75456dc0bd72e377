package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.testsupport.EmulatorClients;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * guides/DESIGN.md, "Two types on one key store": a store and its connection in one stack, created, updated and deleted in CloudFormation's
 * order through both types' wrappers against one emulator.
 */
class CompositionTest extends StoreTestBase {

    private WrapperDriver connection() {
        return new WrapperDriver(clock, EmulatorClients.at(emulator.endpoint()))
            .as(WrapperDriver.STACK_ID, "Connection");
    }

    private static Map<String, Object> connectionProps(final String id, final String state) {
        final Map<String, Object> props = new HashMap<>();
        props.put("CustomKeyStoreId", id);
        props.put("ConnectionState", state);
        props.put("ConnectionStateOnDelete", "DISCONNECTED");
        return props;
    }

    @Test
    void storeAndConnectionInCloudFormationsOrder() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        final WrapperDriver connection = connection();
        final JsonNode connected = connection.run("CREATE", connectionProps(id, "CONNECTED"), null);
        assertThat(connected.path("status").asText()).as(connected.toString()).isEqualTo("SUCCESS");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);

        emulator.backends().resetKmsuserPassword(CLUSTER, NEW_PASSWORD);
        final Map<String, Object> v2 = hsm("payments-hsm", NEW_PASSWORD, "2");
        final JsonNode updated = driver.run("UPDATE", with(v2, id), with(v1, id));
        assertThat(updated.path("status").asText()).as(updated.toString()).isEqualTo("SUCCESS");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        // The connection resource sees its key store as declared again.
        final JsonNode read = connection.run("READ", connectionProps(id, "CONNECTED"), null);
        assertThat(read.path("resourceModel").path("ConnectionState").asText()).isEqualTo("CONNECTED");

        final JsonNode released = connection.run("DELETE", connectionProps(id, "CONNECTED"), null);
        assertThat(released.path("status").asText()).as(released.toString()).isEqualTo("SUCCESS");
        final JsonNode deleted = driver.run("DELETE", with(v2, id), null);
        assertThat(deleted.path("status").asText()).as(deleted.toString()).isEqualTo("SUCCESS");
        assertThat(emulator.storeIds()).doesNotContain(id);
        assertNoSecretAnywhere();
    }

    @Test
    void theDanceComesBackToTheStateTheConnectionResourceDeclares() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        assertThat(connection().run("CREATE", connectionProps(id, "DISCONNECTED"), null).path("status").asText())
            .isEqualTo("SUCCESS");
        // Connected out of band: the connection resource still declares DISCONNECTED, and it owns the connection.
        connect(id);
        final JsonNode moved = driver.run("UPDATE", with(xks("https://xks-b.example.com", ACCESS_KEY_ID, XKS_SECRET),
            id), with(v1, id));
        assertThat(moved.path("status").asText()).as(moved.toString()).isEqualTo("SUCCESS");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(calls("ConnectCustomKeyStore")).isZero();
    }

    @Test
    void anUpdateThatFailsOnAKeyStoreFoundDisconnectedDoesNotClaimToHaveDisconnectedIt() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        // The connection resource declares CONNECTED, but the key store was disconnected out of band.
        assertThat(connection().run("CREATE", connectionProps(id, "CONNECTED"), null).path("status").asText())
            .isEqualTo("SUCCESS");
        emulator.outOfBandDisconnect(id);
        clock.advanceSeconds(60);
        emulator.faults().errorNext("UpdateCustomKeyStore", id, "XksProxyUriEndpointInUseException", 1);
        final JsonNode failed = driver.run("UPDATE", with(xks("https://xks-b.example.com", ACCESS_KEY_ID, XKS_SECRET),
            id), with(v1, id));
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("message").asText()).contains("as it was before the update (Keyhold did not "
            + "disconnect it)", "aws kms connect-custom-key-store --custom-key-store-id " + id)
            .doesNotContain("Keyhold disconnected it");
        assertThat(calls("DisconnectCustomKeyStore")).isZero();
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.DISCONNECTED);
    }
}
