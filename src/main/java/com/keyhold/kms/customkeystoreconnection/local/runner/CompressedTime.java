package com.keyhold.kms.customkeystoreconnection.local.runner;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongUnaryOperator;

/**
 * Time for the runner and an in-process emulator that share one clock: a wait of D moves the shared clock forward
 * by D at once and sleeps only D x {@code realFraction} for real, so a CloudHSM connect that the emulator stretches
 * over minutes passes in seconds while every timestamp, poll interval and elapsed time stays consistent.
 * The offset is shared after every wait ({@code share} publishes this process's offset and answers the largest any
 * process sharing the state folder reached), so that emulated time never runs backwards: the next command, and a
 * command running at the same time, continue from the latest emulated time (the emulator's state file schedules
 * transitions on it).
 */
public final class CompressedTime extends Clock implements Timekeeper {
    private final Clock base;
    private final AtomicLong offsetMillis;
    private final double realFraction;
    private final Sleeper real;
    private final LongUnaryOperator share;

    public CompressedTime(final Clock base, final long offsetMillis, final double realFraction, final Sleeper real,
                          final LongUnaryOperator share) {
        if (!(realFraction >= 0 && realFraction <= 1)) {
            throw new IllegalArgumentException("the time scale must be between 0 and 1, got " + realFraction);
        }
        this.base = base;
        this.offsetMillis = new AtomicLong(offsetMillis);
        this.realFraction = realFraction;
        this.real = real;
        this.share = share;
    }

    @Override
    public Clock clock() {
        return this;
    }

    @Override
    public void sleep(final Duration duration) throws InterruptedException {
        final long millis = Math.max(0, duration.toMillis());
        final long realMillis = Math.round(millis * realFraction);
        // The real sleep moves the base clock by its share; the offset adds the rest, so a wait of D moves this
        // clock by D whatever the scale (at 1, real time: the offset does not move at all).
        move(millis - realMillis);
        if (realMillis > 0) {
            real.sleep(Duration.ofMillis(realMillis));
        }
    }

    /** Moves the clock without waiting for real (e.g. to let an out-of-band change finish). */
    public void advance(final Duration duration) {
        move(Math.max(0, duration.toMillis()));
    }

    private void move(final long millis) {
        final long shared = share.applyAsLong(offsetMillis.addAndGet(millis));
        offsetMillis.accumulateAndGet(shared, Math::max);
    }

    public long offsetMillis() {
        return offsetMillis.get();
    }

    @Override
    public String note() {
        if (realFraction >= 1) {
            return null;
        }
        final String factor = realFraction == 0 ? "without real waiting"
            : String.format("%sx", trim(1 / realFraction));
        return "Time is compressed (" + factor + "): waits between callbacks pass in emulated time; "
            + "elapsed times shown are emulated.";
    }

    private static String trim(final double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.format("%.1f", d);
    }

    @Override
    public Instant instant() {
        return base.instant().plusMillis(offsetMillis.get());
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
