package com.keyhold.kms.customkeystoreconnection.core;

import com.keyhold.kms.customkeystoreconnection.core.KeyStoreChange.Mode;

/**
 * The update of a custom key store as a state table: what the change needs ({@link Mode}) × the connection state
 * KMS reports × how far the update got ({@link Phase}) → the next {@link Step}. Pure: no I/O, no clock. The caller
 * consults this table on every look. While it answers WAIT after DISCONNECT or RECONNECT, the connection type's
 * {@link TransitionPlanner} (target DISCONNECTED, or CONNECTED) times the wait: poll schedule, describe-lag grace,
 * re-issuing a lost call, the stabilization budget. Its FAILED recovery does not apply: this table's FAIL comes first.
 *
 * <pre>
 * mode          phase             CONNECTED  CONNECTING DISCONNECTED DISCONNECTING FAILED
 * NOTHING       any               DONE       DONE       DONE         DONE          DONE
 * NOTHING, restoring NOT_STARTED  DONE       WAIT(C)    RECONNECT    WAIT(D)       FAIL reconnect
 *  ... restoring RECONNECT_SENT   DONE       WAIT(C)    WAIT(C)      WAIT(C)       FAIL reconnect
 * IN_PLACE,     NOT_STARTED       UPD_CONN   WAIT(C)    UPD_CONN     WAIT(D)       DISCONNECT
 *  TRY_IN_PLACE UPDATED_IN_PLACE  DONE       DONE       DONE         DONE          DONE
 *               ... restoring     DONE       WAIT(C)    RECONNECT    WAIT(D)       FAIL reconnect
 * DANCE         NOT_STARTED       DISCONNECT DISCONNECT UPDATE       WAIT(D)       DISCONNECT
 * TRY_IN_PLACE  FELL_BACK         DISCONNECT DISCONNECT UPDATE       WAIT(D)       DISCONNECT
 * all three     DISCONNECT_SENT   WAIT(D)    WAIT(D)    UPDATE       WAIT(D)       WAIT(D)
 *               UPDATE_SENT       come back to DISCONNECTED: DONE in every state; to CONNECTED:
 *                                 DONE       WAIT(C)    RECONNECT    WAIT(C)       FAIL reconnect
 *               UPDATE_REFUSED    FAIL refused WAIT(C)  RECONNECT    WAIT(C)       FAIL reconnect
 *               RECONNECT_SENT    DONE       WAIT(C)    WAIT(C)      WAIT(C)       FAIL reconnect
 * any other mode × phase (a phase the mode never reaches)          FAIL inconsistent progress
 * </pre>
 *
 * <p>WAIT(C) waits toward CONNECTED, WAIT(D) toward DISCONNECTED ({@link #waitTarget}): a key store found CONNECTING
 * by an in-place change is waited for until CONNECTED, never disconnected to get there.
 *
 * <p>"restoring": the store record holds a state to come back to (CONNECTED) that an earlier update wrote before it
 * disconnected the key store and never cleared: a crash in the dance, or a failed reconnect. Every later update,
 * CloudFormation's rollback included, comes back to it: a change that disconnects anyway reconnects at its end; one
 * that does not (NOTHING, in place) reconnects after its own call. UPDATE_REFUSED: KMS refused the dance's
 * UpdateCustomKeyStore after Keyhold disconnected the key store; it is reconnected before the failure is reported
 * (FAIL refused says it is CONNECTED again and nothing changed).</p>
 *
 * <p>UPD_CONN is UPDATE_CONNECTED: one UpdateCustomKeyStore without touching the connection. KMS's API reference
 * allows in-place updates in CONNECTED and DISCONNECTED only: a CONNECTING or DISCONNECTING key store is waited for,
 * and a FAILED one takes the dance (disconnect, update, reconnect: the state to come back to from FAILED is
 * CONNECTED, and an XKS credential fix of a FAILED key store is exactly that). When KMS refuses an in-place update
 * with CustomKeyStoreInvalidStateException, {@link #fallsBackToDance} says whether the phase becomes FELL_BACK.
 *
 * <p>Resuming: each phase is recorded after its call succeeds, so a crash between a call and its record resumes one
 * phase early. The table reads KMS's state so that this repeats nothing but an UpdateCustomKeyStore with the same
 * content: a lost Disconnect shows as DISCONNECTING or DISCONNECTED (WAIT, then UPDATE), a lost Connect as CONNECTING
 * or CONNECTED after UPDATE_SENT (the key store was DISCONNECTED for the update, so a connection under way is the
 * dance's own: WAIT, then DONE), and a connect that then failed as FAILED.
 *
 * <p>After the dance's reconnect ends FAILED there is no second connect (the connection type's one recovery does
 * not apply here): repeated failed kmsuser logins can lock kmsuser out of the cluster. The FAIL decision asks the
 * caller to disconnect the FAILED key store first, so that the message can say it is DISCONNECTED and one connect
 * puts it back.
 *
 * <p>Where to come back to: {@link #comeBackTo}. Which secrets to send: {@link #sendPassword},
 * {@link #sendCredential}. What the stack events say: {@link #announce}. The failure messages: {@link #failure},
 * {@link #strandedMessage}.
 */
