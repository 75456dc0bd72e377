package com.keyhold.kms.customkeystoreconnection.core;

/** KMS's two kinds of custom key store (CustomKeyStoreType). */
public enum StoreType {
    AWS_CLOUDHSM,
    EXTERNAL_KEY_STORE;

    /** Parses KMS's value; null (KMS's default) is AWS_CLOUDHSM. */
    public static StoreType fromKms(final String value) {
        return value == null ? AWS_CLOUDHSM : valueOf(value);
    }
}
