package com.keyhold.kms.customkeystoreconnection.core;

import java.util.Set;

/**
 * One AWS call Keyhold made, with what an error message about it must name.
 *
 * @param cloudHsmClusterId from the last observation, when the key store is CloudHSM-backed; may be null
 */
public record Attempt(String operation, String keyStoreId, String region, String cloudHsmClusterId) {
    private static final Set<String> SSM_OPERATIONS = Set.of("PutParameter", "GetParameter", "DeleteParameter",
        "GetParametersByPath");

    public Attempt(final String operation, final String keyStoreId, final String region) {
        this(operation, keyStoreId, region, null);
    }

    /** The IAM action this call needs. */
    public String permission() {
        if ("DescribeClusters".equals(operation)) {
            return "cloudhsm:" + operation;
        }
        return (SSM_OPERATIONS.contains(operation) ? "ssm:" : "kms:") + operation;
    }

    public String clusterOrUnknown() {
        return cloudHsmClusterId == null ? "(cluster id not reported)" : cloudHsmClusterId;
    }
}
