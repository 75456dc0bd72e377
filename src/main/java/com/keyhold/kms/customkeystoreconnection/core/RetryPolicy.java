package com.keyhold.kms.customkeystoreconnection.core;

import java.time.Duration;

/**
 * Backoff for throttling, service-side and network errors between invocations: exponential from
 * {@code base}, capped, for at most {@code maxAttempts} consecutive failures.
 */
public record RetryPolicy(int maxAttempts, Duration base, Duration cap) {
    /** About five minutes of retries (2, 4, 8, 16, 32 s, then 60 s) before a persistent error fails. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(9, Duration.ofSeconds(2), Duration.ofSeconds(60));

    public boolean exhausted(final int failures) {
        return failures > maxAttempts;
    }

    public int delaySeconds(final int failures) {
        final long exponential = base.toSeconds() << Math.min(failures - 1, 20);
        return (int) Math.min(cap.toSeconds(), exponential);
    }
}
