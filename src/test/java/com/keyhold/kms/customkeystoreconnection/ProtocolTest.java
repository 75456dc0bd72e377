package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.protocol.Protocol;
import com.keyhold.kms.customkeystoreconnection.protocol.ResourceTypeBinding;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.keyhold.kms.customkeystoreconnection.protocol.Protocol.Invocation;
import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import com.keyhold.kms.customkeystoreconnection.core.KmsConnectionState;
import com.keyhold.kms.customkeystoreconnection.core.Progress;
import com.keyhold.kms.customkeystoreconnection.core.TargetState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.cloudformation.Action;
import software.amazon.cloudformation.proxy.HandlerErrorCode;
import software.amazon.cloudformation.proxy.ProgressEvent;
import software.amazon.cloudformation.proxy.ResourceHandlerRequest;

class ProtocolTest {
    /** The connection type's binding; these tests call no handler and read no schema. */
    private static final ResourceTypeBinding<ResourceModel, CallbackContext> TYPE = HandlerWrapper.binding(Map.of(),
        JSONObject::new);
    private static final String REQUEST = """
        {"awsAccountId": "123456789012", "bearerToken": "token-1", "region": "eu-west-1", "action": "UPDATE",
         "resourceType": "Keyhold::KMS::CustomKeyStoreConnection", "resourceTypeVersion": "00000001",
         "stackId": "arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1", "nextToken": "n-1", "maxResults": 5,
         "snapshotRequested": false, "rollback": true, "driftable": true, "features": {"f": 1},
         "updatePolicy": {"u": "v"}, "creationPolicy": null, "unknownFutureMember": {"x": 1},
         "requestData": {
           "callerCredentials": {"accessKeyId": "AK", "secretAccessKey": "SK", "sessionToken": "ST"},
           "providerCredentials": {"accessKeyId": "PAK", "secretAccessKey": "PSK", "sessionToken": "PST"},
           "providerLogGroupName": "keyhold-logs", "logicalResourceId": "Conn",
           "resourceProperties": {"CustomKeyStoreId": "cks-1", "ConnectionState": "CONNECTED"},
           "previousResourceProperties": {"CustomKeyStoreId": "cks-1", "ConnectionState": "DISCONNECTED",
                                          "ObservedConnectionState": "DISCONNECTED"},
           "stackTags": {"team": "crypto"}, "previousStackTags": {"team": "old"},
           "systemTags": {"aws:cloudformation:stack-name": "s"}, "previousSystemTags": null},
         "callbackContext": null}""";

    private static KeyholdFailureException failure(final ThrowingCallable call) {
        final Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).isInstanceOf(KeyholdFailureException.class);
        return (KeyholdFailureException) thrown;
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsEveryMemberTheHandlersUse() {
        final Invocation<ResourceModel, CallbackContext> invocation =
            Protocol.invocation(Protocol.parse(bytes(REQUEST)), TYPE);
        assertThat(invocation.action()).isEqualTo(Action.UPDATE);
        assertThat(invocation.first()).isTrue();
        assertThat(invocation.resourceType()).isEqualTo(ResourceModel.TYPE_NAME);
        assertThat(invocation.callerCredentials().getSessionToken()).isEqualTo("ST");
        assertThat(invocation.providerCredentials().getAccessKeyId()).isEqualTo("PAK");
        assertThat(invocation.providerLogGroupName()).isEqualTo("keyhold-logs");
        final ResourceHandlerRequest<ResourceModel> request = invocation.request();
        assertThat(request.getClientRequestToken()).isEqualTo("token-1");
        assertThat(request.getDesiredResourceState())
            .isEqualTo(ResourceModel.builder().customKeyStoreId("cks-1").connectionState("CONNECTED").build());
        assertThat(request.getPreviousResourceState().getObservedConnectionState()).isEqualTo("DISCONNECTED");
        assertThat(request.getDesiredResourceTags()).containsExactly(Map.entry("team", "crypto"));
        assertThat(request.getPreviousResourceTags()).containsExactly(Map.entry("team", "old"));
        assertThat(request.getSystemTags()).containsKey("aws:cloudformation:stack-name");
        assertThat(request.getPreviousSystemTags()).isNull();
        assertThat(request.getAwsAccountId()).isEqualTo("123456789012");
        assertThat(request.getLogicalResourceIdentifier()).isEqualTo("Conn");
        assertThat(request.getNextToken()).isEqualTo("n-1");
        assertThat(request.getMaxResults()).isEqualTo(5);
        assertThat(request.getRegion()).isEqualTo("eu-west-1");
        assertThat(request.getAwsPartition()).isEqualTo("aws");
        assertThat(request.getStackId()).endsWith("stack/s/1");
        assertThat(request.getSnapshotRequested()).isFalse();
        assertThat(request.getRollback()).isTrue();
        assertThat(request.getDriftable()).isTrue();
        assertThat(request.getFeatures()).containsEntry("f", 1);
        assertThat(request.getUpdatePolicy()).containsEntry("u", "v");
        assertThat(request.getCreationPolicy()).isNull();
    }

