package com.keyhold.kms.customkeystoreconnection.core;

/** The three KMS operations Keyhold uses. Implementations throw the AWS SDK's exceptions unchanged. */
public interface KeyStorePort {
    /** The key store's current entry; throws CustomKeyStoreNotFoundException when KMS has none. */
    Observation describe(String customKeyStoreId);

    void connect(String customKeyStoreId);

    void disconnect(String customKeyStoreId);
}
