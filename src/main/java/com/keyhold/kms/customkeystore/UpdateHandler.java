package com.keyhold.kms.customkeystore;

import com.keyhold.kms.customkeystoreconnection.core.DisconnectGuard;
import com.keyhold.kms.customkeystoreconnection.core.Failure;
import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreChange;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreUpdatePlanner;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreUpdatePlanner.Next;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreUpdatePlanner.Phase;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import com.keyhold.kms.customkeystoreconnection.core.KmsConnectionState;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.core.StoreProperty;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.core.TargetState;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Optional;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreInvalidStateException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;
import software.amazon.cloudformation.proxy.ProgressEvent;

/**
 * The disconnect → UpdateCustomKeyStore → reconnect dance, one step of {@link KeyStoreUpdatePlanner}'s table per
 * invocation. What changes, and the state to come back to, are decided once, before the first call, and kept in the
 * callback context (after the update KMS reports the new values, so they could not be decided again); each phase
 * is recorded after its call succeeds. The waits are the connection type's Transition. The table, the two rules that
 * make it resumable, and how the dance meets the connection type: guides/DESIGN.md.
 */
public class UpdateHandler extends StoreHandler {
    /** Calls and looks one invocation may chain before it calls back (each step is a few KMS calls). */
    private static final int STEPS_PER_INVOCATION = 4;

    public UpdateHandler(final HandlerConfig config) {
        super(config);
    }

    @Override
    protected String actionOnOneKeyStore() {
        return "UPDATE";
    }

    @Override
    protected ProgressEvent<ResourceModel, CallbackContext> handle(final Session session) {
        final ResourceModel previous = session.request.getPreviousResourceState();
        final CallbackContext context = session.context;
        for (int i = 0; i < STEPS_PER_INVOCATION; i++) {
            final CustomKeyStoresListEntry entry = describe(session).orElseThrow(() -> new KeyholdFailureException(
                FailureKind.NotFound, String.format("%s: KMS has no custom key store with this id in %s; it was "
                    + "deleted outside the stack.", session.id(), session.region())));
            final KmsConnectionState observed = KmsConnectionState.fromKms(entry.connectionStateAsString());
            if (!context.isRecorded() && KeyStoreUpdatePlanner.kmsHasTheChange(context.getPhase())) {
                recordUpdate(session);
            }
            if (context.getPhase() == null) {
                final KeyStoreChange change = start(session, entry, previous, observed);
                if (change.mode() != KeyStoreChange.Mode.NOTHING) {
                    // The decision reaches the callback context before the first call: a crash after that call
                    // must not decide again from a state the call changed (DISCONNECTING would mean "stay away").
                    throw new CallBack(0, String.format("%s: changing %s; the key store is %s and will be %s "
                        + "afterwards", session.id(), change.names(), observed, context.getComeBackTo()));
                }
            }
            final KeyStoreChange change = new KeyStoreChange(KeyStoreModels.type(session.model),
                context.getChanged().isEmpty() ? EnumSet.noneOf(StoreProperty.class)
                    : EnumSet.copyOf(context.getChanged()));
            final Next next = KeyStoreUpdatePlanner.decide(change, context.getPhase(), observed,
                context.getComeBackTo());
            final String announcement = KeyStoreUpdatePlanner.announce(next.step(), session.id(), change, observed,
                context.getComeBackTo());
            if (announcement != null) {
                session.log(announcement);
                context.setStatusMessage(announcement);
            }
            // At most one mutating call per invocation, so that its phase is recorded before the next one.
            try {
                switch (next.step()) {
                    case DONE:
                        return ProgressEvent.defaultSuccessHandler(KeyStoreModels.read(entry,
                            context.isRecorded() ? currentRecord(session) : recordUpdate(session)));
                    case FAIL:
                        throw new KeyholdFailureException(fail(session, change, next, entry));
                    case UPDATE_CONNECTED:
                        updateInPlace(session, change);
                        if (context.getPhase() == Phase.UPDATED_IN_PLACE) {
                            throw new CallBack(0, announcement);
                        }
                        break;
                    case UPDATE:
                        updateDisconnected(session, change);
                        throw new CallBack(0, announcement);
                    case DISCONNECT:
                    case WAIT:
                        waitOrMove(session, change, waitTarget(context.getPhase()), entry);
                        break;
                    default: // RECONNECT
                        waitOrMove(session, change, TargetState.CONNECTED, entry);
                        break;
                }
            } catch (CallBack wait) {
                throw announcement == null || announcement.equals(wait.getMessage()) ? wait
                    : new CallBack(wait.delaySeconds, announcement + " (" + wait.getMessage() + ")");
            }
        }
        throw new CallBack(0, context.getStatusMessage());
    }

    /** Decides once what changes, which secrets go, and where to come back to. */
    private KeyStoreChange start(final Session session, final CustomKeyStoresListEntry entry, final ResourceModel previous,
                       final KmsConnectionState observed) {
        final StoreRecord store = owned(session);
        final KeyStoreChange change = KeyStoreChange.between(KeyStoreModels.reported(entry, store, previous),
            KeyStoreModels.desired(session.model));
        DisconnectGuard.check(session.id(), KeyStoreModels.refusesDisconnecting(previous, session.model), change,
            observed);
        final Optional<OwnershipRecord> record = call(session, "GetParameter",
            () -> session.ownership.find(session.id()));
        final TargetState owned = record.map(r -> TargetState.valueOf(r.connectionState())).orElse(null);
        session.context.setChanged(new ArrayList<>(change.properties()));
        session.context.setComeBackTo(KeyStoreUpdatePlanner.comeBackTo(owned, observed));
        session.context.setPhase(Phase.NOT_STARTED);
        return change;
    }

