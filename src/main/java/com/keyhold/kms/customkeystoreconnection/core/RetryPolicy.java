package com.keyhold.kms.customkeystoreconnection.core;

import java.time.Duration;

/**
 * Backoff for throttling, service-side and network errors between invocations: exponential from
 * {@code base}, capped, for at most {@code maxAttempts} consecutive failures.
 */
public record RetryPolicy(int maxAttempts, Duration base, Duration cap) {
    /** About six minutes of retries before a persistent error fails the operation. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(9, Duration.ofSeconds(2), Duration.ofSeconds(60));

    public boolean exhausted(final int failures) {
        return failures > maxAttempts;
    }

    public int delaySeconds(final int failures) {
        final long exponential = base.toSeconds() << Math.min(failures - 1, 20);
        return (int) Math.min(cap.toSeconds(), exponential);
    }
}
