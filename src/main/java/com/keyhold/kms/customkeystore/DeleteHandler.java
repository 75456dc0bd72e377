package com.keyhold.kms.customkeystore;

import com.keyhold.kms.customkeystoreconnection.core.Failure;
import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import com.keyhold.kms.customkeystoreconnection.core.KmsConnectionState;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.core.TargetState;
import com.keyhold.kms.customkeystoreconnection.aws.KmsKeyStoreAdmin.KeyPage;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreHasCmKsException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;
import software.amazon.cloudformation.proxy.ProgressEvent;

/**
 * Deletes the key store without an outage it cannot finish: first (before anything is disconnected) no KMS keys in
 * it, pending deletion included, and no other stack's connection resource on it; then disconnect if needed and
 * DeleteCustomKeyStore, and the store record with it. The key count describes every key of the account, paged
 * across invocations ({@link KeyScanBudget}, {@link KeyCount}); a key store already DISCONNECTED is not counted,
 * since DeleteCustomKeyStore then refuses by itself while it holds keys and nothing needs disconnecting. A delete by a resource the store record does not name
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
                final String message = record.get().leftAloneMessage(session.stackId(), session.logicalId())
                    + takeOverIfStale(session, record.get(), true);
                session.log(message);
                final ProgressEvent<ResourceModel, CallbackContext> event = ProgressEvent.defaultSuccessHandler(null);
                event.setMessage(message);
                return event;
            }
            check(session, KmsConnectionState.fromKms(entry.get().connectionStateAsString()));
            context.setDeleteChecked(true);
        }
        if (KmsConnectionState.fromKms(entry.get().connectionStateAsString()) != KmsConnectionState.DISCONNECTED) {
            stepToward(session, TargetState.DISCONNECTED, entry.get(), failure -> new Failure(failure.kind(), failure.message()
                + " Nothing was deleted; the key store and its configuration are as they were."));
        }
        final boolean[] holdsKeys = {false};
        try {
            run(session, "DeleteCustomKeyStore", () -> {
                try {
                    session.admin.delete(session.id());
                } catch (CustomKeyStoreHasCmKsException e) {
                    holdsKeys[0] = true;
                    throw e;
                }
            });
        } catch (KeyholdFailureException e) {
            if (holdsKeys[0] && context.getKeyCount() != null) {
                // This delete disconnected it after counting none: a key was created in between.
                throw new KeyholdFailureException(FailureKind.ResourceConflict, String.format("%s: KMS refused to "
                        + "delete it because it holds KMS keys (CustomKeyStoreHasCMKsException), created after "
                        + "Keyhold counted none. Keyhold had disconnected it for the delete, so it is DISCONNECTED "
                        + "now and the KMS keys in it are unusable. Reconnect it with 'aws kms "
                        + "connect-custom-key-store --custom-key-store-id %s' if they are still needed; to delete it, "
                        + "schedule the deletion of its keys, wait for the waiting period, and delete the stack "
                        + "again.", session.id(), session.id()));
            }
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

    /**
     * Counts the KMS keys in the key store before anything is disconnected. KMS has no filter by key store, so every
     * key of the account is listed and described: pages up to this invocation's budget, then a call back that resumes
     * from the ListKeys marker kept in the context. A key whose DescribeKey is denied might be in the key store, so
     * it refuses the delete as surely as a key found in it.
     */
    private void countKeys(final Session session, final KmsConnectionState state) {
        final CallbackContext context = session.context;
        if (context.getKeyCount() == null) {
            context.setKeyCount(new KeyCount());
        }
        final KeyCount count = context.getKeyCount();
        final KeyScanBudget budget = config.keyScan();
        final Instant started = config.clock().instant();
        int left = budget.keysPerInvocation();
        while (!count.done()) {
            if (left <= 0 || !Duration.between(started, config.clock().instant()).minus(budget.timePerInvocation())
                .isNegative()) {
                throw new CallBack(1, String.format("%s: counting the KMS keys in it before the delete: %d key%s of "
                        + "the account described so far, %d in this key store; continuing where ListKeys left off",
                    session.id(), count.listed(), count.listed() == 1 ? "" : "s", count.inStore()));
            }
            final int limit = left;
            final KeyPage page = call(session, "ListKeys",
                () -> session.admin.keyPage(session.id(), count.marker(), limit));
            count.add(page);
            if (context.getProgress() != null) {
                context.getProgress().recordStepSucceeded();
            }
            // An empty page still uses budget, so a KMS that answered only empty pages could not hold the invocation.
            left -= Math.max(1, page.listed());
        }
        if (context.getProgress() != null) {
            // Retries of the count are over; the disconnect's wait has its own budget.
            context.setProgress(null);
        }
        if (count.inStore() > 0) {
            throw new KeyholdFailureException(FailureKind.ResourceConflict, String.format("%s holds %d KMS key%s "
                    + "(%s; keys pending deletion count until their waiting period ends), so KMS cannot delete it; the "
                    + "key store was not touched and stays %s. Schedule the deletion of its keys ('aws kms "
                    + "schedule-key-deletion'), wait for the waiting period to end, and delete the stack again; or "
                    + "keep the key store with DeletionPolicy: Retain.", session.id(), count.inStore(),
                count.inStore() == 1 ? "" : "s", count.inStoreNamed(), state));
        }
        if (count.denied() > 0) {
            throw new KeyholdFailureException(FailureKind.AccessDenied, String.format("%s: Keyhold cannot tell "
                    + "whether this key store holds KMS keys: DescribeKey was denied on %d key%s of the account in %s "
                    + "(%s). KMS cannot list the keys of one key store, so Keyhold describes every key before it "
                    + "disconnects the key store; the key store was not touched and stays %s. Allow kms:DescribeKey "
                    + "to the role CloudFormation uses for this type in the key policy of %s (a key policy's explicit "
                    + "Deny, or one that does not let IAM policies grant access, overrides the role's own policy), "
                    + "then delete the stack again. Or, if you know the key store holds no keys, disconnect it "
                    + "yourself ('aws kms disconnect-custom-key-store --custom-key-store-id %s') and delete again: "
                    + "DeleteCustomKeyStore of a DISCONNECTED key store refuses by itself while it holds keys, so "
                    + "Keyhold does not count them.", session.id(), count.denied(), count.denied() == 1 ? "" : "s",
                session.region(), count.deniedNamed(), state, count.denied() == 1 ? "that key" : "those keys",
                session.id()));
        }
    }

    /**
     * The checks that come before any change: keys in the key store (unless it is DISCONNECTED already), another
     * stack's connection resource.
     */
    private void check(final Session session, final KmsConnectionState state) {
        if (state != KmsConnectionState.DISCONNECTED) {
            countKeys(session, state);
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
