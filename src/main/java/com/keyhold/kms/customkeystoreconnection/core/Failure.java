package com.keyhold.kms.customkeystoreconnection.core;

/** A terminal outcome with the operator-facing explanation. */
public record Failure(FailureKind kind, String message) {
}
