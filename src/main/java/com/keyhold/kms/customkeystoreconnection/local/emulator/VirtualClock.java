package com.keyhold.kms.customkeystoreconnection.local.emulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that only moves when told to. Tests hand it to the emulator (and to the code under test) so timed
 * transitions, describe lag and throttling happen exactly when the test advances it, with no sleeping.
 * Thread-safe: the emulator's HTTP threads read it while the test thread advances it.
 */
public final class VirtualClock extends Clock {
    private volatile Instant now;

    public VirtualClock(Instant start) {
        this.now = start;
    }

    /** Starts at a fixed, whole-second instant so epoch-second timestamps in assertions are stable. */
    public VirtualClock() {
        this(Instant.parse("2025-01-01T00:00:00Z"));
    }

    public synchronized Instant advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("a virtual clock only moves forward; got " + by);
        }
        now = now.plus(by);
        return now;
    }

    public Instant advanceSeconds(long seconds) {
        return advance(Duration.ofSeconds(seconds));
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        if (!ZoneOffset.UTC.equals(zone)) {
            throw new UnsupportedOperationException("a virtual clock is UTC only");
        }
        return this;
    }
}
