package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.core.Attempt;
import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import com.keyhold.kms.customkeystoreconnection.core.ModelRules;
import com.keyhold.kms.customkeystoreconnection.core.Observation;
import com.keyhold.kms.customkeystoreconnection.core.Ownership;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.core.TargetState;
import java.util.List;
import software.amazon.cloudformation.proxy.ProgressEvent;
import software.amazon.cloudformation.proxy.ResourceHandlerRequest;

/**
 * Drives the key store to the new ConnectionState, then rewrites the ownership record; only when the record names this
 * request's stack and logical id (see {@link com.keyhold.kms.customkeystoreconnection.core.Ownership}).
 */
public class UpdateHandler extends BaseHandlerStd {

    public UpdateHandler(final HandlerConfig config) {
        super(config);
    }

    @Override
    protected String actionOnOneKeyStore() {
        return "UPDATE";
    }

    @Override
    protected List<String> validate(final ResourceModel model, final ResourceHandlerRequest<ResourceModel> request) {
        // A changed CustomKeyStoreId (create-only) never gets here: the protocol answers NotUpdatable first.
        return ModelRules.check(model.getCustomKeyStoreId(), model.getConnectionState(),
            model.getConnectionStateOnDelete());
    }

    @Override
    protected ProgressEvent<ResourceModel, CallbackContext> handle(final Session session) {
        final CallbackContext context = session.context;
        if (!context.isPreconditionsChecked()) {
            final Ownership ownership = ownership(session);
            if (ownership.verdict() == Ownership.Verdict.ANOTHER_RESOURCE) {
                return unchangedOrRefused(session, ownership);
            }
            if (ownership.verdict() == Ownership.Verdict.STALE_RECORD) {
                takeOver(session, ownership);
            }
            ownership.owned(session.region());
            context.setPreconditionsChecked(true);
        }
        return ProgressEvent.progress(session.model, context)
            .then(progress -> driveTo(session, TargetState.valueOf(session.model.getConnectionState())))
            .then(progress -> {
                // Checked again in the invocation that writes: the record keeps its owner, and is never written over
                // another resource's claim.
                final OwnershipRecord owned = requireOwnRecord(session);
                final OwnershipRecord mine = recordFor(session);
                callOnce(() -> {
                    session.ownership.save(owned.updated(mine.connectionState(), mine.connectionStateOnDelete(),
                        mine.clientRequestToken(), mine.updatedAt()));
                    return null;
                }, new Attempt("PutParameter", session.id(), session.region()));
                return ProgressEvent.defaultSuccessHandler(session.model);
            });
    }

    /**
     * An update by a resource that does not own the key store: when the key store already is in the desired state
     * (CloudFormation's rollback of an update that was refused), it succeeds and changes nothing, so that a refused
     * update never leaves its stack in UPDATE_ROLLBACK_FAILED; otherwise NotFound, naming the owner.
     */
    private ProgressEvent<ResourceModel, CallbackContext> unchangedOrRefused(final Session session,
                                                                            final Ownership ownership) {
        final Observation observed = describeOnce(session);
        if (TargetState.reported(observed.state()).name().equals(session.model.getConnectionState())) {
            final String message = ownership.unchangedMessage(session.model.getConnectionState());
            session.logger.log(message);
            reportObserved(session.model, observed);
            final ProgressEvent<ResourceModel, CallbackContext> event =
                ProgressEvent.defaultSuccessHandler(session.model);
            event.setMessage(message);
            return event;
        }
        throw new KeyholdFailureException(FailureKind.NotFound, ownership.notThisResourceMessage());
    }
}
