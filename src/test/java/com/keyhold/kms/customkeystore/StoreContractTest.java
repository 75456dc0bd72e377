package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CloudFormation's resource contract for the key store type, as the CloudFormation CLI's contract tests check it,
 * driven by the same files `cfn test` reads (custom-key-store/inputs/), through the wrapper, over HTTP to the emulator.
 */
class StoreContractTest extends StoreTestBase {
    private static final List<String> WRITE_ONLY = List.of("KeyStorePassword");
    private static final List<String> READ_ONLY = List.of("CustomKeyStoreId", "ConnectionState", "ConnectionErrorCode",
        "CreationDate");

    private static Map<String, Object> input(final String name) throws IOException {
        @SuppressWarnings("unchecked")
        final Map<String, Object> properties = WrapperDriver.JSON.readValue(
            Path.of("custom-key-store", "inputs", name).toFile(), LinkedHashMap.class);
        return properties;
    }

    /** What the contract compares: the input without write-only members, the answer without read-only ones. */
    private static JsonNode comparable(final Object model, final List<String> leaveOut) {
        final ObjectNode copy = WrapperDriver.JSON.valueToTree(model);
        copy.remove(leaveOut);
        return copy;
    }

    @Test
    void createReadUpdateDeleteAsTheContractExpects() throws IOException {
        final Map<String, Object> create = input("inputs_1_create.json");
        final JsonNode created = driver.run("CREATE", create, null);
        assertThat(created.path("status").asText()).as(created.toString()).isEqualTo("SUCCESS");
        final JsonNode model = created.path("resourceModel");
        final String id = model.path("CustomKeyStoreId").asText();
        assertThat(id).startsWith("cks-");
        assertThat(model.has("KeyStorePassword")).as("write-only properties are never returned").isFalse();
        assertThat(comparable(model, READ_ONLY)).isEqualTo(comparable(create, WRITE_ONLY));

        // The contract's read after create: everything but the write-only properties reads back as created, the
        // version property from the store record (KMS keeps none).
        final JsonNode read = driver.run("READ", Map.of("CustomKeyStoreId", id), null);
        assertThat(read.path("resourceModel").path("KeyStorePasswordVersion").asText()).isNotEmpty();
        assertThat(comparable(read.path("resourceModel"), READ_ONLY)).isEqualTo(comparable(create, WRITE_ONLY));

        final JsonNode second = driver.run("CREATE", create, null);
        assertThat(second.path("errorCode").asText()).as("a second create of the same name").isEqualTo("AlreadyExists");

        final Map<String, Object> update = with(input("inputs_1_update.json"), id);
        final JsonNode updated = driver.run("UPDATE", update, with(create, id));
        assertThat(updated.path("status").asText()).as(updated.toString()).isEqualTo("SUCCESS");
        assertThat(comparable(updated.path("resourceModel"), READ_ONLY))
            .isEqualTo(comparable(input("inputs_1_update.json"), WRITE_ONLY));
        assertThat(driver.run("READ", Map.of("CustomKeyStoreId", id), null).path("resourceModel")
            .path("CustomKeyStoreName").asText()).isEqualTo("keyhold-contract-test-hsm-renamed");
        assertThat(listed()).contains(id);

        assertThat(driver.run("DELETE", Map.of("CustomKeyStoreId", id), null).path("status").asText())
            .isEqualTo("SUCCESS");
        assertThat(driver.run("READ", Map.of("CustomKeyStoreId", id), null).path("errorCode").asText())
            .isEqualTo("NotFound");
        assertThat(driver.run("DELETE", Map.of("CustomKeyStoreId", id), null).path("errorCode").asText())
            .as("the contract's delete after delete").isEqualTo("NotFound");
        assertThat(driver.run("UPDATE", update, update).path("errorCode").asText()).isEqualTo("NotFound");
        assertThat(listed()).doesNotContain(id);
    }

    @Test
    void theInvalidInputFailsInvalidRequestBeforeAnyCall() throws IOException {
        final JsonNode failed = driver.run("CREATE", input("inputs_1_invalid.json"), null);
        assertThat(failed.path("errorCode").asText()).isEqualTo("InvalidRequest");
        assertThat(failed.path("message").asText()).contains("CloudHsmClusterId");
        assertThat(calls("CreateCustomKeyStore")).isZero();
    }

    @Test
    void updateOfAKeyStoreThatNeverExistedFailsNotFound() throws IOException {
        final Map<String, Object> update = with(input("inputs_1_update.json"), "cks-0000000000000000f");
        assertThat(driver.run("UPDATE", update, update).path("errorCode").asText()).isEqualTo("NotFound");
        assertThat(calls("UpdateCustomKeyStore")).isZero();
    }

    private List<String> listed() {
        final List<String> ids = new ArrayList<>();
        String nextToken = null;
        do {
            final ObjectNode request = driver.request("LIST", null, null);
            if (nextToken != null) {
                request.put("nextToken", nextToken);
            }
            final JsonNode page = driver.invoke(request);
            assertThat(page.path("status").asText()).isEqualTo("SUCCESS");
            page.path("resourceModels").forEach(m -> ids.add(m.path("CustomKeyStoreId").asText()));
            nextToken = page.hasNonNull("nextToken") ? page.path("nextToken").asText() : null;
        } while (nextToken != null);
        return ids;
    }
}
