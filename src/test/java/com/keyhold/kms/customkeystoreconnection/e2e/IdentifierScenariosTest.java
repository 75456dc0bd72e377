package com.keyhold.kms.customkeystoreconnection.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.RequestLog;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StoreSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue #19 item 0 for the connection type: a READ, UPDATE or DELETE acts only on the key store its request names.
 * Other key stores are present (HSM owned by another stack and CONNECTED, a hand-made CONNECTED one, XKS
 * DISCONNECTED); a request whose CustomKeyStoreId is missing, null, empty or not an id is NotFound before any call,
 * and a foreign id changes nothing. Each case asserts every key store's state and ownership record, and the calls.
 */
class IdentifierScenariosTest extends EmulatorTestBase {
    private static final String OTHER_STACK = "arn:aws:cloudformation:us-east-1:123456789012:stack/kms-b/bbbb-2222";
    private static final String HAND_MADE = "cks-3333333333333333c";
    private static final String ABSENT = "cks-99999999999999999";

    @BeforeEach
    void otherKeyStores() {
        emulator.seedStore(StoreSpec.cloudHsm("hand-made").id(HAND_MADE).cloudHsmClusterId("cluster-765432abcdefg")
            .state(ConnectionState.CONNECTED));
        final JsonNode created = newDriver().as(OTHER_STACK, "Connection").run("CREATE", props(HSM, "CONNECTED"), null);
        assertThat(created.path("status").asText()).as(created.toString()).isEqualTo("SUCCESS");
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);
    }

    private Map<String, String> everything() {
        final Map<String, String> all = new TreeMap<>();
        for (String id : emulator.storeIds()) {
            all.put(id, emulator.state(id) + " ownership record "
                + emulator.parameterValue(OwnershipRecord.parameterName(id)));
        }
        return all;
    }

    private List<RequestLog.Entry> callsSince(final int before) {
        final List<RequestLog.Entry> entries = emulator.requestLog().entries();
        return entries.subList(before, entries.size());
    }

    private static Map<String, Object> naming(final String variant) {
        final Map<String, Object> props = new HashMap<>(props(HSM, "DISCONNECTED"));
        switch (variant) {
            case "missing" -> props.remove("CustomKeyStoreId");
            case "null" -> props.put("CustomKeyStoreId", null);
            case "empty" -> props.put("CustomKeyStoreId", "");
            default -> props.put("CustomKeyStoreId", "cks-!!not-an-id");
        }
        return props;
    }

    static Stream<Arguments> unnamed() {
        return Stream.of("READ", "UPDATE", "DELETE").flatMap(action -> Stream.of("missing", "null", "empty",
            "malformed").map(variant -> Arguments.of(action, variant)));
    }

    @ParameterizedTest(name = "{0} with the id {1}")
    @MethodSource("unnamed")
    void aRequestNamingNoKeyStoreIsNotFoundBeforeAnyCall(final String action, final String variant) {
        final Map<String, String> before = everything();
        final int calls = emulator.requestLog().entries().size();
        final Map<String, Object> props = naming(variant);
        final JsonNode answer = driver.run(action, props, action.equals("UPDATE") ? props : null);
        assertThat(answer.path("errorCode").asText()).as(answer.toString()).isEqualTo("NotFound");
        assertThat(answer.path("message").asText()).contains("The " + action + " request names no key store",
            "Keyhold called nothing and changed nothing");
        assertThat(callsSince(calls)).isEmpty();
        assertThat(everything()).isEqualTo(before);
    }

    @Test
    void anotherStacksKeyStoreIsNeitherReadUpdatedNorReleased() {
        // CloudFormation as it answers for a stack that does not hold the key store: every stack lists nothing.
        emulator.stacks(stack -> java.util.Optional.of(List.of()));
        final Map<String, String> before = everything();
        final int calls = emulator.requestLog().entries().size();
        final WrapperDriver mine = newDriver().as(WrapperDriver.STACK_ID, "Connection");
        final JsonNode update = mine.run("UPDATE", props(HSM, "DISCONNECTED"), props(HSM, "CONNECTED"));
        assertThat(update.path("errorCode").asText()).as(update.toString()).isEqualTo("NotFound");
        assertThat(mine.run("READ", props(HSM, "CONNECTED"), null).path("errorCode").asText()).isEqualTo("NotFound");
        final JsonNode delete = mine.run("DELETE", props(HSM, "CONNECTED"), null);
        assertThat(delete.path("status").asText()).as(delete.toString()).isEqualTo("SUCCESS");
        assertThat(delete.path("message").asText()).contains("left untouched");
        assertThat(everything()).isEqualTo(before);
        // Reads only: whether this stack holds it (it does not, so the refusal stands), and the update whether the
        // key store already is as asked (it is not).
        assertThat(callsSince(calls)).extracting(RequestLog.Entry::operation).containsExactly("GetParameter",
            "DescribeStackResources", "DescribeCustomKeyStores", "GetParameter", "DescribeStackResources",
            "GetParameter", "DescribeStackResources");
        assertThat(update.path("message").asText()).contains("This stack does not hold " + HSM + " under Connection, "
            + "so the record is not taken over.");
    }

    @Test
    void aHandMadeKeyStoreWithoutARecordIsNotUpdatedOrRead() {
        final Map<String, String> before = everything();
        final int calls = emulator.requestLog().entries().size();
        final JsonNode update = driver.run("UPDATE", props(HAND_MADE, "DISCONNECTED"), props(HAND_MADE, "CONNECTED"));
        assertThat(update.path("errorCode").asText()).as(update.toString()).isEqualTo("NotFound");
        assertThat(driver.run("READ", props(HAND_MADE, "CONNECTED"), null).path("errorCode").asText())
            .isEqualTo("NotFound");
        assertThat(everything()).isEqualTo(before);
        assertThat(emulator.state(HAND_MADE)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(callsSince(calls)).extracting(RequestLog.Entry::operation).containsOnly("GetParameter");
    }

    @Test
    void anIdOfNoKeyStoreChangesNothing() {
        final Map<String, String> before = everything();
        final int calls = emulator.requestLog().entries().size();
        for (String action : List.of("READ", "UPDATE", "DELETE")) {
            final Map<String, Object> props = props(ABSENT, "DISCONNECTED");
            final JsonNode answer = driver.run(action, props, action.equals("UPDATE") ? props : null);
            assertThat(answer.path("errorCode").asText()).as(action).isEqualTo("NotFound");
        }
        assertThat(everything()).isEqualTo(before);
        assertThat(callsSince(calls)).extracting(RequestLog.Entry::operation).containsOnly("GetParameter");
    }
}
