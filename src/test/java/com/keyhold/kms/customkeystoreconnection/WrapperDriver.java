package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.protocol.TempDirectoryGuard;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.aws.ClientFactory;
import com.keyhold.kms.customkeystoreconnection.core.PollSchedule;
import com.keyhold.kms.customkeystoreconnection.core.RetryPolicy;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import com.keyhold.kms.customkeystoreconnection.protocol.LocalLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Plays CloudFormation: sends the current protocol's request JSON through {@link HandlerWrapper}, and while the
 * answer is IN_PROGRESS re-invokes it with the returned callbackContext after callbackDelaySeconds on a virtual
 * clock. Every request and response passes through JSON, as it does between CloudFormation and Lambda.
 */
public final class WrapperDriver {
    public static final ObjectMapper JSON = new ObjectMapper();
    public static final String STACK_ID =
        "arn:aws:cloudformation:us-east-1:123456789012:stack/keyhold-test/0a6e5e40-8a2b-11ee-b9d1-0242ac120002";
    /**
     * The private directory every driver's wrapper scrubs. java.io.tmpdir is put back at once: the guard keeps its
     * own directory, and no test may find the JVM's temporary directory moved by whichever test loaded this class.
     */
    private static final TempDirectoryGuard TMP = privateDirectoryLeavingTmpdirAlone();

    private final VirtualClock clock;
    private final RequestStreamHandler wrapper;
    private final String typeName;
    private final List<JsonNode> responses = new ArrayList<>();
    private String stackId = STACK_ID;
    private String logicalId = "KeyStoreConnection";

    public WrapperDriver(final VirtualClock clock, final ClientFactory clients) {
        this(clock, new HandlerConfig(clock, clients, PollSchedule.DEFAULT, RetryPolicy.DEFAULT));
    }

    public WrapperDriver(final VirtualClock clock, final HandlerConfig config) {
        this(clock, config, TMP);
    }

    public WrapperDriver(final VirtualClock clock, final HandlerConfig config, final TempDirectoryGuard guard) {
        this(clock, new HandlerWrapper(config, guard), ResourceModel.TYPE_NAME);
    }

    /** Any resource type's wrapper: the key store type's too. */
    public WrapperDriver(final VirtualClock clock, final RequestStreamHandler wrapper, final String typeName) {
        this.clock = clock;
        this.wrapper = wrapper;
        this.typeName = typeName;
    }

    /** The temporary-directory guard every wrapper a test makes should use. */
    public static TempDirectoryGuard tmp() {
        return TMP;
    }

    /** A guard on a fresh private directory, with java.io.tmpdir as it was before. */
    static TempDirectoryGuard privateDirectoryLeavingTmpdirAlone() {
        final String before = System.getProperty("java.io.tmpdir");
        try {
            return TempDirectoryGuard.privateDirectory();
        } finally {
            System.setProperty("java.io.tmpdir", before);
        }
    }

    /** Requests from this stack and logical id; a null stack id plays a caller outside any stack (Cloud Control). */
    public WrapperDriver as(final String stackId, final String logicalId) {
        this.stackId = stackId;
        this.logicalId = logicalId;
        return this;
    }

    /** The request CloudFormation sends (protocol 2.0.0). */
    public ObjectNode request(final String action, final Map<String, ?> properties, final Map<String, ?> previous) {
        final ObjectNode request = JSON.createObjectNode();
        request.put("awsAccountId", "123456789012");
        request.put("bearerToken", UUID.randomUUID().toString());
        request.put("region", "us-east-1");
        request.put("action", action);
        request.put("resourceType", typeName);
        request.put("resourceTypeVersion", "00000001");
        if (stackId != null) {
            request.put("stackId", stackId);
        }
        final ObjectNode data = request.putObject("requestData");
        final ObjectNode credentials = data.putObject("callerCredentials");
        credentials.put("accessKeyId", "AKIAIOSFODNN7EXAMPLE");
        credentials.put("secretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        credentials.put("sessionToken", "session-token");
        data.put("logicalResourceId", logicalId);
        if (properties != null) {
            data.set("resourceProperties", JSON.valueToTree(properties));
        }
        if (previous != null) {
            data.set("previousResourceProperties", JSON.valueToTree(previous));
        }
        request.putNull("callbackContext");
        return request;
    }

    /** One invocation. */
    public JsonNode invoke(final JsonNode request) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            wrapper.handleRequest(new ByteArrayInputStream(JSON.writeValueAsBytes(request)), out,
                LocalLambdaContext.standardError("keyhold-local"));
            final JsonNode response = JSON.readTree(out.toString(StandardCharsets.UTF_8));
            responses.add(response);
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Invokes until the answer is no longer IN_PROGRESS, honouring callbackDelaySeconds on the virtual clock. */
    public JsonNode run(final String action, final Map<String, ?> properties, final Map<String, ?> previous) {
        return resume(request(action, properties, previous), Integer.MAX_VALUE);
    }

    /** Continues a request for at most {@code invocations} invocations; returns the last response. */
    public JsonNode resume(final ObjectNode request, final int invocations) {
        JsonNode response = null;
        for (int i = 0; i < invocations; i++) {
            response = invoke(request);
            if (!"IN_PROGRESS".equals(response.path("status").asText())) {
                return response;
            }
            clock.advanceSeconds(response.path("callbackDelaySeconds").asLong());
            request.set("callbackContext", response.get("callbackContext"));
            if (i > 10_000) {
                throw new IllegalStateException("no end after 10000 invocations");
            }
        }
        return response;
    }

    /**
     * Invokes until the answer is final, the way the CloudFormation CLI's contract tests do: each call back sends the
     * previous answer's resourceModel as the properties, with its callbackContext, after callbackDelaySeconds.
     */
    public JsonNode runAsTheCli(final ObjectNode request) {
        JsonNode response = invoke(request);
        for (int i = 0; "IN_PROGRESS".equals(response.path("status").asText()); i++) {
            if (i > 10_000) {
                throw new IllegalStateException("no end after 10000 invocations");
            }
            clock.advanceSeconds(response.path("callbackDelaySeconds").asLong());
            ((ObjectNode) request.path("requestData")).set("resourceProperties", response.get("resourceModel"));
            request.set("callbackContext", response.get("callbackContext"));
            response = invoke(request);
        }
        return response;
    }

    public List<JsonNode> responses() {
        return responses;
    }
}