public final class KeyStoreUpdatePlanner {

    /** How far an update got; the caller keeps it in the callback context and moves it after each call succeeds. */
    public enum Phase {
        NOT_STARTED,
        /** The in-place UpdateCustomKeyStore succeeded. */
        UPDATED_IN_PLACE,
        /** KMS refused the in-place update (CustomKeyStoreInvalidStateException); the dance follows. */
        FELL_BACK,
        DISCONNECT_SENT,
        /** The UpdateCustomKeyStore of the dance succeeded. */
        UPDATE_SENT,
        /** KMS refused the dance's UpdateCustomKeyStore after Keyhold's disconnect: reconnect, then report it. */
        UPDATE_REFUSED,
        RECONNECT_SENT
    }

    /** Whether KMS has accepted the change by {@code phase}: from there on the store record takes the new versions. */
    public static boolean kmsHasTheChange(final Phase phase) {
        return phase == Phase.UPDATED_IN_PLACE || phase == Phase.UPDATE_SENT || phase == Phase.RECONNECT_SENT;
    }

    /** The next thing to do. */
    public enum Step {
        /** UpdateCustomKeyStore now, leaving the connection as it is. */
        UPDATE_CONNECTED,
        /** DisconnectCustomKeyStore, then drive to DISCONNECTED. */
        DISCONNECT,
        /** Look again later (the connection type's poll schedule and describe-lag rules). */
        WAIT,
        /** UpdateCustomKeyStore with the whole change, the key store being DISCONNECTED. */
        UPDATE,
        /** ConnectCustomKeyStore, then drive to CONNECTED. */
        RECONNECT,
        DONE,
        FAIL
    }

    public enum FailReason {
        /** The dance's reconnect (or the reconnect putting the key store back) ended FAILED. */
        RECONNECT_FAILED,
        /** KMS refused the update and the key store is CONNECTED again, as it was. */
        UPDATE_REFUSED,
        /** The saved phase cannot follow from this change: the template or the context changed under the update. */
        INCONSISTENT_PROGRESS
    }

    /**
     * @param reason                   for FAIL only
     * @param disconnectBeforeFailing for FAIL only: disconnect the FAILED key store before reporting, so it is left
     *                                 DISCONNECTED (one connect from working) rather than FAILED
     */
    public record Next(Step step, FailReason reason, boolean disconnectBeforeFailing) {
        static Next of(final Step step) {
            return new Next(step, null, false);
        }

        static Next fail(final FailReason reason) {
            return new Next(Step.FAIL, reason, reason == FailReason.RECONNECT_FAILED);
        }
    }

    private KeyStoreUpdatePlanner() {
    }

    /** The table of the class comment, with nothing to restore. */
    public static Next decide(final KeyStoreChange change,
                              final Phase phase,
                              final KmsConnectionState observed,
                              final TargetState comeBackTo) {
        return decide(change, phase, observed, comeBackTo, false);
    }

    /**
     * The table of the class comment.
     *
     * @param restoring the store record holds a state to come back to (CONNECTED) left by an earlier update
     */
    public static Next decide(final KeyStoreChange change,
                              final Phase phase,
                              final KmsConnectionState observed,
                              final TargetState comeBackTo,
                              final boolean restoring) {
        final Mode mode = change.mode();
        final boolean reconnect = restoring && comeBackTo == TargetState.CONNECTED;
        if (mode == Mode.NOTHING) {
            if (!reconnect) {
                return Next.of(Step.DONE);
            }
            return phase == Phase.NOT_STARTED ? restore(observed)
                : phase == Phase.RECONNECT_SENT ? reconnecting(observed) : Next.fail(FailReason.INCONSISTENT_PROGRESS);
        }
        switch (phase) {
            case NOT_STARTED:
                return mode == Mode.DANCE ? toDisconnected(observed) : inPlace(observed);
            case UPDATED_IN_PLACE:
                if (mode == Mode.DANCE) {
                    return Next.fail(FailReason.INCONSISTENT_PROGRESS);
                }
                return reconnect ? restore(observed) : Next.of(Step.DONE);
            case FELL_BACK:
                return mode == Mode.TRY_IN_PLACE ? toDisconnected(observed) : Next.fail(FailReason.INCONSISTENT_PROGRESS);
            default:
                return danceUnderWay(phase, observed, comeBackTo);
        }
    }

