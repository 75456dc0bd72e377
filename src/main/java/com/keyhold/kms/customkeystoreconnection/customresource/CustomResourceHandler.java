package com.keyhold.kms.customkeystoreconnection.customresource;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.CloudFormationCustomResourceEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.aws.AwsInvoker;
import com.keyhold.kms.customkeystoreconnection.aws.ClientFactory;
import com.keyhold.kms.customkeystoreconnection.aws.KmsKeyStores;
import com.keyhold.kms.customkeystoreconnection.aws.SharedHttpClient;
import com.keyhold.kms.customkeystoreconnection.aws.SsmOwnership;
import com.keyhold.kms.customkeystoreconnection.core.Attempt;
import com.keyhold.kms.customkeystoreconnection.core.Durations;
import com.keyhold.kms.customkeystoreconnection.core.ErrorTranslator;
import com.keyhold.kms.customkeystoreconnection.core.Failure;
import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyStorePort;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import com.keyhold.kms.customkeystoreconnection.core.ModelRules;
import com.keyhold.kms.customkeystoreconnection.core.Observation;
import com.keyhold.kms.customkeystoreconnection.core.OnDelete;
import com.keyhold.kms.customkeystoreconnection.core.Ownership;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipPort;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.core.PollSchedule;
import com.keyhold.kms.customkeystoreconnection.core.Progress;
import com.keyhold.kms.customkeystoreconnection.core.RetryPolicy;
import com.keyhold.kms.customkeystoreconnection.core.StepResult;
import com.keyhold.kms.customkeystoreconnection.core.TargetState;
import com.keyhold.kms.customkeystoreconnection.core.Transition;
import com.keyhold.kms.customkeystoreconnection.core.TransitionPlanner;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * The Lambda-backed custom resource ({@code Custom::KeyholdConnection}, any {@code Custom::} name, or
 * {@code AWS::CloudFormation::CustomResource}): the resource type's properties, ownership record and decision core,
 * behind CloudFormation's custom-resource protocol.
 *
 * <p>A stream handler rather than {@code RequestHandler<CloudFormationCustomResourceEvent, Void>}: besides
 * CloudFormation's event it receives its own continuations, {@code {"keyholdContinuation": ..., "event": ...}}, whose
 * progress the event class has no member for. The event itself is read onto {@link CloudFormationCustomResourceEvent}
 * exactly as the Lambda runtime would (see {@link EventCodec}).
 *
 * <p>Each invocation runs {@link Transition} steps, waiting between them while the function's remaining time allows;
 * when it would not, it re-invokes the function asynchronously with the event and the progress so far and returns
 * without answering. The invocation that finishes answers the ResponseURL, once. See guides/CUSTOM_RESOURCE.md.
 */
public final class CustomResourceHandler implements RequestStreamHandler {
    static final String CUSTOM_RESOURCE_TYPE = "AWS::CloudFormation::CustomResource";
    static final String FAILED_ID_PREFIX = "keyhold-failed-";

    private static final ErrorTranslator ERRORS = new ErrorTranslator();

    private final Clock clock;
    private final ClientFactory clients;
    private final ResponseSender responses;
    private final SelfInvoker selfInvoker;
    private final Sleeper sleeper;
    private final CustomResourceSettings settings;
    private final Transition transition;

    /**
     * Lambda's constructor: clients from the environment (AWS_ENDPOINT_URL_KMS/SSM are honoured by the SDK). The SDK
     * clients and the answer's PUT share one HTTP client, so a cold start loads one HTTP stack.
     */
    public CustomResourceHandler() {
        this(Clock.systemUTC(), Production.CLIENTS, HttpResponseSender.defaults(Sleeper.SYSTEM),
            new LambdaSelfInvoker(() -> LambdaClient.builder().httpClient(SharedHttpClient.get()).build()),
            Sleeper.SYSTEM, CustomResourceSettings.defaults());
    }

