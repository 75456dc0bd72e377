package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.core.Attempt;
import com.keyhold.kms.customkeystoreconnection.core.ModelRules;
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
        return ProgressEvent.progress(session.model, context)
            .then(progress -> once(session, () -> requireOwnRecord(session)))
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
}