    /** Putting a key store back CONNECTED with nothing else to change. */
    private static Next restore(final KmsConnectionState observed) {
        return observed == KmsConnectionState.DISCONNECTED ? Next.of(Step.RECONNECT) : reconnecting(observed);
    }

    private static Next inPlace(final KmsConnectionState observed) {
        switch (observed) {
            case CONNECTED:
            case DISCONNECTED:
                return Next.of(Step.UPDATE_CONNECTED);
            case FAILED:
                return Next.of(Step.DISCONNECT);
            default:
                return Next.of(Step.WAIT);
        }
    }

    private static Next toDisconnected(final KmsConnectionState observed) {
        switch (observed) {
            case DISCONNECTED:
                return Next.of(Step.UPDATE);
            case DISCONNECTING:
                return Next.of(Step.WAIT);
            default:
                return Next.of(Step.DISCONNECT);
        }
    }

    private static Next danceUnderWay(final Phase phase, final KmsConnectionState observed, final TargetState comeBackTo) {
        switch (phase) {
            case DISCONNECT_SENT:
                return observed == KmsConnectionState.DISCONNECTED ? Next.of(Step.UPDATE) : Next.of(Step.WAIT);
            case UPDATE_SENT:
                if (comeBackTo == TargetState.DISCONNECTED) {
                    return Next.of(Step.DONE);
                }
                return restore(observed);
            case UPDATE_REFUSED:
                return observed == KmsConnectionState.CONNECTED ? Next.fail(FailReason.UPDATE_REFUSED)
                    : restore(observed);
            default: // RECONNECT_SENT
                return reconnecting(observed);
        }
    }

    private static Next reconnecting(final KmsConnectionState observed) {
        switch (observed) {
            case CONNECTED:
                return Next.of(Step.DONE);
            case FAILED:
                return Next.fail(FailReason.RECONNECT_FAILED);
            default:
                return Next.of(Step.WAIT);
        }
    }

    /**
     * Where a WAIT (or a DISCONNECT or RECONNECT) of {@code phase} heads: CONNECTED once the update is sent or
     * refused, or for a key store found CONNECTING before any call (it is waited for, not disconnected);
     * DISCONNECTED otherwise.
     */
    public static TargetState waitTarget(final Step step, final Phase phase, final KmsConnectionState observed) {
        if (step == Step.RECONNECT || phase == Phase.UPDATE_SENT || phase == Phase.UPDATE_REFUSED
            || phase == Phase.RECONNECT_SENT) {
            return TargetState.CONNECTED;
        }
        if (step == Step.DISCONNECT) {
            return TargetState.DISCONNECTED;
        }
        return observed == KmsConnectionState.CONNECTING
            && (phase == Phase.NOT_STARTED || phase == Phase.FELL_BACK || phase == Phase.UPDATED_IN_PLACE)
            ? TargetState.CONNECTED : TargetState.DISCONNECTED;
    }

    /** Whether a CustomKeyStoreInvalidStateException on the in-place update means "do the dance" (phase FELL_BACK). */
    public static boolean fallsBackToDance(final KeyStoreChange change) {
        return change.mode() == Mode.TRY_IN_PLACE;
    }

    // ---- the state to come back to -----------------------------------------------------------------------

    /**
     * The connection state the dance leaves the key store in: the desired state of the connection type's ownership
     * record when there is one (that resource owns the connection); otherwise CONNECTED if the key store was
     * CONNECTED, CONNECTING or FAILED before the update, DISCONNECTED if it was DISCONNECTED or DISCONNECTING.
     *
     * @param ownedConnectionState the ownership record's desired ConnectionState, or null when no record exists
     * @param before               what KMS reported before the update's first call
     */
    public static TargetState comeBackTo(final TargetState ownedConnectionState, final KmsConnectionState before) {
        return comeBackTo(ownedConnectionState, null, before);
    }

