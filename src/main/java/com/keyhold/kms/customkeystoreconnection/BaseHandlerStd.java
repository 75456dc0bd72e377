package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.aws.KmsKeyStores;
import com.keyhold.kms.customkeystoreconnection.aws.SsmOwnership;
import com.keyhold.kms.customkeystoreconnection.core.Attempt;
import com.keyhold.kms.customkeystoreconnection.core.ErrorTranslator;
import com.keyhold.kms.customkeystoreconnection.core.Failure;
import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyStorePort;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import com.keyhold.kms.customkeystoreconnection.core.ModelRules;
import com.keyhold.kms.customkeystoreconnection.core.Observation;
import com.keyhold.kms.customkeystoreconnection.core.Ownership;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipPort;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.core.Progress;
import com.keyhold.kms.customkeystoreconnection.core.RecordedStack;
import com.keyhold.kms.customkeystoreconnection.core.StackResourcesPort;
import com.keyhold.kms.customkeystoreconnection.core.StepResult;
import com.keyhold.kms.customkeystoreconnection.core.TargetState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.cloudformation.proxy.AmazonWebServicesClientProxy;
import software.amazon.cloudformation.proxy.HandlerErrorCode;
import software.amazon.cloudformation.proxy.Logger;
import software.amazon.cloudformation.proxy.ProgressEvent;
import software.amazon.cloudformation.proxy.ProxyClient;
import software.amazon.cloudformation.proxy.ResourceHandlerRequest;

/** What every action shares: input checks, the AWS adapters, driving a key store, error reporting. */
public abstract class BaseHandlerStd extends BaseHandler<CallbackContext> {
    private static final ErrorTranslator ERRORS = new ErrorTranslator();

    protected final HandlerConfig config;

    protected BaseHandlerStd(final HandlerConfig config) {
        this.config = config;
    }

    /** One invocation's view of the request and the adapters built for it. */
    protected static final class Session {
        final AmazonWebServicesClientProxy proxy;
        final ResourceHandlerRequest<ResourceModel> request;
        final ResourceModel model;
        final CallbackContext context;
        final Logger logger;
        final ProxyClient<KmsClient> kmsProxy;
        final KeyStorePort keyStores;
        final OwnershipPort ownership;
        final StackResourcesPort stacks;

        Session(final AmazonWebServicesClientProxy proxy, final ResourceHandlerRequest<ResourceModel> request,
                final ResourceModel model, final CallbackContext context, final Logger logger,
                final ProxyClient<KmsClient> kmsProxy, final ProxyClient<SsmClient> ssmProxy,
                final StackResourcesPort stacks) {
            this.proxy = proxy;
            this.request = request;
            this.model = model;
            this.context = context;
            this.logger = logger;
            this.kmsProxy = kmsProxy;
            this.keyStores = new KmsKeyStores(kmsProxy::client, kmsProxy::injectCredentialsAndInvokeV2);
            this.ownership = new SsmOwnership(ssmProxy::client, ssmProxy::injectCredentialsAndInvokeV2);
            this.stacks = stacks;
        }

        String id() {
            return model.getCustomKeyStoreId();
        }

        String region() {
            return request.getRegion();
        }
    }

    @Override
    public final ProgressEvent<ResourceModel, CallbackContext> handleRequest(
        final AmazonWebServicesClientProxy proxy,
        final ResourceHandlerRequest<ResourceModel> request,
        final CallbackContext callbackContext,
        final Logger logger) {
        final CallbackContext context = callbackContext == null ? new CallbackContext() : callbackContext;
        final ResourceModel model = request.getDesiredResourceState();
        try {
            if (model == null && requiresModel()) {
                throw new KeyholdFailureException(FailureKind.InvalidRequest,
                    "The request carries no resource properties; CustomKeyStoreId is required.");
            }
            if (model != null && actionOnOneKeyStore() != null) {
                identify(request, model);
            }
            final List<String> problems = validate(model, request);
            if (!problems.isEmpty()) {
                throw new KeyholdFailureException(FailureKind.InvalidRequest, String.join(" ", problems));
            }
            if (proxy == null) {
                throw new KeyholdFailureException(FailureKind.InternalFailure, "The request carries no caller "
                    + "credentials, so the handler cannot call AWS. CloudFormation always sends them; a local runner "
                    + "must put callerCredentials in requestData.");
            }
            // Clients are built on first use (the factory caches them per Region).
            final String region = request.getRegion();
            final ProxyClient<KmsClient> kms = proxy.newProxy(() -> config.clients().kms(region));
            final Session session = new Session(proxy, request, model, context, logger, kms,
                proxy.newProxy(() -> config.clients().ssm(region)),
                (stackId, logicalId) -> config.clients().cloudFormation(region, kms::injectCredentialsAndInvokeV2)
                    .find(stackId, logicalId));
            return handle(session);
        } catch (TakenOver taken) {
            // Its own event, before the operation goes on as the owner's (the next invocation finds the new record).
            logger.log(taken.getMessage());
            final ProgressEvent<ResourceModel, CallbackContext> event = ProgressEvent.defaultInProgressHandler(context,
                0, model);
            event.setMessage(taken.getMessage());
            return event;
        } catch (KeyholdFailureException e) {
            return failed(model, context, e.failure());
        }
    }

