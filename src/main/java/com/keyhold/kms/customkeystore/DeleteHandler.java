package com.keyhold.kms.customkeystore;

import com.keyhold.kms.customkeystoreconnection.core.Failure;
import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import com.keyhold.kms.customkeystoreconnection.core.KmsConnectionState;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.core.TargetState;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;
import software.amazon.cloudformation.proxy.ProgressEvent;

/**
 * Deletes the key store without an outage it cannot finish: first (before anything is disconnected) no KMS keys in
 * it, pending deletion included, and no other stack's connection resource on it; then disconnect if needed and
 * DeleteCustomKeyStore, and the store record with it. A delete by a resource the store record does not name
 * changes nothing; a key store already gone is NotFound (deleted, for CloudFormation).
 */
public class DeleteHandler extends StoreHandler {
    public DeleteHandler(final HandlerConfig config) {
        super(config);
    }

    @Override
    protected String actionOnOneKeyStore() {
        return "DELETE";
    }

    @Override
    protected ProgressEvent<ResourceModel, CallbackContext> handle(final Session session) {
        final CallbackContext context = session.context;
        final Optional<CustomKeyStoresListEntry> entry = describe(session);
        if (entry.isEmpty()) {
            return gone(session);
        }
        if (!context.isDeleteChecked()) {
            final Optional<StoreRecord> record = record(session);
            if (record.isPresent() && !record.get().names(session.stackId(), session.logicalId())) {
                final String message = record.get().leftAloneMessage(session.stackId(), session.logicalId());
                session.log(message);
                final ProgressEvent<ResourceModel, CallbackContext> event = ProgressEvent.defaultSuccessHandler(null);
                event.setMessage(message);
                return event;
            }
            check(session);
            context.setDeleteChecked(true);
        }
        if (KmsConnectionState.fromKms(entry.get().connectionStateAsString()) != KmsConnectionState.DISCONNECTED) {
            stepToward(session, TargetState.DISCONNECTED, entry.get(), failure -> new Failure(failure.kind(), failure.message()
                + " Nothing was deleted; the key store and its configuration are as they were."));
        }
        try {
            run(session, "DeleteCustomKeyStore", () -> session.admin.delete(session.id()));
        } catch (KeyholdFailureException e) {
            if (e.failure().kind() != FailureKind.NotFound) {
                throw e;
            }
        }
        session.log(session.id() + ": deleted");
        run(session, "DeleteParameter", () -> session.records.remove(session.id()));
        return ProgressEvent.defaultSuccessHandler(null);
    }

    /**
     * The key store is gone. After this operation's checks passed, it is this operation's delete (a call back after
     * it): success. Before, it was gone already: NotFound, which CloudFormation takes as deleted (the handler
     * contract's delete of a resource that does not exist). Either way this resource's record goes with it.
     */
    private ProgressEvent<ResourceModel, CallbackContext> gone(final Session session) {
        final Optional<StoreRecord> record = record(session);
        if (record.isPresent() && record.get().names(session.stackId(), session.logicalId())) {
            run(session, "DeleteParameter", () -> session.records.remove(session.id()));
        }
        if (session.context.isDeleteChecked()) {
            return ProgressEvent.defaultSuccessHandler(null);
        }
        throw new KeyholdFailureException(FailureKind.NotFound, String.format("%s: KMS has no custom key store with "
            + "this id in %s; there is nothing to delete.", session.id(), session.region()));
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