    public CustomResourceHandler(final Clock clock,
                                 final ClientFactory clients,
                                 final ResponseSender responses,
                                 final SelfInvoker selfInvoker,
                                 final Sleeper sleeper,
                                 final CustomResourceSettings settings) {
        this.clock = clock;
        this.clients = clients;
        this.responses = responses;
        this.selfInvoker = selfInvoker;
        this.sleeper = sleeper;
        this.settings = settings;
        this.transition = new Transition(
            new TransitionPlanner(PollSchedule.DEFAULT, TransitionPlanner.DESCRIBE_LAG_GRACE, settings.budget()),
            ERRORS, RetryPolicy.DEFAULT, clock);
    }

    /** One SDK client per Region and service for the life of the process (and its SnapStart snapshot). */
    private static final class Production {
        static final ClientFactory CLIENTS = ClientFactory.standard();
    }

    @Override
    public void handleRequest(final InputStream input, final OutputStream output, final Context context) {
        final Consumer<String> log = logger(context);
        final EventCodec.Delivery delivery;
        try {
            delivery = EventCodec.read(input);
        } catch (IOException | RuntimeException e) {
            log.accept("ERROR: the input is not a CloudFormation custom resource event (" + e.getClass().getSimpleName()
                + "); nothing to answer.");
            return;
        }
        new Run(delivery, context, log).execute();
    }

    private static Consumer<String> logger(final Context context) {
        if (context != null && context.getLogger() != null) {
            return line -> context.getLogger().log(line + System.lineSeparator());
        }
        return System.out::println;
    }

    /** What a request came to, when this invocation is the one that answers. */
    private record Outcome(CustomResourceResponse.Status status, String reason, String physicalResourceId,
                           Map<String, String> data) {
    }

    /** One invocation. */
    private final class Run {
        private final CloudFormationCustomResourceEvent event;
        private final JsonNode rawEvent;
        private final Continuation continuation;
        private final Context context;
        private final Consumer<String> log;
        private final long startedAtMillis;
        private final int attempts;
        private long nextStepAtMillis;
        private String region;
        private KeyStorePort keyStores;
        private OwnershipPort ownership;

        Run(final EventCodec.Delivery delivery, final Context context, final Consumer<String> log) {
            this.event = delivery.event();
            this.rawEvent = delivery.rawEvent();
            this.continuation = delivery.continuation();
            this.context = context;
            this.log = log;
            this.startedAtMillis = continuation == null ? clock.millis() : continuation.getStartedAtMillis();
            this.attempts = continuation == null ? 1 : continuation.getAttempts() + 1;
            this.nextStepAtMillis = continuation == null ? 0 : continuation.getNextStepAtMillis();
        }

        void execute() {
            final Optional<String> refused = settings.responseUrlPolicy().rejection(event.getResponseUrl());
            if (refused.isPresent()) {
                log.accept(String.format("ERROR: refusing the %s request %s for %s: %s (%s). Nothing was sent and no "
                        + "AWS call was made.", event.getRequestType(), event.getRequestId(),
                    event.getLogicalResourceId(), refused.get(), ResponseUrlPolicy.redacted(event.getResponseUrl())));
                return;
            }
            log.accept(String.format("%s %s for %s (%s), RequestId %s, invocation %d", event.getRequestType(),
                event.getResourceType(), event.getLogicalResourceId(), event.getPhysicalResourceId(),
                event.getRequestId(), attempts));
            Outcome outcome;
            try {
                outcome = dispatch();
            } catch (KeyholdFailureException e) {
                outcome = failed(physicalIdOnFailure(), e.failure());
            } catch (RuntimeException e) {
                outcome = failed(physicalIdOnFailure(), Failure.defect(e, "the function's logs"));
            }
            if (outcome != null) {
                answer(outcome);
            }
        }

