package com.keyhold.kms.customkeystoreconnection.core;

/**
 * The planner's answer for one observation.
 *
 * @param delaySeconds for WAIT and after a call: when to look again
 * @param reissue      a second Connect/Disconnect for the same step (describe lag or an out-of-band flip)
 * @param recovery     the Disconnect that starts the one recovery of a FAILED key store
 */
public record Decision(Action action, int delaySeconds, Failure failure, boolean reissue, boolean recovery) {

    public enum Action {
        DONE,
        CONNECT,
        DISCONNECT,
        WAIT,
        FAIL
    }

    static Decision done() {
        return new Decision(Action.DONE, 0, null, false, false);
    }

    static Decision waitFor(final int delaySeconds) {
        return new Decision(Action.WAIT, delaySeconds, null, false, false);
    }

    static Decision call(final Action action, final int delaySeconds, final boolean reissue, final boolean recovery) {
        return new Decision(action, delaySeconds, null, reissue, recovery);
    }

    static Decision fail(final FailureKind kind, final String message) {
        return new Decision(Action.FAIL, 0, new Failure(kind, message), false, false);
    }

    public boolean isCall() {
        return action == Action.CONNECT || action == Action.DISCONNECT;
    }

    /** The KMS operation a call decision makes. */
    public String operation() {
        return action == Action.CONNECT ? "ConnectCustomKeyStore" : "DisconnectCustomKeyStore";
    }
}
