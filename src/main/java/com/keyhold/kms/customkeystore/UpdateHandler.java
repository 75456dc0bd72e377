package com.keyhold.kms.customkeystore;

import com.keyhold.kms.customkeystoreconnection.core.DisconnectGuard;
import com.keyhold.kms.customkeystoreconnection.core.Failure;
import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreChange;
import com.keyhold.kms.customkeystoreconnection.core.ErrorTranslator;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreUpdatePlanner;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreUpdatePlanner.FailReason;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreUpdatePlanner.Next;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreUpdatePlanner.Phase;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreUpdatePlanner.Step;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import com.keyhold.kms.customkeystoreconnection.core.KmsConnectionState;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.core.StoreProperty;
import com.keyhold.kms.customkeystoreconnection.core.Decision;
import com.keyhold.kms.customkeystoreconnection.core.Progress;
import com.keyhold.kms.customkeystoreconnection.core.SecondConnect;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.core.StoreType;
import com.keyhold.kms.customkeystoreconnection.core.TargetState;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreInvalidStateException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;
import software.amazon.cloudformation.proxy.ProgressEvent;

/**
 * The disconnect → UpdateCustomKeyStore → reconnect dance, one step of {@link KeyStoreUpdatePlanner}'s table per
 * invocation. What changes, and the state to come back to, are decided once, before the first call, and kept in the
 * callback context (after the update KMS reports the new values, so they could not be decided again); each phase
 * is recorded after its call succeeds. The waits are the connection type's Transition. The state to come back to
 * also reaches the store record before Keyhold disconnects, and leaves it once the key store is back: any later
 * update (CloudFormation's rollback, a resumed or rolled-back operation after a crash) puts it back first. The
 * table, the rules that make it resumable, and how the dance meets the connection type: guides/DESIGN.md.
 */
public class UpdateHandler extends StoreHandler {
    /** Calls and looks one invocation may chain before it calls back (each step is a few KMS calls). */
    private static final int STEPS_PER_INVOCATION = 4;

    public UpdateHandler(final HandlerConfig config) {
        super(config);
    }

    /** What a record write does with the state to come back to. */
    private enum Pending {
        /** As the record has it. */
        KEEP,
        /** The update's state to come back to, before Keyhold disconnects (or after a failed reconnect). */
        SET,
        /** The key store is back: nothing pending. */
        CLEAR
    }

    @Override
    protected String actionOnOneKeyStore() {
        return "UPDATE";
    }