        private Outcome dispatch() {
            final String type = event.getResourceType();
            if (type == null || !(type.startsWith("Custom::") || CUSTOM_RESOURCE_TYPE.equals(type))) {
                throw new KeyholdFailureException(FailureKind.InvalidRequest, "ResourceType '" + type + "' is not a "
                    + "custom resource: use Custom::KeyholdConnection (or any Custom:: name).");
            }
            region = regionOf(event.getStackId());
            keyStores = new KmsKeyStores(() -> clients.kms(region), AwsInvoker.DIRECT);
            ownership = new SsmOwnership(() -> clients.ssm(region), AwsInvoker.DIRECT);
            final String requestType = event.getRequestType() == null ? "" : event.getRequestType();
            switch (requestType) {
                case "Create":
                    return create(checked(event.getResourceProperties()), physicalIdOnFailure());
                case "Update":
                    if (event.getPhysicalResourceId() == null || event.getPhysicalResourceId().isBlank()) {
                        // CloudFormation always sends the resource's id with an Update. Without it there is no
                        // resource to update, and taking the properties' key store would claim one unasked.
                        throw new KeyholdFailureException(FailureKind.NotFound, "The Update request carries no "
                            + "PhysicalResourceId, so it names no resource to update; Keyhold called nothing and "
                            + "changed nothing. CloudFormation always sends it: check the sender of this event.");
                    }
                    final ConnectionProperties wanted = checked(event.getResourceProperties());
                    return wanted.customKeyStoreId().equals(event.getPhysicalResourceId()) ? update(wanted)
                        : create(wanted, event.getPhysicalResourceId());
                case "Delete":
                    return delete();
                default:
                    throw new KeyholdFailureException(FailureKind.InvalidRequest, "RequestType '" + requestType
                        + "' is not Create, Update or Delete.");
            }
        }

        /**
         * Create, and Update to a different key store id (CloudFormation's replacement: the new id is returned, and
         * CloudFormation then deletes the old one): check the key store exists, claim it, drive it.
         */
        private Outcome create(final ConnectionProperties wanted, final String physicalIdOnFailure) {
            final String id = wanted.customKeyStoreId();
            final TargetState target = TargetState.valueOf(wanted.connectionState());
            final boolean replacing = "Update".equals(event.getRequestType());
            Progress progress = continuation == null ? Progress.start(target, Instant.ofEpochMilli(startedAtMillis))
                : continuation.getProgress();
            if (continuation == null || Continuation.PHASE_CHECK.equals(continuation.getPhase())) {
                final StepResult seen = run(Continuation.PHASE_CHECK, progress,
                    () -> transition.observe(keyStores, id, region, progress));
                if (seen == null) {
                    return null;
                }
                if (seen.kind() == StepResult.Kind.FAILED) {
                    return failed(physicalIdOnFailure, seen.failure());
                }
                final OwnershipRecord mine = recordFor(wanted);
                final Optional<OwnershipRecord> existing = callOnce(() -> ownership.claim(mine), "PutParameter", id);
                // As for the resource type, only this request's own claim is not a conflict: here it means a second
                // delivery of the same event, whose first delivery is driving the key store and will answer.
                if (existing.isPresent()) {
                    if (existing.get().claimedBy(event.getRequestId())) {
                        return duplicate(id);
                    }
                    // A create answers a PhysicalResourceId that names nothing, so that the rollback's Delete has
                    // nothing to delete (the registry handlers answer without a model); Delete's ownership check
                    // stays as the second line of defence. A replacement keeps the old id.
                    return failed(replacing ? physicalIdOnFailure : FAILED_ID_PREFIX + event.getRequestId(),
                        new Failure(FailureKind.AlreadyExists, existing.get().alreadyOwnedMessage()));
                }
            }
            final StepResult driven = run(Continuation.PHASE_DRIVE, progress,
                () -> transition.step(keyStores, id, region, progress));
            if (driven == null) {
                return null;
            }
            if (driven.kind() == StepResult.Kind.FAILED) {
                if (replacing) {
                    releaseQuietly(id);
                }
                return failed(physicalIdOnFailure, driven.failure());
            }
            return succeeded(id, target, driven.observation());
        }

