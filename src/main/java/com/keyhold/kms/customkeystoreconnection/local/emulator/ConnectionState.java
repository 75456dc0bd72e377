package com.keyhold.kms.customkeystoreconnection.local.emulator;

import java.util.List;
import java.util.Set;

/** KMS's five custom key store connection states, and the error codes a FAILED store reports. */
public enum ConnectionState {
    CONNECTED, CONNECTING, DISCONNECTED, DISCONNECTING, FAILED;

    /** ConnectionErrorCodeType from the KMS service model (2014-11-01), in the model's order. */
    public static final List<String> ERROR_CODES = List.of(
            "INVALID_CREDENTIALS", "CLUSTER_NOT_FOUND", "NETWORK_ERRORS", "INTERNAL_ERROR",
            "INSUFFICIENT_CLOUDHSM_HSMS", "USER_LOCKED_OUT", "USER_NOT_FOUND", "USER_LOGGED_IN", "SUBNET_NOT_FOUND",
            "INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET", "XKS_PROXY_ACCESS_DENIED", "XKS_PROXY_NOT_REACHABLE",
            "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND", "XKS_PROXY_INVALID_RESPONSE", "XKS_PROXY_INVALID_CONFIGURATION",
            "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION", "XKS_PROXY_TIMED_OUT",
            "XKS_PROXY_INVALID_TLS_CONFIGURATION");

    private static final Set<String> ERROR_CODE_SET = Set.copyOf(ERROR_CODES);

    /** Parses a state name, or fails naming the allowed values. */
    public static ConnectionState parse(String value, String where) {
        for (ConnectionState s : values()) {
            if (s.name().equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException(where + ": unknown connection state '" + value + "'; allowed: "
                + List.of(values()));
    }

    /** Checks a ConnectionErrorCode, or fails naming the allowed values. */
    public static String checkErrorCode(String code, String where) {
        if (!ERROR_CODE_SET.contains(code)) {
            throw new IllegalArgumentException(where + ": unknown ConnectionErrorCode '" + code + "'; allowed: "
                    + ERROR_CODES);
        }
        return code;
    }
}
