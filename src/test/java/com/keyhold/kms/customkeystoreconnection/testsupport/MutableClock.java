package com.keyhold.kms.customkeystoreconnection.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that moves only when a test advances it: no test sleeps. */
public final class MutableClock extends Clock {
    private Instant now;

    public MutableClock(final Instant start) {
        this.now = start;
    }

    public MutableClock() {
        this(Instant.parse("2026-11-28T12:00:00Z"));
    }

    public void advance(final Duration duration) {
        now = now.plus(duration);
    }

    public void advanceSeconds(final long seconds) {
        advance(Duration.ofSeconds(seconds));
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
    public Clock withZone(final ZoneId zone) {
        return this;
    }
}
