package com.keyhold.kms.customkeystoreconnection.local.emulator;

/**
 * An error answered the way AWS JSON 1.1 services answer it: {@code {"__type": type, "message": ...}} with an
 * HTTP status. The type is the bare exception name the SDKs map to their modelled exception classes.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String type;
    private final int status;

    public ApiException(String type, int status, String message) {
        super(message);
        this.type = type;
        this.status = status;
    }

    /** A client error (HTTP 400), which is what every KMS and SSM exception except the internal ones is. */
    public static ApiException client(String type, String message) {
        return new ApiException(type, 400, message);
    }

    /** The HTTP status AWS uses for an exception name: 500 for the modelled faults, 400 for the rest. */
    public static int statusOf(String type) {
        return switch (type) {
            case "KMSInternalException", "DependencyTimeoutException", "InternalServerError", "InternalFailure" -> 500;
            case "ServiceUnavailable", "ServiceUnavailableException" -> 503;
            default -> 400;
        };
    }

    public static ApiException of(String type, String message) {
        return new ApiException(type, statusOf(type), message);
    }

    public String type() {
        return type;
    }

    public int status() {
        return status;
    }
}
