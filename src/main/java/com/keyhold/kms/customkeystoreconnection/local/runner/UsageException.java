package com.keyhold.kms.customkeystoreconnection.local.runner;

/** Bad input before anything ran (flags, template, parameters): exit code 2, the message says what is allowed. */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(final String message) {
        super(message);
    }
}