    @Override
    protected ProgressEvent<ResourceModel, CallbackContext> handle(final Session session) {
        final ResourceModel previous = session.request.getPreviousResourceState();
        final CallbackContext context = session.context;
        if (context.getPhase() == null && previous != null
            && KeyStoreModels.type(previous) != KeyStoreModels.type(session.model)) {
            // Not create-only in the schema, so that writing the default (or dropping it) is no replacement.
            throw new KeyholdFailureException(FailureKind.NotUpdatable, String.format("%s: CustomKeyStoreType cannot "
                    + "change (from %s to %s): KMS fixes a key store's type at creation. Nothing was changed. To get "
                    + "a key store of the other type, add a new resource with its own logical id and name.",
                session.id(), KeyStoreModels.type(previous), KeyStoreModels.type(session.model)));
        }
        for (int i = 0; i < STEPS_PER_INVOCATION; i++) {
            final CustomKeyStoresListEntry entry = describe(session).orElseThrow(() -> new KeyholdFailureException(
                FailureKind.NotFound, String.format("%s: KMS has no custom key store with this id in %s; it was "
                    + "deleted outside the stack.", session.id(), session.region())));
            final KmsConnectionState observed = KmsConnectionState.fromKms(entry.connectionStateAsString());
            if (!context.isRecorded() && KeyStoreUpdatePlanner.kmsHasTheChange(context.getPhase())) {
                recordUpdate(session, observed);
            }
            if (context.getPhase() == null) {
                // Read once for both: whether this resource may change the key store, and what the record holds.
                final Optional<StoreRecord> record = record(session);
                final ProgressEvent<ResourceModel, CallbackContext> unchanged = unchangedOrRefused(session, entry,
                    previous, record);
                if (unchanged != null) {
                    return unchanged;
                }
                final String note = start(session, entry, previous, observed, record);
                final KeyStoreChange change = change(session);
                if (change.mode() != KeyStoreChange.Mode.NOTHING || context.isRestoring()) {
                    // The decision reaches the callback context before the first call: a crash after that call
                    // must not decide again from a state the call changed (DISCONNECTING would mean "stay away").
                    throw new CallBack(0, withNote(String.format("%s: changing %s; the key store is %s and will be "
                        + "%s afterwards%s", session.id(), change.names().isEmpty() ? "nothing else" : change.names(),
                        observed, context.getComeBackTo(), context.isRestoring() ? " (an earlier update disconnected "
                        + "it and its store record says it was CONNECTED)" : ""), note));
                }
                if (note != null) {
                    throw new CallBack(0, note);
                }
            }
            final KeyStoreChange change = change(session);
            final Next next = KeyStoreUpdatePlanner.decide(change, context.getPhase(), observed,
                context.getComeBackTo(), context.isRestoring());
            final String announcement = announce(session, next.step(), change, observed);
            if (announcement != null) {
                session.log(announcement);
                context.setStatusMessage(announcement);
            }
            // At most one mutating call per invocation, so that its phase is recorded before the next one.
            try {
                switch (next.step()) {
                    case DONE:
                        return ProgressEvent.defaultSuccessHandler(KeyStoreModels.read(entry, finish(session,
                            observed)));
                    case FAIL:
                        final String again = secondConnect(session, next, entry);
                        if (again != null) {
                            // The connection type's one recovery (SecondConnect's table): Disconnect, Connect.
                            try {
                                waitOrMove(session, change, Step.RECONNECT, TargetState.CONNECTED, entry, observed);
                            } catch (CallBack wait) {
                                throw again.isEmpty() ? wait
                                    : new CallBack(wait.delaySeconds, again + " (" + wait.getMessage() + ")");
                            } catch (KeyholdFailureException failedAgain) {
                                // The one more connect is spent (it ended FAILED too, or its wait ran out): the
                                // table's FAIL, which disconnects the FAILED key store and records the code.
                                session.log(failedAgain.failure().message());
                                throw new KeyholdFailureException(fail(session, change, next, entry, observed));
                            }
                            break;
                        }
                        throw new KeyholdFailureException(fail(session, change, next, entry, observed));
                    case UPDATE_CONNECTED:
                        updateInPlace(session, change);
                        if (context.getPhase() == Phase.UPDATED_IN_PLACE) {
                            throw new CallBack(0, announcement);
                        }
                        break;
                    case UPDATE:
                        updateDisconnected(session, change);
                        throw new CallBack(0, announcement);
                    default: // DISCONNECT, WAIT, RECONNECT
                        waitOrMove(session, change, next.step(), KeyStoreUpdatePlanner.waitTarget(next.step(),
                            context.getPhase(), observed), entry, observed);
                        break;
                }
            } catch (CallBack wait) {
                throw announcement == null || announcement.equals(wait.getMessage()) ? wait
                    : new CallBack(wait.delaySeconds, announcement + " (" + wait.getMessage() + ")");
            }
        }
        throw new CallBack(0, context.getStatusMessage());
    }

    private static String withNote(final String message, final String note) {
        return note == null ? message : message + ". " + note;
    }

    /** The change decided at the start, from the callback context. */
    private static KeyStoreChange change(final Session session) {
        final java.util.List<StoreProperty> changed = session.context.getChanged();
        return new KeyStoreChange(KeyStoreModels.type(session.model),
            changed == null || changed.isEmpty() ? EnumSet.noneOf(StoreProperty.class) : EnumSet.copyOf(changed));
    }

