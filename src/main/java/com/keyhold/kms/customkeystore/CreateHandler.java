package com.keyhold.kms.customkeystore;

import com.keyhold.kms.customkeystoreconnection.core.CreateIntent;
import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.core.TransitionPlanner;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.json.JSONObject;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreNameInUseException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;
import software.amazon.cloudformation.proxy.ProgressEvent;

/**
 * CreateCustomKeyStore, then wait until DescribeCustomKeyStores shows the new key store (eventual consistency), then
 * the store record. The call is made once: the id is in the callback context the following invocations carry, and a
 * retry after a lost answer recognises its key store (CreateIntent). A new key store is DISCONNECTED; connecting it
 * is the connection type's job.
 */
public class CreateHandler extends StoreHandler {
    public CreateHandler(final HandlerConfig config) {
        super(config);
    }

    @Override
    protected ProgressEvent<ResourceModel, CallbackContext> handle(final Session session) {
        final ResourceModel model = session.model;
        if (session.context.getCreatedId() == null) {
            final List<String> problems = InputCheck.problems(new JSONObject(
                ResourceModelJson.CODEC.write(model)), true);
            if (!problems.isEmpty()) {
                throw new KeyholdFailureException(FailureKind.InvalidRequest, String.join(" ", problems));
            }
            session.context.setCreatedId(create(session));
            progress(session, null);
            session.log(session.context.getCreatedId() + ": created; waiting until DescribeCustomKeyStores shows it");
        }
        model.setCustomKeyStoreId(session.context.getCreatedId());
        final Optional<CustomKeyStoresListEntry> entry = describe(session);
        if (entry.isEmpty()) {
            if (session.context.getProgress().elapsed(config.clock().instant())
                .compareTo(TransitionPlanner.DESCRIBE_LAG_GRACE.multipliedBy(3)) > 0) {
                throw new KeyholdFailureException(FailureKind.NotStabilized, String.format("%s: KMS created the key "
                    + "store but DescribeCustomKeyStores has not shown it for %ds. Check it with 'aws kms "
                    + "describe-custom-key-stores --custom-key-store-id %s'; if it exists, import it into the stack, "
                    + "otherwise run the stack operation again.", session.id(),
                    TransitionPlanner.DESCRIBE_LAG_GRACE.multipliedBy(3).toSeconds(), session.id()));
            }
            throw new CallBack(config.schedule().firstDelaySeconds(), session.id()
                + ": created; DescribeCustomKeyStores does not show it yet (KMS is eventually consistent)");
        }
        // The record names this stack's resource and the versions the secrets went under; a failed write calls back
        // and writes again (CreateCustomKeyStore is not repeated: the id is in the context).
        final StoreRecord record = saveRecord(session, null, true);
        run(session, "DeleteParameter", () -> session.records.removeIntent(model.getCustomKeyStoreName(),
            session.request.getClientRequestToken()));
        return ProgressEvent.defaultSuccessHandler(KeyStoreModels.read(entry.get(), record));
    }

    /**
     * CreateCustomKeyStore, after an intent that lets a retry of this operation recognise its key store: should the
     * invocation die after KMS created it, CloudFormation sends the same request again, the name is in use, and the
     * key store of that name is this operation's when its intent or store record carries this operation's token.
     */
    private String create(final Session session) {
        final String name = session.model.getCustomKeyStoreName();
        final String token = session.request.getClientRequestToken();
        final boolean retried = !writeIntent(session, name, token);
        final RuntimeException failure;
        try {
            return createOrFind(session, retried);
        } catch (KeyholdFailureException | CallBack e) {
            failure = e;
        } catch (RuntimeException e) {
            failure = translated(session, "CreateCustomKeyStore", e);
        }
        if (failure instanceof KeyholdFailureException) {
            // KMS created nothing: the intent has served. A call back (a transient error) keeps it for the retry.
            try {
                session.records.removeIntent(name, token);
            } catch (RuntimeException e) {
                session.log("Could not remove the create intent " + CreateIntent.parameterName(name) + ": "
                    + e.getClass().getSimpleName() + "; until it is removed, creates of this name by other operations "
                    + "fail AlreadyExists: " + removeIntentCommand(name));
            }
        }
        throw failure;
    }

