package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.protocol.TypeEntryPoints;
import com.keyhold.kms.customkeystoreconnection.protocol.ResourceTypeBinding;
import com.keyhold.kms.customkeystoreconnection.protocol.ModelCodec;
import com.keyhold.kms.customkeystoreconnection.protocol.JsonType;
import com.keyhold.kms.customkeystoreconnection.protocol.ContextCodec;
import com.keyhold.kms.customkeystoreconnection.protocol.TempDirectoryGuard;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import com.keyhold.kms.customkeystoreconnection.protocol.LocalLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import software.amazon.cloudformation.Action;
import software.amazon.cloudformation.proxy.ProgressEvent;
import software.amazon.cloudformation.proxy.ResourceHandlerRequest;

/**
 * A second resource type bound to the same protocol code: typed and nested properties, its own callback context, a
 * nested write-only property, real request JSON in and the response JSON out. No Keyhold type class is involved.
 */
class SecondTypeBindingTest {
    /** A model with the shapes the key store type needs. */
    static final class Store {
        String name;
        Integer port;
        Boolean enabled;
        Credential credential;
        List<String> zones;
    }

    static final class Credential {
        String accessKeyId;
        String rawSecretAccessKey;
    }

    static final class Steps {
        int done;
    }

    private static final ModelCodec<Credential> CREDENTIAL = ModelCodec.builder("Credential", Credential::new)
        .string("AccessKeyId", c -> c.accessKeyId, (c, v) -> c.accessKeyId = v)
        .string("RawSecretAccessKey", c -> c.rawSecretAccessKey, (c, v) -> c.rawSecretAccessKey = v)
        .build();

    private static final ModelCodec<Store> STORE = ModelCodec.builder("Keyhold::Test::Store", Store::new)
        .string("Name", s -> s.name, (s, v) -> s.name = v)
        .property("Port", JsonType.INTEGER, s -> s.port, (s, v) -> s.port = v)
        .property("Enabled", JsonType.BOOLEAN, s -> s.enabled, (s, v) -> s.enabled = v)
        .property("Credential", CREDENTIAL, s -> s.credential, (s, v) -> s.credential = v)
        .property("Zones", JsonType.listOf(JsonType.STRING), s -> s.zones, (s, v) -> s.zones = v)
        .build();

    private static final ContextCodec<Steps> STEPS = new ContextCodec<>() {
        @Override
        public Steps read(final JSONObject json) {
            final Steps steps = new Steps();
            steps.done = json.getInt("done");
            return steps;
        }

        @Override
        public Map<String, Object> write(final Steps context) {
            return Map.of("done", context.done);
        }
    };

    private static final JSONObject SCHEMA = new JSONObject("""
        {"typeName": "Keyhold::Test::Store",
         "properties": {"Name": {"type": "string"}, "Port": {"type": "integer"}, "Enabled": {"type": "boolean"},
                        "Credential": {"type": "object", "additionalProperties": false,
                                       "properties": {"AccessKeyId": {"type": "string"},
                                                      "RawSecretAccessKey": {"type": "string"}}},
                        "Zones": {"type": "array", "items": {"type": "string"}}},
         "additionalProperties": false, "required": ["Name"],
         "writeOnlyProperties": ["/properties/Credential/RawSecretAccessKey"],
         "primaryIdentifier": ["/properties/Name"]}""");

    private final List<ResourceHandlerRequest<Store>> seen = new ArrayList<>();
    private final List<String> log = new ArrayList<>();

    /** CREATE takes two invocations; READ answers the model it was given. */
    private final TypeEntryPoints<Store, Steps> entryPoints = new TypeEntryPoints<>(new ResourceTypeBinding<>(
        "Keyhold::Test::Store", () -> SCHEMA, STORE, STEPS, request -> null, Map.of(
            Action.CREATE, (proxy, request, context, logger) -> {
                seen.add(request);
                if (context == null) {
                    final Steps steps = new Steps();
                    steps.done = 1;
                    return ProgressEvent.defaultInProgressHandler(steps, 3, request.getDesiredResourceState());
                }
                return ProgressEvent.defaultSuccessHandler(request.getDesiredResourceState());
            },
            Action.READ, (proxy, request, context, logger) -> {
                seen.add(request);
                return ProgressEvent.defaultSuccessHandler(request.getDesiredResourceState());
            })), TempDirectoryGuard.never());

