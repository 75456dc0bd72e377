package com.keyhold.kms.customkeystoreconnection.local.runner;

/**
 * A state file that cannot be read (truncated, edited by hand): bad input, exit code 2. The message names the file,
 * why, and how to repair it without orphaning the key stores' ownership records.
 */
public final class DamagedStateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DamagedStateException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
