package com.keyhold.kms.customkeystoreconnection.core;

import java.time.Duration;

/**
 * When to describe the key store again. Every 5 s for the first 30 s after a call, then every 30 s:
 * a transition of T seconds costs at most 6 + T/30 describes and is seen done at most 5 s after KMS
 * finishes when T is 30 s or less, at most 30 s otherwise.
 */
public final class PollSchedule {
    public static final PollSchedule DEFAULT = new PollSchedule(Duration.ofSeconds(5), Duration.ofSeconds(30),
        Duration.ofSeconds(30));

    private final Duration fastInterval;
    private final Duration fastPhase;
    private final Duration slowInterval;

    public PollSchedule(final Duration fastInterval, final Duration fastPhase, final Duration slowInterval) {
        this.fastInterval = fastInterval;
        this.fastPhase = fastPhase;
        this.slowInterval = slowInterval;
    }

    /** The delay before the next describe, given the time since the transition's last call. */
    public int nextDelaySeconds(final Duration sinceCall) {
        return (int) (sinceCall.compareTo(fastPhase) < 0 ? fastInterval : slowInterval).toSeconds();
    }

    public int firstDelaySeconds() {
        return (int) fastInterval.toSeconds();
    }
}