        /** Update of the same key store: drive it to the new state, then rewrite the record. */
        private Outcome update(final ConnectionProperties wanted) {
            final String id = wanted.customKeyStoreId();
            final TargetState target = TargetState.valueOf(wanted.connectionState());
            final Progress progress;
            if (continuation == null) {
                final OwnershipRecord record = ownershipOf(id).owned(region);
                if (record.claimedBy(event.getRequestId())) {
                    return duplicate(id);
                }
                // The request in flight, so that a second delivery of it recognises itself.
                save(inFlight(record));
                progress = Progress.start(target, Instant.ofEpochMilli(startedAtMillis));
            } else {
                progress = continuation.getProgress();
            }
            final StepResult driven = run(Continuation.PHASE_DRIVE, progress,
                () -> transition.step(keyStores, id, region, progress));
            if (driven == null) {
                return null;
            }
            if (driven.kind() == StepResult.Kind.FAILED) {
                return failed(id, driven.failure());
            }
            // Checked again in the invocation that writes: never over another resource's claim.
            ownershipOf(id).owned(region);
            save(recordFor(wanted));
            return succeeded(id, target, driven.observation());
        }

        /**
         * Delete: a resource whose create failed (no key store id, or no record of this stack and logical id) is
         * deleted at once without touching KMS; otherwise ConnectionStateOnDelete is applied (a key store that no
         * longer exists is tolerated) and the record released.
         */
        private Outcome delete() {
            final String id = event.getPhysicalResourceId();
            if (!ModelRules.checkIdentifier(id).isEmpty()) {
                return succeeded(id, "nothing to delete: the create did not produce a key store connection");
            }
            final ConnectionProperties current = ConnectionProperties.of(event.getResourceProperties());
            if (current.connectionStateOnDelete() != null) {
                final List<String> problems = ModelRules.check(id, TargetState.CONNECTED.name(),
                    current.connectionStateOnDelete());
                if (!problems.isEmpty()) {
                    throw new KeyholdFailureException(FailureKind.InvalidRequest, String.join(" ", problems));
                }
            }
            final Progress progress;
            if (continuation == null) {
                final Ownership found = ownershipOf(id);
                if (found.verdict() == Ownership.Verdict.UNMANAGED) {
                    return succeeded(id, "nothing to delete: " + id + " has no ownership record (the create failed "
                        + "or the record was released)");
                }
                if (found.verdict() == Ownership.Verdict.ANOTHER_RESOURCE) {
                    return succeeded(id, "nothing to delete: " + found.leftAloneMessage());
                }
                final OwnershipRecord record = found.record();
                if (record.claimedBy(event.getRequestId())) {
                    return duplicate(id);
                }
                save(inFlight(record));
                // The template's value wins; the record covers a delete request that omits the property.
                final String onDelete = current.connectionStateOnDelete() != null ? current.connectionStateOnDelete()
                    : record.connectionStateOnDelete();
                progress = OnDelete.fromProperty(onDelete).target()
                    .map(target -> Progress.start(target, Instant.ofEpochMilli(startedAtMillis))).orElse(null);
            } else {
                progress = continuation.getProgress();
            }
            if (progress != null) {
                final StepResult driven = run(Continuation.PHASE_DRIVE, progress,
                    () -> transition.step(keyStores, id, region, progress));
                if (driven == null) {
                    return null;
                }
                if (driven.kind() == StepResult.Kind.FAILED) {
                    if (driven.failure().kind() != FailureKind.NotFound) {
                        return failed(id, driven.failure());
                    }
                    log.accept(id + ": key store no longer exists; releasing the ownership record only.");
                }
            }
            // Checked again in the invocation that releases: only this resource's own record goes.
            final Ownership before = ownershipOf(id);
            if (before.verdict() == Ownership.Verdict.ANOTHER_RESOURCE) {
                return succeeded(id, before.leftAloneMessage());
            }
            callOnce(() -> {
                ownership.release(id);
                return null;
            }, "DeleteParameter", id);
            return succeeded(id, id + ": deleted (ownership record released)");
        }