    /**
     * As {@link #comeBackTo(TargetState, KmsConnectionState)}, but a state to come back to that the store record
     * still holds from an earlier update ({@code pending}) comes before what KMS reports now: that update found the
     * key store there and left it elsewhere (a crash, a refused update, a failed reconnect).
     */
    public static TargetState comeBackTo(final TargetState ownedConnectionState, final TargetState pending,
                                         final KmsConnectionState before) {
        if (ownedConnectionState != null) {
            return ownedConnectionState;
        }
        if (pending != null) {
            return pending;
        }
        return before == KmsConnectionState.DISCONNECTED || before == KmsConnectionState.DISCONNECTING
            ? TargetState.DISCONNECTED : TargetState.CONNECTED;
    }

    // ---- secrets -----------------------------------------------------------------------------------------

    /**
     * Whether an update sends KeyStorePassword: only when KeyStorePasswordVersion changed or appears. KMS rotates the
     * kmsuser password on every connect, so the template's value is stale after the first one, and sending it again
     * would break the next connect with INVALID_CREDENTIALS. A version that disappears sends nothing.
     */
    public static boolean sendPassword(final String previousVersion, final String desiredVersion) {
        return versionBumped(previousVersion, desiredVersion);
    }

    /**
     * Whether an update sends XksProxyAuthenticationCredential (always both members): when its AccessKeyId differs
     * from what KMS reports, or XksProxyAuthenticationCredentialVersion changed or appears.
     */
    public static boolean sendCredential(final String reportedAccessKeyId,
                                         final String desiredAccessKeyId,
                                         final String previousVersion,
                                         final String desiredVersion) {
        return desiredAccessKeyId != null && !desiredAccessKeyId.equals(reportedAccessKeyId)
            || versionBumped(previousVersion, desiredVersion);
    }

    private static boolean versionBumped(final String previousVersion, final String desiredVersion) {
        return desiredVersion != null && !desiredVersion.equals(previousVersion);
    }

    // ---- what the operator reads ---------------------------------------------------------------------------

    /**
     * The stack event line for a step that calls KMS, e.g. {@code cks-…: disconnecting to change XksProxyUriEndpoint
     * (KMS changes it only while DISCONNECTED); will reconnect}; null for WAIT, DONE and FAIL.
     */
    public static String announce(final Step step, final String keyStoreId, final KeyStoreChange change,
                                  final KmsConnectionState observed, final TargetState comeBackTo) {
        switch (step) {
            case UPDATE_CONNECTED:
                return String.format("%s: updating %s in place (the connection is not touched)", keyStoreId,
                    change.names());
            case DISCONNECT:
                final String gated = change.namesNeedingDisconnected();
                final String why = !gated.isEmpty() ? String.format("%s (KMS changes %s only while DISCONNECTED)", gated,
                    gated.contains(",") ? "them" : "it")
                    : observed == KmsConnectionState.FAILED
                    ? String.format("%s (KMS changes %s in place only while CONNECTED or DISCONNECTED, and the key "
                        + "store is FAILED)", change.names(), change.properties().size() > 1 ? "them" : "it")
                    : String.format("%s (KMS refused to change %s while connected)", change.names(),
                        change.properties().size() > 1 ? "them" : "it");
                return String.format("%s: disconnecting to change %s; %s", keyStoreId, why,
                    comeBackTo == TargetState.CONNECTED ? "will reconnect" : "will leave it DISCONNECTED as it was");
            case UPDATE:
                return String.format("%s: updating %s while DISCONNECTED", keyStoreId, change.names());
            case RECONNECT:
                return String.format("%s: reconnecting after changing %s", keyStoreId, change.names());
            default:
                return null;
        }
    }

    /** The failure of a FAIL decision, after a FAILED key store was disconnected and nothing was refused before. */
    public static Failure failure(final FailReason reason,
                                  final String keyStoreId,
                                  final KeyStoreChange change,
                                  final Phase phase,
                                  final String connectionErrorCode) {
        return failure(reason, keyStoreId, change, phase, connectionErrorCode, true, null);
    }

