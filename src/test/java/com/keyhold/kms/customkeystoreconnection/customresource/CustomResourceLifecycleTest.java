package com.keyhold.kms.customkeystoreconnection.customresource;

import static com.keyhold.kms.customkeystoreconnection.customresource.Rig.HSM;
import static com.keyhold.kms.customkeystoreconnection.customresource.Rig.STACK_ID;
import static com.keyhold.kms.customkeystoreconnection.customresource.Rig.XKS;
import static com.keyhold.kms.customkeystoreconnection.customresource.Rig.props;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.core.ConnectionErrorGuide;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each event type through the handler: CloudFormation's JSON, read as the Lambda runtime reads it, the SDK clients
 * against the emulator, the answer PUT to a local server standing in for the ResponseURL.
 */
class CustomResourceLifecycleTest {
    private final Rig rig = new Rig();

    @AfterEach
    void close() {
        rig.close();
    }

    /**
     * The one answer for a request: asserted to be exactly one PUT, empty Content-Type, the body's length, the
     * pre-signature untouched, CloudFormation's body.
     */
    private JsonNode answer(final String requestId) {
        assertThat(rig.server.receivedFor(requestId)).as("exactly one answer for " + requestId).hasSize(1);
        final ResponseServer.Received received = rig.server.receivedFor(requestId).get(0);
        assertThat(received.method()).isEqualTo("PUT");
        assertThat(received.contentTypes()).containsExactly("");
        assertThat(received.header("Content-Length"))
            .containsExactly(String.valueOf(received.body().getBytes(StandardCharsets.UTF_8).length));
        assertThat(received.header("Transfer-Encoding")).isEmpty();
        assertThat(received.query()).isEqualTo("X-Amz-Signature=secret-signature");
        final JsonNode body = received.json();
        assertThat(body.path("StackId").asText()).isEqualTo(STACK_ID);
        assertThat(body.path("RequestId").asText()).isEqualTo(requestId);
        assertThat(body.path("LogicalResourceId").asText()).isEqualTo("KeyStoreConnection");
        assertThat(body.path("NoEcho").isBoolean()).isTrue();
        assertThat(body.path("NoEcho").asBoolean()).isFalse();
        assertThat(body.has("Reason")).isTrue();
        assertThat(body.path("Data").isObject()).isTrue();
        return body;
    }

    private OwnershipRecord record(final String id) throws Exception {
        return Rig.JSON.readValue(rig.emulator.parameterValue(OwnershipRecord.parameterName(id)).orElseThrow(),
            OwnershipRecord.class);
    }

