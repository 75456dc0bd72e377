package com.keyhold.kms.customkeystoreconnection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeKms;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeSsm;
import com.keyhold.kms.customkeystoreconnection.testsupport.FixedClients;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.kms.model.ConnectionStateType;

/**
 * CloudFormation's request JSON in, the response JSON CloudFormation expects out, for every action; and the
 * resource contract (AlreadyExists, NotFound after delete, list) on in-memory KMS and SSM.
 */
class HandlerWrapperTest {
    static final String HSM = "cks-1234567890abcdef0";
    static final String XKS = "cks-0fedcba0987654321";
    private final VirtualClock clock = new VirtualClock();
    private final FakeKms kms = new FakeKms(clock)
        .store(HSM, "AWS_CLOUDHSM", ConnectionStateType.DISCONNECTED)
        .store(XKS, "EXTERNAL_KEY_STORE", ConnectionStateType.CONNECTED);
    private final FakeSsm ssm = new FakeSsm();
    private final WrapperDriver driver = new WrapperDriver(clock, new FixedClients(kms, ssm));

    static Map<String, Object> props(final String id, final String state) {
        final Map<String, Object> props = new HashMap<>();
        props.put("CustomKeyStoreId", id);
        props.put("ConnectionState", state);
        return props;
    }

    @Test
    void createAnswersInProgressWithContextThenSuccessWithReadOnlyProperties() {
        final ObjectNode request = driver.request("CREATE", props(HSM, "CONNECTED"), null);
        final JsonNode first = driver.invoke(request);
        assertThat(first.path("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(first.path("callbackDelaySeconds").asInt()).isEqualTo(5);
        assertThat(first.path("callbackContext").isObject()).isTrue();
        assertThat(first.path("message").asText())
            .isEqualTo(HSM + ": ConnectCustomKeyStore accepted while DISCONNECTED (target CONNECTED)");
        assertThat(first.path("resourceModel").path("CustomKeyStoreId").asText()).isEqualTo(HSM);

        final JsonNode last = driver.resume(request, Integer.MAX_VALUE);
        assertThat(last.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(last.has("errorCode")).isFalse();
        assertThat(last.path("resourceModel")).isEqualTo(WrapperDriver.JSON.valueToTree(Map.of(
            "CustomKeyStoreId", HSM, "ConnectionState", "CONNECTED", "CustomKeyStoreName", "name-" + HSM,
            "CustomKeyStoreType", "AWS_CLOUDHSM", "ObservedConnectionState", "CONNECTED")));
        assertThat(kms.state(HSM)).isEqualTo(ConnectionStateType.CONNECTED);
        assertThat(kms.count(FakeKms.Op.CONNECT)).isEqualTo(1);
        assertThat(driver.responses()).extracting(r -> r.path("message").asText())
            .contains(HSM + ": CONNECTING for 25s (target CONNECTED)");
    }

    @Test
    void createWritesAnOwnershipRecordNamingTheStack() throws Exception {
        driver.run("CREATE", props(XKS, "CONNECTED"), null);
        final JsonNode record = WrapperDriver.JSON.readTree(ssm.parameters().get(OwnershipRecord.parameterName(XKS)));
        assertThat(record.path("stackId").asText()).isEqualTo(WrapperDriver.STACK_ID);
        assertThat(record.path("logicalResourceId").asText()).isEqualTo("KeyStoreConnection");
        assertThat(record.path("connectionState").asText()).isEqualTo("CONNECTED");
        assertThat(kms.count(FakeKms.Op.CONNECT)).as("already connected: no Connect").isZero();
    }

    @Test
    void fullLifecycleForBothKeyStoreTypes() {
        for (String id : List.of(HSM, XKS)) {
            assertThat(driver.run("CREATE", props(id, "CONNECTED"), null).path("status").asText()).isEqualTo("SUCCESS");
            assertThat(driver.run("READ", Map.of("CustomKeyStoreId", id), null).path("resourceModel")
                .path("ConnectionState").asText()).isEqualTo("CONNECTED");
            final JsonNode updated = driver.run("UPDATE", props(id, "DISCONNECTED"), props(id, "CONNECTED"));
            assertThat(updated.path("status").asText()).isEqualTo("SUCCESS");
            assertThat(updated.path("resourceModel").path("ObservedConnectionState").asText()).isEqualTo("DISCONNECTED");
            assertThat(kms.state(id)).isEqualTo(ConnectionStateType.DISCONNECTED);
            assertThat(driver.run("UPDATE", props(id, "CONNECTED"), props(id, "DISCONNECTED")).path("status").asText())
                .isEqualTo("SUCCESS");
            assertThat(kms.state(id)).isEqualTo(ConnectionStateType.CONNECTED);
            final JsonNode deleted = driver.run("DELETE", props(id, "CONNECTED"), null);
            assertThat(deleted.path("status").asText()).isEqualTo("SUCCESS");
            assertThat(deleted.has("resourceModel")).isFalse();
            assertThat(kms.state(id)).as("UNCHANGED by default").isEqualTo(ConnectionStateType.CONNECTED);
        }
        assertThat(ssm.parameters()).isEmpty();
    }

    @Test
    void readReportsDriftWhenTheKeyStoreIsNotConnected() {
        driver.run("CREATE", props(XKS, "CONNECTED"), null);
        kms.outOfBand(XKS, ConnectionStateType.DISCONNECTING);
        final JsonNode read = driver.run("READ", Map.of("CustomKeyStoreId", XKS), null);
        assertThat(read.path("resourceModel").path("ConnectionState").asText()).isEqualTo("DISCONNECTED");
        assertThat(read.path("resourceModel").path("ObservedConnectionState").asText()).isEqualTo("DISCONNECTING");
    }

    @Test
    void readShowsTheErrorCodeOfAFailedKeyStore() {
        driver.run("CREATE", props(XKS, "CONNECTED"), null);
        kms.failed(XKS, "EXTERNAL_KEY_STORE", "XKS_PROXY_TIMED_OUT");
        final JsonNode model = driver.run("READ", Map.of("CustomKeyStoreId", XKS), null).path("resourceModel");
        assertThat(model.path("ConnectionState").asText()).isEqualTo("DISCONNECTED");
        assertThat(model.path("ConnectionErrorCode").asText()).isEqualTo("XKS_PROXY_TIMED_OUT");
    }

    @Test
    void secondCreateOfTheSameKeyStoreFailsAlreadyExistsNamingTheOwner() {
        driver.run("CREATE", props(XKS, "CONNECTED"), null);
        final String otherStack = "arn:aws:cloudformation:us-east-1:123456789012:stack/other/1111";
        final JsonNode second = driver.as(otherStack, "Other").run("CREATE", props(XKS, "DISCONNECTED"), null);
        assertThat(second.path("status").asText()).isEqualTo("FAILED");
        assertThat(second.path("errorCode").asText()).isEqualTo("AlreadyExists");
        assertThat(second.path("message").asText()).contains(XKS, WrapperDriver.STACK_ID, "KeyStoreConnection",
            "aws ssm delete-parameter --name " + OwnershipRecord.parameterName(XKS));
        assertThat(second.has("resourceModel")).as("no model: CloudFormation must have nothing to delete").isFalse();
        assertThat(second.has("callbackContext")).isFalse();
        assertThat(kms.state(XKS)).as("the loser changes nothing").isEqualTo(ConnectionStateType.CONNECTED);
        assertThat(kms.count(FakeKms.Op.DISCONNECT)).isZero();
    }

    @Test
    void afterDeleteEveryActionFailsNotFound() {
        driver.run("CREATE", props(XKS, "CONNECTED"), null);
        driver.run("DELETE", props(XKS, "CONNECTED"), null);
        for (String action : List.of("READ", "UPDATE", "DELETE")) {
            final JsonNode response = driver.run(action, props(XKS, "DISCONNECTED"), props(XKS, "CONNECTED"));
            assertThat(response.path("errorCode").asText()).as(action).isEqualTo("NotFound");
            assertThat(response.path("message").asText()).as(action).contains(XKS, "us-east-1");
        }
        assertThat(kms.count(FakeKms.Op.DISCONNECT)).isZero();
    }

    @Test
    void createOfAMissingKeyStoreFailsNotFoundAndClaimsNothing() {
        final JsonNode response = driver.run("CREATE", props("cks-0000000000000000a", "CONNECTED"), null);
        assertThat(response.path("errorCode").asText()).isEqualTo("NotFound");
        assertThat(response.path("message").asText()).contains("cks-0000000000000000a", "us-east-1", "not its name");
        assertThat(ssm.parameters()).isEmpty();
    }

    @Test
    void readOfAManagedKeyStoreDeletedOutOfBandIsNotFound() {
        final FakeKms other = new FakeKms(clock);
        driver.run("CREATE", props(XKS, "CONNECTED"), null);
        final JsonNode read = new WrapperDriver(clock, new FixedClients(other, ssm))
            .run("READ", Map.of("CustomKeyStoreId", XKS), null);
        assertThat(read.path("errorCode").asText()).isEqualTo("NotFound");
    }

    @Test
    void listPagesThroughEveryManagedKeyStore() {
        for (int i = 0; i < 12; i++) {
            final String id = String.format("cks-%017x", i);
            kms.store(id, "EXTERNAL_KEY_STORE", ConnectionStateType.CONNECTED);
            driver.run("CREATE", props(id, "CONNECTED"), null);
        }
        driver.run("DELETE", props("cks-00000000000000003", "CONNECTED"), null);
        final ObjectNode request = driver.request("LIST", null, null);
        final JsonNode first = driver.invoke(request);
        assertThat(first.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(first.path("resourceModels")).hasSize(10);
        request.put("nextToken", first.path("nextToken").asText());
        final JsonNode second = driver.invoke(request);
        assertThat(second.path("resourceModels")).hasSize(1);
        assertThat(second.has("nextToken")).isFalse();
        final List<String> ids = Stream.concat(first.path("resourceModels").findValuesAsText("CustomKeyStoreId").stream(),
            second.path("resourceModels").findValuesAsText("CustomKeyStoreId").stream()).toList();
        assertThat(ids).hasSize(11).doesNotContain("cks-00000000000000003").contains("cks-0000000000000000b");
    }

    @Test
    void connectionStateOnDeleteIsAppliedBeforeTheRecordGoes() {
        final Map<String, Object> props = props(XKS, "CONNECTED");
        props.put("ConnectionStateOnDelete", "DISCONNECTED");
        driver.run("CREATE", props, null);
        final JsonNode deleted = driver.run("DELETE", props, null);
        assertThat(deleted.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(kms.state(XKS)).isEqualTo(ConnectionStateType.DISCONNECTED);
        assertThat(ssm.parameters()).isEmpty();
    }

    @Test
    void deleteUsesTheRecordedOnDeleteWhenTheRequestOmitsIt() {
        final Map<String, Object> props = props(XKS, "CONNECTED");
        props.put("ConnectionStateOnDelete", "DISCONNECTED");
        driver.run("CREATE", props, null);
        final JsonNode deleted = driver.run("DELETE", Map.of("CustomKeyStoreId", XKS), null);
        assertThat(deleted.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(kms.state(XKS)).isEqualTo(ConnectionStateType.DISCONNECTED);
        assertThat(ssm.parameters()).isEmpty();
    }

    @Test
    void deleteOfAKeyStoreRemovedOutOfBandStillReleasesTheRecord() {
        final Map<String, Object> props = props(XKS, "CONNECTED");
        props.put("ConnectionStateOnDelete", "DISCONNECTED");
        driver.run("CREATE", props, null);
        final JsonNode deleted = new WrapperDriver(clock, new FixedClients(new FakeKms(clock), ssm))
            .run("DELETE", props, null);
        assertThat(deleted.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(ssm.parameters()).isEmpty();
    }

    @Test
    void rollbackIsAnUpdateBackToThePreviousState() {
        driver.run("CREATE", props(HSM, "CONNECTED"), null);
        kms.failNextConnect(HSM, "INSUFFICIENT_CLOUDHSM_HSMS");
        driver.run("UPDATE", props(HSM, "DISCONNECTED"), props(HSM, "CONNECTED"));
        final JsonNode failed = driver.run("UPDATE", props(HSM, "CONNECTED"), props(HSM, "DISCONNECTED"));
        assertThat(failed.path("errorCode").asText()).isEqualTo("NotStabilized");
        // CloudFormation rolls back: update to the previous properties.
        final JsonNode rolledBack = driver.run("UPDATE", props(HSM, "DISCONNECTED"), props(HSM, "CONNECTED"));
        assertThat(rolledBack.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(kms.state(HSM)).isEqualTo(ConnectionStateType.DISCONNECTED);
    }

    static Stream<Arguments> badInput() {
        final Map<String, Object> extra = props(HSM, "CONNECTED");
        extra.put("Color", "blue");
        final Map<String, Object> badOnDelete = props(HSM, "CONNECTED");
        badOnDelete.put("ConnectionStateOnDelete", "DELETED");
        final Map<String, Object> noId = new HashMap<>(Map.of("ConnectionState", "CONNECTED"));
        final Map<String, Object> noState = new HashMap<>(Map.of("CustomKeyStoreId", HSM));
        return Stream.of(
            Arguments.of("CREATE", props("my-key-store", "CONNECTED"), "CustomKeyStoreId"),
            Arguments.of("CREATE", props("cks-" + "a".repeat(61), "CONNECTED"), "CustomKeyStoreId"),
            Arguments.of("CREATE", noId, "CustomKeyStoreId"),
            Arguments.of("CREATE", noState, "ConnectionState"),
            Arguments.of("CREATE", props(HSM, "ONLINE"), "ONLINE"),
            Arguments.of("CREATE", badOnDelete, "DELETED"),
            Arguments.of("CREATE", extra, "Color"),
            Arguments.of("UPDATE", props(HSM, "connected"), "connected"),
            Arguments.of("DELETE", badOnDelete, "UNCHANGED"));
    }

    @ParameterizedTest(name = "{0} {2}")
    @MethodSource("badInput")
    void badInputFailsInvalidRequestAndCallsNothing(final String action, final Map<String, Object> properties,
                                                    final String mentioned) {
        final JsonNode response = driver.run(action, properties, action.equals("UPDATE") ? properties : null);
        assertThat(response.path("status").asText()).isEqualTo("FAILED");
        assertThat(response.path("errorCode").asText()).isEqualTo("InvalidRequest");
        assertThat(response.path("message").asText()).contains(mentioned);
        assertThat(kms.calls()).isEmpty();
        assertThat(ssm.calls()).isEmpty();
    }

    /** An identifier no key store can have names no resource: NotFound (the contract's answer), still saying why. */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("identifiersOfNoKeyStore")
    void aRequestNamingNoPossibleKeyStoreIsNotFoundAndCallsNothing(final String action, final String id) {
        final JsonNode response = driver.run(action, props(id, "CONNECTED"), null);
        assertThat(response.path("errorCode").asText()).isEqualTo("NotFound");
        assertThat(response.path("message").asText()).contains("The " + action + " request names no key store",
            "CustomKeyStoreId '" + id + "'", "Keyhold called nothing and changed nothing");
        assertThat(kms.calls()).isEmpty();
        assertThat(ssm.calls()).isEmpty();
    }

    static Stream<Arguments> identifiersOfNoKeyStore() {
        return Stream.of(Arguments.of("READ", "Production HSM store"), Arguments.of("DELETE", "cks_bad"));
    }

    @Test
    void ourOwnChecksNameThePropertyAndWhatIsAllowed() {
        // Re-invocations skip the wrapper's schema check, so the handler's own rules must hold too.
        final ObjectNode request = driver.request("READ", props("alias/my-store", "CONNECTED"), null);
        final JsonNode response = driver.invoke(request);
        assertThat(response.path("message").asText()).contains("CustomKeyStoreId 'alias/my-store'", "^cks-[a-zA-Z0-9]+$",
            "not accepted");
    }

    @Test
    void nullModelFailsInvalidRequestAndCallsNothing() {
        for (String action : List.of("READ", "DELETE")) {
            final JsonNode response = driver.invoke(driver.request(action, null, null));
            assertThat(response.path("errorCode").asText()).as(action).isEqualTo("InvalidRequest");
            assertThat(response.path("message").asText()).contains("CustomKeyStoreId is required");
        }
        assertThat(kms.calls()).isEmpty();
        assertThat(ssm.calls()).isEmpty();
    }

    @Test
    void changingTheIdentifierInPlaceIsRefused() {
        final JsonNode response = driver.run("UPDATE", props(HSM, "CONNECTED"), props(XKS, "CONNECTED"));
        assertThat(response.path("errorCode").asText()).isEqualTo("NotUpdatable");
        assertThat(response.path("message").asText()).contains("CustomKeyStoreId cannot change in an update (from "
            + XKS + " to " + HSM + ")", "create-only", "Nothing was changed");
        assertThat(kms.calls()).isEmpty();
    }

    @Test
    void aCreateThatSetsReadOnlyPropertiesIsRefusedNamingThem() {
        final Map<String, Object> withReadOnly = props(HSM, "CONNECTED");
        withReadOnly.put("ObservedConnectionState", "CONNECTED");
        withReadOnly.put("CustomKeyStoreName", "payments");
        final JsonNode response = driver.run("CREATE", withReadOnly, null);
        assertThat(response.path("errorCode").asText()).isEqualTo("InvalidRequest");
        assertThat(response.path("message").asText()).isEqualTo("CustomKeyStoreName, ObservedConnectionState are "
            + "read-only: Keyhold::KMS::CustomKeyStoreConnection sets them, a template cannot. Remove them from the "
            + "properties.");
        assertThat(kms.calls()).isEmpty();
        // An update may carry them (the contract tests send the created model's read-only values back).
        assertThat(driver.run("CREATE", props(HSM, "CONNECTED"), null).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(driver.run("UPDATE", withReadOnly, props(HSM, "CONNECTED")).path("status").asText())
            .isEqualTo("SUCCESS");
    }

    @Test
    void anUndeclaredPropertyFailsTheFirstUpdateNamingWhatIsDeclared() {
        driver.run("CREATE", props(XKS, "CONNECTED"), null);
        final Map<String, Object> retired = props(XKS, "DISCONNECTED");
        retired.put("RetiredProperty", "x");
        final JsonNode response = driver.run("UPDATE", retired, props(XKS, "CONNECTED"));
        assertThat(response.path("errorCode").asText()).isEqualTo("InvalidRequest");
        assertThat(response.path("message").asText()).isEqualTo("resourceProperties has an unknown property "
            + "RetiredProperty. Keyhold::KMS::CustomKeyStoreConnection declares CustomKeyStoreId, ConnectionState, "
            + "ConnectionStateOnDelete, CustomKeyStoreName, CustomKeyStoreType, ConnectionErrorCode, "
            + "ObservedConnectionState.");
        assertThat(kms.state(XKS)).isEqualTo(ConnectionStateType.CONNECTED);
    }

    /** A model CloudFormation stored under an earlier schema version: a property since removed, a null optional one. */
    private static Map<String, Object> stored(final String id, final String state) {
        final Map<String, Object> stored = props(id, state);
        stored.put("RetiredProperty", Map.of("any", "shape"));
        stored.put("ConnectionStateOnDelete", null);
        stored.put("ObservedConnectionState", null);
        return stored;
    }

    @Test
    void aModelStoredUnderAnEarlierSchemaStillReadsUpdatesAndDeletes() {
        driver.run("CREATE", props(XKS, "CONNECTED"), null);
        final JsonNode read = driver.run("READ", stored(XKS, "CONNECTED"), null);
        assertThat(read.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(read.path("resourceModel").has("RetiredProperty")).isFalse();

        final JsonNode updated = driver.run("UPDATE", props(XKS, "DISCONNECTED"), stored(XKS, "CONNECTED"));
        assertThat(updated.path("status").asText()).as(updated.toString()).isEqualTo("SUCCESS");
        assertThat(kms.state(XKS)).isEqualTo(ConnectionStateType.DISCONNECTED);

        // A callback invocation is not validated: what CloudFormation sends back is read as it is.
        final ObjectNode update = driver.request("UPDATE", props(XKS, "CONNECTED"), props(XKS, "DISCONNECTED"));
        final JsonNode first = driver.invoke(update);
        assertThat(first.path("status").asText()).isEqualTo("IN_PROGRESS");
        update.set("callbackContext", first.get("callbackContext"));
        ((ObjectNode) update.get("requestData")).set("resourceProperties",
            WrapperDriver.JSON.valueToTree(stored(XKS, "CONNECTED")));
        clock.advanceSeconds(first.path("callbackDelaySeconds").asLong());
        assertThat(driver.resume(update, Integer.MAX_VALUE).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(kms.state(XKS)).isEqualTo(ConnectionStateType.CONNECTED);

        final JsonNode deleted = driver.run("DELETE", stored(XKS, "CONNECTED"), null);
        assertThat(deleted.path("status").asText()).as(deleted.toString()).isEqualTo("SUCCESS");
        assertThat(ssm.parameters()).isEmpty();
    }

    @Test
    void aNullOptionalPropertyIsUnsetAsThePluginReadsIt() {
        final Map<String, Object> create = props(XKS, "CONNECTED");
        create.put("ConnectionStateOnDelete", null);
        assertThat(driver.run("CREATE", create, null).path("status").asText()).isEqualTo("SUCCESS");
        final Map<String, Object> noState = props(HSM, null);
        final JsonNode refused = driver.run("CREATE", noState, null);
        assertThat(refused.path("errorCode").asText()).isEqualTo("InvalidRequest");
        assertThat(refused.path("message").asText()).contains("ConnectionState is required: CONNECTED or DISCONNECTED");
        assertThat(kms.state(HSM)).isEqualTo(ConnectionStateType.DISCONNECTED);
    }

    static Stream<Arguments> incompleteRequests() {
        return Stream.of(
            Arguments.of("region", (Consumer<ObjectNode>) r -> r.remove("region"), "region is missing"),
            Arguments.of("region", (Consumer<ObjectNode>) r -> r.putNull("region"), "region is null"),
            Arguments.of("region", (Consumer<ObjectNode>) r -> r.put("region", " "), "region is empty"),
            Arguments.of("awsAccountId", (Consumer<ObjectNode>) r -> r.remove("awsAccountId"), "awsAccountId is missing"),
            Arguments.of("awsAccountId", (Consumer<ObjectNode>) r -> r.put("awsAccountId", 123456789012L),
                "awsAccountId is not a string"),
            Arguments.of("callerCredentials", (Consumer<ObjectNode>) r -> data(r).remove("callerCredentials"),
                "requestData.callerCredentials is missing"),
            Arguments.of("callerCredentials", (Consumer<ObjectNode>) r -> data(r).putNull("callerCredentials"),
                "requestData.callerCredentials is null"),
            Arguments.of("accessKeyId", (Consumer<ObjectNode>) r -> credentials(r).remove("accessKeyId"),
                "requestData.callerCredentials.accessKeyId is missing"),
            Arguments.of("secretAccessKey", (Consumer<ObjectNode>) r -> credentials(r).putNull("secretAccessKey"),
                "requestData.callerCredentials.secretAccessKey is null"),
            Arguments.of("sessionToken", (Consumer<ObjectNode>) r -> credentials(r).remove("sessionToken"),
                "requestData.callerCredentials.sessionToken is missing"),
            Arguments.of("stackId", (Consumer<ObjectNode>) r -> r.putNull("stackId"), "stackId is null"),
            Arguments.of("stackId", (Consumer<ObjectNode>) r -> r.put("stackId", ""), "stackId is empty"),
            Arguments.of("stackId in system tags", (Consumer<ObjectNode>) r -> {
                r.remove("stackId");
                data(r).putObject("systemTags").put("aws:cloudformation:stack-id", WrapperDriver.STACK_ID);
            }, "stackId is missing"),
            Arguments.of("logicalResourceId", (Consumer<ObjectNode>) r -> data(r).remove("logicalResourceId"),
                "requestData.logicalResourceId is missing"),
            Arguments.of("logicalResourceId", (Consumer<ObjectNode>) r -> data(r).putNull("logicalResourceId"),
                "requestData.logicalResourceId is null"));
    }

    private static ObjectNode data(final ObjectNode request) {
        return (ObjectNode) request.get("requestData");
    }

    private static ObjectNode credentials(final ObjectNode request) {
        return (ObjectNode) data(request).get("callerCredentials");
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("incompleteRequests")
    void anIncompleteRequestFailsInvalidRequestNamingTheMemberBeforeAnyAwsCall(final String member,
                                                                              final Consumer<ObjectNode> damage,
                                                                              final String problem) {
        for (String action : List.of("CREATE", "READ", "UPDATE", "DELETE", "LIST")) {
            final ObjectNode request = driver.request(action, props(XKS, "CONNECTED"), props(XKS, "CONNECTED"));
            damage.accept(request);
            final JsonNode response = driver.invoke(request);
            assertThat(response.path("status").asText()).as(action).isEqualTo("FAILED");
            assertThat(response.path("errorCode").asText()).as(action).isEqualTo("InvalidRequest");
            assertThat(response.path("message").asText()).as(action)
                .startsWith("The request's " + problem + "; it must be ").contains("Keyhold changed nothing");
        }
        assertThat(kms.calls()).isEmpty();
        assertThat(ssm.calls()).isEmpty();
    }

    @Test
    void requestsWithoutAStackAsTheContractTestsSendThemKeepWorking() {
        // The CloudFormation CLI's contract tests and cfn invoke send no stackId member at all (Cloud Control API
        // neither); they are not stack requests, so neither stackId nor logicalResourceId is required.
        final ObjectNode create = driver.request("CREATE", props(XKS, "CONNECTED"), null);
        create.remove("stackId");
        assertThat(driver.resume(create, Integer.MAX_VALUE).path("status").asText()).isEqualTo("SUCCESS");
        final ObjectNode read = driver.request("READ", Map.of("CustomKeyStoreId", XKS), null);
        read.remove("stackId");
        data(read).remove("logicalResourceId");
        assertThat(driver.invoke(read).path("status").asText()).isEqualTo("SUCCESS");
        final ObjectNode list = driver.request("LIST", null, null);
        list.remove("stackId");
        data(list).remove("logicalResourceId");
        assertThat(driver.invoke(list).path("resourceModels")).hasSize(1);
    }
}
