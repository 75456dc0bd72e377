package com.keyhold.kms.customkeystore;

import com.keyhold.kms.customkeystoreconnection.aws.KmsKeyStoreAdmin;
import com.keyhold.kms.customkeystoreconnection.aws.KmsKeyStores;
import com.keyhold.kms.customkeystoreconnection.aws.SsmOwnership;
import com.keyhold.kms.customkeystoreconnection.aws.SsmStoreRecords;
import com.keyhold.kms.customkeystoreconnection.core.Attempt;
import com.keyhold.kms.customkeystoreconnection.core.CloudHsmCluster;
import com.keyhold.kms.customkeystoreconnection.core.CloudHsmClusterPort;
import com.keyhold.kms.customkeystoreconnection.core.ClusterMoveCheck;
import com.keyhold.kms.customkeystoreconnection.core.ErrorTranslator;
import com.keyhold.kms.customkeystoreconnection.core.Failure;
import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreChange;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreErrorGuide;
import com.keyhold.kms.customkeystoreconnection.core.KeyStorePort;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import com.keyhold.kms.customkeystoreconnection.core.ModelRules;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipPort;
import com.keyhold.kms.customkeystoreconnection.core.Progress;
import com.keyhold.kms.customkeystoreconnection.core.StepResult;
import com.keyhold.kms.customkeystoreconnection.core.StoreProperty;
import com.keyhold.kms.customkeystoreconnection.core.RecordedStack;
import com.keyhold.kms.customkeystoreconnection.core.StackResourcesPort;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.core.TargetState;
import com.keyhold.kms.customkeystoreconnection.protocol.ResourceTypeBinding;
import java.util.function.Supplier;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.cloudformation.proxy.AmazonWebServicesClientProxy;
import software.amazon.cloudformation.proxy.HandlerErrorCode;
import software.amazon.cloudformation.proxy.Logger;
import software.amazon.cloudformation.proxy.ProgressEvent;
import software.amazon.cloudformation.proxy.ProxyClient;
import software.amazon.cloudformation.proxy.ResourceHandlerRequest;

/**
 * What the key store type's handlers share: the adapters of one invocation, error translation with the key store
 * rules (KeyStoreErrorGuide), retrying transient errors by calling back, and waiting on a connection state with the
 * connection type's {@link com.keyhold.kms.customkeystoreconnection.core.Transition}.
 */
abstract class StoreHandler implements ResourceTypeBinding.ActionHandler<ResourceModel, CallbackContext> {
    protected final HandlerConfig config;

    protected StoreHandler(final HandlerConfig config) {
        this.config = config;
    }

    /** One invocation's request and the adapters built for it. */
    protected static final class Session {
        final ResourceHandlerRequest<ResourceModel> request;
        final ResourceModel model;
        final CallbackContext context;
        final Logger logger;
        final KmsKeyStoreAdmin admin;
        final KeyStorePort keyStores;
        final OwnershipPort ownership;
        final SsmStoreRecords records;
        final CloudHsmClusterPort clusters;
        final StackResourcesPort stacks;

        Session(final ResourceHandlerRequest<ResourceModel> request, final ResourceModel model,
                final CallbackContext context, final Logger logger, final ProxyClient<KmsClient> kms,
                final ProxyClient<SsmClient> ssm, final CloudHsmClusterPort clusters,
                final StackResourcesPort stacks) {
            this.request = request;
            this.model = model;
            this.context = context;
            this.logger = logger;
            this.admin = new KmsKeyStoreAdmin(kms::client, kms::injectCredentialsAndInvokeV2);
            this.keyStores = new KmsKeyStores(kms::client, kms::injectCredentialsAndInvokeV2);
            this.ownership = new SsmOwnership(ssm::client, ssm::injectCredentialsAndInvokeV2);
            this.records = new SsmStoreRecords(ssm::client, ssm::injectCredentialsAndInvokeV2);
            this.clusters = clusters;
            this.stacks = stacks;
        }

        String id() {
            return model == null ? null : model.getCustomKeyStoreId();
        }

        String stackId() {
            return request.getStackId();
        }

        String logicalId() {
            return request.getLogicalResourceIdentifier();
        }

        String region() {
            return request.getRegion();
        }

        void log(final String line) {
            if (logger != null) {
                logger.log(line);
            }
        }
    }

    /** Ends this invocation with a call back after a delay: a transient error, or a wait. */
    protected static final class CallBack extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int delaySeconds;