    private String announce(final Session session, final Step step, final KeyStoreChange change,
                            final KmsConnectionState observed) {
        if (step == Step.RECONNECT && session.context.getPhase() == Phase.UPDATE_REFUSED) {
            return KeyStoreUpdatePlanner.reconnectingAfterRefusal(session.id(), change);
        }
        if (step == Step.RECONNECT && session.context.isRestoring() && session.context.getPhase() != Phase.UPDATE_SENT) {
            return KeyStoreUpdatePlanner.reconnectingLeftOver(session.id());
        }
        return KeyStoreUpdatePlanner.announce(step, session.id(), change, observed, session.context.getComeBackTo());
    }

    /**
     * Decides once what changes, which secrets go, and where to come back to (the state the store record still
     * holds from an earlier update first); returns what the operator must read about secrets not sent, or null.
     */
    private String start(final Session session, final CustomKeyStoresListEntry entry, final ResourceModel previous,
                         final KmsConnectionState observed, final Optional<StoreRecord> storeRecord) {
        final CallbackContext context = session.context;
        final StoreRecord store = owned(session, storeRecord);
        final KeyStoreChange found = KeyStoreChange.between(KeyStoreModels.reported(entry, store, previous),
            KeyStoreModels.desired(session.model));
        checkBeforeChanging(session, entry, found);
        final Optional<OwnershipRecord> record = call(session, "GetParameter",
            () -> session.ownership.find(session.id()));
        final TargetState owned = record.map(r -> TargetState.valueOf(r.connectionState())).orElse(null);
        final boolean cloudHsm = KeyStoreModels.type(session.model) == StoreType.AWS_CLOUDHSM;
        // KMS rotates kmsuser's password on every connect: the version it holds is spent once it is CONNECTED.
        final String held = store != null ? store.keyStorePasswordVersion()
            : previous == null ? null : previous.getKeyStorePasswordVersion();
        final List<String> spent = StoreRecord.spending(store == null ? List.of() : store.spentPasswordVersions(),
            cloudHsm && observed == KmsConnectionState.CONNECTED ? held : null);
        context.setSpentPasswordVersions(spent);
        final List<StoreProperty> changed = new ArrayList<>(found.properties());
        final List<String> notes = new ArrayList<>();
        final String desiredVersion = session.model.getKeyStorePasswordVersion();
        if (changed.contains(StoreProperty.KEY_STORE_PASSWORD) && spent.contains(desiredVersion)) {
            changed.remove(StoreProperty.KEY_STORE_PASSWORD);
            context.setPasswordKept(true);
            notes.add(KeyStoreUpdatePlanner.spentPassword(session.id(), desiredVersion, observed));
        }
        // The guard judges what will be sent: a spent password dropped above is no reason to refuse (a rollback).
        DisconnectGuard.check(session.id(), KeyStoreModels.refusesDisconnecting(previous, session.model),
            new KeyStoreChange(found.type(), changed.isEmpty() ? EnumSet.noneOf(StoreProperty.class)
                : EnumSet.copyOf(changed)), observed);
        final String unsent = secretWithoutVersion(session, previous);
        if (unsent != null) {
            notes.add(unsent);
        }
        final TargetState pending = store == null ? null : store.comeBackTo();
        context.setChanged(changed);
        context.setComeBackTo(KeyStoreUpdatePlanner.comeBackTo(owned, pending, observed));
        boolean restoring = pending == TargetState.CONNECTED && context.getComeBackTo() == TargetState.CONNECTED;
        if (restoring && changed.isEmpty() && store.reconnectFailure() != null && observed != KmsConnectionState.CONNECTED) {
            restoring = false;
            notes.add(KeyStoreUpdatePlanner.leftDisconnected(session.id(), observed, store.reconnectFailure(),
                !cloudHsm));
        }
        context.setRestoring(restoring);
        context.setPhase(Phase.NOT_STARTED);
        final String note = notes.isEmpty() ? null : String.join(" ", notes);
        if (note != null) {
            session.log(note);
        }
        return note;
    }

