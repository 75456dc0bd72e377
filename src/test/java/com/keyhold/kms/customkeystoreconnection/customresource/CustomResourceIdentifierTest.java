package com.keyhold.kms.customkeystoreconnection.customresource;

import static com.keyhold.kms.customkeystoreconnection.customresource.Rig.HSM;
import static com.keyhold.kms.customkeystoreconnection.customresource.Rig.XKS;
import static com.keyhold.kms.customkeystoreconnection.customresource.Rig.props;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.core.ModelRules;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.RequestLog;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue #19 item 0 for the custom resource: an Update acts only on the resource its PhysicalResourceId names, and a
 * Delete of an id that names no key store of this resource changes nothing. HSM is CONNECTED and owned by this
 * stack's resource; XKS is DISCONNECTED with no record. Every case asserts both key stores' states and records, and
 * the calls made.
 */
class CustomResourceIdentifierTest {
    private final Rig rig = new Rig();

    @BeforeEach
    void anOwnedConnectedKeyStore() {
        rig.runToEnd(rig.event("Create", "create-1", null, props(HSM, "CONNECTED"), null));
        assertThat(rig.emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);
    }

    @AfterEach
    void close() {
        rig.close();
    }

    private Map<String, String> everything() {
        final Map<String, String> all = new TreeMap<>();
        for (String id : rig.emulator.storeIds()) {
            all.put(id, rig.emulator.state(id) + " ownership record "
                + rig.emulator.parameterValue(OwnershipRecord.parameterName(id)));
        }
        return all;
    }

    private List<RequestLog.Entry> callsSince(final int before) {
        final List<RequestLog.Entry> entries = rig.emulator.requestLog().entries();
        return entries.subList(before, entries.size());
    }

    /** The event with PhysicalResourceId as the variant says: absent, null, empty, blank or the text given. */
    private String event(final String type, final String requestId, final String physicalId,
                         final Map<String, Object> properties) throws Exception {
        final ObjectNode event = (ObjectNode) Rig.JSON.readTree(rig.event(type, requestId, null, properties,
            type.equals("Update") ? props(HSM, "CONNECTED") : null));
        switch (physicalId) {
            case "(absent)" -> event.remove("PhysicalResourceId");
            case "(null)" -> event.putNull("PhysicalResourceId");
            default -> event.put("PhysicalResourceId", physicalId);
        }
        return event.toString();
    }

    private JsonNode answer(final String requestId) {
        assertThat(rig.server.receivedFor(requestId)).hasSize(1);
        return rig.server.receivedFor(requestId).get(0).json();
    }

    @ParameterizedTest(name = "PhysicalResourceId {0}")
    @ValueSource(strings = {"(absent)", "(null)", "", "  "})
    void anUpdateWithoutPhysicalResourceIdFailsBeforeAnyCall(final String physicalId) throws Exception {
        final Map<String, String> before = everything();
        final int calls = rig.emulator.requestLog().entries().size();
        rig.runToEnd(event("Update", "update-1", physicalId, props(XKS, "CONNECTED")));
        final JsonNode answer = answer("update-1");
        assertThat(answer.path("Status").asText()).isEqualTo("FAILED");
        assertThat(answer.path("Reason").asText()).startsWith("NotFound: ").contains("no PhysicalResourceId",
            "Keyhold called nothing and changed nothing");
        assertThat(callsSince(calls)).isEmpty();
        assertThat(everything()).isEqualTo(before);
    }

    @ParameterizedTest(name = "PhysicalResourceId {0}")
    @ValueSource(strings = {"(absent)", "(null)", "", "  ", "cks-!!not-an-id", XKS, "cks-99999999999999999"})
    void aDeleteOfNoKeyStoreOfThisResourceSucceedsAndChangesNothing(final String physicalId) throws Exception {
        final Map<String, String> before = everything();
        final int calls = rig.emulator.requestLog().entries().size();
        rig.runToEnd(event("Delete", "delete-1", physicalId, props(XKS, "CONNECTED", "DISCONNECTED")));
        assertThat(answer("delete-1").path("Status").asText()).isEqualTo("SUCCESS");
        if (ModelRules.checkIdentifier(physicalId.startsWith("(") ? null : physicalId).isEmpty()) {
            // An id of a key store: its ownership record is read, and names no resource of this stack.
            assertThat(callsSince(calls)).extracting(RequestLog.Entry::operation).containsOnly("GetParameter");
        } else {
            assertThat(callsSince(calls)).isEmpty();
        }
        assertThat(everything()).isEqualTo(before);
        assertThat(rig.emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);
    }

    @ParameterizedTest(name = "PhysicalResourceId {0}")
    @ValueSource(strings = {XKS, "cks-99999999999999999"})
    void anUpdateOfAKeyStoreThisResourceDoesNotOwnFailsAndChangesNothing(final String physicalId) throws Exception {
        final Map<String, String> before = everything();
        final int calls = rig.emulator.requestLog().entries().size();
        rig.runToEnd(event("Update", "update-1", physicalId, props(physicalId, "CONNECTED")));
        final JsonNode answer = answer("update-1");
        assertThat(answer.path("Status").asText()).isEqualTo("FAILED");
        assertThat(answer.path("Reason").asText()).startsWith("NotFound: ");
        assertThat(callsSince(calls)).extracting(RequestLog.Entry::operation).containsOnly("GetParameter");
        assertThat(everything()).isEqualTo(before);
    }
}
