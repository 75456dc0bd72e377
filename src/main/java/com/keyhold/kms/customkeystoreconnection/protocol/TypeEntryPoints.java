package com.keyhold.kms.customkeystoreconnection.protocol;

import com.amazonaws.services.lambda.runtime.Context;
import com.keyhold.kms.customkeystoreconnection.protocol.Protocol.Invocation;
import com.keyhold.kms.customkeystoreconnection.aws.SharedHttpClient;
import com.keyhold.kms.customkeystoreconnection.core.Failure;
import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.json.JSONArray;
import org.json.JSONException;
import org.json.JSONObject;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.cloudformation.Action;
import software.amazon.cloudformation.exceptions.BaseHandlerException;
import software.amazon.cloudformation.loggers.LambdaLogPublisher;
import software.amazon.cloudformation.loggers.LogPublisher;
import software.amazon.cloudformation.proxy.AmazonWebServicesClientProxy;
import software.amazon.cloudformation.proxy.DelayFactory;
import software.amazon.cloudformation.proxy.HandlerErrorCode;
import software.amazon.cloudformation.proxy.LoggerProxy;
import software.amazon.cloudformation.proxy.MetricsPublisherProxy;
import software.amazon.cloudformation.proxy.ProgressEvent;
import software.amazon.cloudformation.proxy.ResourceHandlerRequest;
import software.amazon.cloudformation.proxy.WaitStrategy;
import software.amazon.cloudformation.resource.Validator;
import software.amazon.cloudformation.resource.exceptions.ValidationException;

/**
 * One resource type's entry points, as the plugin's {@code LambdaWrapper} provides them, generic over the type (its
 * {@link ResourceTypeBinding}): {@code handleRequest} for CloudFormation and {@code testEntrypoint} for the contract
 * tests. Each request goes through the same steps as in the plugin's wrapper: scrub the temporary directory, read the
 * request, validate the first invocation of CREATE and UPDATE against the schema, publish the owner's metrics and logs
 * when asked, call the handler through the plugin's proxy with the caller's credentials, and map what escapes it onto
 * the protocol's error codes.
 *
 * @param <M> the model class
 * @param <C> the callback context class
 */
public final class TypeEntryPoints<M, C> {
    private static final Set<Action> MUTATING = Set.of(Action.CREATE, Action.UPDATE, Action.DELETE);
    /** Stack frames logged with an unexpected error: enough to find the defect, not a StackOverflowError's 1024. */
    private static final int LOGGED_FRAMES = 25;

    private final ResourceTypeBinding<M, C> type;
    private final TempDirectoryGuard tempDirectoryGuard;
    private final ProviderTelemetry telemetry = new ProviderTelemetry(SharedHttpClient::get);
    private JSONObject resourceSchema;
    private List<List<String>> writeOnlyPaths;

    public TypeEntryPoints(final ResourceTypeBinding<M, C> type, final TempDirectoryGuard tempDirectoryGuard) {
        this.type = type;
        this.tempDirectoryGuard = tempDirectoryGuard;
    }

    public void handleRequest(final InputStream input, final OutputStream output, final Context context)
        throws IOException {
        final LogPublisher platform = new LambdaLogPublisher(context.getLogger());
        write(output, process(input, platform), logger(platform));
    }

    /** Runs one handler as the CloudFormation CLI's contract tests do: no schema check, the payload's credentials. */
    public void testEntrypoint(final InputStream input, final OutputStream output, final Context context)
        throws IOException {
        final LoggerProxy logger = logger(new LambdaLogPublisher(context.getLogger()));
        ProgressEvent<M, C> response;
        try {
            final Invocation<M, C> invocation = Protocol.testInvocation(Protocol.parse(readAll(input)), type);
            final AmazonWebServicesClientProxy proxy = invocation.callerCredentials() == null ? null
                : new AmazonWebServicesClientProxy(logger, invocation.callerCredentials(),
                    () -> (long) context.getRemainingTimeInMillis());
            response = invoke(proxy, invocation, logger, new MetricsPublisherProxy());
        } catch (KeyholdFailureException e) {
            response = failed(e.failure());
        } catch (JSONException e) {
            response = failed(new Failure(FailureKind.InvalidRequest, "The test payload is malformed: "
                + e.getMessage()));
        }
        write(output, response, logger);
    }