    /** A secret that changed while its version did not: not sent, and said (never its value). */
    private static String secretWithoutVersion(final Session session, final ResourceModel previous) {
        final ResourceModel model = session.model;
        if (previous == null) {
            return null;
        }
        if (KeyStoreModels.type(model) == StoreType.AWS_CLOUDHSM) {
            return previous.getKeyStorePassword() != null && model.getKeyStorePassword() != null
                && !previous.getKeyStorePassword().equals(model.getKeyStorePassword())
                && Objects.equals(previous.getKeyStorePasswordVersion(), model.getKeyStorePasswordVersion())
                ? KeyStoreUpdatePlanner.secretWithoutVersion(session.id(), "KeyStorePassword",
                    "KeyStorePasswordVersion") : null;
        }
        final XksProxyAuthenticationCredential before = previous.getXksProxyAuthenticationCredential();
        final XksProxyAuthenticationCredential after = model.getXksProxyAuthenticationCredential();
        return before != null && after != null && before.getRawSecretAccessKey() != null
            && after.getRawSecretAccessKey() != null
            && Objects.equals(before.getAccessKeyId(), after.getAccessKeyId())
            && !before.getRawSecretAccessKey().equals(after.getRawSecretAccessKey())
            && Objects.equals(previous.getXksProxyAuthenticationCredentialVersion(),
                model.getXksProxyAuthenticationCredentialVersion())
            ? KeyStoreUpdatePlanner.secretWithoutVersion(session.id(), "XksProxyAuthenticationCredential's "
                + "RawSecretAccessKey", "XksProxyAuthenticationCredentialVersion") : null;
    }

    /**
     * The store record when this request's resource may change the key store: it names this resource, or there is
     * none (a key store imported into this stack); null when there is none. Otherwise NotFound, nothing changed.
     */
    private StoreRecord owned(final Session session) {
        return owned(session, record(session));
    }

    private StoreRecord owned(final Session session, final Optional<StoreRecord> record) {
        if (record.isPresent() && !record.get().names(session.stackId(), session.logicalId())) {
            final String note = takeOverIfStale(session, record.get());
            throw new KeyholdFailureException(FailureKind.NotFound,
                record.get().notThisResourceMessage(session.stackId(), session.logicalId()) + note);
        }
        return record.orElse(null);
    }

    /**
     * An update by a resource the store record does not name (a stale record is taken over first, {@link
     * #takeOverIfStale}): when KMS already has every property it asks for (CloudFormation's rollback of an update
     * that was refused), it succeeds and changes nothing, so that a refused update never leaves its stack in
     * UPDATE_ROLLBACK_FAILED; otherwise NotFound, naming the owner. Null when the record names this resource or
     * there is none.
     */
    private ProgressEvent<ResourceModel, CallbackContext> unchangedOrRefused(final Session session,
                                                                            final CustomKeyStoresListEntry entry,
                                                                            final ResourceModel previous,
                                                                            final Optional<StoreRecord> record) {
        if (record.isEmpty() || record.get().names(session.stackId(), session.logicalId())) {
            return null;
        }
        final String note = takeOverIfStale(session, record.get());
        if (!KeyStoreChange.between(KeyStoreModels.reported(entry, record.get(), previous),
            KeyStoreModels.desired(session.model)).properties().isEmpty()) {
            throw new KeyholdFailureException(FailureKind.NotFound,
                record.get().notThisResourceMessage(session.stackId(), session.logicalId()) + note);
        }
        final String message = record.get().unchangedMessage(session.stackId(), session.logicalId()) + note;
        session.log(message);
        final ProgressEvent<ResourceModel, CallbackContext> event = ProgressEvent.defaultSuccessHandler(session.model);
        event.setMessage(message);
        return event;
    }

    /** Once KMS has the change: the record takes the new versions (checked again to be this resource's first). */
    private StoreRecord recordUpdate(final Session session, final KmsConnectionState observed) {
        final StoreRecord record = writeRecord(session, observed, Pending.KEEP, null);
        session.context.setRecorded(true);
        return record;
    }

    /**
     * The record at the end: the versions KMS has, and the state to come back to cleared when this update put the
     * key store back (kept when it did not try: an update that changes nothing after a failed reconnect).
     */
    private StoreRecord finish(final Session session, final KmsConnectionState observed) {
        final CallbackContext context = session.context;
        final boolean back = context.isRestoring() || context.isPendingRecorded();
        if (!context.isRecorded() || back || newlySpent(session, observed)) {
            final StoreRecord record = writeRecord(session, observed, back ? Pending.CLEAR : Pending.KEEP, null);
            context.setRecorded(true);
            return record;
        }
        return new StoreRecord(session.id(), session.model.getKeyStorePasswordVersion(),
            session.model.getXksProxyAuthenticationCredentialVersion(), null, null, null, null);
    }

