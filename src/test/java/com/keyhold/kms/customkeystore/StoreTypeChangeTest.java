package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CustomKeyStoreType is not create-only in the schema (so that writing its default replaces nothing), so the update
 * handler itself refuses a real change of type, before any KMS call, and takes absent and AWS_CLOUDHSM as the same.
 */
class StoreTypeChangeTest extends StoreTestBase {
    @Test
    void anUpdateToTheOtherTypeIsNotUpdatableAndMakesNoCall() {
        final Map<String, Object> hsm = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(hsm);
        connect(id);
        final long before = emulator.requestLog().entries().size();
        final Map<String, Object> other = with(xks("https://xks.example.com", ACCESS_KEY_ID, XKS_SECRET), id);

        final JsonNode refused = driver.run("UPDATE", other, with(hsm, id));

        assertThat(refused.path("errorCode").asText()).as(refused.toString()).isEqualTo("NotUpdatable");
        assertThat(refused.path("message").asText()).isEqualTo(id + ": CustomKeyStoreType cannot change (from "
            + "AWS_CLOUDHSM to EXTERNAL_KEY_STORE): KMS fixes a key store's type at creation. Nothing was changed. "
            + "To get a key store of the other type, add a new resource with its own logical id and name.");
        assertThat(emulator.requestLog().entries().size()).as("no call at all").isEqualTo(before);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertNoSecretAnywhere();
    }

    @Test
    void theDefaultWrittenOutIsTheSameType() {
        final Map<String, Object> hsm = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(hsm);
        connect(id);
        final Map<String, Object> explicit = new java.util.LinkedHashMap<>(with(hsm, id));
        explicit.put("CustomKeyStoreType", "AWS_CLOUDHSM");

        final JsonNode updated = driver.run("UPDATE", explicit, with(hsm, id));

        assertThat(updated.path("status").asText()).as(updated.toString()).isEqualTo("SUCCESS");
        assertThat(calls("UpdateCustomKeyStore")).isZero();
        assertThat(calls("DisconnectCustomKeyStore")).isZero();
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
    }
}