    private JSONObject invoke(final JSONObject request) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final Clock clock = Clock.systemUTC();
        entryPoints.handleRequest(new ByteArrayInputStream(request.toString().getBytes(StandardCharsets.UTF_8)), out,
            new LocalLambdaContext("second-type", null, clock, clock.instant().plusSeconds(60), log::add));
        return new JSONObject(out.toString(StandardCharsets.UTF_8));
    }

    private static JSONObject request(final String action, final String properties) {
        final JSONObject request = new JSONObject("""
            {"awsAccountId": "123456789012", "region": "eu-central-1", "resourceType": "Keyhold::Test::Store",
             "requestData": {"callerCredentials": {"accessKeyId": "AK", "secretAccessKey": "SK", "sessionToken": "ST"},
                             "logicalResourceId": "Store"},
             "callbackContext": null}""").put("action", action);
        request.getJSONObject("requestData").put("resourceProperties", new JSONObject(properties));
        return request;
    }

    @Test
    void aSecondTypeRunsItsOperationWithTypedAndNestedPropertiesAndItsOwnContext() throws IOException {
        final JSONObject create = request("CREATE", """
            {"Name": "xks", "Port": "8443", "Enabled": "true", "Zones": ["a", "b"],
             "Credential": {"AccessKeyId": "AKID", "RawSecretAccessKey": "s3cret"}}""");
        final JSONObject first = invoke(create);
        assertThat(first.getString("status")).isEqualTo("IN_PROGRESS");
        assertThat(first.getJSONObject("callbackContext").toMap()).isEqualTo(Map.of("done", 1));
        assertThat(first.getJSONObject("resourceModel").getJSONObject("Credential").getString("RawSecretAccessKey"))
            .as("the next invocation needs it").isEqualTo("s3cret");
        final Store read = seen.get(0).getDesiredResourceState();
        assertThat(read.port).as("CloudFormation may send an integer as a string").isEqualTo(8443);
        assertThat(read.enabled).isTrue();
        assertThat(read.zones).containsExactly("a", "b");
        assertThat(read.credential.accessKeyId).isEqualTo("AKID");
        assertThat(seen.get(0).getAwsPartition()).isEqualTo("aws");

        final JSONObject last = invoke(create.put("callbackContext", first.getJSONObject("callbackContext")));
        assertThat(last.getString("status")).isEqualTo("SUCCESS");
        assertThat(last.getJSONObject("resourceModel").toMap()).isEqualTo(Map.of("Name", "xks", "Port", 8443,
            "Enabled", true, "Credential", Map.of("AccessKeyId", "AKID"), "Zones", List.of("a", "b")));
    }

    @Test
    void aFirstCreateValidatesNestedObjectsStrictlyAndOtherActionsIgnoreWhatTheyDoNotKnow() throws IOException {
        final String stale = """
            {"Name": "xks", "Credential": {"AccessKeyId": "AKID", "RetiredMember": "x"}, "RetiredProperty": 1}""";
        final JSONObject refused = invoke(request("CREATE", stale));
        assertThat(refused.getString("errorCode")).isEqualTo("InvalidRequest");
        assertThat(refused.getString("message")).isEqualTo("Credential in resourceProperties has an unknown property "
            + "RetiredMember. Credential declares AccessKeyId, RawSecretAccessKey.");
        final JSONObject typed = invoke(request("CREATE", "{\"Name\": \"xks\", \"Port\": \"eighty\"}"));
        assertThat(typed.getString("message")).isEqualTo("Port in resourceProperties must be an integer; got eighty.");
        final JSONObject schema = invoke(request("CREATE", "{\"Port\": 80}"));
        assertThat(schema.getString("message")).startsWith("Model validation failed").contains("Name");
        assertThat(seen).isEmpty();

        final JSONObject read = invoke(request("READ", stale));
        assertThat(read.getString("status")).isEqualTo("SUCCESS");
        assertThat(read.getJSONObject("resourceModel").toMap()).isEqualTo(Map.of("Name", "xks",
            "Credential", Map.of("AccessKeyId", "AKID")));
    }

    @Test
    void anActionTheTypeDoesNotBindIsRefused() throws IOException {
        final JSONObject response = invoke(request("DELETE", "{\"Name\": \"xks\"}"));
        assertThat(response.getString("errorCode")).isEqualTo("InvalidRequest");
        assertThat(response.getString("message")).isEqualTo("Keyhold::Test::Store has no DELETE handler.");
    }

    @Test
    void typesDescribeThemselvesInMessages() {
        final JsonType<List<Integer>> ports = JsonType.listOf(JsonType.INTEGER);
        assertThat(ports.description()).isEqualTo("an array of integer values");
        assertThat(ports.read(new org.json.JSONArray("[1, \"2\", null]"), "Ports", JsonType.Undeclared.REFUSE))
            .containsExactly(1, 2, null);
        assertThat(JsonType.BOOLEAN.read(false, "Enabled", JsonType.Undeclared.REFUSE)).isFalse();
        assertThat(JsonType.INTEGER.read(7L, "Port", JsonType.Undeclared.REFUSE)).isEqualTo(7);
        assertThat(List.<ThrowingCallable>of(
            () -> JsonType.INTEGER.read(1L << 40, "Port", JsonType.Undeclared.REFUSE),
            () -> JsonType.INTEGER.read(1.5, "Port", JsonType.Undeclared.REFUSE),
            () -> JsonType.BOOLEAN.read("yes", "Enabled", JsonType.Undeclared.REFUSE),
            () -> ports.read("1,2", "Ports", JsonType.Undeclared.REFUSE),
            () -> STORE.read((Object) "xks", "resourceProperties", JsonType.Undeclared.IGNORE)))
            .allSatisfy(call -> assertThatThrownBy(call).isInstanceOf(KeyholdFailureException.class)
                .hasMessageContaining(" must be "));
        assertThat(STORE.write(new Store())).isEmpty();
        final Store withNulls = new Store();
        withNulls.zones = java.util.Arrays.asList("a", null);
        assertThat(STORE.write(withNulls)).isEqualTo(Map.of("Zones", java.util.Arrays.asList("a", null)));
        final ModelCodec.Builder<Store> twice = ModelCodec.builder("Twice", Store::new)
            .string("Name", s -> s.name, (s, v) -> s.name = v);
        assertThatThrownBy(() -> twice.string("Name", s -> s.name, (s, v) -> s.name = v))
            .hasMessage("Twice declares Name twice");
    }
}