    /** Whether the key store is CONNECTED with a password version the record does not list as spent yet. */
    private static boolean newlySpent(final Session session, final KmsConnectionState observed) {
        final List<String> spent = session.context.getSpentPasswordVersions();
        return observed == KmsConnectionState.CONNECTED
            && KeyStoreModels.type(session.model) == StoreType.AWS_CLOUDHSM
            && !session.context.isPasswordKept() && session.model.getKeyStorePasswordVersion() != null
            && (spent == null || !spent.contains(session.model.getKeyStorePasswordVersion()));
    }

    /**
     * Writes the store record: the versions KMS has the secrets under (the model's once KMS has the change, else the
     * record's), the state to come back to as {@code pending} says, and the spent password versions (the version
     * KMS holds joins them when the key store is CONNECTED). Never a secret.
     */
    private StoreRecord writeRecord(final Session session, final KmsConnectionState observed, final Pending pending,
                                    final String reconnectFailure) {
        final CallbackContext context = session.context;
        final StoreRecord owner = owned(session);
        final ResourceModel previous = session.request.getPreviousResourceState();
        final boolean kmsHasTheChange = context.isRecorded() || KeyStoreUpdatePlanner.kmsHasTheChange(context.getPhase())
            || context.getPhase() == Phase.NOT_STARTED && change(session).mode() == KeyStoreChange.Mode.NOTHING;
        final String heldPassword = owner != null ? owner.keyStorePasswordVersion()
            : previous == null ? null : previous.getKeyStorePasswordVersion();
        final String heldCredential = owner != null ? owner.xksProxyAuthenticationCredentialVersion()
            : previous == null ? null : previous.getXksProxyAuthenticationCredentialVersion();
        final String passwordVersion = kmsHasTheChange && !context.isPasswordKept()
            ? session.model.getKeyStorePasswordVersion() : heldPassword;
        final String credentialVersion = kmsHasTheChange ? session.model.getXksProxyAuthenticationCredentialVersion()
            : heldCredential;
        List<String> spent = context.getSpentPasswordVersions() != null ? context.getSpentPasswordVersions()
            : owner == null ? List.of() : owner.spentPasswordVersions();
        if (observed == KmsConnectionState.CONNECTED && KeyStoreModels.type(session.model) == StoreType.AWS_CLOUDHSM) {
            spent = StoreRecord.spending(spent, passwordVersion);
        }
        context.setSpentPasswordVersions(spent);
        final TargetState comeBackTo = switch (pending) {
            case KEEP -> owner == null ? null : owner.comeBackTo();
            case SET -> context.getComeBackTo();
            case CLEAR -> null;
        };
        final String failure = switch (pending) {
            case KEEP -> owner == null ? null : owner.reconnectFailure();
            case SET -> reconnectFailure;
            case CLEAR -> null;
        };
        final StoreRecord record = new StoreRecord(session.id(), passwordVersion, credentialVersion,
            owner == null ? session.stackId() : owner.stackId(),
            owner == null ? session.logicalId() : owner.logicalResourceId(),
            owner == null ? null : owner.createToken(), config.clock().instant().toString(), comeBackTo, failure, spent);
        run(session, "PutParameter", () -> session.records.save(record));
        return record;
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
        final CallbackContext context = session.context;
        final String sending = change.properties().contains(StoreProperty.KEY_STORE_PASSWORD)
            ? session.model.getKeyStorePasswordVersion() : null;
        final List<String> spentBefore = context.getSpentPasswordVersions();
        if (sending != null && (spentBefore == null || !spentBefore.contains(sending))) {
            // Listed before it is sent: should the answer or the record write after it be lost, the version must
            // not be sent again (KMS may hold it, and the next connect rotates it).
            context.setSpentPasswordVersions(StoreRecord.spending(spentBefore, sending));
            writeRecord(session, KmsConnectionState.DISCONNECTED, Pending.KEEP, null);
        }
        try {
            run(session, "UpdateCustomKeyStore", () -> session.admin.update(
                KeyStoreModels.updateRequest(session.id(), session.model, change)));
        } catch (KeyholdFailureException e) {
            final boolean keyholdDisconnected = context.getPhase() == Phase.DISCONNECT_SENT || context.isRestoring()
                || context.isPendingRecorded();
            if (sending != null) {
                // KMS refused the update, so it never held this password: it may be sent again. Written back now,
                // whichever way the failure goes on (best effort: the refusal is what the operator must read).
                context.setSpentPasswordVersions(spentBefore);
                try {
                    writeRecord(session, KmsConnectionState.DISCONNECTED, Pending.KEEP, null);
                } catch (RuntimeException unwritten) {
                    session.log(session.id() + ": could not take KeyStorePasswordVersion " + sending + " off the "
                        + "store record's spent versions (" + unwritten.getClass().getSimpleName() + "); raise the "
                        + "version to send the password again");
                }
            }
            if (context.getComeBackTo() == TargetState.CONNECTED && keyholdDisconnected) {
                // Keyhold disconnected it for this change: put it back before the failure is reported.
                context.setRefusalKind(e.failure().kind().name());
                context.setRefusal(e.failure().message());
                context.setPhase(Phase.UPDATE_REFUSED);
                context.setProgress(null);
                final String line = KeyStoreUpdatePlanner.reconnectingAfterRefusal(session.id(), change);
                session.log(line + ": " + e.failure().message());
                throw new CallBack(0, line);
            }
            throw new KeyholdFailureException(new Failure(e.failure().kind(), KeyStoreUpdatePlanner.strandedMessage(
                session.id(), change, context.getComeBackTo(), context.getPhase(), e.failure().message())));
        }
        context.setPhase(Phase.UPDATE_SENT);
        context.setProgress(null);
    }