    private ProgressEvent<M, C> process(final InputStream input, final LogPublisher platform) {
        final LoggerProxy platformLogger = logger(platform);
        scrubTemporaryDirectory(platformLogger);
        final Invocation<M, C> invocation;
        try {
            final JSONObject request = Protocol.parse(readAll(input));
            final String missing = RequestCheck.missingMember(request);
            final String problem = missing != null ? missing : type.inputCheck().apply(request);
            if (problem != null) {
                return failed(new Failure(FailureKind.InvalidRequest, problem));
            }
            invocation = Protocol.invocation(request, type);
        } catch (KeyholdFailureException e) {
            return failed(e.failure());
        } catch (JSONException e) {
            return failed(new Failure(FailureKind.InvalidRequest, "The request is malformed: " + e.getMessage()));
        } catch (IOException e) {
            return failed(new Failure(FailureKind.InternalFailure, "The request could not be read: " + e));
        }
        final Action action = invocation.action();
        final LoggerProxy logger = logger(platform);
        final MetricsPublisherProxy metrics = new MetricsPublisherProxy();
        ProgressEvent<M, C> response;
        try {
            if (invocation.providerCredentials() != null) {
                telemetry.attach(invocation.providerCredentials(), invocation.resourceType(),
                    invocation.providerLogGroupName(), logger, metrics, platformLogger);
            }
            metrics.publishInvocationMetric(Instant.now(), action);
            response = validateAndInvoke(invocation, logger, metrics);
        } catch (Throwable e) {
            // Whatever happened, CloudFormation gets an answer it can show, and the mutating request's model back.
            platformLogger.log("Keyhold failed outside its handlers: " + trace(e));
            response = defect(e, invocation);
        }
        metrics.publishExceptionByErrorCodeAndCountBulkMetrics(Instant.now(), action, response.getErrorCode());
        return response;
    }

    private ProgressEvent<M, C> validateAndInvoke(final Invocation<M, C> invocation,
                                                                           final LoggerProxy logger,
                                                                           final MetricsPublisherProxy metrics) {
        if (invocation.validated()) {
            // As the plugin does, the model is validated as read, nulls left out: a null optional property is unset.
            final M desired = invocation.request().getDesiredResourceState();
            final JSONObject properties = desired == null ? new JSONObject() : new JSONObject(type.models().write(desired));
            final M previous = invocation.request().getPreviousResourceState();
            final Failure misplaced = misplacedProperties(invocation.action(), properties,
                previous == null ? null : new JSONObject(type.models().write(previous)));
            if (misplaced != null) {
                return failed(misplaced);
            }
            final String invalid = schemaViolations(properties);
            if (invalid != null) {
                return failed(new Failure(FailureKind.InvalidRequest, invalid));
            }
        }
        final AmazonWebServicesClientProxy proxy = invocation.callerCredentials() == null ? null
            : new AmazonWebServicesClientProxy(logger, invocation.callerCredentials(),
                DelayFactory.CONSTANT_DEFAULT_DELAY_FACTORY, WaitStrategy.scheduleForCallbackStrategy());
        return invoke(proxy, invocation, logger, metrics);
    }

