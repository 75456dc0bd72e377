package com.keyhold.kms.customkeystoreconnection.core;

import java.util.Optional;

/** ConnectionStateOnDelete: what deleting the resource does to the key store. */
public enum OnDelete {
    UNCHANGED,
    CONNECTED,
    DISCONNECTED;

    /** The state delete must drive to, or empty when the key store is left as it is. */
    public Optional<TargetState> target() {
        return this == UNCHANGED ? Optional.empty() : Optional.of(TargetState.valueOf(name()));
    }

    /** The property is optional; absent means UNCHANGED. */
    public static OnDelete fromProperty(final String value) {
        return value == null ? UNCHANGED : valueOf(value);
    }
}
