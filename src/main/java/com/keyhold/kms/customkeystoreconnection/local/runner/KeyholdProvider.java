package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.keyhold.kms.customkeystoreconnection.HandlerConfig;
import com.keyhold.kms.customkeystoreconnection.HandlerWrapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

/**
 * Plays CloudFormation for one Keyhold registry type: sends protocol 2.0.0 request JSON through that type's real
 * {@code HandlerWrapper.handleRequest} (the connection type's or the key store type's), and while the answer is IN_PROGRESS waits callbackDelaySeconds and calls
 * again with the returned callbackContext, until SUCCESS, FAILED or the schema's handler timeout.
 */
public final class KeyholdProvider implements ResourceProvider {
    private final ResourceSchema schema;
    private final RequestStreamHandler wrapper;
    private final Timekeeper time;
    private final Context context;
    private final String region;
    private final String accountId;
    private final Supplier<AwsCredentials> credentials;

    /** The connection type, {@code Keyhold::KMS::CustomKeyStoreConnection}. */
    public KeyholdProvider(final ResourceSchema schema, final HandlerConfig config, final Timekeeper time,
                           final Context context, final String region, final String accountId,
                           final Supplier<AwsCredentials> credentials) {
        // The wrapper scrubs java.io.tmpdir on every request: move it first (guides/RELIABILITY.md).
        this(schema, new HandlerWrapper(config, HandlerHost.guard()), time, context, region, accountId, credentials);
    }

    /** Any Keyhold type: its schema (whose typeName the requests carry) and its wrapper. */
    public KeyholdProvider(final ResourceSchema schema, final RequestStreamHandler wrapper, final Timekeeper time,
                           final Context context, final String region, final String accountId,
                           final Supplier<AwsCredentials> credentials) {
        this.schema = schema;
        this.wrapper = wrapper;
        this.time = time;
        this.context = context;
        this.region = region;
        this.accountId = accountId;
        this.credentials = credentials;
    }

    @Override
    public ResourceSchema schema() {
        return schema;
    }

    @Override
    public ProviderResult run(final ProviderCall call, final ProgressListener listener) throws InterruptedException {
        if (call.startedAt == null) {
            call.startedAt = time.clock().instant().toString();
        }
        final Duration timeout = Duration.ofMinutes(schema.timeoutMinutes(call.action.toLowerCase(Locale.ROOT)));
        final Instant deadline = Instant.parse(call.startedAt).plus(timeout);
        while (true) {
            final JsonNode response;
            try {
                response = invoke(call);
            } catch (IOException | RuntimeException e) {
                return ProviderResult.failed("InternalFailure", "the handler could not be invoked: " + e);
            }
            call.invocations++;
            final String status = response.path("status").asText();
            switch (status) {
                case "SUCCESS" -> {
                    final JsonNode model = response.path("resourceModel");
                    return ProviderResult.success(model.isObject() ? (ObjectNode) model : null);
                }
                case "FAILED" -> {
                    return ProviderResult.failed(response.path("errorCode").asText("InternalFailure"),
                        response.path("message").asText(""));
                }
                case "IN_PROGRESS" -> {
                    call.callbackContext = response.get("callbackContext");
                    listener.inProgress(call, response.path("message").asText(""));
                    if (!time.clock().instant().isBefore(deadline)) {
                        // CloudFormation's own timeout: the schema's timeoutInMinutes for this handler.
                        return ProviderResult.failed("NotStabilized", "Resource timed out waiting for completion: "
                            + call.action + " did not finish within " + timeout.toMinutes() + " minutes "
                            + "(timeoutInMinutes in the schema). Last message: " + response.path("message").asText());
                    }
                    time.sleep(Duration.ofSeconds(Math.max(0, response.path("callbackDelaySeconds").asLong())));
                }
                default -> {
                    return ProviderResult.failed("InternalFailure", "the handler answered status '" + status
                        + "', which is not SUCCESS, FAILED or IN_PROGRESS: " + response);
                }
            }
        }
    }

    private JsonNode invoke(final ProviderCall call) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        wrapper.handleRequest(new ByteArrayInputStream(Json.MAPPER.writeValueAsBytes(request(call))), out, context);
        return Json.MAPPER.readTree(out.toString(StandardCharsets.UTF_8));
    }

    /**
     * The model with the primary identifier CloudFormation adds for an existing resource: a type whose identifier is
     * read-only (the key store's CustomKeyStoreId) never has it in the template.
     */
    private ObjectNode withIdentifier(final ObjectNode properties, final String physicalId) {
        final String id = schema.primaryIdentifier();
        if (physicalId == null || properties.has(id)) {
            return properties;
        }
        final ObjectNode model = properties.deepCopy();
        model.put(id, physicalId);
        return model;
    }

    /** CloudFormation's request (protocol 2.0.0), as the plugin's HandlerRequest reads it. */
    ObjectNode request(final ProviderCall call) {
        final ObjectNode request = Json.MAPPER.createObjectNode();
        request.put("awsAccountId", accountId);
        request.put("bearerToken", call.clientRequestToken);
        request.put("region", region);
        request.put("action", call.action);
        request.put("resourceType", schema.typeName());
        request.put("resourceTypeVersion", "00000001");
        request.put("stackId", call.stackId);
        final ObjectNode data = request.putObject("requestData");
        final AwsCredentials creds = credentials.get();
        final ObjectNode callerCredentials = data.putObject("callerCredentials");
        callerCredentials.put("accessKeyId", creds.accessKeyId());
        callerCredentials.put("secretAccessKey", creds.secretAccessKey());
        // CloudFormation always sends session credentials, and the plugin requires the token.
        callerCredentials.put("sessionToken", creds instanceof AwsSessionCredentials session
            ? session.sessionToken() : Target.EMULATOR_SESSION_TOKEN);
        data.put("logicalResourceId", call.logicalId);
        if (call.properties != null) {
            data.set("resourceProperties", withIdentifier(call.properties, call.physicalId));
        }
        if (call.previousProperties != null) {
            data.set("previousResourceProperties", withIdentifier(call.previousProperties, call.physicalId));
        }
        if (call.callbackContext == null || call.callbackContext.isNull()) {
            request.putNull("callbackContext");
        } else {
            request.set("callbackContext", call.callbackContext);
        }
        return request;
    }
}
