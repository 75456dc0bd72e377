package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** How a resource operation ended: SUCCESS with the handler's model, or FAILED with its error code and message. */
public record ProviderResult(boolean success, String errorCode, String message, ObjectNode model) {
    public static ProviderResult success(final ObjectNode model) {
        return new ProviderResult(true, null, null, model);
    }

    public static ProviderResult failed(final String errorCode, final String message) {
        return new ProviderResult(false, errorCode, message, null);
    }

    /** A failure that still names what it left (a custom resource answers a PhysicalResourceId even then). */
    public static ProviderResult failed(final String errorCode, final String message, final ObjectNode model) {
        return new ProviderResult(false, errorCode, message, model);
    }

    /** "NotStabilized: cks-...: FAILED ...", for events. */
    public String reason() {
        return success ? null : (errorCode == null ? "" : errorCode + ": ") + (message == null ? "" : message);
    }
}
