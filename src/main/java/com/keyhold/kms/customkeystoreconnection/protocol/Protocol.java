package com.keyhold.kms.customkeystoreconnection.protocol;

import com.keyhold.kms.customkeystoreconnection.protocol.JsonType.Undeclared;
import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.json.JSONException;
import org.json.JSONObject;
import org.json.JSONStringer;
import org.json.JSONWriter;
import software.amazon.cloudformation.Action;
import software.amazon.cloudformation.proxy.Credentials;
import software.amazon.cloudformation.proxy.ProgressEvent;
import software.amazon.cloudformation.proxy.ResourceHandlerRequest;

/**
 * CloudFormation's resource-provider protocol (version 2.0.0) in JSON: the request CloudFormation sends, the
 * {@code testEntrypoint} payload of the contract tests, the response, and the callback context that travels between
 * invocations, for any resource type: what is particular to a type comes from its {@link ResourceTypeBinding}. Read
 * and written with org.json rather than a data-binding library: a handler starts cold on most invocations, and binding
 * costs more start-up time than the whole protocol is worth (guides/PERFORMANCE.md).
 */
public final class Protocol {
    private static final String COMPRESSED = "__COMPRESSED__";
    private static final String COMPRESSION_METHOD = "__COMPRESSION_METHOD__";
    private static final String GZIP_BASE64 = "gzip_base64";
    private static final Set<Action> VALIDATED = Set.of(Action.CREATE, Action.UPDATE);

    /** One request, as the wrapper and the handlers need it. */
    public record Invocation<M, C>(Action action, String resourceType, Credentials callerCredentials,
                            Credentials providerCredentials, String providerLogGroupName, C callbackContext,
                            ResourceHandlerRequest<M> request) {
        /** CloudFormation sends no callback context with the first invocation of an operation. */
        public boolean first() {
            return callbackContext == null;
        }

        /** The first invocation of a CREATE or UPDATE, whose desired state the plugin's wrapper validates. */
        public boolean validated() {
            return first() && VALIDATED.contains(action);
        }
    }

    private Protocol() {
    }