        CallBack(final int delaySeconds, final String message) {
            super(message, null, false, false);
            this.delaySeconds = delaySeconds;
        }
    }

    @Override
    public final ProgressEvent<ResourceModel, CallbackContext> handleRequest(
        final AmazonWebServicesClientProxy proxy, final ResourceHandlerRequest<ResourceModel> request,
        final CallbackContext callbackContext, final Logger logger) {
        final CallbackContext context = callbackContext == null ? new CallbackContext() : callbackContext;
        final ResourceModel model = request.getDesiredResourceState();
        try {
            if (model == null && requiresModel()) {
                throw new KeyholdFailureException(FailureKind.InvalidRequest,
                    "The request carries no resource properties.");
            }
            if (actionOnOneKeyStore() != null) {
                identify(request, model);
            }
            if (proxy == null) {
                throw new KeyholdFailureException(FailureKind.InternalFailure, "The request carries no caller "
                    + "credentials, so the handler cannot call AWS. CloudFormation always sends them; a local runner "
                    + "must put callerCredentials in requestData.");
            }
            final String region = request.getRegion();
            final ProxyClient<KmsClient> kms = proxy.newProxy(() -> config.clients().kms(region));
            final Session session = new Session(request, model, context, logger, kms,
                proxy.newProxy(() -> config.clients().ssm(region)),
                config.clients().cloudHsm(region, kms::injectCredentialsAndInvokeV2),
                (stackId, logicalId) -> config.clients().cloudFormation(region, kms::injectCredentialsAndInvokeV2)
                    .find(stackId, logicalId));
            return withWhatKmsDoesNotKeep(handle(session), model);
        } catch (CallBack wait) {
            final ProgressEvent<ResourceModel, CallbackContext> event = ProgressEvent.defaultInProgressHandler(context,
                wait.delaySeconds, model);
            event.setMessage(wait.getMessage());
            if (logger != null) {
                logger.log(wait.getMessage());
            }
            return event;
        } catch (KeyholdFailureException e) {
            return failed(model, context, e.failure());
        }
    }

    /**
     * READ, UPDATE and DELETE act on the one key store their request names (their action's name, for messages); CREATE
     * makes one and LIST names none (null). A request of those three that names none is refused before any call
     * ({@link #identify}).
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

    /**
     * RefuseDisconnectingUpdates lives in the template only (KMS has no such setting): an answer's model carries the
     * value the request gave, so that drift detection does not report it as changed.
     */
    private static ProgressEvent<ResourceModel, CallbackContext> withWhatKmsDoesNotKeep(
        final ProgressEvent<ResourceModel, CallbackContext> event, final ResourceModel request) {
        if (event.getResourceModel() != null && event.getResourceModel() != request && request != null) {
            event.getResourceModel().setRefuseDisconnectingUpdates(request.getRefuseDisconnectingUpdates());
        }
        return event;
    }

    /** LIST is the one action CloudFormation may send without resource properties. */
    protected boolean requiresModel() {
        return true;
    }

    protected abstract ProgressEvent<ResourceModel, CallbackContext> handle(Session session);

    /** Whether a transient error calls back (mutating actions) or fails at once (READ and LIST answer at once). */
    protected boolean retriesByCallingBack() {
        return true;
    }

    /**
     * Runs one KMS or SSM call. A transient error calls back after the retry policy's delay (counted in the
     * operation's progress) while retries remain; any other error fails with the operator's message.
     */
    protected <T> T call(final Session session, final String operation, final Supplier<T> call) {
        try {
            return call.get();
        } catch (KeyholdFailureException | CallBack e) {
            throw e;
        } catch (RuntimeException e) {
            throw translated(session, operation, e);
        }
    }

    /** What a failed call becomes: a call back for a transient error while retries remain, else the operator's failure. */
    protected RuntimeException translated(final Session session, final String operation, final RuntimeException error) {
        final ErrorTranslator.Translation translation = errors(session.model).translate(error,
            new Attempt(operation, session.id(), session.region(),
                session.model == null ? null : session.model.getCloudHsmClusterId()));
        if (translation.retryable() && retriesByCallingBack()) {
            final int failures = progress(session, null).recordTransientFailure();
            if (!config.retries().exhausted(failures)) {
                final int delay = config.retries().delaySeconds(failures);
                return new CallBack(delay, String.format("%s: %s hit %s; retrying in %ds (attempt %d of %d)",
                    session.id() == null ? ResourceModel.TYPE_NAME : session.id(), operation, translation.kind(),
                    delay, failures, config.retries().maxAttempts()));
            }
        }
        return new KeyholdFailureException(translation.failure());
    }

    protected void run(final Session session, final String operation, final Runnable call) {
        call(session, operation, () -> {
            call.run();
            return null;
        });
    }

    /** The shared translator with the key store rules, naming what the model names. */
    static ErrorTranslator errors(final ResourceModel model) {
        final KeyStoreErrorGuide.Context context = model == null
            ? new KeyStoreErrorGuide.Context(null, null, null, null, null, null)
            : new KeyStoreErrorGuide.Context(model.getCustomKeyStoreName(), model.getCloudHsmClusterId(),
                model.getXksProxyUriEndpoint(), model.getXksProxyUriPath(), model.getXksProxyVpcEndpointServiceName(),
                null);
        return new ErrorTranslator().extend(KeyStoreErrorGuide.rules(context));
    }

    /** The operation's progress toward {@code target}, started now unless it already heads there. */
    protected Progress progress(final Session session, final TargetState target) {
        final CallbackContext context = session.context;
        if (context.getProgress() == null || target != null && context.getProgress().getTarget() != target) {
            context.setProgress(Progress.start(target == null ? TargetState.DISCONNECTED : target,
                config.clock().instant()));
        }
        return context.getProgress();
    }

    /**
     * One step toward a connection state with the connection type's stabilization: decide on what this invocation
     * just described ({@code entry}), at most one Connect or Disconnect. Returns when the key store is there; calls
     * back while it is on its way.
     *
     * @param onFailure turns the transition's failure into this operation's message
     */
    protected void stepToward(final Session session, final TargetState target, final CustomKeyStoresListEntry entry,
                              final java.util.function.UnaryOperator<Failure> onFailure) {
        final StepResult step = config.transition().step(session.keyStores, session.region(),
            progress(session, target), KmsKeyStores.observation(entry));
        switch (step.kind()) {
            case DONE:
                return;
            case POLL:
                throw new CallBack(step.delaySeconds(), step.message());
            default:
                throw new KeyholdFailureException(onFailure.apply(step.failure()));
        }
    }

    /**
     * For a store record that names another resource: asks CloudFormation whether that resource's stack still holds the
     * key store ({@link RecordedStack}). When it does not and this request's stack does, the record becomes this
     * resource's and this invocation ends with an in-progress event that says so (the operation goes on as the
     * owner's); otherwise returns what to add to the refusal (empty when the recorded stack holds the key store).
     */
    protected String takeOverIfStale(final Session session, final StoreRecord record) {
        return takeOverIfStale(session, record, false);
    }

    /** As above; {@code failWhenUndecided} for a delete ({@link RecordedStack#check}). */
    protected String takeOverIfStale(final Session session, final StoreRecord record,
                                     final boolean failWhenUndecided) {
        final RecordedStack.Check check = RecordedStack.check(session.stacks, record.stackId(),
            record.logicalResourceId(), session.stackId(), session.logicalId(), session.id(), failWhenUndecided);
        if (!check.takeOver()) {
            return check.reason() == null ? "" : check.reason();
        }
        run(session, "PutParameter", () -> session.records.save(record.takenOverBy(session.stackId(),
            session.logicalId(), config.clock().instant().toString())));
        throw new CallBack(0, check.reason());
    }

    /** This key store's store record, or empty when there is none. */
    protected java.util.Optional<StoreRecord> record(final Session session) {
        return call(session, "GetParameter", () -> session.records.find(session.id()));
    }

    /**
     * Writes the store record: the model's versions (what KMS now has the secrets under), owned by {@code owner}'s
     * resource when there is one, else by the request's (a create, or the first update of an imported key store).
     * Only a create's record keeps the request's token, by which a retried create recognises its key store.
     */
    protected StoreRecord saveRecord(final Session session, final StoreRecord owner, final boolean creating) {
        // A password KMS has been given is spent from then on: whoever connects the key store (the connection type,
        // an operator) makes KMS rotate it, and Keyhold cannot see every connect. So the version sent at create is
        // listed at once, and never sent again.
        final StoreRecord record = new StoreRecord(session.id(), session.model.getKeyStorePasswordVersion(),
            session.model.getXksProxyAuthenticationCredentialVersion(),
            owner == null ? session.stackId() : owner.stackId(),
            owner == null ? session.logicalId() : owner.logicalResourceId(),
            creating ? session.request.getClientRequestToken() : owner == null ? null : owner.createToken(),
            config.clock().instant().toString(), null, null,
            creating ? StoreRecord.spending(java.util.List.of(), session.model.getKeyStorePasswordVersion())
                : owner == null ? java.util.List.of() : owner.spentPasswordVersions());
        if (!creating) {
            run(session, "PutParameter", () -> session.records.save(record));
            return record;
        }
        // A create's record never overwrites: KMS answers a CloudHSM create that repeats a DISCONNECTED key store's
        // properties with that key store's id, which may be another resource's.
        if (!call(session, "PutParameter", () -> session.records.saveNew(record))) {
            final java.util.Optional<StoreRecord> existing = record(session);
            if (existing.isEmpty()) {
                throw new CallBack(0, session.id() + ": its store record changed while this create wrote it; "
                    + "writing it again");
            }
            if (!existing.get().createdBy(session.request.getClientRequestToken())) {
                throw new KeyholdFailureException(FailureKind.AlreadyExists, String.format("%s: KMS answered this "
                    + "create with key store %s, which is not this resource's: its record %s names %s. KMS returns an "
                    + "existing CloudHSM key store's id when a create repeats all its properties while it is "
                    + "DISCONNECTED. This create left that key store and its record untouched; use another "
                    + "CustomKeyStoreName.", session.model.getCustomKeyStoreName(), session.id(),
                    StoreRecord.parameterName(session.id()), existing.get().owner()));
            }
            return existing.get();
        }
        return record;
    }

    /**
     * What an update can check before any call that changes the key store, so that a change KMS would refuse never
     * costs an outage: a property the template dropped that the API cannot clear (KeyStoreChange.cannotClear), and
     * for a move to another CloudHSM cluster, whether KMS would take that cluster (ClusterMoveCheck, from
     * DescribeClusters). A change KMS would refuse fails the update here.
     */
    protected void checkBeforeChanging(final Session session, final CustomKeyStoresListEntry entry,
                                       final KeyStoreChange change) {
        KeyStoreChange.cannotClear(session.id(), KeyStoreModels.reported(entry, null, null),
            KeyStoreModels.desired(session.model)).ifPresent(problem -> {
                throw new KeyholdFailureException(FailureKind.InvalidRequest, problem);
            });
        if (change.properties().contains(StoreProperty.XKS_PROXY_CONNECTIVITY)
            && !change.properties().contains(StoreProperty.XKS_PROXY_URI_ENDPOINT)) {
            // API reference, UpdateCustomKeyStore XksProxyConnectivity: a change of connectivity must also change
            // XksProxyUriEndpoint. Refused here, before the disconnect KMS would refuse it after.
            throw new KeyholdFailureException(FailureKind.InvalidRequest, String.format("%s: XksProxyConnectivity "
                + "changes to %s, but XksProxyUriEndpoint stays %s: KMS accepts a change of connectivity only together "
                + "with a new XksProxyUriEndpoint (the proxy's address for the new connectivity). Nothing was changed: "
                + "the key store was not disconnected. Set XksProxyUriEndpoint to the new address and update again.",
                session.id(), session.model.getXksProxyConnectivity(), entry.xksProxyConfiguration() == null ? "(none)"
                    : entry.xksProxyConfiguration().uriEndpoint()));
        }
        if (!change.properties().contains(StoreProperty.CLOUD_HSM_CLUSTER_ID)) {
            return;
        }
        final String current = entry.cloudHsmClusterId();
        final String target = session.model.getCloudHsmClusterId();
        final java.util.Optional<CloudHsmCluster> targetCluster = call(session, "DescribeClusters",
            () -> session.clusters.describe(target));
        final java.util.Optional<CloudHsmCluster> currentCluster = call(session, "DescribeClusters",
            () -> session.clusters.describe(current));
        ClusterMoveCheck.problem(session.id(), current, currentCluster, target, targetCluster).ifPresent(problem -> {
            throw new KeyholdFailureException(FailureKind.InvalidRequest, problem);
        });
    }

    /** The key store as KMS reports it, or empty when it is gone. */
    protected java.util.Optional<CustomKeyStoresListEntry> describe(final Session session) {
        return call(session, "DescribeCustomKeyStores", () -> session.admin.describe(session.id()));
    }

    protected static ProgressEvent<ResourceModel, CallbackContext> failed(final ResourceModel model,
                                                                         final CallbackContext context,
                                                                         final Failure failure) {
        if (failure.kind() == FailureKind.AlreadyExists) {
            // No model: CloudFormation would otherwise roll back by deleting a key store that is not this stack's.
            return ProgressEvent.failed(null, null, HandlerErrorCode.AlreadyExists, failure.message());
        }
        return ProgressEvent.failed(model, context, HandlerErrorCode.valueOf(failure.kind().name()), failure.message());
    }
}
