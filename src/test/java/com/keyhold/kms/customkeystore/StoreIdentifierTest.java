package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.core.PollSchedule;
import com.keyhold.kms.customkeystoreconnection.core.RetryPolicy;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.RequestLog;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StoreSpec;
import com.keyhold.kms.customkeystoreconnection.protocol.LocalLambdaContext;
import com.keyhold.kms.customkeystoreconnection.protocol.TempDirectoryGuard;
import com.keyhold.kms.customkeystoreconnection.testsupport.EmulatorClients;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
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
 * Issue #19 item 0: a READ, UPDATE or DELETE of the key store type acts only on the key store its request names. An
 * account holds other key stores (a hand-made CONNECTED one, a DISCONNECTED one, another stack's CONNECTED one); a
 * request whose CustomKeyStoreId is missing, null, empty or not an id is NotFound before any call, through
 * CloudFormation's entry point and the contract tests' (no stack id, no first look at the raw request: exactly what
 * {@code contract_update_without_create} sends). A foreign id changes nothing but what the ownership rules allow.
 * Each case asserts every key store's connection state and records, and the calls made.
 */
class StoreIdentifierTest extends StoreTestBase {
    private static final String OTHER_STACK =
        "arn:aws:cloudformation:us-east-1:123456789012:stack/other/1b2c3d4e-8a2b-11ee-b9d1-0242ac120002";
    private static final String VICTIM = "cks-1111111111111111a";
    private static final String IDLE = "cks-2222222222222222b";
    private static final String ABSENT = "cks-99999999999999999";
    private String theirs;

    @BeforeEach
    void otherKeyStores() {
        emulator.seedStore(StoreSpec.cloudHsm("victim-hsm").id(VICTIM).cloudHsmClusterId("cluster-765432abcdefg")
            .state(ConnectionState.CONNECTED));
        emulator.seedStore(StoreSpec.external("idle-xks").id(IDLE).state(ConnectionState.DISCONNECTED));
        final WrapperDriver other = newDriver().as(OTHER_STACK, "Store");
        final JsonNode created = other.run("CREATE", xks("https://theirs.example.com", ACCESS_KEY_ID, XKS_SECRET), null);
        assertThat(created.path("status").asText()).as(created.toString()).isEqualTo("SUCCESS");
        theirs = created.path("resourceModel").path("CustomKeyStoreId").asText();
        connect(theirs);
    }

    /** Every key store's connection state, store record and ownership record. */
    private Map<String, String> everything() {
        final Map<String, String> all = new TreeMap<>();
        for (String id : emulator.storeIds()) {
            all.put(id, emulator.state(id) + " store record " + emulator.parameterValue(StoreRecord.parameterName(id))
                + " ownership record " + emulator.parameterValue(OwnershipRecord.parameterName(id)));
        }
        return all;
    }

    private List<RequestLog.Entry> callsSince(final int before) {
        final List<RequestLog.Entry> entries = emulator.requestLog().entries();
        return entries.subList(before, entries.size());
    }

    private static Map<String, Object> naming(final String variant) {
        final Map<String, Object> props = new LinkedHashMap<>(hsm("payments-hsm", PASSWORD, "1"));
        switch (variant) {
            case "missing" -> props.remove("CustomKeyStoreId");
            case "null" -> props.put("CustomKeyStoreId", null);
            case "empty" -> props.put("CustomKeyStoreId", "");
            case "blank" -> props.put("CustomKeyStoreId", "   ");
            default -> props.put("CustomKeyStoreId", "cks-!!not-an-id");
        }
        return props;
    }

    static Stream<Arguments> unnamed() {
        return Stream.of("READ", "UPDATE", "DELETE").flatMap(action -> Stream.of("missing", "null", "empty", "blank",
            "malformed").map(variant -> Arguments.of(action, variant)));
    }

    @ParameterizedTest(name = "{0} with the id {1}")
    @MethodSource("unnamed")
    void aRequestNamingNoKeyStoreIsNotFoundBeforeAnyCall(final String action, final String variant) {
        final Map<String, String> before = everything();
        final int calls = emulator.requestLog().entries().size();
        final Map<String, Object> props = naming(variant);
        final JsonNode answer = driver.run(action, props, action.equals("UPDATE") ? props : null);
        assertThat(answer.path("status").asText()).isEqualTo("FAILED");
        assertThat(answer.path("errorCode").asText()).as(answer.toString()).isEqualTo("NotFound");
        assertThat(answer.path("message").asText()).contains("The " + action + " request names no key store",
            "CustomKeyStoreId", "Keyhold called nothing and changed nothing");
        assertThat(callsSince(calls)).isEmpty();
        assertThat(everything()).isEqualTo(before);
        assertThat(emulator.state(VICTIM)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(emulator.state(theirs)).isEqualTo(ConnectionState.CONNECTED);
        assertNoSecretAnywhere();
    }

    /** The contract tests' entry point: no stack id, and no first look at the raw request before the handler. */
    @ParameterizedTest(name = "{0} with the id {1}, contract test entry point")
    @MethodSource("unnamed")
    void theContractTestsEntryPointRefusesItToo(final String action, final String variant) throws Exception {
        final Map<String, String> before = everything();
        final int calls = emulator.requestLog().entries().size();
        final Map<String, Object> props = naming(variant);
        final JsonNode answer = contractTest(action, props, action.equals("UPDATE") ? props : null);
        assertThat(answer.path("errorCode").asText()).as(answer.toString()).isEqualTo("NotFound");
        assertThat(callsSince(calls)).isEmpty();
        assertThat(everything()).isEqualTo(before);
    }

    /** The reproduction: contract_update_without_create's create input as desired and previous state. */
    @Test
    void updateWithoutCreateLeavesTheAccountsConnectedKeyStoreConnected() throws Exception {
        final Map<String, Object> createInput = hsm("victim-hsm", PASSWORD, "1");
        final int calls = emulator.requestLog().entries().size();
        final JsonNode answer = contractTest("UPDATE", createInput, createInput);
        assertThat(answer.path("errorCode").asText()).as(answer.toString()).isEqualTo("NotFound");
        assertThat(emulator.state(VICTIM)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(callsSince(calls)).isEmpty();
    }

    @Test
    void anUpdateWhoseDesiredStateLeavesTheIdOutActsOnThePreviousStatesKeyStoreOnly() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String mine = create(v1);
        final Map<String, String> others = everything();
        others.remove(mine);
        // The create looks its name up first (a describe by name, no id): only the update's calls are judged below.
        emulator.requestLog().clear();
        final JsonNode renamed = driver.run("UPDATE", hsm("payments-hsm-2", PASSWORD, "1"), with(v1, mine));
        assertThat(renamed.path("status").asText()).as(renamed.toString()).isEqualTo("SUCCESS");
        assertThat(renamed.path("resourceModel").path("CustomKeyStoreId").asText()).isEqualTo(mine);
        assertThat(renamed.path("resourceModel").path("CustomKeyStoreName").asText()).isEqualTo("payments-hsm-2");
        final Map<String, String> after = everything();
        after.remove(mine);
        assertThat(after).isEqualTo(others);
        // Every KMS call of the update named the key store it updates; none was an unfiltered describe.
        assertThat(emulator.requestLog().entries()).filteredOn(e -> e.operation().contains("CustomKeyStore")
                && !e.operation().equals("CreateCustomKeyStore"))
            .isNotEmpty().allSatisfy(e -> assertThat(e.customKeyStoreId()).isEqualTo(mine));
    }

    @Test
    void anUpdateWhoseTwoStatesNameDifferentKeyStoresIsRefusedBeforeAnyCall() throws Exception {
        final Map<String, String> before = everything();
        final int calls = emulator.requestLog().entries().size();
        final Map<String, Object> props = hsm("payments-hsm", PASSWORD, "1");
        final JsonNode answer = contractTest("UPDATE", with(props, VICTIM), with(props, IDLE));
        assertThat(answer.path("errorCode").asText()).as(answer.toString()).isEqualTo("NotUpdatable");
        assertThat(answer.path("message").asText()).contains("from " + IDLE + " to " + VICTIM, "Nothing was changed");
        assertThat(callsSince(calls)).isEmpty();
        assertThat(everything()).isEqualTo(before);
    }

    @Test
    void anotherStacksKeyStoreIsNeitherUpdatedNorDeleted() {
        // CloudFormation as it answers for a stack that does not hold the key store: every stack lists nothing.
        emulator.stacks(stack -> java.util.Optional.of(List.of()));
        final Map<String, String> before = everything();
        final int calls = emulator.requestLog().entries().size();
        final Map<String, Object> props = with(xks("https://mine.example.com", NEW_ACCESS_KEY_ID, NEW_XKS_SECRET),
            theirs);
        final JsonNode update = driver.run("UPDATE", props, props);
        assertThat(update.path("errorCode").asText()).as(update.toString()).isEqualTo("NotFound");
        assertThat(update.path("message").asText()).contains(theirs, OTHER_STACK);
        final JsonNode delete = driver.run("DELETE", props, null);
        assertThat(delete.path("status").asText()).as(delete.toString()).isEqualTo("SUCCESS");
        assertThat(delete.path("message").asText()).contains(theirs, "left");
        assertThat(everything()).isEqualTo(before);
        assertThat(callsSince(calls)).extracting(RequestLog.Entry::operation)
            .containsOnly("DescribeCustomKeyStores", "GetParameter", "DescribeStackResources");
        assertNoSecretAnywhere();
    }

    @Test
    void anIdOfNoKeyStoreIsNotFoundAfterOneLookByThatId() {
        final Map<String, String> before = everything();
        for (String action : List.of("READ", "UPDATE", "DELETE")) {
            final int calls = emulator.requestLog().entries().size();
            final Map<String, Object> props = with(hsm("payments-hsm", PASSWORD, "1"), ABSENT);
            final JsonNode answer = driver.run(action, props, action.equals("UPDATE") ? props : null);
            assertThat(answer.path("errorCode").asText()).as(action + " " + answer).isEqualTo("NotFound");
            assertThat(callsSince(calls)).as(action).allSatisfy(call -> {
                assertThat(call.operation()).isIn("DescribeCustomKeyStores", "GetParameter");
                if (call.operation().equals("DescribeCustomKeyStores")) {
                    assertThat(call.customKeyStoreId()).isEqualTo(ABSENT);
                }
            });
        }
        assertThat(everything()).isEqualTo(before);
    }

    @Test
    void aReadOfAnotherKeyStoreReportsItAndChangesNothing() {
        final Map<String, String> before = everything();
        final JsonNode read = driver.run("READ", Map.of("CustomKeyStoreId", IDLE), null);
        assertThat(read.path("status").asText()).as(read.toString()).isEqualTo("SUCCESS");
        assertThat(read.path("resourceModel").path("CustomKeyStoreName").asText()).isEqualTo("idle-xks");
        assertThat(everything()).isEqualTo(before);
    }

    /** Item 5: the handler contract keeps AlreadyExists for create; an update into a name in use is bad input. */
    @Test
    void aRenameToAnotherKeyStoresNameIsInvalidRequestWithTheModelAndChangesNothing() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String mine = create(v1);
        final Map<String, String> before = everything();
        final JsonNode renamed = driver.run("UPDATE", with(hsm("victim-hsm", PASSWORD, "1"), mine), with(v1, mine));
        assertThat(renamed.path("errorCode").asText()).as(renamed.toString()).isEqualTo("InvalidRequest");
        assertThat(renamed.path("message").asText()).contains("'victim-hsm' is already used by another key store");
        assertThat(renamed.path("resourceModel").path("CustomKeyStoreId").asText()).isEqualTo(mine);
        assertThat(everything()).isEqualTo(before);
    }

    /** The payload the CloudFormation CLI's contract tests hand testEntrypoint. */
    private JsonNode contractTest(final String action, final Map<String, Object> desired,
                                  final Map<String, Object> previous) throws Exception {
        final ObjectNode payload = WrapperDriver.JSON.createObjectNode();
        final ObjectNode credentials = payload.putObject("credentials");
        credentials.put("accessKeyId", "AKIAIOSFODNN7EXAMPLE");
        credentials.put("secretAccessKey", "secret");
        credentials.put("sessionToken", "token");
        payload.put("action", action);
        final ObjectNode request = payload.putObject("request");
        request.put("clientRequestToken", "4b90a7e4-b790-456b-a937-0cfdfa211dfe");
        request.set("desiredResourceState", WrapperDriver.JSON.valueToTree(desired));
        if (previous != null) {
            request.set("previousResourceState", WrapperDriver.JSON.valueToTree(previous));
        }
        request.put("logicalResourceIdentifier", "Contract");
        request.put("region", "us-east-1");
        request.put("awsAccountId", "123456789012");
        payload.putNull("callbackContext");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        new HandlerWrapper(new HandlerConfig(clock, EmulatorClients.at(emulator.endpoint()), PollSchedule.DEFAULT,
            RetryPolicy.DEFAULT), TempDirectoryGuard.never()).testEntrypoint(new ByteArrayInputStream(
                WrapperDriver.JSON.writeValueAsBytes(payload)), out, LocalLambdaContext.standardError("keyhold-local"));
        return WrapperDriver.JSON.readTree(out.toString(StandardCharsets.UTF_8));
    }
}