        /**
         * Runs {@code step} until it is not POLL, waiting between steps while this invocation's remaining time allows.
         *
         * @return the last step's result, or null when the request continues in a new invocation
         */
        private StepResult run(final String phase, final Progress progress, final Supplier<StepResult> step) {
            while (true) {
                final long now = clock.millis();
                if (now - startedAtMillis >= settings.budget().toMillis()) {
                    throw new KeyholdFailureException(FailureKind.NotStabilized, String.format(
                        "%s: not finished %s after the request started (budget %s; last seen %s, target %s). "
                            + "CloudFormation gives a custom resource at most one hour. Check the key store in the KMS "
                            + "console, then run the stack operation again.", idForMessages(),
                        Durations.human(Duration.ofMillis(now - startedAtMillis)), Durations.human(settings.budget()),
                        progress.getObservedState() == null ? "nothing" : progress.getObservedState(),
                        progress.getTarget()));
                }
                final long waitMillis = Math.max(0, nextStepAtMillis - now);
                if (context.getRemainingTimeInMillis() - waitMillis < settings.continueMargin().toMillis()) {
                    continueLater(phase, progress);
                    return null;
                }
                if (waitMillis > 0) {
                    try {
                        sleeper.sleep(Duration.ofMillis(waitMillis));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        continueLater(phase, progress);
                        return null;
                    }
                }
                final StepResult result = step.get();
                if (result.kind() != StepResult.Kind.POLL) {
                    return result;
                }
                log.accept(result.message());
                nextStepAtMillis = clock.millis() + Duration.ofSeconds(result.delaySeconds()).toMillis();
            }
        }

        private void continueLater(final String phase, final Progress progress) {
            final Continuation next = new Continuation(phase, progress, attempts, startedAtMillis, nextStepAtMillis);
            final String arn = context.getInvokedFunctionArn();
            try {
                selfInvoker.invokeAsync(arn, EventCodec.continuationPayload(rawEvent, next));
            } catch (RuntimeException e) {
                throw new KeyholdFailureException(FailureKind.InternalFailure, String.format("%s: the transition "
                        + "outlasted this invocation and could not continue in a new one: Lambda refused the "
                        + "asynchronous Invoke of %s (%s). The function's role needs lambda:InvokeFunction on itself "
                        + "(see custom-resource.yaml).", idForMessages(), arn, e.getMessage()));
            }
            log.accept(String.format("%s: continuing in invocation %d (phase %s, %s since the request started)",
                idForMessages(), attempts + 1, phase,
                Durations.human(Duration.ofMillis(clock.millis() - startedAtMillis))));
        }

        private Outcome duplicate(final String id) {
            log.accept(String.format("%s: RequestId %s is already being handled (the ownership record carries it): "
                + "this is a second delivery of the same event. No AWS change and no answer from this invocation; the "
                + "first delivery's invocations answer.", id, event.getRequestId()));
            return null;
        }

        /** The ownership rule for this event's stack and logical id (the custom resource always has a stack). */
        private Ownership ownershipOf(final String id) {
            return Ownership.decide(id, callOnce(() -> ownership.find(id), "GetParameter", id), event.getStackId(),
                event.getLogicalResourceId());
        }

        private void save(final OwnershipRecord record) {
            callOnce(() -> {
                ownership.save(record);
                return null;
            }, "PutParameter", record.customKeyStoreId());
        }

        private void releaseQuietly(final String id) {
            try {
                ownership.release(id);
            } catch (RuntimeException e) {
                log.accept(id + ": could not release the ownership record claimed by this failed update (" + e
                    + "); release it with 'aws ssm delete-parameter --name " + OwnershipRecord.parameterName(id) + "'.");
            }
        }

        private OwnershipRecord recordFor(final ConnectionProperties wanted) {
            return new OwnershipRecord(wanted.customKeyStoreId(), wanted.connectionState(),
                wanted.connectionStateOnDelete(), event.getStackId(), event.getLogicalResourceId(), event.getRequestId(),
                clock.instant().toString());
        }