    @Test
    void eventIsReadExactlyAsTheLambdaJavaRuntimeReadsIt() throws Exception {
        final String json = rig.event("Update", "req-1", HSM, props(HSM, "CONNECTED", "DISCONNECTED"),
            props(HSM, "DISCONNECTED"));
        final PojoSerializer<CloudFormationCustomResourceEvent> runtime = LambdaEventSerializers.serializerFor(
            CloudFormationCustomResourceEvent.class, getClass().getClassLoader());
        final CloudFormationCustomResourceEvent expected = runtime.fromJson(json);
        final EventCodec.Delivery delivery = EventCodec.read(
            new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)));
        assertThat(delivery.event()).isEqualTo(expected);
        assertThat(delivery.event().getResponseUrl()).startsWith("http://127.0.0.1:");
        assertThat(delivery.event().getOldResourceProperties()).containsEntry("ConnectionState", "DISCONNECTED");
        assertThat(delivery.continuation()).isNull();
    }

    @Test
    void createConnectsClaimsAndAnswersSuccessWithTheAttributes() throws Exception {
        rig.runToEnd(rig.event("Create", "create-1", null, props(HSM, "CONNECTED"), null));

        final JsonNode body = answer("create-1");
        assertThat(body.path("Status").asText()).isEqualTo("SUCCESS");
        assertThat(body.path("PhysicalResourceId").asText()).isEqualTo(HSM);
        assertThat(body.path("Data")).hasSize(4);
        assertThat(body.path("Data").path("CustomKeyStoreName").asText()).isEqualTo("ops-hsm");
        assertThat(body.path("Data").path("CustomKeyStoreType").asText()).isEqualTo("AWS_CLOUDHSM");
        assertThat(body.path("Data").path("ConnectionErrorCode").asText()).isEmpty();
        assertThat(body.path("Data").path("ObservedConnectionState").asText()).isEqualTo("CONNECTED");
        assertThat(rig.emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(rig.emulator.requestCount("ConnectCustomKeyStore")).isEqualTo(1);
        final OwnershipRecord record = record(HSM);
        assertThat(record.stackId()).isEqualTo(STACK_ID);
        assertThat(record.logicalResourceId()).isEqualTo("KeyStoreConnection");
        assertThat(record.clientRequestToken()).isEqualTo("create-1");
        assertThat(record.connectionState()).isEqualTo("CONNECTED");
        assertThat(rig.invoked).as("a 20 s connect fits in one invocation").isEmpty();
        assertThat(rig.sleeps).isNotEmpty();
    }

    @Test
    void updateOfTheSameKeyStoreDrivesItAndRewritesTheRecord() throws Exception {
        rig.runToEnd(rig.event("Create", "create-1", null, props(HSM, "CONNECTED"), null));
        rig.runToEnd(rig.event("Update", "update-1", HSM, props(HSM, "DISCONNECTED", "CONNECTED"),
            props(HSM, "CONNECTED")));

        final JsonNode body = answer("update-1");
        assertThat(body.path("Status").asText()).isEqualTo("SUCCESS");
        assertThat(body.path("PhysicalResourceId").asText()).isEqualTo(HSM);
        assertThat(body.path("Data").path("ObservedConnectionState").asText()).isEqualTo("DISCONNECTED");
        assertThat(rig.emulator.state(HSM)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(record(HSM).connectionState()).isEqualTo("DISCONNECTED");
        assertThat(record(HSM).connectionStateOnDelete()).isEqualTo("CONNECTED");
        assertThat(record(HSM).clientRequestToken()).isEqualTo("update-1");
    }

    @Test
    void updateToAnotherKeyStoreReturnsTheNewIdAndTheOldOneIsDeletedAfterwards() throws Exception {
        rig.runToEnd(rig.event("Create", "create-1", null, props(HSM, "CONNECTED", "DISCONNECTED"), null));
        rig.runToEnd(rig.event("Update", "update-1", HSM, props(XKS, "CONNECTED"),
            props(HSM, "CONNECTED", "DISCONNECTED")));

        final JsonNode updated = answer("update-1");
        assertThat(updated.path("Status").asText()).isEqualTo("SUCCESS");
        assertThat(updated.path("PhysicalResourceId").asText()).isEqualTo(XKS);
        assertThat(updated.path("Data").path("CustomKeyStoreType").asText()).isEqualTo("EXTERNAL_KEY_STORE");
        assertThat(rig.emulator.state(XKS)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(record(XKS).clientRequestToken()).isEqualTo("update-1");
        assertThat(record(HSM).clientRequestToken()).as("the old one stays until CloudFormation deletes it")
            .isEqualTo("create-1");

        // CloudFormation's clean-up: Delete of the old physical id with the old properties.
        rig.runToEnd(rig.event("Delete", "delete-old", HSM, props(HSM, "CONNECTED", "DISCONNECTED"), null));
        assertThat(answer("delete-old").path("Status").asText()).isEqualTo("SUCCESS");
        assertThat(rig.emulator.state(HSM)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(rig.emulator.parameterValue(OwnershipRecord.parameterName(HSM))).isEmpty();
        assertThat(rig.emulator.parameterValue(OwnershipRecord.parameterName(XKS))).isPresent();
    }

    @Test
    void deleteAppliesConnectionStateOnDeleteAndReleasesTheRecord() {
        rig.runToEnd(rig.event("Create", "create-1", null, props(HSM, "CONNECTED", "DISCONNECTED"), null));
        rig.runToEnd(rig.event("Delete", "delete-1", HSM, props(HSM, "CONNECTED", "DISCONNECTED"), null));

        final JsonNode body = answer("delete-1");
        assertThat(body.path("Status").asText()).isEqualTo("SUCCESS");
        assertThat(body.path("PhysicalResourceId").asText()).isEqualTo(HSM);
        assertThat(rig.emulator.state(HSM)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(rig.emulator.parameterValue(OwnershipRecord.parameterName(HSM))).isEmpty();
    }

    @Test
    void deleteWithUnchangedLeavesTheKeyStoreAndTakesOnDeleteFromTheRecordWhenOmitted() {
        rig.runToEnd(rig.event("Create", "create-1", null, props(HSM, "CONNECTED"), null));
        final long calls = rig.mutatingCalls();
        rig.runToEnd(rig.event("Delete", "delete-1", HSM, Map.of("CustomKeyStoreId", HSM), null));

        assertThat(answer("delete-1").path("Status").asText()).isEqualTo("SUCCESS");
        assertThat(rig.mutatingCalls()).isEqualTo(calls);
        assertThat(rig.emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(rig.emulator.parameterValue(OwnershipRecord.parameterName(HSM))).isEmpty();
    }

    @Test
    void deleteOfAKeyStoreDeletedOutOfBandOnlyReleasesTheRecord() {
        rig.runToEnd(rig.event("Create", "create-1", null, props(XKS, "DISCONNECTED", "CONNECTED"), null));
        rig.kms.deleteCustomKeyStore(r -> r.customKeyStoreId(XKS));
        rig.runToEnd(rig.event("Delete", "delete-1", XKS, props(XKS, "DISCONNECTED", "CONNECTED"), null));

        assertThat(answer("delete-1").path("Status").asText()).isEqualTo("SUCCESS");
        assertThat(rig.emulator.parameterValue(OwnershipRecord.parameterName(XKS))).isEmpty();
        assertThat(rig.log).anyMatch(line -> line.contains("key store no longer exists"));
    }

    @Test
    void createWithInvalidPropertiesFailsAndItsDeleteSucceedsAtOnceWithoutTouchingAws() {
        rig.runToEnd(rig.event("Create", "create-1", null, props("ops-hsm", "ON"), null));
        final JsonNode failed = answer("create-1");
        assertThat(failed.path("Status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("Reason").asText()).startsWith("InvalidRequest: ")
            .contains("CustomKeyStoreId 'ops-hsm'", "ConnectionState 'ON' is not allowed");
        final String physicalId = failed.path("PhysicalResourceId").asText();
        assertThat(physicalId).isEqualTo("keyhold-failed-create-1");

        rig.runToEnd(rig.event("Delete", "delete-1", physicalId, props("ops-hsm", "ON"), null));
        assertThat(answer("delete-1").path("Status").asText()).isEqualTo("SUCCESS");
        assertThat(rig.emulator.requestLog().entries()).isEmpty();
    }

    @Test
    void unknownPropertiesAreRefusedNamingTheAllowedOnes() {
        final Map<String, Object> properties = new java.util.HashMap<>(props(HSM, "CONNECTED"));
        properties.put("ConnectionStat", "CONNECTED");
        properties.put("Tags", java.util.List.of("a"));
        properties.put("ServiceTimeout", "600");
        rig.runToEnd(rig.event("Create", "create-1", null, properties, null));
        final JsonNode failed = answer("create-1");
        assertThat(failed.path("Status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("Reason").asText()).contains("Unknown properties ConnectionStat, Tags",
            "CustomKeyStoreId", "ConnectionState and ConnectionStateOnDelete").doesNotContain("ServiceTimeout,");
        assertThat(failed.path("PhysicalResourceId").asText()).isEqualTo(HSM);
    }

    @Test
    void nonStringPropertyIsRefused() {
        final Map<String, Object> properties = Map.of("CustomKeyStoreId", HSM, "ConnectionState",
            Map.of("Ref", "State"));
        rig.runToEnd(rig.event("Create", "create-1", null, properties, null));
        assertThat(answer("create-1").path("Reason").asText()).contains("ConnectionState must be a string, not a map");
    }

    @Test
    void createOfAKeyStoreAnotherStackOwnsFailsAndTheRollbackDeleteLeavesItAlone() throws Exception {
        rig.runToEnd(rig.event("Create", "create-1", null, props(HSM, "CONNECTED"), null));
        final String other = rig.event("Create", "create-2", null, props(HSM, "DISCONNECTED"), null)
            .replace(STACK_ID, Rig.OTHER_STACK_ID);
        rig.runToEnd(other);
        assertThat(rig.server.receivedFor("create-2")).hasSize(1);
        final JsonNode failed = rig.server.receivedFor("create-2").get(0).json();
        assertThat(failed.path("StackId").asText()).isEqualTo(Rig.OTHER_STACK_ID);
        assertThat(failed.path("Status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("Reason").asText()).startsWith("AlreadyExists: ").contains(STACK_ID,
            "KeyStoreConnection", "aws ssm delete-parameter");
        assertThat(failed.path("PhysicalResourceId").asText()).as("names nothing the rollback could delete")
            .isEqualTo(CustomResourceHandler.FAILED_ID_PREFIX + "create-2");
        assertThat(rig.emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);

        final long calls = rig.mutatingCalls();
        rig.runToEnd(rig.event("Delete", "delete-2", HSM, props(HSM, "DISCONNECTED", "DISCONNECTED"), null)
            .replace(STACK_ID, Rig.OTHER_STACK_ID));
        assertThat(rig.server.receivedFor("delete-2").get(0).json().path("Status").asText()).isEqualTo("SUCCESS");
        assertThat(rig.mutatingCalls()).isEqualTo(calls);
        assertThat(record(HSM).stackId()).isEqualTo(STACK_ID);
    }

    @Test
    void createOfAKeyStoreThatDoesNotExistFailsNamingIdAndRegion() {
        rig.runToEnd(rig.event("Create", "create-1", null, props("cks-0000000000000000", "CONNECTED"), null));
        assertThat(answer("create-1").path("Reason").asText()).startsWith("NotFound: ")
            .contains("cks-0000000000000000", "us-east-1");
    }

    @Test
    void failedConnectIsAnsweredFailedNamingTheConnectionErrorCodeWithMeaningAndFix() {
        rig.emulator.faults().failNextConnect(XKS, "XKS_PROXY_NOT_REACHABLE");
        rig.runToEnd(rig.event("Create", "create-1", null, props(XKS, "CONNECTED"), null));

        final JsonNode failed = answer("create-1");
        assertThat(failed.path("Status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("PhysicalResourceId").asText()).isEqualTo(XKS);
        assertThat(failed.path("Reason").asText()).startsWith("NotStabilized: ").contains(XKS,
            "XKS_PROXY_NOT_REACHABLE", ConnectionErrorGuide.XKS_PROXY_NOT_REACHABLE.meaning(true),
            ConnectionErrorGuide.XKS_PROXY_NOT_REACHABLE.fix(true));
        assertThat(rig.emulator.requestCount("ConnectCustomKeyStore")).isEqualTo(1);

        // The rollback's Delete releases the record this create claimed.
        rig.runToEnd(rig.event("Delete", "delete-1", XKS, props(XKS, "CONNECTED"), null));
        assertThat(answer("delete-1").path("Status").asText()).isEqualTo("SUCCESS");
        assertThat(rig.emulator.parameterValue(OwnershipRecord.parameterName(XKS))).isEmpty();
    }

    @Test
    void failedReplacementReleasesTheNewClaimAndKeepsTheOldPhysicalId() {
        rig.runToEnd(rig.event("Create", "create-1", null, props(HSM, "CONNECTED"), null));
        rig.emulator.faults().failNextConnect(XKS, "XKS_PROXY_TIMED_OUT");
        rig.runToEnd(rig.event("Update", "update-1", HSM, props(XKS, "CONNECTED"), props(HSM, "CONNECTED")));

        final JsonNode failed = answer("update-1");
        assertThat(failed.path("Status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("PhysicalResourceId").asText()).isEqualTo(HSM);
        assertThat(rig.emulator.parameterValue(OwnershipRecord.parameterName(XKS))).isEmpty();
        assertThat(rig.emulator.parameterValue(OwnershipRecord.parameterName(HSM))).isPresent();
    }

    @Test
    void updateWithoutRecordIsNotFoundAndUpdateOfAnotherStacksKeyStoreIsRefused() throws Exception {
        rig.runToEnd(rig.event("Update", "update-1", HSM, props(HSM, "CONNECTED"), props(HSM, "DISCONNECTED")));
        assertThat(answer("update-1").path("Reason").asText()).startsWith("NotFound: ")
            .contains(OwnershipRecord.parameterName(HSM));
        assertThat(answer("update-1").path("PhysicalResourceId").asText()).isEqualTo(HSM);

        rig.runToEnd(rig.event("Create", "create-1", null, props(HSM, "CONNECTED"), null)
            .replace(STACK_ID, Rig.OTHER_STACK_ID));
        final long calls = rig.mutatingCalls();
        rig.runToEnd(rig.event("Update", "update-2", HSM, props(HSM, "DISCONNECTED"), props(HSM, "CONNECTED")));
        assertThat(answer("update-2").path("Status").asText()).isEqualTo("FAILED");
        assertThat(answer("update-2").path("Reason").asText()).startsWith("NotFound: ")
            .contains("not this resource's key store", Rig.OTHER_STACK_ID, "Nothing was changed");
        assertThat(rig.emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(rig.mutatingCalls()).as("no KMS change").isEqualTo(calls);
        assertThat(record(HSM).stackId()).isEqualTo(Rig.OTHER_STACK_ID);
        assertThat(record(HSM).clientRequestToken()).isEqualTo("create-1");
    }

    @Test
    void replacementByAKeyStoreAnotherStackOwnsFailsKeepingTheOldIdAndBothRecords() throws Exception {
        rig.runToEnd(rig.event("Create", "create-1", null, props(HSM, "CONNECTED"), null));
        rig.runToEnd(rig.event("Create", "create-2", null, props(XKS, "CONNECTED"), null)
            .replace(STACK_ID, Rig.OTHER_STACK_ID));
        final long calls = rig.mutatingCalls();

        rig.runToEnd(rig.event("Update", "update-1", HSM, props(XKS, "DISCONNECTED"), props(HSM, "CONNECTED")));
        final JsonNode failed = answer("update-1");
        assertThat(failed.path("Reason").asText()).startsWith("AlreadyExists: ").contains(Rig.OTHER_STACK_ID);
        assertThat(failed.path("PhysicalResourceId").asText()).as("the resource is still the old key store")
            .isEqualTo(HSM);
        assertThat(rig.mutatingCalls()).isEqualTo(calls);
        assertThat(rig.emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(rig.emulator.state(XKS)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(record(HSM).stackId()).isEqualTo(STACK_ID);
        assertThat(record(HSM).clientRequestToken()).isEqualTo("create-1");
        assertThat(record(XKS).stackId()).isEqualTo(Rig.OTHER_STACK_ID);
        assertThat(record(XKS).clientRequestToken()).isEqualTo("create-2");
    }

    /** Runs an event for one invocation that must continue later, then, after {@code between}, its continuations. */
    private void runInterrupted(final String event, final Runnable between) {
        rig.invoke(rig.handler(), event, Duration.ofSeconds(62));
        assertThat(rig.continuations).as("the transition continues in a new invocation").hasSize(1);
        between.run();
        while (!rig.continuations.isEmpty()) {
            rig.invoke(rig.handler(), rig.continuations.poll(), Duration.ofMinutes(15));
        }
    }

    /** An operator releases the key store by hand and another stack claims it. */
    private void reclaimByOtherStack(final String id) {
        final String value = String.format("{\"customKeyStoreId\":\"%s\",\"connectionState\":\"CONNECTED\","
            + "\"stackId\":\"%s\",\"logicalResourceId\":\"Other\",\"clientRequestToken\":\"other\"}", id,
            Rig.OTHER_STACK_ID);
        rig.ssm.putParameter(r -> r.name(OwnershipRecord.parameterName(id)).value(value).type("String").overwrite(true));
    }

    @Test
    void updateWhoseRecordChangedHandsMidTransitionDoesNotWriteOverIt() throws Exception {
        rig.runToEnd(rig.event("Create", "create-1", null, props(HSM, "CONNECTED"), null));
        runInterrupted(rig.event("Update", "update-1", HSM, props(HSM, "DISCONNECTED"), props(HSM, "CONNECTED")),
            () -> reclaimByOtherStack(HSM));
        assertThat(answer("update-1").path("Reason").asText()).startsWith("NotFound: ").contains(Rig.OTHER_STACK_ID);
        assertThat(record(HSM).stackId()).isEqualTo(Rig.OTHER_STACK_ID);
        assertThat(record(HSM).clientRequestToken()).isEqualTo("other");
    }

    @Test
    void deleteWhoseRecordChangedHandsMidTransitionDoesNotReleaseIt() throws Exception {
        rig.runToEnd(rig.event("Create", "create-1", null, props(HSM, "CONNECTED"), null));
        runInterrupted(rig.event("Delete", "delete-1", HSM, props(HSM, "CONNECTED", "DISCONNECTED"), null),
            () -> reclaimByOtherStack(HSM));
        final JsonNode deleted = answer("delete-1");
        assertThat(deleted.path("Status").asText()).isEqualTo("SUCCESS");
        assertThat(deleted.path("Reason").asText()).contains("left untouched", Rig.OTHER_STACK_ID);
        assertThat(record(HSM).stackId()).isEqualTo(Rig.OTHER_STACK_ID);
        assertThat(record(HSM).clientRequestToken()).isEqualTo("other");
    }

    @Test
    void deleteWithoutRecordSucceedsAtOnce() {
        rig.runToEnd(rig.event("Delete", "delete-1", HSM, props(HSM, "CONNECTED", "DISCONNECTED"), null));
        assertThat(answer("delete-1").path("Reason").asText()).contains("no ownership record");
        assertThat(rig.mutatingCalls()).isZero();
    }

    @Test
    void deleteWithInvalidOnDeleteFails() {
        rig.runToEnd(rig.event("Create", "create-1", null, props(HSM, "CONNECTED"), null));
        rig.runToEnd(rig.event("Delete", "delete-1", HSM, props(HSM, "CONNECTED", "OFF"), null));
        assertThat(answer("delete-1").path("Reason").asText()).startsWith("InvalidRequest: ")
            .contains("ConnectionStateOnDelete 'OFF'");
    }

    @Test
    void anyCustomTypeAndTheGenericTypeAreHandledButNotOtherTypes() {
        rig.runToEnd(rig.event("Create", "c-1", null, props(HSM, "CONNECTED"), null)
            .replace("Custom::KeyholdConnection", "Custom::Anything"));
        assertThat(answer("c-1").path("Status").asText()).isEqualTo("SUCCESS");
        rig.runToEnd(rig.event("Create", "c-2", null, props(XKS, "CONNECTED"), null)
            .replace("Custom::KeyholdConnection", "AWS::CloudFormation::CustomResource"));
        assertThat(answer("c-2").path("Status").asText()).isEqualTo("SUCCESS");
        rig.runToEnd(rig.event("Create", "c-3", null, props(XKS, "CONNECTED"), null)
            .replace("Custom::KeyholdConnection", "AWS::S3::Bucket"));
        assertThat(answer("c-3").path("Reason").asText()).contains("ResourceType 'AWS::S3::Bucket'");
    }

    @Test
    void unknownRequestTypeAndBadStackIdAreRefused() {
        rig.runToEnd(rig.event("Read", "r-1", HSM, props(HSM, "CONNECTED"), null));
        assertThat(answer("r-1").path("Reason").asText()).contains("RequestType 'Read'");
        rig.runToEnd(rig.event("Create", "c-1", null, props(HSM, "CONNECTED"), null).replace(STACK_ID, "app"));
        final ResponseServer.Received received = rig.server.receivedFor("c-1").get(0);
        assertThat(received.json().path("Reason").asText()).contains("StackId 'app' is not a CloudFormation stack ARN");
    }

    @Test
    void reasonIsTruncatedWithAMarkerToTheConfiguredSize() {
        rig.emulator.faults().failNextConnect(HSM, "USER_LOCKED_OUT");
        rig.invoke(rig.handler(CustomResourceSettings.forTestsWithLocalResponseUrl().withMaxReasonBytes(300)),
            rig.event("Create", "create-1", null, props(HSM, "CONNECTED"), null), java.time.Duration.ofMinutes(15));
        final String reason = answer("create-1").path("Reason").asText();
        assertThat(reason).startsWith("NotStabilized: ").endsWith(CustomResourceResponse.TRUNCATION_MARKER);
        assertThat(reason.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(300);
        assertThat(rig.log).anyMatch(line -> line.contains(ConnectionErrorGuide.USER_LOCKED_OUT.fix(false)));
    }
}
