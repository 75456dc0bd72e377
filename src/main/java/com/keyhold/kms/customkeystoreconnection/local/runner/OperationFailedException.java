package com.keyhold.kms.customkeystoreconnection.local.runner;

/** The operation ran and did not succeed (a rollback, a refused change set, a stack in the wrong state): exit 1. */
public final class OperationFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OperationFailedException(final String message) {
        super(message);
    }
}
