package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.core.Attempt;
import com.keyhold.kms.customkeystoreconnection.core.ModelRules;
import com.keyhold.kms.customkeystoreconnection.core.OnDelete;
import com.keyhold.kms.customkeystoreconnection.core.Ownership;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.core.Progress;
import java.util.List;
import java.util.Optional;
import software.amazon.cloudformation.proxy.HandlerErrorCode;
import software.amazon.cloudformation.proxy.OperationStatus;
import software.amazon.cloudformation.proxy.ProgressEvent;
import software.amazon.cloudformation.proxy.ResourceHandlerRequest;

/**
 * Applies ConnectionStateOnDelete, then removes the ownership record (last, so a failed delete keeps it); only when the
 * record names this request's stack and logical id (see {@link Ownership}): any other resource's delete is a no-op.
 */
public class DeleteHandler extends BaseHandlerStd {

    public DeleteHandler(final HandlerConfig config) {
        super(config);
    }

    @Override
    protected String actionOnOneKeyStore() {
        return "DELETE";
    }

    @Override
    protected List<String> validate(final ResourceModel model, final ResourceHandlerRequest<ResourceModel> request) {
        // The identifier is checked before (ModelRules.namedKeyStore).
        return ModelRules.checkOnDelete(model.getConnectionStateOnDelete());
    }

    @Override
    protected ProgressEvent<ResourceModel, CallbackContext> handle(final Session session) {
        final CallbackContext context = session.context;
        if (!context.isPreconditionsChecked()) {
            final Ownership ownership = ownership(session, true);
            if (ownership.verdict() == Ownership.Verdict.ANOTHER_RESOURCE) {
                return leftAlone(session, ownership);
            }
            if (ownership.verdict() == Ownership.Verdict.STALE_RECORD) {
                takeOver(session, ownership);
            }
            final OwnershipRecord record = ownership.owned(session.region());
            // The template's value wins; the record covers a delete request that omits the property.
            final String onDelete = session.model.getConnectionStateOnDelete() != null
                ? session.model.getConnectionStateOnDelete() : record.connectionStateOnDelete();
            // Later invocations find the target in the progress, whatever the request carries.
            OnDelete.fromProperty(onDelete).target()
                .ifPresent(target -> context.setProgress(Progress.start(target, config.clock().instant())));
            context.setPreconditionsChecked(true);
        }
        return ProgressEvent.progress(session.model, context)
            .then(progress -> context.getProgress() == null ? progress
                : toleratingMissingKeyStore(session, driveTo(session, context.getProgress().getTarget())))
            .then(progress -> {
                // Checked again in the invocation that releases: only this resource's own record goes.
                final Ownership ownership = ownership(session);
                if (ownership.verdict() == Ownership.Verdict.ANOTHER_RESOURCE
                    || ownership.verdict() == Ownership.Verdict.STALE_RECORD) {
                    return leftAlone(session, ownership);
                }
                callOnce(() -> {
                    session.ownership.release(session.id());
                    return Optional.empty();
                }, new Attempt("DeleteParameter", session.id(), session.region()));
                return ProgressEvent.defaultSuccessHandler(null);
            });
    }

    /**
     * Another resource's key store (CloudFormation's rollback of a create that failed AlreadyExists, a stale stack, a
     * second resource naming the same key store): the delete succeeds and touches nothing.
     */
    private static ProgressEvent<ResourceModel, CallbackContext> leftAlone(final Session session,
                                                                          final Ownership ownership) {
        final String message = ownership.leftAloneMessage();
        session.logger.log(message);
        return ProgressEvent.<ResourceModel, CallbackContext>builder().status(OperationStatus.SUCCESS)
            .message(message).build();
    }

    /** A key store deleted out of band has no state left to apply: the delete still releases the record. */
    private static ProgressEvent<ResourceModel, CallbackContext> toleratingMissingKeyStore(
        final Session session, final ProgressEvent<ResourceModel, CallbackContext> driven) {
        if (driven.isFailed() && driven.getErrorCode() == HandlerErrorCode.NotFound) {
            session.logger.log(session.id() + ": key store no longer exists; releasing the ownership record only.");
            return ProgressEvent.progress(session.model, session.context);
        }
        return driven;
    }
}
