package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/**
 * Issue #19 item 6: a CloudHSM rename, where the API reference's NewCustomKeyStoreName text says DISCONNECTED and its
 * CustomKeyStoreInvalidStateException text says CONNECTED will do. Keyhold tries in place and falls back; the emulator
 * gives either answer (Faults.cloudHsmRenameNeedsDisconnected).
 */
class StoreCloudHsmRenameTest extends StoreTestBase {

    private String renameConnected() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        connect(id);
        final JsonNode renamed = driver.run("UPDATE", with(hsm("payments-hsm-2", PASSWORD, "1"), id), with(v1, id));
        assertThat(renamed.path("status").asText()).as(renamed.toString()).isEqualTo("SUCCESS");
        assertThat(renamed.path("resourceModel").path("CustomKeyStoreName").asText()).isEqualTo("payments-hsm-2");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(new JSONObject(emulator.parameterValue(StoreRecord.parameterName(id)).orElseThrow())
            .getString("keyStorePasswordVersion")).isEqualTo("1");
        assertNoSecretAnywhere();
        return id;
    }

    @Test
    void kmsThatRenamesWhileConnectedIsAskedOnceAndTheConnectionIsUntouched() {
        renameConnected();
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(1);
        assertThat(calls("DisconnectCustomKeyStore")).isZero();
        assertThat(calls("ConnectCustomKeyStore")).isZero();
    }

    @Test
    void kmsThatNeedsItDisconnectedRefusesOnceThenTheDanceRenamesAndReconnects() {
        emulator.faults().cloudHsmRenameNeedsDisconnected(true);
        final String id = renameConnected();
        assertThat(calls("UpdateCustomKeyStore")).as("refused in place, then sent while DISCONNECTED").isEqualTo(2);
        assertThat(calls("DisconnectCustomKeyStore")).isEqualTo(1);
        assertThat(calls("ConnectCustomKeyStore")).isEqualTo(1);
        assertThat(driver.responses()).anySatisfy(r -> assertThat(r.path("message").asText())
            .contains(id + ": disconnecting to change CustomKeyStoreName (KMS refused to change it while connected); "
                + "will reconnect"));
    }

    @Test
    void kmsThatNeedsItDisconnectedRenamesADisconnectedKeyStoreInPlace() {
        emulator.faults().cloudHsmRenameNeedsDisconnected(true);
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        final JsonNode renamed = driver.run("UPDATE", with(hsm("payments-hsm-2", PASSWORD, "1"), id), with(v1, id));
        assertThat(renamed.path("status").asText()).as(renamed.toString()).isEqualTo("SUCCESS");
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(1);
        assertThat(calls("DisconnectCustomKeyStore")).isZero();
        assertThat(calls("ConnectCustomKeyStore")).isZero();
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.DISCONNECTED);
    }
}
