package com.keyhold.kms.customkeystoreconnection.customresource;

import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads what Lambda delivers: either CloudFormation's event, or a continuation
 * {@code {"keyholdContinuation": {...}, "event": {...}}} that an earlier invocation sent itself. The event is mapped
 * onto aws-lambda-java-events' {@link CloudFormationCustomResourceEvent} with the member names the Lambda Java
 * runtime's serializer uses (its CloudFormationCustomResourceEventMixin): RequestType, ResponseURL, ... A test checks
 * both readers agree.
 */
final class EventCodec {
    static final String CONTINUATION = "keyholdContinuation";
    static final String EVENT = "event";

    private static final ObjectMapper JSON = new ObjectMapper()
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
        .addMixIn(CloudFormationCustomResourceEvent.class, EventMixin.class);

    /** One delivery: the event as CloudFormation wrote it, and the continuation when this is a re-invocation. */
    record Delivery(CloudFormationCustomResourceEvent event, JsonNode rawEvent, Continuation continuation) {
    }

    private EventCodec() {
    }

    static Delivery read(final InputStream input) throws IOException {
        final JsonNode root = JSON.readTree(input);
        if (root == null || !root.isObject()) {
            throw new IOException("the input is not a JSON object");
        }
        if (root.has(CONTINUATION)) {
            final JsonNode event = root.get(EVENT);
            if (event == null || !event.isObject()) {
                throw new IOException("a continuation without its event");
            }
            return new Delivery(JSON.treeToValue(event, CloudFormationCustomResourceEvent.class), event,
                JSON.treeToValue(root.get(CONTINUATION), Continuation.class));
        }
        return new Delivery(JSON.treeToValue(root, CloudFormationCustomResourceEvent.class), root, null);
    }

    /** The next invocation's payload: the original event, unchanged, with the progress so far. */
    static byte[] continuationPayload(final JsonNode rawEvent, final Continuation continuation) {
        final ObjectNode payload = JSON.createObjectNode();
        payload.set(CONTINUATION, JSON.valueToTree(continuation));
        payload.set(EVENT, rawEvent);
        return payload.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** CloudFormation's member names, as the Lambda runtime's serializer maps them. */
    abstract static class EventMixin {
        @JsonProperty("RequestType")
        abstract String getRequestType();

        @JsonProperty("RequestType")
        abstract void setRequestType(String value);

        @JsonProperty("ServiceToken")
        abstract String getServiceToken();

        @JsonProperty("ServiceToken")
        abstract void setServiceToken(String value);

        @JsonProperty("ResponseURL")
        abstract String getResponseUrl();

        @JsonProperty("ResponseURL")
        abstract void setResponseUrl(String value);

        @JsonProperty("StackId")
        abstract String getStackId();

        @JsonProperty("StackId")
        abstract void setStackId(String value);

        @JsonProperty("RequestId")
        abstract String getRequestId();

        @JsonProperty("RequestId")
        abstract void setRequestId(String value);

        @JsonProperty("LogicalResourceId")
        abstract String getLogicalResourceId();

        @JsonProperty("LogicalResourceId")
        abstract void setLogicalResourceId(String value);

        @JsonProperty("PhysicalResourceId")
        abstract String getPhysicalResourceId();

        @JsonProperty("PhysicalResourceId")
        abstract void setPhysicalResourceId(String value);

        @JsonProperty("ResourceType")
        abstract String getResourceType();

        @JsonProperty("ResourceType")
        abstract void setResourceType(String value);

        @JsonProperty("ResourceProperties")
        abstract Map<String, Object> getResourceProperties();

        @JsonProperty("ResourceProperties")
        abstract void setResourceProperties(Map<String, Object> value);

        @JsonProperty("OldResourceProperties")
        abstract Map<String, Object> getOldResourceProperties();

        @JsonProperty("OldResourceProperties")
        abstract void setOldResourceProperties(Map<String, Object> value);
    }
}
