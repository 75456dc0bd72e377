package com.keyhold.kms.customkeystoreconnection.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The CloudFormation CLI's contract suite (`cfn test`, rpdk.core.contract.suite.resource), replayed through a type's
 * HandlerWrapper against the emulator with the type's own {@code inputs/}: the same sequences, the same examples built
 * from the inputs the way the CLI's resource client builds them, the same assertions. `cfn test` itself needs the CLI,
 * SAM and Docker (guides/CONTRACT_TESTS.md); this keeps every build honest about what it would check.
 */
public interface CliContractSuite {

    /** Requests from a stack, as the CLI sends them through its test entry point. */
    WrapperDriver contractDriver();

    /** The type's CLI project folder: its {@code inputs/} and schema.json. */
    Path projectFolder();

    /** Whether the primary identifier is writable (given in the template) rather than assigned by the service. */
    boolean writableIdentifier();

    /**
     * Read-only properties whose value an update changes by design (what KMS reports after it), left out when the
     * update's answer is compared with the update example, which carries the created model's read-only values.
     */
    default List<String> readOnlyThatAnUpdateChanges() {
        return List.of();
    }

    default JsonNode schema() {
        return read(projectFolder().resolve("schema.json"));
    }

    default Map<String, Object> input(final String kind) {
        return WrapperDriver.JSON.convertValue(read(projectFolder().resolve("inputs/inputs_1_" + kind + ".json")),
            new TypeReference<LinkedHashMap<String, Object>>() { });
    }