        private OwnershipRecord inFlight(final OwnershipRecord record) {
            return record.updated(record.connectionState(), record.connectionStateOnDelete(), event.getRequestId(),
                clock.instant().toString());
        }

        private <T> T callOnce(final Supplier<T> call, final String operation, final String id) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                throw new KeyholdFailureException(ERRORS.translate(e, new Attempt(operation, id, region)).failure());
            }
        }

        private ConnectionProperties checked(final Map<String, Object> properties) {
            final List<String> problems = ConnectionProperties.check(properties);
            if (!problems.isEmpty()) {
                throw new KeyholdFailureException(FailureKind.InvalidRequest, String.join(" ", problems));
            }
            return ConnectionProperties.of(properties);
        }

        /** Create: the key store id when it is one, else a marker a later Delete recognises as "nothing created". */
        private String physicalIdOnFailure() {
            if ("Create".equals(event.getRequestType())) {
                final String id = ConnectionProperties.of(event.getResourceProperties()).customKeyStoreId();
                return ModelRules.checkIdentifier(id).isEmpty() ? id : FAILED_ID_PREFIX + event.getRequestId();
            }
            return event.getPhysicalResourceId();
        }

        private String idForMessages() {
            final String wanted = ConnectionProperties.of(event.getResourceProperties()).customKeyStoreId();
            return "Delete".equals(event.getRequestType()) || wanted == null ? event.getPhysicalResourceId() : wanted;
        }

        private Outcome succeeded(final String id, final TargetState target, final Observation observed) {
            final Map<String, String> data = new LinkedHashMap<>();
            data.put("CustomKeyStoreName", nullToEmpty(observed.customKeyStoreName()));
            data.put("CustomKeyStoreType", nullToEmpty(observed.customKeyStoreType()));
            data.put("ConnectionErrorCode", nullToEmpty(observed.connectionErrorCode()));
            data.put("ObservedConnectionState", nullToEmpty(observed.rawState()));
            return new Outcome(CustomResourceResponse.Status.SUCCESS,
                String.format("%s is %s (target %s)", id, observed.rawState(), target), id, data);
        }

        private Outcome succeeded(final String id, final String reason) {
            return new Outcome(CustomResourceResponse.Status.SUCCESS, reason, id, Map.of());
        }

        private Outcome failed(final String physicalId, final Failure failure) {
            return new Outcome(CustomResourceResponse.Status.FAILED, failure.kind() + ": " + failure.message(),
                physicalId, Map.of());
        }

        private void answer(final Outcome outcome) {
            final String physicalId = outcome.physicalResourceId() == null || outcome.physicalResourceId().isEmpty()
                ? FAILED_ID_PREFIX + event.getRequestId() : outcome.physicalResourceId();
            final CustomResourceResponse response = new CustomResourceResponse(outcome.status(), outcome.reason(),
                physicalId, event.getStackId(), event.getRequestId(), event.getLogicalResourceId(), outcome.data());
            log.accept(String.format("Answering %s %s: %s, PhysicalResourceId %s. %s", event.getRequestType(),
                event.getRequestId(), outcome.status(), physicalId, outcome.reason()));
            responses.send(event.getResponseUrl(), response.toJson(settings.maxReasonBytes()), log);
        }
    }

    /** The Region from the stack's ARN (arn:partition:cloudformation:region:account:stack/name/id). */
    static String regionOf(final String stackId) {
        final String[] parts = stackId == null ? new String[0] : stackId.split(":", -1);
        if (parts.length < 6 || !"arn".equals(parts[0]) || parts[3].isEmpty()) {
            throw new KeyholdFailureException(FailureKind.InvalidRequest, "StackId '" + stackId + "' is not a "
                + "CloudFormation stack ARN; the custom resource takes its Region from it.");
        }
        return parts[3];
    }

    private static String nullToEmpty(final String value) {
        return value == null ? "" : value;
    }
}
