package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.core.Attempt;
import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import com.keyhold.kms.customkeystoreconnection.core.ModelRules;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.core.TargetState;
import java.util.List;
import java.util.Optional;
import software.amazon.cloudformation.proxy.ProgressEvent;
import software.amazon.cloudformation.proxy.ResourceHandlerRequest;

/** Checks the key store exists, claims ownership, drives it to ConnectionState. */
public class CreateHandler extends BaseHandlerStd {

    public CreateHandler(final HandlerConfig config) {
        super(config);
    }

    @Override
    protected List<String> validate(final ResourceModel model, final ResourceHandlerRequest<ResourceModel> request) {
        return ModelRules.check(model.getCustomKeyStoreId(), model.getConnectionState(),
            model.getConnectionStateOnDelete());
    }

    @Override
    protected ProgressEvent<ResourceModel, CallbackContext> handle(final Session session) {
        final CallbackContext context = session.context;
        final TargetState target = TargetState.valueOf(session.model.getConnectionState());
        return ProgressEvent.progress(session.model, context)
            .then(progress -> requireKeyStore(session, target))
            .then(progress -> {
                if (!context.isOwnershipClaimed()) {
                    claim(session);
                    context.setOwnershipClaimed(true);
                }
                return progress;
            })
            .then(progress -> driveTo(session, target))
            .then(progress -> ProgressEvent.defaultSuccessHandler(session.model));
    }

    private void claim(final Session session) {
        final OwnershipRecord mine = recordFor(session);
        final Optional<OwnershipRecord> existing = callOnce(() -> session.ownership.claim(mine),
            new Attempt("PutParameter", session.id(), session.region()));
        // A create re-invoked after a lost response finds its own claim; anyone else's is a conflict.
        if (existing.isPresent() && !existing.get().claimedBy(mine.clientRequestToken())) {
            throw new KeyholdFailureException(FailureKind.AlreadyExists, existing.get().alreadyOwnedMessage());
        }
    }
}