    /**
     * READ, UPDATE and DELETE act on the one key store their request names (their action's name, for messages); CREATE
     * claims the one its properties name and LIST names none (null).
     */
    protected String actionOnOneKeyStore() {
        return null;
    }

    /** Puts the key store the request names into the model, or refuses the request ({@link ModelRules#namedKeyStore}). */
    private void identify(final ResourceHandlerRequest<ResourceModel> request, final ResourceModel model) {
        final ResourceModel previous = request.getPreviousResourceState();
        model.setCustomKeyStoreId(ModelRules.namedKeyStore(actionOnOneKeyStore(), model.getCustomKeyStoreId(),
            previous == null ? null : previous.getCustomKeyStoreId()));
    }

    /** LIST is the one action CloudFormation may send without resource properties. */
    protected boolean requiresModel() {
        return true;
    }

    /** Input problems, each naming the property and what is allowed; empty when the request may proceed. */
    protected abstract List<String> validate(ResourceModel model, ResourceHandlerRequest<ResourceModel> request);

    protected abstract ProgressEvent<ResourceModel, CallbackContext> handle(Session session);

    /**
     * Drives the key store to {@code target}: a poll-only call chain whose stabilize step runs one
     * {@link com.keyhold.kms.customkeystoreconnection.core.Transition} step per invocation (describe, decide, at most
     * one Connect or Disconnect) and calls back after the poll schedule's delay. On success the model carries what
     * KMS reported. Its service call only hands the model on: the callback context does not carry the plugin's
     * call-graph memo (Protocol), so a chain whose service call really calls AWS would repeat that call on every
     * invocation. Mutating calls belong in the Transition, which records them in Progress.
     */
    protected ProgressEvent<ResourceModel, CallbackContext> driveTo(final Session session, final TargetState target) {
        final CallbackContext context = session.context;
        progressToward(context, target);
        final ProgressEvent<ResourceModel, CallbackContext> event = session.proxy
            .initiate("keyhold-kms::drive-to-" + target, session.kmsProxy, session.model, context)
            .translateToServiceRequest(Function.identity())
            .backoffDelay(attempt -> Duration.ofSeconds(context.getNextPollSeconds()))
            .makeServiceCall((model, client) -> model)
            .stabilize((model, response, client, m, ctx) -> stabilized(session, ctx))
            .handleError((model, error, client, m, ctx) -> failed(m, ctx, asFailure(error)))
            .progress();
        if (event.isInProgressCallbackDelay()) {
            event.setMessage(context.getStatusMessage());
        }
        return event;
    }

    private boolean stabilized(final Session session, final CallbackContext context) {
        final StepResult step = config.transition().step(session.keyStores, session.id(), session.region(),
            context.getProgress());
        switch (step.kind()) {
            case DONE:
                reportObserved(session.model, step.observation());
                return true;
            case POLL:
                context.setNextPollSeconds(step.delaySeconds());
                context.setStatusMessage(step.message());
                session.logger.log(step.message());
                return false;
            default:
                throw new KeyholdFailureException(step.failure());
        }
    }

    /** The transition's progress toward {@code target}, started now unless an earlier invocation started it. */
    private Progress progressToward(final CallbackContext context, final TargetState target) {
        if (context.getProgress() == null || context.getProgress().getTarget() != target) {
            context.setProgress(Progress.start(target, config.clock().instant()));
        }
        return context.getProgress();
    }

    /**
     * Checks once per operation that the key store exists, retrying throttling and other transient errors by
     * calling back like the transition does.
     */
    protected ProgressEvent<ResourceModel, CallbackContext> requireKeyStore(final Session session,
                                                                           final TargetState target) {
        final CallbackContext context = session.context;
        if (context.isPreconditionsChecked()) {
            return ProgressEvent.progress(session.model, context);
        }
        final StepResult step = config.transition().observe(session.keyStores, session.id(), session.region(),
            progressToward(context, target));
        switch (step.kind()) {
            case DONE:
                context.setPreconditionsChecked(true);
                return ProgressEvent.progress(session.model, context);
            case POLL:
                final ProgressEvent<ResourceModel, CallbackContext> retry = ProgressEvent.defaultInProgressHandler(context,
                    step.delaySeconds(), session.model);
                retry.setMessage(step.message());
                return retry;
            default:
                return failed(session.model, context, step.failure());
        }
    }

