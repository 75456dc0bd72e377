package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.keyhold.kms.customkeystoreconnection.protocol.LocalLambdaContext;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.aws.ClientFactory;
import com.keyhold.kms.customkeystoreconnection.customresource.CustomResourceHandler;
import com.keyhold.kms.customkeystoreconnection.customresource.CustomResourceSettings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Plays CloudFormation and Lambda for {@code Custom::*} and {@code AWS::CloudFormation::CustomResource} resources:
 * sends the custom-resource event to the real {@link CustomResourceHandler}, catches its answer to the ResponseURL
 * (never sent anywhere) and its asynchronous self-invocations (each becomes the next invocation, saved as the
 * callback context so a crash can resume from it). Every custom resource goes to this handler, whatever its
 * ServiceToken: the runner deploys Keyhold's own custom resource, not arbitrary Lambda functions.
 */
final class CustomResourceProvider implements ResourceProvider {
    /** Lambda's ceiling for one invocation; the handler continues in a new one before it. */
    private static final Duration INVOCATION = Duration.ofMinutes(15);
    /** The handler's progress lines: "cks-...: CONNECTING for 3m10s (target CONNECTED)". */
    private static final Pattern PROGRESS = Pattern.compile("^cks-[A-Za-z0-9]+: .*");

    private final ClientFactory clients;
    private final Timekeeper time;
    private final PrintStream log;
    private final String functionArn;

    CustomResourceProvider(final ClientFactory clients, final Timekeeper time, final PrintStream log,
                           final String region, final String accountId) {
        this.clients = clients;
        this.time = time;
        this.log = log;
        this.functionArn = "arn:aws:lambda:" + region + ":" + accountId + ":function:keyhold-local-custom-resource:live";
    }

    /** No schema: CloudFormation does not know a custom resource's properties either. */
    @Override
    public ResourceSchema schema() {
        return null;
    }

    @Override
    public String physicalId(final ObjectNode properties, final ObjectNode model) {
        return model != null && model.hasNonNull("PhysicalResourceId") ? model.get("PhysicalResourceId").asText()
            : null;
    }

    @Override
    public ProviderResult run(final ProviderCall call, final ProgressListener listener) throws InterruptedException {
        if ("READ".equals(call.action)) {
            return ProviderResult.failed("InvalidRequest", "custom resources have no read handler");
        }
        if (call.startedAt == null) {
            call.startedAt = time.clock().instant().toString();
        }
        byte[] payload = call.callbackContext == null || call.callbackContext.isNull() ? event(call)
            : call.callbackContext.toString().getBytes(StandardCharsets.UTF_8);
        while (true) {
            final Capture capture = new Capture();
            final CustomResourceHandler handler = new CustomResourceHandler(time.clock(), clients, capture::answer,
                capture::continueWith, time::sleep, CustomResourceSettings.defaults());
            handler.handleRequest(new ByteArrayInputStream(payload), new ByteArrayOutputStream(),
                // Remaining time runs on the runner's clock, so continuations happen as in Lambda.
                new LocalLambdaContext("keyhold-local-custom-resource", functionArn, time.clock(),
                    time.clock().instant().plus(INVOCATION), line -> {
                        final String stripped = line.strip();
                        synchronized (log) {
                            log.println(stripped);
                            log.flush();
                        }
                        if (PROGRESS.matcher(stripped).matches()) {
                            listener.inProgress(call, stripped);
                        }
                    }));
            call.invocations++;
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (capture.answer != null) {
                return result(capture.answer);
            }
            if (capture.continuation == null) {
                return ProviderResult.failed("InternalFailure", "the custom-resource handler neither answered nor "
                    + "continued (see handler.log); if this was a resumed request it may have taken it for a second "
                    + "delivery of the interrupted one: roll back with keyhold recover-stack --rollback");
            }
            try {
                call.callbackContext = Json.MAPPER.readTree(capture.continuation);
            } catch (IOException e) {
                return ProviderResult.failed("InternalFailure", "unreadable continuation: " + e.getMessage());
            }
            payload = capture.continuation;
            listener.inProgress(call, call.logicalId + ": continuing in a new invocation");
        }
    }

    private static ProviderResult result(final String body) {
        final JsonNode answer;
        try {
            answer = Json.MAPPER.readTree(body);
        } catch (IOException e) {
            return ProviderResult.failed("InternalFailure", "unreadable answer: " + e.getMessage());
        }
        final ObjectNode model = Json.MAPPER.createObjectNode();
        model.set("PhysicalResourceId", answer.get("PhysicalResourceId"));
        answer.path("Data").fields().forEachRemaining(e -> model.set(e.getKey(), e.getValue()));
        if ("SUCCESS".equals(answer.path("Status").asText())) {
            return ProviderResult.success(model);
        }
        // The Reason is "<HandlerErrorCode>: <message>".
        final String reason = answer.path("Reason").asText("");
        final int colon = reason.indexOf(": ");
        final boolean coded = colon > 0 && reason.substring(0, colon).matches("[A-Za-z]+");
        return ProviderResult.failed(coded ? reason.substring(0, colon) : "GeneralServiceException",
            coded ? reason.substring(colon + 2) : reason, model);
    }

    /** CloudFormation's custom-resource request. */
    private byte[] event(final ProviderCall call) {
        final ObjectNode event = Json.MAPPER.createObjectNode();
        final String type = call.action.charAt(0) + call.action.substring(1).toLowerCase(Locale.ROOT);
        event.put("RequestType", type);
        event.put("ServiceToken", call.properties != null && call.properties.hasNonNull("ServiceToken")
            ? call.properties.get("ServiceToken").asText() : functionArn);
        // Shaped like a pre-signed S3 URL so the handler's URL policy accepts it; the answer never leaves the JVM.
        event.put("ResponseURL", "https://keyhold-local-runner.s3.amazonaws.com/responses/" + call.clientRequestToken
            + "?X-Amz-Signature=local");
        event.put("StackId", call.stackId);
        event.put("RequestId", call.clientRequestToken);
        event.put("ResourceType", call.resourceType);
        event.put("LogicalResourceId", call.logicalId);
        if (call.physicalId != null && !"Create".equals(type)) {
            event.put("PhysicalResourceId", call.physicalId);
        }
        event.set("ResourceProperties", strings(call.properties));
        if (call.previousProperties != null && "Update".equals(type)) {
            event.set("OldResourceProperties", strings(call.previousProperties));
        }
        return event.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** CloudFormation passes every scalar property of a custom resource as a string. */
    private static JsonNode strings(final JsonNode node) {
        if (node == null) {
            return Json.MAPPER.createObjectNode();
        }
        if (node.isObject()) {
            final ObjectNode out = Json.MAPPER.createObjectNode();
            node.fields().forEachRemaining(e -> out.set(e.getKey(), strings(e.getValue())));
            return out;
        }
        if (node.isArray()) {
            final com.fasterxml.jackson.databind.node.ArrayNode out = Json.MAPPER.createArrayNode();
            node.forEach(n -> out.add(strings(n)));
            return out;
        }
        return node.isNull() ? node : Json.MAPPER.getNodeFactory().textNode(node.asText());
    }

    /** What one invocation sent out: its answer, or the continuation it invoked itself with. */
    private static final class Capture {
        private String answer;
        private byte[] continuation;

        boolean answer(final String url, final String body, final java.util.function.Consumer<String> ignored) {
            this.answer = body;
            return true;
        }

        void continueWith(final String arn, final byte[] payload) {
            this.continuation = payload;
        }
    }
}
