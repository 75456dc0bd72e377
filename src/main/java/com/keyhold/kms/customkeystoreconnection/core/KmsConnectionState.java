package com.keyhold.kms.customkeystoreconnection.core;

/** The five connection states AWS KMS reports for a custom key store. */
public enum KmsConnectionState {
    CONNECTED,
    CONNECTING,
    DISCONNECTED,
    DISCONNECTING,
    FAILED;

    /** Parses KMS's value; an unknown value (a future KMS state) is treated as still changing. */
    public static KmsConnectionState fromKms(final String value) {
        for (KmsConnectionState state : values()) {
            if (state.name().equals(value)) {
                return state;
            }
        }
        return CONNECTING;
    }
}