    /**
     * A step of the connection type's Transition toward {@code target}; the phase moves once its call is made. The
     * state to come back to reaches the store record before any move toward DISCONNECTED.
     */
    private void waitOrMove(final Session session, final KeyStoreChange change, final Step step,
                            final TargetState target, final CustomKeyStoresListEntry entry,
                            final KmsConnectionState observed) {
        final CallbackContext context = session.context;
        if (target == TargetState.DISCONNECTED && context.getComeBackTo() == TargetState.CONNECTED
            && !context.isPendingRecorded() && !context.isRestoring()) {
            writeRecord(session, observed, Pending.SET, null);
            context.setPendingRecorded(true);
        }
        try {
            stepToward(session, target, entry, failure -> strandedIfDisconnected(session, change, failure));
        } finally {
            if (context.getProgress() != null && context.getProgress().getCalls() > 0) {
                final Phase phase = context.getPhase();
                if (target == TargetState.DISCONNECTED && phase != Phase.DISCONNECT_SENT) {
                    context.setPhase(Phase.DISCONNECT_SENT);
                } else if (target == TargetState.CONNECTED && phase != Phase.UPDATE_REFUSED
                    && (step == Step.RECONNECT || phase == Phase.UPDATE_SENT)) {
                    context.setPhase(Phase.RECONNECT_SENT);
                }
            }
        }
    }

