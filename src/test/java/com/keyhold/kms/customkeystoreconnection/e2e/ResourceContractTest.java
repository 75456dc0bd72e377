package com.keyhold.kms.customkeystoreconnection.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StoreSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * CloudFormation's resource contract beyond the CLI's suite (`cfn test`, run by .ci/cfn-cli-checks.sh): what a
 * refusal leaves untouched, and LIST's paging.
 */
class ResourceContractTest extends EmulatorTestBase {
    private static final List<String> READ_ONLY = List.of("CustomKeyStoreName", "CustomKeyStoreType",
        "ConnectionErrorCode", "ObservedConnectionState");

    private static JsonNode withoutReadOnly(final JsonNode model) {
        final ObjectNode copy = model.deepCopy();
        copy.remove(READ_ONLY);
        return copy;
    }

    @Test
    void readUpdateAndDeleteAfterDeleteFailNotFound() {
        driver.run("CREATE", props(XKS, "CONNECTED"), null);
        driver.run("DELETE", props(XKS, "CONNECTED"), null);
        assertThat(driver.run("READ", Map.of("CustomKeyStoreId", XKS), null).path("errorCode").asText())
            .isEqualTo("NotFound");
        assertThat(driver.run("UPDATE", props(XKS, "DISCONNECTED"), props(XKS, "CONNECTED")).path("errorCode").asText())
            .isEqualTo("NotFound");
        assertThat(driver.run("DELETE", props(XKS, "CONNECTED"), null).path("errorCode").asText()).isEqualTo("NotFound");
        assertThat(emulator.state(XKS)).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void updateWithoutCreateFailsNotFoundAndChangesNothing() {
        final JsonNode response = driver.run("UPDATE", props(HSM, "CONNECTED"), props(HSM, "DISCONNECTED"));
        assertThat(response.path("errorCode").asText()).isEqualTo("NotFound");
        assertThat(calls("ConnectCustomKeyStore")).isZero();
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.DISCONNECTED);
    }

    @Test
    void listPagesThroughWhatExistsAndNotWhatWasDeleted() {
        final List<String> ids = new ArrayList<>(List.of(HSM, XKS));
        for (int i = 0; i < 8; i++) {
            ids.add(emulator.seedStore(StoreSpec.external("extra-" + i).state(ConnectionState.CONNECTED)));
        }
        for (String id : ids) {
            assertThat(driver.run("CREATE", props(id, "CONNECTED"), null).path("status").asText()).isEqualTo("SUCCESS");
        }
        driver.run("DELETE", props(ids.get(3), "CONNECTED"), null);

        final List<String> listed = new ArrayList<>();
        String nextToken = null;
        int pages = 0;
        do {
            final ObjectNode request = driver.request("LIST", null, null);
            request.put("maxResults", 4);
            if (nextToken != null) {
                request.put("nextToken", nextToken);
            }
            final JsonNode page = driver.invoke(request);
            assertThat(page.path("status").asText()).isEqualTo("SUCCESS");
            page.path("resourceModels").forEach(m -> listed.add(m.path("CustomKeyStoreId").asText()));
            nextToken = page.hasNonNull("nextToken") ? page.path("nextToken").asText() : null;
            pages++;
        } while (nextToken != null);
        assertThat(pages).isGreaterThan(1);
        final String deleted = ids.remove(3);
        assertThat(listed).containsExactlyInAnyOrderElementsOf(ids).doesNotContain(deleted);
    }

    @Test
    void returnedModelsEqualTheInputExceptReadOnlyProperties() {
        final Map<String, Object> input = props(HSM, "CONNECTED");
        input.put("ConnectionStateOnDelete", "DISCONNECTED");
        final JsonNode expected = WrapperDriver.JSON.valueToTree(input);
        final JsonNode created = driver.run("CREATE", input, null).path("resourceModel");
        assertThat(withoutReadOnly(created)).isEqualTo(expected);
        assertThat(withoutReadOnly(driver.run("READ", Map.of("CustomKeyStoreId", HSM), null).path("resourceModel")))
            .isEqualTo(expected);
        final Map<String, Object> updatedInput = props(HSM, "DISCONNECTED");
        updatedInput.put("ConnectionStateOnDelete", "DISCONNECTED");
        final JsonNode updated = driver.run("UPDATE", updatedInput, input).path("resourceModel");
        assertThat(withoutReadOnly(updated)).isEqualTo(WrapperDriver.JSON.valueToTree(updatedInput));
        assertThat(withoutReadOnly(driver.run("READ", Map.of("CustomKeyStoreId", HSM), null).path("resourceModel")))
            .isEqualTo(WrapperDriver.JSON.valueToTree(updatedInput));
    }
}