    @Test
    void aCompressedRequestIsUnpacked() throws IOException {
        final ByteArrayOutputStream zipped = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(zipped)) {
            gzip.write(bytes(REQUEST));
        }
        final JSONObject envelope = new JSONObject()
            .put("__COMPRESSED__", Base64.getEncoder().encodeToString(zipped.toByteArray()))
            .put("__COMPRESSION_METHOD__", "gzip_base64");
        assertThat(Protocol.parse(bytes(envelope.toString())).similar(new JSONObject(REQUEST))).isTrue();
    }

    @Test
    void unreadableRequestsAreInvalidAndSayWhy() {
        assertThat(failure(() -> Protocol.parse(bytes("{\"action\": "))).getMessage())
            .startsWith("The request is not a JSON object");
        assertThat(failure(() -> Protocol.parse(bytes("[1]"))).failure().kind()).isEqualTo(FailureKind.InvalidRequest);
        assertThat(failure(() -> Protocol.parse(bytes("{\"__COMPRESSED__\": \"x\", \"__COMPRESSION_METHOD__\": "
            + "\"zstd\"}"))).getMessage()).contains("zstd", "only gzip_base64");
        assertThat(failure(() -> Protocol.parse(bytes("{\"__COMPRESSED__\": \"bm90IGd6aXA=\"}"))).getMessage())
            .startsWith("The compressed request cannot be unpacked");
    }

    @Test
    void malformedMembersAreInvalidRequestsNamingTheMember() {
        assertThat(failure(() -> Protocol.invocation(new JSONObject("{\"action\": \"READ\"}"), TYPE)).getMessage())
            .isEqualTo("The request has no requestData object.");
        final KeyholdFailureException notAnObject = failure(() -> Protocol.invocation(new JSONObject(
            "{\"action\": \"READ\", \"requestData\": {\"resourceProperties\": \"cks-1\"}}"), TYPE));
        assertThat(notAnObject.failure().kind()).isEqualTo(FailureKind.InvalidRequest);
        assertThat(notAnObject.getMessage()).isEqualTo("resourceProperties must be a JSON object; got cks-1.");
        assertThat(failure(() -> Protocol.invocation(new JSONObject(
            "{\"action\": \"EXPLODE\", \"requestData\": {}}"), TYPE)).getMessage())
            .isEqualTo("The request's action EXPLODE is not one of [CREATE, READ, UPDATE, DELETE, LIST].");
        assertThat(failure(() -> Protocol.invocation(new JSONObject("{\"requestData\": {}}"), TYPE)).getMessage())
            .contains("action null is not one of");
    }

    @Test
    void anUndeclaredPropertyIsRefusedOnlyInTheDesiredStateOfAFirstCreateOrUpdate() {
        final String misspelt = "{\"CustomKeyStoreID\": \"cks-1\", \"CustomKeyStoreId\": \"cks-1\"}";
        for (String action : List.of("CREATE", "UPDATE")) {
            assertThat(failure(() -> Protocol.invocation(new JSONObject("{\"action\": \"" + action + "\", "
                + "\"requestData\": {\"resourceProperties\": " + misspelt + "}}"), TYPE)).getMessage())
                .contains("resourceProperties has an unknown property CustomKeyStoreID", "declares CustomKeyStoreId");
        }
        final ResourceModel read = ResourceModel.builder().customKeyStoreId("cks-1").build();
        for (String action : List.of("READ", "DELETE", "LIST")) {
            assertThat(Protocol.invocation(new JSONObject("{\"action\": \"" + action + "\", \"requestData\": "
                + "{\"resourceProperties\": " + misspelt + "}}"), TYPE).request().getDesiredResourceState()).as(action)
                .isEqualTo(read);
        }
        final Invocation<ResourceModel, CallbackContext> callback = Protocol.invocation(new JSONObject(
            "{\"action\": \"UPDATE\", \"callbackContext\": {}, \"requestData\": {\"resourceProperties\": "
            + misspelt + ", \"previousResourceProperties\": " + misspelt + "}}"), TYPE);
        assertThat(callback.request().getDesiredResourceState()).isEqualTo(read);
        assertThat(callback.request().getPreviousResourceState()).isEqualTo(read);
        assertThat(Protocol.invocation(new JSONObject("{\"action\": \"UPDATE\", \"requestData\": {"
            + "\"resourceProperties\": {\"CustomKeyStoreId\": \"cks-1\"}, \"previousResourceProperties\": " + misspelt
            + "}}"), TYPE).request().getPreviousResourceState()).as("the previous state is never validated")
            .isEqualTo(read);
    }

    @Test
    void thePartitionComesFromTheRegionAsThePluginDerivesIt() {
        assertThat(Map.of("us-east-1", "aws", "cn-northwest-1", "aws-cn", "us-gov-west-1", "aws-us-gov",
            "us-iso-east-1", "aws-iso", "us-isob-east-1", "aws-iso-b", "eu-isoe-west-1", "aws-iso-e"))
            .allSatisfy((region, partition) -> assertThat(Protocol.partition(region)).as(region).isEqualTo(partition));
        // The same answer as the SDK's partition metadata for every Region it knows, and for Regions it does not yet.
        final List<String> regions = new ArrayList<>(Region.regions().stream().map(Region::id).toList());
        regions.addAll(List.of("us-gov-north-9", "cn-south-7", "eusc-de-east-2", "us-isof-east-9", "ap-mars-1",
            "mars-1", "aws-global", "us-gov-west-1-fips", "fips-us-gov-west-1", "xx-unknown-1"));
        assertThat(regions).hasSizeGreaterThan(60).allSatisfy(region -> assertThat(Protocol.partition(region))
            .as(region).isEqualTo(PartitionMetadata.of(Region.of(region)).id()));
        final ResourceHandlerRequest<ResourceModel> request = Protocol.invocation(new JSONObject(
            "{\"action\": \"LIST\", \"region\": \"cn-north-1\", \"requestData\": {}}"), TYPE).request();
        assertThat(request.getAwsPartition()).isEqualTo("aws-cn");
        assertThat(request.getDesiredResourceTags()).as("the plugin gives {}, never null").isEmpty();
        assertThat(request.getPreviousResourceTags()).isEmpty();
        assertThat(request.getSystemTags()).as("passed on as sent").isNull();
    }

    @Test
    void theCallbackContextSurvivesTheRoundTrip() {
        final CallbackContext context = new CallbackContext();
        final Progress progress = Progress.start(TargetState.CONNECTED, Instant.parse("2026-11-28T10:00:00Z"));
        progress.observe(KmsConnectionState.CONNECTING, Instant.parse("2026-11-28T10:00:05Z"));
        progress.setCalls(1);
        progress.setLastCall("CONNECT");
        context.setProgress(progress);
        context.setPreconditionsChecked(true);
        context.setOwnershipClaimed(true);
        context.setNextPollSeconds(15);
        context.setStatusMessage("cks-1: CONNECTING for 5s");
        final String response = Protocol.response(ProgressEvent.defaultInProgressHandler(context, 15,
            ResourceModel.builder().customKeyStoreId("cks-1").build()), TYPE, List.of());

        final JSONObject next = new JSONObject(REQUEST).put("callbackContext",
            new JSONObject(response).getJSONObject("callbackContext"));
        final CallbackContext read = Protocol.invocation(next, TYPE).callbackContext();
        assertThat(read.getProgress().toMap()).isEqualTo(progress.toMap());
        assertThat(read.isPreconditionsChecked()).isTrue();
        assertThat(read.isOwnershipClaimed()).isTrue();
        assertThat(read.getNextPollSeconds()).isEqualTo(15);
        assertThat(read.getStatusMessage()).isEqualTo("cks-1: CONNECTING for 5s");
        assertThat(Protocol.invocation(next, TYPE).first()).isFalse();
    }

    @Test
    void aContextWrittenByThePluginsSerializerIsStillRead() {
        // What Keyhold's earlier wrapper (the plugin's Jackson serializer) wrote, call-graph memo included.
        final JSONObject request = new JSONObject(REQUEST).put("callbackContext", new JSONObject("""
            {"callGraphs": {"keyhold-kms::drive-to-CONNECTED.request":
                ["com.keyhold.kms.customkeystoreconnection.ResourceModel", {"CustomKeyStoreId": "cks-1"}]},
             "progress": {"target": "CONNECTED", "startedAtMillis": 1764324000000, "observedState": null,
                          "observedSinceMillis": 0, "lastCall": null, "lastCallAtMillis": 0, "stateAtLastCall": null,
                          "movedSinceLastCall": false, "calls": 0, "reissued": false, "recovering": false,
                          "transientFailures": 2},
             "preconditionsChecked": true, "ownershipClaimed": false, "nextPollSeconds": 5}"""));
        final CallbackContext context = Protocol.invocation(request, TYPE).callbackContext();
        assertThat(context.getProgress().getTarget()).isEqualTo(TargetState.CONNECTED);
        assertThat(context.getProgress().getTransientFailures()).isEqualTo(2);
        assertThat(context.getProgress().getObservedState()).isNull();
        assertThat(context.isPreconditionsChecked()).isTrue();
        assertThat(context.getStatusMessage()).isNull();
    }

    @Test
    void aContextThatCannotBeReadStopsTheOperationInsteadOfStartingOver() {
        final KeyholdFailureException unreadable = failure(() -> Protocol.invocation(new JSONObject(REQUEST)
            .put("callbackContext", new JSONObject("{\"progress\": {\"target\": \"SIDEWAYS\"}}")), TYPE));
        assertThat(unreadable.failure().kind()).isEqualTo(FailureKind.InternalFailure);
        assertThat(unreadable.getMessage()).contains("SIDEWAYS", "retry the stack operation");
        assertThat(failure(() -> Protocol.invocation(new JSONObject(REQUEST).put("callbackContext", "later"), TYPE))
            .getMessage()).isEqualTo("callbackContext must be a JSON object; got later.");
    }

    @Test
    void responsesKeepThePluginsMemberOrderAndLeaveOutWhatIsUnset() {
        final ProgressEvent<ResourceModel, CallbackContext> failed = ProgressEvent.failed(null, null,
            HandlerErrorCode.NotFound, "gone");
        assertThat(Protocol.response(failed, TYPE, List.of()))
            .isEqualTo("{\"status\":\"FAILED\",\"errorCode\":\"NotFound\",\"message\":\"gone\",\"callbackDelaySeconds\":0}");

        final ResourceModel model = ResourceModel.builder().customKeyStoreId("cks-1").connectionState("CONNECTED")
            .observedConnectionState("CONNECTED").build();
        final ProgressEvent<ResourceModel, CallbackContext> listed = ProgressEvent.<ResourceModel, CallbackContext>builder()
            .status(software.amazon.cloudformation.proxy.OperationStatus.SUCCESS).resourceModels(List.of(model))
            .nextToken("next").build();
        assertThat(Protocol.response(listed, TYPE, List.of())).isEqualTo("{\"status\":\"SUCCESS\",\"callbackDelaySeconds\":0,"
            + "\"resourceModels\":[{\"CustomKeyStoreId\":\"cks-1\",\"ConnectionState\":\"CONNECTED\","
            + "\"ObservedConnectionState\":\"CONNECTED\"}],\"nextToken\":\"next\"}");

        final JSONObject stripped = new JSONObject(Protocol.response(ProgressEvent.defaultSuccessHandler(model), TYPE,
            List.of(List.of("ObservedConnectionState"))));
        assertThat(stripped.getJSONObject("resourceModel").keySet())
            .containsExactlyInAnyOrder("CustomKeyStoreId", "ConnectionState");
    }

    @Test
    void theTestPayloadOfTheContractTestsIsRead() {
        final Invocation<ResourceModel, CallbackContext> invocation = Protocol.testInvocation(new JSONObject("""
            {"credentials": {"accessKeyId": "AK", "secretAccessKey": "SK", "sessionToken": "ST"}, "action": "DELETE",
             "request": {"clientRequestToken": "t", "desiredResourceState": {"CustomKeyStoreId": "cks-1"},
                         "previousResourceState": {"CustomKeyStoreId": "cks-1", "ConnectionState": "CONNECTED"},
                         "logicalResourceIdentifier": "L", "region": "us-east-1", "awsAccountId": "1",
                         "awsPartition": "aws", "stackId": "s", "nextToken": null},
             "callbackContext": null}"""), TYPE);
        assertThat(invocation.action()).isEqualTo(Action.DELETE);
        assertThat(invocation.callerCredentials().getAccessKeyId()).isEqualTo("AK");
        assertThat(invocation.request().getPreviousResourceState().getConnectionState()).isEqualTo("CONNECTED");
        assertThat(invocation.request().getAwsPartition()).isEqualTo("aws");
        assertThat(invocation.request().getNextToken()).isNull();
        assertThat(failure(() -> Protocol.testInvocation(new JSONObject("{\"action\": \"READ\"}"), TYPE)).getMessage())
            .isEqualTo("The test payload has no request object.");
    }

    @Test
    void writeOnlyPointersArePathsOfPropertyNames() {
        assertThat(Protocol.propertyPath("/properties/Secret")).containsExactly("Secret");
        assertThat(Protocol.propertyPath("/properties/XksProxyAuthenticationCredential/RawSecretAccessKey"))
            .containsExactly("XksProxyAuthenticationCredential", "RawSecretAccessKey");
        assertThat(Protocol.propertyPath("/properties/a~1b/c~0d")).containsExactly("a/b", "c~d");
        assertThatThrownBy(() -> Protocol.propertyPath("/definitions/X")).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("/definitions/X");
        assertThatThrownBy(() -> Protocol.propertyPath("/properties/")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void writeOnlyMembersAreRemovedAtAnyDepth() {
        final Map<String, Object> model = new JSONObject("""
            {"Name": "n", "XksProxyAuthenticationCredential": {"AccessKeyId": "AK", "RawSecretAccessKey": "secret"},
             "Keys": [{"Id": 1, "Secret": "s1"}, {"Id": 2}, "not an object"], "Plain": "p"}""").toMap();
        for (String pointer : List.of("/properties/XksProxyAuthenticationCredential/RawSecretAccessKey",
            "/properties/Keys/*/Secret", "/properties/Plain", "/properties/Unset/Deeper", "/properties/Name/Deeper")) {
            Protocol.remove(model, Protocol.propertyPath(pointer));
        }
        assertThat(new JSONObject(model).similar(new JSONObject("""
            {"Name": "n", "XksProxyAuthenticationCredential": {"AccessKeyId": "AK"},
             "Keys": [{"Id": 1}, {"Id": 2}, "not an object"]}"""))).isTrue();
    }
}
