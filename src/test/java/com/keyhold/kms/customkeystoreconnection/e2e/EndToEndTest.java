package com.keyhold.kms.customkeystoreconnection.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** create → read → update (both directions) → read → delete, for a CloudHSM and an XKS key store. */
class EndToEndTest extends EmulatorTestBase {

    @ParameterizedTest(name = "{1}")
    @CsvSource({"cks-1234567890abcdef0, AWS_CLOUDHSM", "cks-0fedcba9876543210, EXTERNAL_KEY_STORE"})
    void fullLifecycleOverHttp(final String id, final String type) {
        final JsonNode created = driver.run("CREATE", props(id, "CONNECTED"), null);
        assertThat(created.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(created.path("resourceModel").path("CustomKeyStoreType").asText()).isEqualTo(type);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);

        JsonNode read = driver.run("READ", Map.of("CustomKeyStoreId", id), null);
        assertThat(read.path("resourceModel").path("ConnectionState").asText()).isEqualTo("CONNECTED");
        assertThat(read.path("resourceModel").path("CustomKeyStoreName").asText()).startsWith("production-");

        assertThat(driver.run("UPDATE", props(id, "DISCONNECTED"), props(id, "CONNECTED")).path("status").asText())
            .isEqualTo("SUCCESS");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.DISCONNECTED);
        read = driver.run("READ", Map.of("CustomKeyStoreId", id), null);
        assertThat(read.path("resourceModel").path("ConnectionState").asText()).isEqualTo("DISCONNECTED");

        assertThat(driver.run("UPDATE", props(id, "CONNECTED"), props(id, "DISCONNECTED")).path("status").asText())
            .isEqualTo("SUCCESS");
        read = driver.run("READ", Map.of("CustomKeyStoreId", id), null);
        assertThat(read.path("resourceModel").path("ObservedConnectionState").asText()).isEqualTo("CONNECTED");

        assertThat(driver.run("DELETE", props(id, "CONNECTED"), null).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(emulator.state(id)).as("ConnectionStateOnDelete UNCHANGED").isEqualTo(ConnectionState.CONNECTED);
        assertThat(emulator.parameterValue("/keyhold/kms/custom-key-store-connection/" + id)).isEmpty();
        assertThat(calls("ConnectCustomKeyStore")).isEqualTo(2);
        assertThat(calls("DisconnectCustomKeyStore")).isEqualTo(1);
    }
}