    /** Runs the operation's preconditions in its first invocation only; they throw to fail the operation. */
    protected static ProgressEvent<ResourceModel, CallbackContext> once(final Session session,
                                                                       final Runnable preconditions) {
        if (!session.context.isPreconditionsChecked()) {
            preconditions.run();
            session.context.setPreconditionsChecked(true);
        }
        return ProgressEvent.progress(session.model, session.context);
    }

    /** Describes the key store once; every error is terminal (READ and the one-time checks cannot call back). */
    protected Observation describeOnce(final Session session) {
        return callOnce(() -> session.keyStores.describe(session.id()),
            new Attempt("DescribeCustomKeyStores", session.id(), session.region()));
    }

    /** Runs one AWS call, turning any error into the operator's failure text. */
    protected static <T> T callOnce(final Supplier<T> call, final Attempt attempt) {
        try {
            return call.get();
        } catch (KeyholdFailureException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new KeyholdFailureException(ERRORS.translate(e, attempt).failure());
        }
    }

    /**
     * Reads the ownership record and applies the ownership rule to this request's stack id and logical id; a record
     * naming another resource is checked against CloudFormation ({@link RecordedStack}).
     */
    protected static Ownership ownership(final Session session) {
        return ownership(session, false);
    }

    /** As above; {@code failWhenUndecided} for a delete ({@link RecordedStack#check}). */
    protected static Ownership ownership(final Session session, final boolean failWhenUndecided) {
        final Optional<OwnershipRecord> found = callOnce(() -> session.ownership.find(session.id()),
            new Attempt("GetParameter", session.id(), session.region()));
        final Ownership decided = Ownership.decide(session.id(), found, session.request.getStackId(),
            session.request.getLogicalResourceIdentifier());
        if (decided.verdict() != Ownership.Verdict.ANOTHER_RESOURCE) {
            return decided;
        }
        return decided.checked(RecordedStack.check(session.stacks, decided.record().stackId(),
            decided.record().logicalResourceId(), decided.stackId(), decided.logicalResourceId(), session.id(),
            failWhenUndecided));
    }

    /**
     * A stale record naming another resource becomes this resource's: written, then this invocation ends with an
     * in-progress event that says so ({@link TakenOver}); the operation goes on as the owner's.
     */
    protected void takeOver(final Session session, final Ownership stale) {
        final OwnershipRecord taken = stale.takenOver(session.request.getClientRequestToken(),
            config.clock().instant().toString());
        callOnce(() -> {
            session.ownership.save(taken);
            return null;
        }, new Attempt("PutParameter", session.id(), session.region()));
        throw new TakenOver(stale.note());
    }

    /** The record, when this request's resource owns the key store; NotFound naming the owner otherwise. */
    protected OwnershipRecord requireOwnRecord(final Session session) {
        final Ownership ownership = ownership(session);
        if (ownership.verdict() == Ownership.Verdict.STALE_RECORD) {
            takeOver(session, ownership);
        }
        return ownership.owned(session.region());
    }

    /** Ends the invocation after a takeover, with its message as the in-progress event. */
    protected static final class TakenOver extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TakenOver(final String message) {
            super(message, null, false, false);
        }
    }

    protected OwnershipRecord recordFor(final Session session) {
        final ResourceHandlerRequest<ResourceModel> request = session.request;
        return new OwnershipRecord(session.id(), session.model.getConnectionState(),
            session.model.getConnectionStateOnDelete(), request.getStackId(), request.getLogicalResourceIdentifier(),
            request.getClientRequestToken(), config.clock().instant().toString());
    }

    protected static void reportObserved(final ResourceModel model, final Observation observed) {
        model.setCustomKeyStoreName(observed.customKeyStoreName());
        model.setCustomKeyStoreType(observed.customKeyStoreType());
        model.setObservedConnectionState(observed.rawState());
        model.setConnectionErrorCode(observed.connectionErrorCode());
    }

    private static Failure asFailure(final Exception error) {
        return error instanceof KeyholdFailureException ? ((KeyholdFailureException) error).failure()
            : Failure.defect(error, "the stack events");
    }

    protected static ProgressEvent<ResourceModel, CallbackContext> failed(final ResourceModel model,
                                                                         final CallbackContext context,
                                                                         final Failure failure) {
        if (failure.kind() == FailureKind.AlreadyExists) {
            // No model and no context, as AWS's RDS providers answer: otherwise CloudFormation rolls back by deleting
            // the resource it tried to create, which belongs to another stack. Delete's ownership check stays as the
            // second line of defence.
            return ProgressEvent.failed(null, null, HandlerErrorCode.AlreadyExists, failure.message());
        }
        return ProgressEvent.failed(model, context, HandlerErrorCode.valueOf(failure.kind().name()), failure.message());
    }
}