    /** Calls the action's handler; what escapes it becomes the error code the plugin's wrapper would give. */
    private ProgressEvent<M, C> invoke(final AmazonWebServicesClientProxy proxy,
                                                                final Invocation<M, C> invocation,
                                                                final LoggerProxy logger,
                                                                final MetricsPublisherProxy metrics) {
        final Action action = invocation.action();
        final ResourceHandlerRequest<M> request = invocation.request();
        final Instant start = Instant.now();
        try {
            logger.log(String.format("[%s] invoking handler...", action));
            final ResourceTypeBinding.ActionHandler<M, C> handler = type.handlers().get(action);
            if (handler == null) {
                return failed(new Failure(FailureKind.InvalidRequest, String.format("%s has no %s handler.",
                    type.typeName(), action)));
            }
            final ProgressEvent<M, C> response = handler.handleRequest(proxy, request, invocation.callbackContext(),
                logger);
            if (response == null) {
                logger.log(String.format("[%s] handler returned nothing", action));
                return failed(new Failure(FailureKind.InternalFailure, String.format("The %s handler returned no "
                    + "answer. This is a Keyhold defect; report it with the stack events.", action)));
            }
            logger.log(String.format("[%s] handler returned %s", action, response.getStatus()));
            if (response.isInProgress() && !MUTATING.contains(action)) {
                // CloudFormation never calls READ or LIST back: an IN_PROGRESS answer would leave it waiting.
                return failed(new Failure(FailureKind.InternalFailure, String.format("READ and LIST handlers must "
                    + "return synchronously; the %s handler answered IN_PROGRESS. This is a Keyhold defect; report it "
                    + "with the stack events.", action)));
            }
            return response;
        } catch (BaseHandlerException e) {
            metrics.publishExceptionMetric(Instant.now(), action, e, e.getErrorCode());
            return ProgressEvent.defaultFailureHandler(e, e.getErrorCode());
        } catch (AwsServiceException e) {
            final HandlerErrorCode code = e.isThrottlingException() ? HandlerErrorCode.Throttling
                : HandlerErrorCode.GeneralServiceException;
            metrics.publishExceptionMetric(Instant.now(), action, e, code);
            return ProgressEvent.defaultFailureHandler(e, code);
        } catch (Throwable e) {
            // Errors too (an AssertionError, a StackOverflowError): CloudFormation must get an answer, not a crash.
            logger.log(String.format("[%s] handler failed: %s", action, trace(e)));
            metrics.publishExceptionMetric(Instant.now(), action, e, HandlerErrorCode.InternalFailure);
            return defect(e, invocation);
        } finally {
            metrics.publishDurationMetric(Instant.now(), action, Duration.between(start, Instant.now()).toMillis());
        }
    }

    /**
     * What the schema's property lists forbid, or null: a CREATE that sets a read-only property (the service or
     * Keyhold sets it), an UPDATE that changes the primary identifier or a create-only property given on both sides
     * (CloudFormation replaces the resource instead of sending such an update; the contract tests send one and expect
     * NotUpdatable).
     */
    private Failure misplacedProperties(final Action action, final JSONObject desired, final JSONObject previous) {
        if (action == Action.CREATE) {
            final List<String> given = topLevel("readOnlyProperties").stream().filter(desired::has).toList();
            return given.isEmpty() ? null : new Failure(FailureKind.InvalidRequest, String.format("%s %s read-only: "
                + "%s sets %s, a template cannot. Remove %s from the properties.", String.join(", ", given),
                given.size() == 1 ? "is" : "are", type.typeName(), given.size() == 1 ? "it" : "them",
                given.size() == 1 ? "it" : "them"));
        }
        if (action != Action.UPDATE || previous == null) {
            return null;
        }
        final Set<String> fixed = new LinkedHashSet<>(topLevel("primaryIdentifier"));
        fixed.addAll(topLevel("createOnlyProperties"));
        for (String name : fixed) {
            if (desired.has(name) && previous.has(name) && !desired.get(name).toString().equals(
                previous.get(name).toString())) {
                return new Failure(FailureKind.NotUpdatable, String.format("%s cannot change in an update (from %s "
                    + "to %s): it identifies the resource or is create-only, so CloudFormation replaces the resource "
                    + "when it changes. Nothing was changed.", name, previous.get(name), desired.get(name)));
            }
        }
        return null;
    }

    /** The top-level property names of one of the schema's property lists (a nested pointer is not listed). */
    private List<String> topLevel(final String list) {
        final JSONArray pointers = resourceSchema().optJSONArray(list);
        final List<String> names = new ArrayList<>();
        for (int i = 0; pointers != null && i < pointers.length(); i++) {
            final String[] parts = pointers.getString(i).split("/");
            if (parts.length == 3 && "properties".equals(parts[1])) {
                names.add(parts[2]);
            }
        }
        return names;
    }

