package com.keyhold.kms.customkeystoreconnection.core;

/** A connection state Keyhold can drive a key store to (the resource's ConnectionState). */
public enum TargetState {
    CONNECTED,
    DISCONNECTED;

    public KmsConnectionState asKmsState() {
        return this == CONNECTED ? KmsConnectionState.CONNECTED : KmsConnectionState.DISCONNECTED;
    }

    /** What Read reports: CONNECTED only when KMS says CONNECTED, so drift detection sees anything else. */
    public static TargetState reported(final KmsConnectionState observed) {
        return observed == KmsConnectionState.CONNECTED ? CONNECTED : DISCONNECTED;
    }
}
