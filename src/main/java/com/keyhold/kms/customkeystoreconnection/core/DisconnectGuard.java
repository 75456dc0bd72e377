package com.keyhold.kms.customkeystoreconnection.core;

/**
 * The key store type's opt-in {@code RefuseDisconnectingUpdates}: for change control that forbids an outage inside an
 * ordinary update, an update that would disconnect the key store is refused before any call that changes anything.
 * Pure: the change, the flag and the state KMS reports decide.
 *
 * <table>
 *   <caption>Decisions</caption>
 *   <tr><th>flag (previous or desired)</th><th>change mode</th><th>observed</th><th>decision</th></tr>
 *   <tr><td>false in both</td><td>any</td><td>any</td><td>go ahead</td></tr>
 *   <tr><td>true in either</td><td>NOTHING, IN_PLACE</td><td>any</td><td>go ahead (nothing disconnects)</td></tr>
 *   <tr><td>true in either</td><td>DANCE</td><td>DISCONNECTED</td><td>go ahead (nothing to disconnect)</td></tr>
 *   <tr><td>true in either</td><td>DANCE</td><td>any other</td><td>refuse, naming the properties</td></tr>
 *   <tr><td>true in either</td><td>TRY_IN_PLACE</td><td>DISCONNECTED</td><td>go ahead</td></tr>
 *   <tr><td>true in either</td><td>TRY_IN_PLACE</td><td>any other</td><td>refuse: if KMS refuses the change in
 *   place, the update disconnects to make it, and that cannot be known before the call</td></tr>
 * </table>
 *
 * <p>The flag counts when either side of the update sets it: turning the guard off is an update of its own, so an
 * update cannot lift the guard and disconnect in one step, and an update that turns it on is already guarded.
 */
public final class DisconnectGuard {
    public static final String PROPERTY = "RefuseDisconnectingUpdates";

    private DisconnectGuard() {
    }

    /** Whether the guard is on for an update from {@code previous} to {@code desired} (null: not set, false). */
    public static boolean on(final Boolean previous, final Boolean desired) {
        return Boolean.TRUE.equals(previous) || Boolean.TRUE.equals(desired);
    }

    /** Whether {@code change}, made now, could disconnect a key store KMS reports {@code observed}. */
    public static boolean disconnects(final KeyStoreChange change, final KmsConnectionState observed) {
        final KeyStoreChange.Mode mode = change.mode();
        return (mode == KeyStoreChange.Mode.DANCE || mode == KeyStoreChange.Mode.TRY_IN_PLACE)
            && observed != KmsConnectionState.DISCONNECTED;
    }

    /**
     * Refuses the update (InvalidRequest: the template asks for what its own guard forbids) when the guard is on and
     * the change could disconnect the key store; returns when it may go ahead.
     */
    public static void check(final String customKeyStoreId, final boolean guardOn, final KeyStoreChange change,
                             final KmsConnectionState observed) {
        if (!guardOn || !disconnects(change, observed)) {
            return;
        }
        final String needs = change.mode() == KeyStoreChange.Mode.DANCE
            ? String.format("%s needs the key store DISCONNECTED", change.namesNeedingDisconnected())
            : String.format("%s may need the key store DISCONNECTED (KMS's documentation disagrees; if KMS refuses the "
                + "change in place, the update disconnects to make it)", change.names());
        throw new KeyholdFailureException(FailureKind.InvalidRequest, String.format("%s: %s is true, and changing "
            + "%s; it is %s now. The update was refused before any change: the key store stays %s and nothing was "
            + "sent to KMS. To make this change, either disconnect it first (ConnectionState: DISCONNECTED on its "
            + "Keyhold::KMS::CustomKeyStoreConnection resource, or 'aws kms disconnect-custom-key-store "
            + "--custom-key-store-id %s') and update again, or in a maintenance window update the stack with %s: "
            + "false first, then make the change.", customKeyStoreId, PROPERTY, needs, observed, observed,
            customKeyStoreId, PROPERTY));
    }
}