    /** The schema validator's findings in the plugin wrapper's words, or null when the properties conform. */
    private String schemaViolations(final JSONObject properties) {
        try {
            new Validator().validateObject(properties, resourceSchema());
            return null;
        } catch (ValidationException e) {
            final StringBuilder message = new StringBuilder(String.format("Model validation failed (%s)",
                e.getMessage()));
            for (ValidationException cause : e.getCausingExceptions()) {
                message.append(String.format("%n%s (%s)", cause.getMessage(), cause.getSchemaPointer()));
            }
            return message.toString();
        }
    }

    private void scrubTemporaryDirectory(final LoggerProxy platformLogger) {
        try {
            tempDirectoryGuard.scrub();
        } catch (IOException | RuntimeException e) {
            // A file another process holds must not fail the request; the next scrub tries again.
            platformLogger.log("Could not empty the temporary directory: " + e);
        }
    }

    /** Writes the answer; should it not be writable, an InternalFailure that says why instead of nothing at all. */
    private void write(final OutputStream output, final ProgressEvent<M, C> response,
                       final LoggerProxy logger) throws IOException {
        String json;
        try {
            final boolean hasModels = response.getResourceModel() != null || response.getResourceModels() != null;
            json = Protocol.response(response, type, hasModels && !response.isInProgress() ? writeOnlyPaths()
                : List.of());
        } catch (RuntimeException | Error e) {
            logger.log("Keyhold could not write its answer: " + trace(e));
            json = Protocol.response(failed(Failure.defect(e, "the stack events")), type, List.of());
        }
        output.write(json.getBytes(StandardCharsets.UTF_8));
        output.close();
    }

    /** The schema's write-only properties as paths of property names, never returned in a final answer. */
    private List<List<String>> writeOnlyPaths() {
        if (writeOnlyPaths == null) {
            final List<List<String>> paths = new ArrayList<>();
            final JSONArray pointers = resourceSchema().optJSONArray("writeOnlyProperties");
            for (int i = 0; pointers != null && i < pointers.length(); i++) {
                paths.add(Protocol.propertyPath(pointers.getString(i)));
            }
            writeOnlyPaths = List.copyOf(paths);
        }
        return writeOnlyPaths;
    }

    private JSONObject resourceSchema() {
        if (resourceSchema == null) {
            resourceSchema = type.schema().get();
        }
        return resourceSchema;
    }

    /** The error and the first of its stack frames, for the log. */
    private static String trace(final Throwable error) {
        final StringBuilder trace = new StringBuilder(error.toString());
        final StackTraceElement[] frames = error.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, LOGGED_FRAMES); i++) {
            trace.append(System.lineSeparator()).append("\tat ").append(frames[i]);
        }
        if (frames.length > LOGGED_FRAMES) {
            trace.append(System.lineSeparator()).append("\t... ").append(frames.length - LOGGED_FRAMES).append(" more");
        }
        return trace.toString();
    }

    private static LoggerProxy logger(final LogPublisher publisher) {
        final LoggerProxy logger = new LoggerProxy();
        logger.addLogPublisher(publisher);
        return logger;
    }

    private static byte[] readAll(final InputStream input) throws IOException {
        if (input == null) {
            throw new KeyholdFailureException(FailureKind.InvalidRequest, "No request was received.");
        }
        return input.readAllBytes();
    }

    /**
     * An InternalFailure for an unexpected error, with the mutating request's model as the handlers' own failures
     * carry it: CloudFormation then knows which key store a rollback concerns.
     */
    private static <M, C> ProgressEvent<M, C> defect(final Throwable error, final Invocation<M, C> invocation) {
        final ProgressEvent<M, C> response = failed(Failure.defect(error, "the stack events"));
        if (MUTATING.contains(invocation.action())) {
            response.setResourceModel(invocation.request().getDesiredResourceState());
        }
        return response;
    }

    /** A failure before or around the handlers: no model, no context. */
    private static <M, C> ProgressEvent<M, C> failed(final Failure failure) {
        return failed(null, null, failure);
    }

    /** A failure as CloudFormation reads it: its kind is the protocol's error code. */
    public static <M, C> ProgressEvent<M, C> failed(final M model, final C context, final Failure failure) {
        return ProgressEvent.failed(model, context, HandlerErrorCode.valueOf(failure.kind().name()), failure.message());
    }
}