    /**
     * Whether a reconnect that ended FAILED gets the one more connect SecondConnect's table allows (a code a retry can
     * cure, once per update): its stack event line, "" while that recovery is under way, null for no. The wait toward CONNECTED then carries out the connection type's recovery (Disconnect,
     * Connect) and, should that end FAILED too, fails with its message. While that recovery is under way a FAILED
     * look (describe lag after its Disconnect) is the recovery's to judge, not this table's.
     */
    private static String secondConnect(final Session session, final Next next, final CustomKeyStoresListEntry entry) {
        final CallbackContext context = session.context;
        if (next.reason() != FailReason.RECONNECT_FAILED || context.getPhase() == Phase.UPDATE_REFUSED) {
            return null;
        }
        if (context.isSecondConnect()) {
            // Under way until the recovery's own Connect was made and the key store moved after it: a FAILED look
            // before that is its Disconnect not yet made (a transient error) or describe lag, the Transition's to
            // judge. After it, the second connect failed too: the table's FAIL reports it (fail() disconnects the
            // FAILED key store and records the code, so a rollback does not connect it yet again).
            final Progress progress = context.getProgress();
            return progress != null && progress.lastCallWas(Decision.Action.CONNECT) && progress.isMovedSinceLastCall()
                ? null : "";
        }
        final String code = entry.connectionErrorCodeAsString();
        if (!SecondConnect.worthIt(code)) {
            return null;
        }
        context.setSecondConnect(true);
        context.setProgress(null);
        final String line = String.format("%s: the reconnect ended FAILED with ConnectionErrorCode %s, which one more "
            + "connect can cure (%s); disconnecting and connecting once more", session.id(), code,
            SecondConnect.of(code).reason());
        session.log(line);
        context.setStatusMessage(line);
        return line;
    }

    private static Failure strandedIfDisconnected(final Session session, final KeyStoreChange change,
                                                  final Failure failure) {
        final Phase phase = session.context.getPhase();
        if (phase == Phase.UPDATE_REFUSED) {
            return new Failure(failure.kind(), String.format("%s Keyhold then tried to reconnect the key store and "
                + "that failed too: %s It is not CONNECTED now; to put it back run 'aws kms connect-custom-key-store "
                + "--custom-key-store-id %s', or update the stack again (its store record keeps that it must be "
                + "CONNECTED).", session.context.getRefusal(), failure.message(), session.id()));
        }
        if (phase == Phase.UPDATE_SENT || phase == Phase.RECONNECT_SENT || phase == Phase.UPDATED_IN_PLACE
            || session.context.isRestoring() && change.properties().isEmpty()) {
            return new Failure(failure.kind(), String.format("%s: %s, but the key store did not reconnect: %s It is "
                + "not CONNECTED now; to put it back run 'aws kms connect-custom-key-store --custom-key-store-id %s', "
                + "or update the stack again.", session.id(), change.properties().isEmpty()
                    ? "an earlier update disconnected this key store" : "KMS accepted the change of " + change.names(),
                failure.message(), session.id()));
        }
        return new Failure(failure.kind(), failure.message() + " KMS did not change " + change.names() + ".");
    }

    /**
     * The table's FAIL. After KMS refused the update and the key store is back: the refusal, saying so. After a
     * reconnect that ended FAILED: the record keeps that the key store must be CONNECTED (and why it is not), then
     * the FAILED key store is disconnected, so that the message can say one connect fixes it (only if KMS took it).
     */
    private Failure fail(final Session session, final KeyStoreChange change, final Next next,
                         final CustomKeyStoresListEntry entry, final KmsConnectionState observed) {
        final CallbackContext context = session.context;
        if (next.reason() == FailReason.UPDATE_REFUSED) {
            writeRecord(session, observed, Pending.CLEAR, null);
            return new Failure(FailureKind.valueOf(context.getRefusalKind()),
                KeyStoreUpdatePlanner.refusedAndReconnected(session.id(), change, context.getRefusal()));
        }
        if (next.reason() == FailReason.RECONNECT_FAILED && context.getComeBackTo() == TargetState.CONNECTED) {
            writeRecord(session, observed, Pending.SET, entry.connectionErrorCodeAsString());
        }
        boolean disconnected = true;
        if (next.disconnectBeforeFailing()) {
            session.log(session.id() + ": disconnecting the FAILED key store, so that it is DISCONNECTED (one connect "
                + "from working) rather than FAILED");
            try {
                session.keyStores.disconnect(session.id());
            } catch (RuntimeException e) {
                disconnected = false;
                session.log(session.id() + ": could not disconnect the FAILED key store (KMS answered "
                    + ErrorTranslator.errorCode(e) + "); it is still FAILED");
            }
        }
        return KeyStoreUpdatePlanner.failure(next.reason(), session.id(), change, context.getPhase(),
            entry.connectionErrorCodeAsString(), disconnected, context.getRefusal());
    }
}