    /**
     * The failure of a FAIL decision.
     *
     * @param disconnected for RECONNECT_FAILED: whether KMS accepted the disconnect of the FAILED key store (only
     *                     then is it DISCONNECTED now)
     * @param refusal      the operator's message of KMS's refusal of the update, when the reconnect that failed was
     *                     putting the key store back after it (null otherwise)
     */
    public static Failure failure(final FailReason reason,
                                  final String keyStoreId,
                                  final KeyStoreChange change,
                                  final Phase phase,
                                  final String connectionErrorCode,
                                  final boolean disconnected,
                                  final String refusal) {
        if (reason == FailReason.INCONSISTENT_PROGRESS) {
            return new Failure(FailureKind.InternalFailure, String.format("%s: the saved progress of this update (%s) "
                + "cannot follow from the change it is making (%s). The key store was not touched by this step; check "
                + "its state with 'aws kms describe-custom-key-stores --custom-key-store-id %s' and run the stack "
                + "operation again. If it repeats, this is a Keyhold defect; report it with the stack events.",
                keyStoreId, phase, change.names().isEmpty() ? "nothing" : change.names(), keyStoreId));
        }
        if (reason == FailReason.UPDATE_REFUSED) {
            return new Failure(FailureKind.InvalidRequest, refusedAndReconnected(keyStoreId, change, refusal));
        }
        final boolean external = change.type() == StoreType.EXTERNAL_KEY_STORE;
        final String what = refusal != null
            ? String.format("%s Keyhold then reconnected the key store to put it back as it was, and the connect failed",
                refusal)
            : change.properties().isEmpty()
            ? String.format("%s: an earlier update disconnected this key store and did not put it back; reconnecting "
                + "it failed", keyStoreId)
            : String.format("%s: KMS accepted the change of %s, but reconnecting failed", keyStoreId, change.names());
        final String where = disconnected
            ? "Keyhold disconnected the FAILED key store, so it is DISCONNECTED now (DISCONNECTING for the moment KMS "
                + "takes to disconnect it); KMS keys in it are unusable until it connects."
            : String.format("Keyhold tried to disconnect the FAILED key store and KMS refused, so it is still FAILED; "
                + "KMS keys in it are unusable. Run 'aws kms disconnect-custom-key-store --custom-key-store-id %s' "
                + "before connecting it again.", keyStoreId);
        return new Failure(FailureKind.NotStabilized, String.format("%s with ConnectionErrorCode %s. %s%s %s To put it "
                + "back: fix the cause, then update the stack again (its store record keeps that it must be CONNECTED, "
                + "so the next update reconnects it), or run 'aws kms connect-custom-key-store --custom-key-store-id "
                + "%s'.",
            what, connectionErrorCode == null ? "(none reported)" : connectionErrorCode,
            ConnectionErrorGuide.explain(connectionErrorCode, external), credentialHint(connectionErrorCode, external),
            where, keyStoreId));
    }

    /** KMS refused the update after Keyhold's disconnect, and Keyhold has reconnected the key store. */
    public static String refusedAndReconnected(final String keyStoreId, final KeyStoreChange change,
                                               final String refusal) {
        return String.format("%s Keyhold had disconnected the key store to change %s; after KMS refused, Keyhold "
            + "reconnected it: %s is CONNECTED again, as it was before the update, and KMS did not change %s. Fix the "
            + "cause and update the stack again.", refusal, change.names(), keyStoreId, change.names());
    }

    /** The stack event of the reconnect after KMS refused the update (the failure is reported once it is back). */
    public static String reconnectingAfterRefusal(final String keyStoreId, final KeyStoreChange change) {
        return String.format("%s: KMS refused to change %s; reconnecting the key store to put it back CONNECTED, as it "
            + "was, before reporting the failure", keyStoreId, change.names());
    }

    /** The stack event of the reconnect that puts back what an earlier update left disconnected. */
    public static String reconnectingLeftOver(final String keyStoreId) {
        return String.format("%s: reconnecting: an earlier update disconnected this key store and did not put it back "
            + "(its store record %s says it was CONNECTED)", keyStoreId, StoreRecord.parameterName(keyStoreId));
    }