    /**
     * Writes this operation's intent, never over another's: true when written, false when this operation's own is
     * already there (a retry). Another operation's intent means a create of this name is under way or died after its
     * CreateCustomKeyStore; replacing it would let that create's retry fail to recognise, and so orphan, its key store.
     */
    private boolean writeIntent(final Session session, final String name, final String token) {
        if (call(session, "PutParameter", () -> session.records.saveNewIntent(
            new CreateIntent(name, token, config.clock().instant().toString())))) {
            return true;
        }
        final Optional<CreateIntent> existing = call(session, "GetParameter", () -> session.records.findIntent(name));
        if (existing.isEmpty()) {
            // The other create finished between the write and the read: write again on the next invocation.
            throw new CallBack(config.schedule().firstDelaySeconds(), String.format("%s: another create of the name "
                + "'%s' just ended; writing this create's intent again", ResourceModel.TYPE_NAME, name));
        }
        if (existing.get().writtenBy(token)) {
            return false;
        }
        throw new KeyholdFailureException(FailureKind.AlreadyExists, String.format("%s: another create of the custom "
            + "key store name '%s' is under way, or died after creating its key store: its create intent %s (written "
            + "%s) carries another operation's token. Nothing was changed and no key store was created. Wait for that "
            + "create to finish, or choose another CustomKeyStoreName. If no create of this name is running, the "
            + "intent is stale: check that no key store has the name ('aws kms describe-custom-key-stores "
            + "--custom-key-store-name <name>'; one that does, and that no stack manages, is that create's: import "
            + "it), then remove the intent with '%s' and run the stack operation again.", ResourceModel.TYPE_NAME,
            name, CreateIntent.parameterName(name),
            Objects.requireNonNullElse(existing.get().at(), "by hand or unreadable"), removeIntentCommand(name)));
    }

    private static String removeIntentCommand(final String name) {
        return "aws ssm delete-parameter --name " + CreateIntent.parameterName(name);
    }

    /**
     * By name first: KMS answers a CloudHSM create that repeats a DISCONNECTED key store's properties with that key
     * store's id, so CreateCustomKeyStore is sent only when no key store has the name, and a key store that has it is
     * taken only by {@link #ownEarlierCreate}'s rules.
     */
    private String createOrFind(final Session session, final boolean retried) {
        final String name = session.model.getCustomKeyStoreName();
        final Optional<CustomKeyStoresListEntry> named = call(session, "DescribeCustomKeyStores",
            () -> session.admin.describeByName(name));
        if (named.isPresent()) {
            return ownEarlierCreate(session, retried, named.get());
        }
        try {
            return session.admin.create(KeyStoreModels.createRequest(session.model));
        } catch (CustomKeyStoreNameInUseException e) {
            // Someone took the name between the look and the create.
            final Optional<CustomKeyStoresListEntry> taken = call(session, "DescribeCustomKeyStores",
                () -> session.admin.describeByName(name));
            if (taken.isPresent()) {
                return ownEarlierCreate(session, retried, taken.get());
            }
            throw translated(session, "CreateCustomKeyStore", e);
        }
    }

    /**
     * The key store of this name when this operation made it before its answer was lost: its store record carries
     * this operation's token, or (no record yet) this operation's intent does, and it is what this create asks for
     * (type, cluster or proxy). Anything else is another's key store: AlreadyExists, nothing taken.
     */
    private String ownEarlierCreate(final Session session, final boolean retried,
                                    final CustomKeyStoresListEntry named) {
        final String token = session.request.getClientRequestToken();
        final String id = named.customKeyStoreId();
        final Optional<StoreRecord> record = call(session, "GetParameter", () -> session.records.find(id));
        final boolean madeByThisOperation = record.map(r -> r.createdBy(token)).orElse(retried);
        final String mismatch = KeyStoreModels.createMismatch(named, session.model);
        if (madeByThisOperation && mismatch == null) {
            session.log(id + ": this create made it before its answer was lost; continuing with it");
            return id;
        }
        throw new KeyholdFailureException(FailureKind.AlreadyExists, String.format("%s: the custom key store name '%s' "
            + "is already used by key store %s, which this create did not make (%s). Nothing was changed: it was left "
            + "as it is. Choose another CustomKeyStoreName, or import that key store into the stack if it is the one "
            + "you mean.", ResourceModel.TYPE_NAME, session.model.getCustomKeyStoreName(), id,
            mismatch != null && madeByThisOperation ? mismatch
                : record.isPresent() ? "its record " + StoreRecord.parameterName(id) + " names " + record.get().owner()
                : "no record or create intent of this operation names it"));
    }
}