    /**
     * The store record when this request's resource may change the key store: it names this resource, or there is
     * none (a key store imported into this stack); null when there is none. Otherwise NotFound, nothing changed.
     */
    private StoreRecord owned(final Session session) {
        final Optional<StoreRecord> record = record(session);
        if (record.isPresent() && !record.get().names(session.stackId(), session.logicalId())) {
            throw new KeyholdFailureException(FailureKind.NotFound,
                record.get().notThisResourceMessage(session.stackId(), session.logicalId()));
        }
        return record.orElse(null);
    }

    /** Once KMS has the change: the record takes the new versions (checked again to be this resource's first). */
    private StoreRecord recordUpdate(final Session session) {
        final StoreRecord record = saveRecord(session, owned(session), false);
        session.context.setRecorded(true);
        return record;
    }

    /** The record as this operation wrote it (the model's versions), without reading it back. */
    private StoreRecord currentRecord(final Session session) {
        return new StoreRecord(session.id(), session.model.getKeyStorePasswordVersion(),
            session.model.getXksProxyAuthenticationCredentialVersion(), null, null, null, null);
    }

    private static TargetState waitTarget(final Phase phase) {
        return phase == Phase.UPDATE_SENT || phase == Phase.RECONNECT_SENT ? TargetState.CONNECTED
            : TargetState.DISCONNECTED;
    }

    private void updateInPlace(final Session session, final KeyStoreChange change) {
        try {
            session.admin.update(KeyStoreModels.updateRequest(session.id(), session.model, change));
        } catch (CustomKeyStoreInvalidStateException e) {
            if (!KeyStoreUpdatePlanner.fallsBackToDance(change)) {
                throw translated(session, "UpdateCustomKeyStore", e);
            }
            session.log(session.id() + ": KMS refused to change " + change.names() + " while connected; "
                + "disconnecting to change it");
            session.context.setPhase(Phase.FELL_BACK);
            return;
        } catch (RuntimeException e) {
            throw translated(session, "UpdateCustomKeyStore", e);
        }
        session.context.setPhase(Phase.UPDATED_IN_PLACE);
    }

    private void updateDisconnected(final Session session, final KeyStoreChange change) {
        try {
            run(session, "UpdateCustomKeyStore", () -> session.admin.update(
                KeyStoreModels.updateRequest(session.id(), session.model, change)));
        } catch (KeyholdFailureException e) {
            throw new KeyholdFailureException(new Failure(e.failure().kind(), KeyStoreUpdatePlanner.strandedMessage(
                session.id(), change, session.context.getComeBackTo(), session.context.getPhase(),
                e.failure().message())));
        }
        session.context.setPhase(Phase.UPDATE_SENT);
        session.context.setProgress(null);
    }

    /** A step of the connection type's Transition toward {@code target}; the phase moves once its call is made. */
    private void waitOrMove(final Session session, final KeyStoreChange change, final TargetState target,
                            final CustomKeyStoresListEntry entry) {
        final CallbackContext context = session.context;
        try {
            stepToward(session, target, entry, failure -> strandedIfDisconnected(session, change, failure));
        } finally {
            if (context.getProgress() != null && context.getProgress().getCalls() > 0) {
                if (target == TargetState.DISCONNECTED && context.getPhase() != Phase.DISCONNECT_SENT) {
                    context.setPhase(Phase.DISCONNECT_SENT);
                } else if (target == TargetState.CONNECTED) {
                    context.setPhase(Phase.RECONNECT_SENT);
                }
            }
        }
    }

    private static Failure strandedIfDisconnected(final Session session, final KeyStoreChange change,
                                                  final Failure failure) {
        final Phase phase = session.context.getPhase();
        if (phase == Phase.UPDATE_SENT || phase == Phase.RECONNECT_SENT) {
            return new Failure(failure.kind(), String.format("%s: KMS accepted the change of %s, but the key store "
                + "did not reconnect: %s It is not CONNECTED now; to put it back run 'aws kms "
                + "connect-custom-key-store --custom-key-store-id %s', or update the stack again.", session.id(),
                change.names(), failure.message(), session.id()));
        }
        return new Failure(failure.kind(), failure.message() + " KMS did not change " + change.names() + ".");
    }

    /** The table's FAIL: a FAILED reconnect is disconnected first, so the message can say one connect fixes it. */
    private Failure fail(final Session session, final KeyStoreChange change, final Next next,
                         final CustomKeyStoresListEntry entry) {
        if (next.disconnectBeforeFailing()) {
            try {
                session.keyStores.disconnect(session.id());
            } catch (RuntimeException e) {
                session.log(session.id() + ": could not disconnect the FAILED key store: " + e.getClass().getSimpleName());
            }
        }
        return KeyStoreUpdatePlanner.failure(next.reason(), session.id(), change, session.context.getPhase(),
            entry.connectionErrorCodeAsString());
    }
}
