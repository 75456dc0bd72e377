package com.keyhold.kms.customkeystoreconnection.core;

/** A terminal outcome with the operator-facing explanation. */
public record Failure(FailureKind kind, String message) {
    /**
     * Something Keyhold did not expect: what failed, and what the operator should send with the report.
     *
     * @param evidence where the details are, for example "the stack events"
     */
    public static Failure defect(final Throwable error, final String evidence) {
        return new Failure(FailureKind.InternalFailure, "Keyhold failed unexpectedly: " + error
            + ". This is a Keyhold defect; report it with " + evidence + ".");
    }
}
