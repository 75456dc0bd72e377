package com.keyhold.kms.customkeystoreconnection.local.emulator;

import java.util.List;

/** CustomKeyStoreType from the KMS model. */
public enum KeyStoreType {
    AWS_CLOUDHSM, EXTERNAL_KEY_STORE;

    public static KeyStoreType parse(String value, String where) {
        for (KeyStoreType t : values()) {
            if (t.name().equals(value)) {
                return t;
            }
        }
        throw new IllegalArgumentException(where + ": unknown custom key store type '" + value + "'; allowed: "
                + List.of(values()));
    }
}