    private static JsonNode read(final Path file) {
        try {
            return WrapperDriver.JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Top-level property names of a schema list such as readOnlyProperties. */
    private List<String> names(final String list) {
        final List<String> names = new ArrayList<>();
        schema().path(list).forEach(p -> {
            final String[] parts = p.asText().split("/");
            if (parts.length == 3) {
                names.add(parts[2]);
            }
        });
        return names;
    }

    private String primaryIdentifier() {
        return schema().path("primaryIdentifier").get(0).asText().substring("/properties/".length());
    }

    private Map<String, Object> model(final JsonNode node) {
        return WrapperDriver.JSON.convertValue(node, new TypeReference<LinkedHashMap<String, Object>>() { });
    }

    private JsonNode call(final String action, final Map<String, Object> model, final Map<String, Object> previous,
                          final String status) {
        final int before = contractDriver().responses().size();
        // As the CLI's make_request: no stack id (like the Cloud Control API), a fresh token as the logical id.
        final ObjectNode request = contractDriver().request(action, model, previous);
        request.remove("stackId");
        ((ObjectNode) request.path("requestData")).put("logicalResourceId", UUID.randomUUID().toString());
        final JsonNode response = contractDriver().runAsTheCli(request);
        assertThat(response.path("status").asText()).as("%s: %s", action, response).isEqualTo(status);
        // assert_in_progress, assert_success, assert_failed
        for (JsonNode event : contractDriver().responses().subList(before, contractDriver().responses().size() - 1)) {
            assertThat(event.has("errorCode")).as("IN_PROGRESS events have no error code: %s", event).isFalse();
            assertThat(event.path("resourceModel").path(primaryIdentifier()).asText())
                .as("IN_PROGRESS events carry the primary identifier: %s", event).isNotEmpty();
        }
        assertThat(response.path("callbackDelaySeconds").asInt()).as("final events have no callback delay").isZero();
        assertThat(response.has("resourceModels") && "FAILED".equals(status)).isFalse();
        if ("FAILED".equals(status)) {
            assertThat(response.path("message").asText()).as("a FAILED event carries a message").isNotBlank();
        } else {
            assertThat(response.has("errorCode")).as("SUCCESS events have no error code").isFalse();
            names("writeOnlyProperties").forEach(name -> assertThat(response.path("resourceModel").has(name))
                .as("write-only %s in a final answer", name).isFalse());
        }
        return response;
    }

    /** The CLI's compare: each input property (but write-only ones) is in the output with the same value. */
    private void assertInputEqualsOutput(final Map<String, Object> input, final JsonNode output,
                                         final List<String> ignored) {
        final List<String> writeOnly = names("writeOnlyProperties");
        final ObjectNode expected = WrapperDriver.JSON.valueToTree(input);
        writeOnly.forEach(expected::remove);
        ignored.forEach(expected::remove);
        expected.fieldNames().forEachRemaining(name ->
            assertThat(output.get(name)).as("property %s of %s", name, output).isEqualTo(expected.get(name)));
        writeOnly.forEach(name -> assertThat(output.has(name)).as("write-only %s is never returned", name).isFalse());
        assertThat(output.path(primaryIdentifier()).asText()).as("the primary identifier").isNotEmpty();
    }

    /** generate_update_example: the UPDATE input, the created model's read-only values, its identifier. */
    private Map<String, Object> updateExample(final Map<String, Object> created) {
        final Map<String, Object> example = new LinkedHashMap<>();
        names("readOnlyProperties").stream().filter(created::containsKey)
            .forEach(name -> example.put(name, created.get(name)));
        example.putAll(input("update"));
        example.put(primaryIdentifier(), created.get(primaryIdentifier()));
        return example;
    }

    private Map<String, Object> create() {
        final Map<String, Object> input = input("create");
        final JsonNode created = call("CREATE", input, null, "SUCCESS").path("resourceModel");
        assertInputEqualsOutput(input, created, List.of());
        return model(created);
    }

    private List<String> listed() {
        final List<String> ids = new ArrayList<>();
        String nextToken = null;
        do {
            final ObjectNode request = contractDriver().request("LIST", null, null);
            if (nextToken != null) {
                request.put("nextToken", nextToken);
            }
            final JsonNode page = contractDriver().invoke(request);
            assertThat(page.path("status").asText()).isEqualTo("SUCCESS");
            page.path("resourceModels").forEach(m -> ids.add(m.path(primaryIdentifier()).asText()));
            nextToken = page.hasNonNull("nextToken") ? page.path("nextToken").asText() : null;
        } while (nextToken != null);
        return ids;
    }

    @Test
    default void contractCreateReadListDelete() {
        final Map<String, Object> created = create();
        final JsonNode read = call("READ", created, null, "SUCCESS").path("resourceModel");
        assertThat(model(read)).as("read after create answers the created model").isEqualTo(created);
        assertThat(listed()).contains((String) created.get(primaryIdentifier()));
        final JsonNode deleted = call("DELETE", created, null, "SUCCESS");
        assertThat(deleted.has("resourceModel") && !deleted.get("resourceModel").isNull()).isFalse();
    }

    @Test
    default void contractInvalidCreate() {
        assertThat(names("readOnlyProperties")).isNotEmpty();
        final JsonNode failed = call("CREATE", input("invalid"), null, "FAILED");
        assertThat(failed.path("errorCode").asText()).isEqualTo("InvalidRequest");
    }

    @Test
    default void contractCreateDuplicate() {
        if (!writableIdentifier()) {
            return; // skip_not_writable_identifier
        }
        create();
        final JsonNode second = call("CREATE", input("create"), null, "FAILED");
        assertThat(second.path("errorCode").asText()).isEqualTo("AlreadyExists");
    }

    @Test
    default void contractUpdateReadList() {
        final Map<String, Object> created = create();
        final Map<String, Object> update = updateExample(created);
        final JsonNode updated = call("UPDATE", update, created, "SUCCESS").path("resourceModel");
        assertInputEqualsOutput(update, updated, readOnlyThatAnUpdateChanges());
        assertThat(updated.path(primaryIdentifier()).asText()).isEqualTo(created.get(primaryIdentifier()));
        assertThat(model(call("READ", model(updated), null, "SUCCESS").path("resourceModel")))
            .as("read after update answers the updated model").isEqualTo(model(updated));
        assertThat(listed()).contains((String) created.get(primaryIdentifier()));
        call("DELETE", model(updated), null, "SUCCESS");
    }

    @Test
    default void contractUpdateCreateOnlyProperty() {
        assertThat(names("createOnlyProperties")).isNotEmpty();
        final Map<String, Object> created = create();
        final JsonNode failed = call("UPDATE", input("invalid"), created, "FAILED");
        assertThat(failed.path("errorCode").asText()).as(failed.toString()).isEqualTo("NotUpdatable");
        call("DELETE", created, null, "SUCCESS");
    }

    @Test
    default void contractUpdateNonExistentResource() {
        final Map<String, Object> invalid = input("invalid");
        final Map<String, Object> update = updateExample(invalid);
        final JsonNode failed = call("UPDATE", update, invalid, "FAILED");
        assertThat(failed.path("errorCode").asText()).as(failed.toString()).isEqualTo("NotFound");
    }

    @Test
    default void contractReadWithoutCreate() {
        final JsonNode failed = call("READ", input("invalid"), null, "FAILED");
        assertThat(failed.path("errorCode").asText()).as(failed.toString()).isEqualTo("NotFound");
    }

    @Test
    default void contractAfterDelete() {
        final Map<String, Object> created = create();
        call("DELETE", created, null, "SUCCESS");
        assertThat(call("READ", created, null, "FAILED").path("errorCode").asText()).isEqualTo("NotFound");
        assertThat(call("UPDATE", updateExample(created), created, "FAILED").path("errorCode").asText())
            .isEqualTo("NotFound");
        assertThat(call("DELETE", created, null, "FAILED").path("errorCode").asText()).isEqualTo("NotFound");
        assertThat(listed()).doesNotContain((String) created.get(primaryIdentifier()));
        if (writableIdentifier()) {
            call("DELETE", create(), null, "SUCCESS"); // contract_delete_create
        }
    }
}