    /**
     * What an update that changes nothing says when the store record still holds a state to come back to and the
     * last attempt to get there failed: the same connect cannot succeed, so none is made.
     */
    public static String leftDisconnected(final String keyStoreId, final KmsConnectionState observed,
                                          final String reconnectFailure, final boolean external) {
        return String.format("%s: the key store stays %s: an earlier update disconnected it and reconnecting it failed "
            + "with ConnectionErrorCode %s, and this update changes nothing that could fix that, so Keyhold did not "
            + "try the same connect again (%s). %s To put it back: fix the "
            + "cause and update the stack with it%s, or run 'aws kms connect-custom-key-store --custom-key-store-id "
            + "%s'.", keyStoreId, stays(observed), reconnectFailure, SecondConnect.worthIt(reconnectFailure)
                ? "it failed moments ago, and an update that changes nothing, such as CloudFormation's rollback, must "
                    + "not fail again on the same cause"
                : SecondConnect.of(reconnectFailure).reason(),
            ConnectionErrorGuide.explain(reconnectFailure, external),
            "INVALID_CREDENTIALS".equals(reconnectFailure) ? (external
                ? " (XksProxyAuthenticationCredential with a new XksProxyAuthenticationCredentialVersion)"
                : " (reset kmsuser's password in the cluster, put it into the secret KeyStorePassword resolves, and "
                    + "raise KeyStorePasswordVersion)") : "", keyStoreId);
    }

    /**
     * Why KeyStorePassword was not sent: KMS has connected with the password of {@code version}, and every connect
     * rotates kmsuser's password, so it no longer opens the cluster.
     */
    public static String spentPassword(final String keyStoreId, final String version, final KmsConnectionState observed) {
        return String.format("%s: KeyStorePassword of KeyStorePasswordVersion %s is not sent to KMS: KMS has already "
            + "connected with that password, and KMS rotates kmsuser's password on every connect, so it no longer "
            + "matches the cluster. KMS keeps the password it holds; the key store stays %s. If it must connect with a "
            + "password you know: reset kmsuser's password in the cluster, put it into the secret KeyStorePassword "
            + "resolves, raise KeyStorePasswordVersion to a new value, and update the stack.", keyStoreId, version,
            stays(observed));
    }

    /** Where a key store stays: DISCONNECTING is Keyhold's own disconnect of a FAILED key store, under way. */
    private static String stays(final KmsConnectionState observed) {
        return observed == KmsConnectionState.DISCONNECTING ? "DISCONNECTED (its disconnect is under way)"
            : observed.name();
    }

    /** Why a changed secret whose version did not change is not sent (the value is never named). */
    public static String secretWithoutVersion(final String keyStoreId, final String secret, final String version) {
        return String.format("%s: %s changed but %s did not, so Keyhold does not send it to KMS (KMS keeps the one it "
            + "holds). To send it, change %s too.", keyStoreId, secret, version, version);
    }

    private static String credentialHint(final String connectionErrorCode, final boolean external) {
        if (!"INVALID_CREDENTIALS".equals(connectionErrorCode)) {
            return "";
        }
        return external
            ? " With Keyhold: put the credential the proxy accepts into XksProxyAuthenticationCredential, change "
                + "XksProxyAuthenticationCredentialVersion, and update the stack."
            : " With Keyhold: reset kmsuser's password in the cluster, put it into the secret KeyStorePassword resolves, "
                + "change KeyStorePasswordVersion, and update the stack (KMS rotates the password on every connect, so "
                + "an old template value no longer matches).";
    }

    /**
     * The message when the dance's UpdateCustomKeyStore failed: the cause (already an operator's message), then where
     * the key store is, whether Keyhold disconnected it ({@code phase} DISCONNECT_SENT) or found it DISCONNECTED, and
     * how to put it back.
     */
    public static String strandedMessage(final String keyStoreId,
                                         final KeyStoreChange change,
                                         final TargetState comeBackTo,
                                         final Phase phase,
                                         final String cause) {
        if (comeBackTo == TargetState.DISCONNECTED) {
            return String.format("%s The key store stays DISCONNECTED, as it was before the update; KMS did not "
                + "change %s.", cause, change.names());
        }
        if (phase != Phase.DISCONNECT_SENT) {
            return String.format("%s The key store %s is DISCONNECTED, as it was before the update (Keyhold did not "
                    + "disconnect it), and KMS did not change %s. Its connection is meant to be CONNECTED: fix the cause "
                    + "and update the stack again (Keyhold then updates and connects it), or connect it as it is with "
                    + "'aws kms connect-custom-key-store --custom-key-store-id %s'.",
                cause, keyStoreId, change.names(), keyStoreId);
        }
        return String.format("%s The key store %s is DISCONNECTED now: Keyhold disconnected it to change %s and KMS "
                + "did not accept the update, so nothing changed but the connection. To put it back as it was, run "
                + "'aws kms connect-custom-key-store --custom-key-store-id %s'; or fix the cause and update the stack "
                + "again (Keyhold then updates and reconnects it).",
            cause, keyStoreId, change.names(), keyStoreId);
    }
}
