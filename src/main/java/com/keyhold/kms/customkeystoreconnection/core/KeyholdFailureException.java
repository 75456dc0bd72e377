package com.keyhold.kms.customkeystoreconnection.core;

/** Carries a {@link Failure} through code that can only throw (validation, stabilize callbacks). */
public final class KeyholdFailureException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Failure failure;

    public KeyholdFailureException(final Failure failure) {
        super(failure.message());
        this.failure = failure;
    }

    public KeyholdFailureException(final FailureKind kind, final String message) {
        this(new Failure(kind, message));
    }

    public Failure failure() {
        return failure;
    }
}
