package com.keyhold.kms.customkeystore;

import com.keyhold.kms.customkeystoreconnection.core.Failure;
import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import com.keyhold.kms.customkeystoreconnection.core.KmsConnectionState;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.core.TargetState;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;
import software.amazon.cloudformation.proxy.ProgressEvent;

/**
 * Deletes the key store without an outage it cannot finish: first (before anything is disconnected) no KMS keys in
 * it, pending deletion included, and no other stack's connection resource on it; then disconnect if needed and
 * DeleteCustomKeyStore. A key store already gone is success.
 */
public class DeleteHandler extends StoreHandler {
    public DeleteHandler(final HandlerConfig config) {
        super(config);
    }

    @Override
    protected ProgressEvent<ResourceModel, CallbackContext> handle(final Session session) {
        if (session.id() == null) {
            return ProgressEvent.defaultSuccessHandler(null);
        }
        Optional<CustomKeyStoresListEntry> entry = describe(session);
        if (entry.isEmpty()) {
            return ProgressEvent.defaultSuccessHandler(null);
        }
        if (!session.context.isDeleteChecked()) {
            check(session);
            session.context.setDeleteChecked(true);
        }
        if (KmsConnectionState.fromKms(entry.get().connectionStateAsString()) != KmsConnectionState.DISCONNECTED) {
            stepToward(session, TargetState.DISCONNECTED, failure -> new Failure(failure.kind(), failure.message()
                + " Nothing was deleted; the key store and its configuration are as they were."));
        }
        try {
            run(session, "DeleteCustomKeyStore", () -> session.admin.delete(session.id()));
        } catch (KeyholdFailureException e) {
            if (e.failure().kind() == FailureKind.NotFound) {
                return ProgressEvent.defaultSuccessHandler(null);
            }
            throw e;
        }
        session.log(session.id() + ": deleted");
        return ProgressEvent.defaultSuccessHandler(null);
    }

    /** The checks that come before any change: keys in the key store, another stack's connection resource. */
    private void check(final Session session) {
        final int keys = call(session, "ListKeys", () -> session.admin.keyCount(session.id()));
        if (keys > 0) {
            throw new KeyholdFailureException(FailureKind.ResourceConflict, String.format("%s holds %d KMS key%s "
                    + "(keys pending deletion count until their waiting period ends), so KMS cannot delete it; the key "
                    + "store was not touched and stays %s. Schedule the deletion of its keys ('aws kms "
                    + "schedule-key-deletion'), wait for the waiting period to end, and delete the stack again; or keep "
                    + "the key store with DeletionPolicy: Retain.", session.id(), keys, keys == 1 ? "" : "s",
                "as it was"));
        }
        final Optional<OwnershipRecord> record = call(session, "GetParameter",
            () -> session.ownership.find(session.id()));
        if (record.isPresent() && !Objects.equals(record.get().stackId(), session.request.getStackId())) {
            throw new KeyholdFailureException(FailureKind.ResourceConflict, String.format("%s: a "
                + "Keyhold::KMS::CustomKeyStoreConnection resource of another stack (%s) manages its connection; "
                + "deleting the key store would pull it from under that stack. The key store was not touched. Remove "
                + "the connection resource from that stack first, or keep this key store with DeletionPolicy: "
                + "Retain.", session.id(), record.get().owner()));
        }
    }
}