    /**
     * The request as a JSON object, unpacked when CloudFormation sent it compressed (it does so for large payloads:
     * {@code {"__COMPRESSED__": <base64 of gzip>, "__COMPRESSION_METHOD__": "gzip_base64"}}).
     */
    public static JSONObject parse(final byte[] input) {
        final JSONObject root = object(new String(input, StandardCharsets.UTF_8));
        if (!root.has(COMPRESSED)) {
            return root;
        }
        final String method = root.optString(COMPRESSION_METHOD, GZIP_BASE64);
        if (!GZIP_BASE64.equals(method)) {
            throw invalid("The request is compressed with " + method + "; only " + GZIP_BASE64 + " is supported.");
        }
        try (GZIPInputStream unzipped = new GZIPInputStream(new ByteArrayInputStream(
            Base64.getMimeDecoder().decode(root.getString(COMPRESSED))))) {
            return object(new String(unzipped.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException | IllegalArgumentException | JSONException e) {
            throw invalid("The compressed request cannot be unpacked: " + e.getMessage());
        }
    }

    private static JSONObject object(final String text) {
        try {
            return new JSONObject(text);
        } catch (JSONException e) {
            throw invalid("The request is not a JSON object: " + e.getMessage());
        }
    }

    /**
     * CloudFormation's request. A property name the schema does not declare is refused, with the names it does, only
     * where the plugin's wrapper validates: the desired state of the first CREATE or UPDATE invocation, so a typo in a
     * template never passes silently. Everywhere else it is ignored, as the plugin's deserializer ignores it: a model
     * CloudFormation stored under an earlier schema version may still carry a property a later version removed or
     * renamed, and refusing it would leave READ, drift detection, UPDATE and DELETE failing (stacks stuck in
     * DELETE_FAILED or UPDATE_ROLLBACK_FAILED).
     */
    public static <M, C> Invocation<M, C> invocation(final JSONObject root, final ResourceTypeBinding<M, C> type) {
        final JSONObject data = root.optJSONObject("requestData");
        if (data == null) {
            throw invalid("The request has no requestData object.");
        }
        final Action action = action(root.opt("action"));
        final C callbackContext = callbackContext(root, type.contexts());
        final Undeclared undeclared = callbackContext == null && VALIDATED.contains(action) ? Undeclared.REFUSE
            : Undeclared.IGNORE;
        final String region = optString(root, "region");
        final ResourceHandlerRequest<M> request = ResourceHandlerRequest.<M>builder()
            .clientRequestToken(optString(root, "bearerToken"))
            .desiredResourceState(type.models().read(optObject(data, "resourceProperties"), "resourceProperties",
                undeclared))
            .previousResourceState(type.models().read(optObject(data, "previousResourceProperties"),
                "previousResourceProperties", Undeclared.IGNORE))
            // The plugin merges stack tags with the model's own tags, into a map that is never null. Keyhold's types
            // are not taggable, so the stack's tags are all there is.
            .desiredResourceTags(tagsOrEmpty(data, "stackTags"))
            .previousResourceTags(tagsOrEmpty(data, "previousStackTags"))
            .systemTags(tags(data, "systemTags"))
            .previousSystemTags(tags(data, "previousSystemTags"))
            .awsAccountId(optString(root, "awsAccountId"))
            .awsPartition(region == null ? null : partition(region))
            .logicalResourceIdentifier(optString(data, "logicalResourceId"))
            .nextToken(optString(root, "nextToken"))
            .maxResults(root.has("maxResults") && !root.isNull("maxResults") ? root.getInt("maxResults") : null)
            .region(region)
            .stackId(optString(root, "stackId"))
            .snapshotRequested(optFlag(root, "snapshotRequested"))
            .rollback(optFlag(root, "rollback"))
            .driftable(optFlag(root, "driftable"))
            .features(map(root, "features"))
            .updatePolicy(map(root, "updatePolicy"))
            .creationPolicy(map(root, "creationPolicy"))
            .build();
        return new Invocation<>(action, optString(root, "resourceType"), credentials(data, "callerCredentials"),
            credentials(data, "providerCredentials"), optString(data, "providerLogGroupName"), callbackContext,
            request);
    }

    /**
     * The Region's partition (aws, aws-cn, aws-us-gov, aws-iso...): the SDK's partition metadata regions patterns,
     * first match, else aws. Not the SDK's PartitionMetadata itself: its loader builds the metadata of every region
     * and every service (some 390 classes, about 90 ms of every cold start). ProtocolTest holds this to the SDK's
     * answer for every Region the SDK knows.
     */
    public static String partition(final String region) {
        for (Map.Entry<String, Pattern> partition : PARTITIONS.entrySet()) {
            if (partition.getValue().matcher(region).matches()) {
                return partition.getKey();
            }
        }
        return "aws";
    }

    private static final Map<String, Pattern> PARTITIONS = partitions();

    private static Map<String, Pattern> partitions() {
        final Map<String, Pattern> partitions = new LinkedHashMap<>();
        partitions.put("aws", Pattern.compile("^(us|eu|ap|sa|ca|me|af|il|mx)-\\w+-\\d+$"));
        partitions.put("aws-cn", Pattern.compile("^cn-\\w+-\\d+$"));
        partitions.put("aws-us-gov", Pattern.compile("^us-gov-\\w+-\\d+$"));
        partitions.put("aws-iso", Pattern.compile("^us-iso-\\w+-\\d+$"));
        partitions.put("aws-iso-b", Pattern.compile("^us-isob-\\w+-\\d+$"));
        partitions.put("aws-iso-e", Pattern.compile("^eu-isoe-\\w+-\\d+$"));
        partitions.put("aws-iso-f", Pattern.compile("^us-isof-\\w+-\\d+$"));
        partitions.put("aws-eusc", Pattern.compile("^eusc-(de)-east-\\d+$"));
        return partitions;
    }

    /** The contract tests' payload: {@code credentials}, {@code action}, {@code request}, {@code callbackContext}. */
    public static <M, C> Invocation<M, C> testInvocation(final JSONObject root, final ResourceTypeBinding<M, C> type) {
        final JSONObject request = optObject(root, "request");
        if (request == null) {
            throw invalid("The test payload has no request object.");
        }
        final JSONObject desired = optObject(request, "desiredResourceState");
        final JSONObject previous = optObject(request, "previousResourceState");
        final ResourceHandlerRequest<M> handlerRequest = ResourceHandlerRequest.<M>builder()
            .clientRequestToken(optString(request, "clientRequestToken"))
            // The plugin's test entry point validates nothing and its deserializer ignores undeclared names.
            .desiredResourceState(type.models().read(desired, "desiredResourceState", Undeclared.IGNORE))
            .previousResourceState(type.models().read(previous, "previousResourceState", Undeclared.IGNORE))
            .desiredResourceTags(tags(request, "desiredResourceTags"))
            .previousResourceTags(tags(request, "previousResourceTags"))
            .systemTags(tags(request, "systemTags"))
            .previousSystemTags(tags(request, "previousSystemTags"))
            .awsAccountId(optString(request, "awsAccountId"))
            .awsPartition(optString(request, "awsPartition"))
            .logicalResourceIdentifier(optString(request, "logicalResourceIdentifier"))
            .nextToken(optString(request, "nextToken"))
            .region(optString(request, "region"))
            .stackId(optString(request, "stackId"))
            .build();
        return new Invocation<>(action(root.opt("action")), type.typeName(), credentials(root, "credentials"), null,
            null, callbackContext(root, type.contexts()), handlerRequest);
    }

    /**
     * The response CloudFormation reads. A final answer's model leaves out the schema's {@code writeOnlyProperties}
     * ({@code writeOnly}, each a path of property names below {@code /properties}); an IN_PROGRESS one keeps them, as
     * the plugin's wrapper does, since the next invocation needs the whole model. Members come in the order the
     * plugin's wrapper wrote them (status first), which keeps logs and the executable's output readable.
     */
    public static <M, C> String response(final ProgressEvent<M, C> event, final ResourceTypeBinding<M, C> type,
                                  final List<List<String>> writeOnly) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", event.getStatus().name());
        if (event.getErrorCode() != null) {
            json.put("errorCode", event.getErrorCode().name());
        }
        putIfSet(json, "message", event.getMessage());
        if (event.getCallbackContext() != null) {
            json.put("callbackContext", type.contexts().write(event.getCallbackContext()));
        }
        json.put("callbackDelaySeconds", event.getCallbackDelaySeconds());
        if (event.getResourceModel() != null) {
            json.put("resourceModel", model(type.models(), event.getResourceModel(),
                event.isInProgress() ? List.of() : writeOnly));
        }
        if (event.getResourceModels() != null) {
            // The plugin strips only resourceModel; a LIST answer is final too, and must not disclose secrets either.
            json.put("resourceModels", event.getResourceModels().stream()
                .map(listed -> model(type.models(), listed, writeOnly)).toList());
        }
        putIfSet(json, "nextToken", event.getNextToken());
        return write(new JSONStringer(), json).toString();
    }

    private static <M> Map<String, Object> model(final ModelCodec<M> codec, final M model,
                                                 final List<List<String>> writeOnly) {
        final Map<String, Object> json = codec.write(model);
        writeOnly.forEach(path -> remove(json, path));
        return json;
    }

    /**
     * Removes the member a path of property names leads to, at any depth; {@code *} steps into every element of an
     * array. A path that leads nowhere in this model (an unset property, a value of another shape) removes nothing.
     */
    public static void remove(final Object node, final List<String> path) {
        if (path.isEmpty()) {
            return;
        }
        final String step = path.get(0);
        final List<String> rest = path.subList(1, path.size());
        if (node instanceof List<?> list && "*".equals(step)) {
            list.forEach(element -> remove(element, rest));
        } else if (node instanceof Map<?, ?> map) {
            if (rest.isEmpty()) {
                map.remove(step);
            } else {
                remove(map.get(step), rest);
            }
        }
    }

    /** Maps and lists as JSON objects and arrays, keeping the maps' order (org.json's own objects do not). */
    private static JSONWriter write(final JSONWriter writer, final Object value) {
        if (value instanceof Map<?, ?> map) {
            writer.object();
            map.forEach((key, member) -> write(writer.key(String.valueOf(key)), member));
            return writer.endObject();
        }
        if (value instanceof List<?> list) {
            writer.array();
            list.forEach(element -> write(writer, element));
            return writer.endArray();
        }
        return writer.value(value);
    }

    /**
     * The property names a schema pointer such as {@code /properties/Credential/Secret} leads through, unescaped as
     * JSON pointers are ({@code ~1} is '/', {@code ~0} is '~').
     *
     * @throws IllegalStateException for a pointer outside {@code /properties}: the schema itself is wrong
     */
    public static List<String> propertyPath(final String pointer) {
        final String prefix = "/properties/";
        if (!pointer.startsWith(prefix) || pointer.length() == prefix.length()) {
            throw new IllegalStateException("schema pointer " + pointer + " does not name a property");
        }
        return Arrays.stream(pointer.substring(prefix.length()).split("/", -1))
            .map(token -> token.replace("~1", "/").replace("~0", "~")).toList();
    }

    private static void putIfSet(final Map<String, Object> json, final String name, final Object value) {
        if (value != null) {
            json.put(name, value);
        }
    }

    private static <C> C callbackContext(final JSONObject root, final ContextCodec<C> codec) {
        if (!root.has("callbackContext") || root.isNull("callbackContext")) {
            return null;
        }
        final JSONObject json = optObject(root, "callbackContext");
        if (json == null) {
            throw invalid("The callbackContext is not a JSON object.");
        }
        try {
            return codec.read(json);
        } catch (IllegalArgumentException e) {
            // Never restart a transition from scratch on a context that cannot be read: that could repeat a call.
            throw new KeyholdFailureException(FailureKind.InternalFailure, "The callback context cannot be read ("
                + e.getMessage() + "). It was not written by this version of Keyhold; retry the stack operation.");
        }
    }

    private static Action action(final Object value) {
        if (value instanceof String) {
            for (Action action : Action.values()) {
                if (action.name().equals(value)) {
                    return action;
                }
            }
        }
        throw invalid(String.format("The request's action %s is not one of %s.", value,
            List.of(Action.CREATE, Action.READ, Action.UPDATE, Action.DELETE, Action.LIST)));
    }

    private static Credentials credentials(final JSONObject parent, final String name) {
        final JSONObject json = optObject(parent, name);
        return json == null ? null : new Credentials(optString(json, "accessKeyId"), optString(json, "secretAccessKey"),
            optString(json, "sessionToken"));
    }

    private static Map<String, String> tags(final JSONObject parent, final String name) {
        final JSONObject json = optObject(parent, name);
        if (json == null) {
            return null;
        }
        final Map<String, String> tags = new HashMap<>();
        json.keySet().forEach(key -> tags.put(key, json.isNull(key) ? null : String.valueOf(json.get(key))));
        return tags;
    }

    /** Tags as the plugin's wrapper hands them to handlers: an empty map when CloudFormation sent none. */
    private static Map<String, String> tagsOrEmpty(final JSONObject parent, final String name) {
        final Map<String, String> tags = tags(parent, name);
        return tags == null ? new HashMap<>() : tags;
    }

    private static Map<String, Object> map(final JSONObject parent, final String name) {
        final JSONObject json = optObject(parent, name);
        return json == null ? null : json.toMap();
    }

    private static Boolean optFlag(final JSONObject parent, final String name) {
        return parent.has(name) && !parent.isNull(name) ? parent.getBoolean(name) : null;
    }

    /** The member as an object; null when absent or null; InvalidRequest when it is something else. */
    private static JSONObject optObject(final JSONObject parent, final String name) {
        if (!parent.has(name) || parent.isNull(name)) {
            return null;
        }
        final JSONObject value = parent.optJSONObject(name);
        if (value == null) {
            throw invalid(String.format("%s must be a JSON object; got %s.", name, parent.get(name)));
        }
        return value;
    }

    private static String optString(final JSONObject parent, final String name) {
        return parent.has(name) && !parent.isNull(name) ? String.valueOf(parent.get(name)) : null;
    }

    private static KeyholdFailureException invalid(final String message) {
        return new KeyholdFailureException(FailureKind.InvalidRequest, message);
    }
}
