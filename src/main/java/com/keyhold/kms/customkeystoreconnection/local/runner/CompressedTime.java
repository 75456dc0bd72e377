package com.keyhold.kms.customkeystoreconnection.local.runner;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * Time for the runner and an in-process emulator that share one clock: a wait of D moves the shared clock forward
 * by D at once and sleeps only D x {@code realFraction} for real, so a CloudHSM connect that the emulator stretches
 * over minutes passes in seconds while every timestamp, poll interval and elapsed time stays consistent.
 * The offset is handed to {@code offsetSink} after every wait so that the next command continues from the same
 * emulated time (the emulator's state file schedules transitions on it).
 */
public final class CompressedTime extends Clock implements Timekeeper {
    private final Clock base;
    private final AtomicLong offsetMillis;
    private final double realFraction;
    private final Sleeper real;
    private final LongConsumer offsetSink;

    public CompressedTime(final Clock base, final long offsetMillis, final double realFraction, final Sleeper real,
                          final LongConsumer offsetSink) {
        if (!(realFraction >= 0 && realFraction <= 1)) {
            throw new IllegalArgumentException("the time scale must be between 0 and 1, got " + realFraction);
        }
        this.base = base;
        this.offsetMillis = new AtomicLong(offsetMillis);
        this.realFraction = realFraction;
        this.real = real;
        this.offsetSink = offsetSink;
    }

    @Override
    public Clock clock() {
        return this;
    }

    @Override
    public void sleep(final Duration duration) throws InterruptedException {
        final long millis = Math.max(0, duration.toMillis());
        offsetSink.accept(offsetMillis.addAndGet(millis));
        final long realMillis = Math.round(millis * realFraction);
        if (realMillis > 0) {
            real.sleep(Duration.ofMillis(realMillis));
        }
    }

    /** Moves the clock without waiting for real (e.g. to let an out-of-band change finish). */
    public void advance(final Duration duration) {
        offsetSink.accept(offsetMillis.addAndGet(Math.max(0, duration.toMillis())));
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
