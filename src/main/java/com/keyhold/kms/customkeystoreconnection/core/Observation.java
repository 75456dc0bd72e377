package com.keyhold.kms.customkeystoreconnection.core;

/**
 * One DescribeCustomKeyStores entry, reduced to what Keyhold decides on and reports.
 *
 * @param connectionErrorCode present only when KMS reports FAILED
 * @param cloudHsmClusterId   present only for AWS_CLOUDHSM key stores
 */
public record Observation(String customKeyStoreId,
                          String customKeyStoreName,
                          String customKeyStoreType,
                          KmsConnectionState state,
                          String rawState,
                          String connectionErrorCode,
                          String cloudHsmClusterId) {

    public static final String TYPE_EXTERNAL = "EXTERNAL_KEY_STORE";
    public static final String TYPE_CLOUDHSM = "AWS_CLOUDHSM";

    public boolean isExternal() {
        return TYPE_EXTERNAL.equals(customKeyStoreType);
    }
}
