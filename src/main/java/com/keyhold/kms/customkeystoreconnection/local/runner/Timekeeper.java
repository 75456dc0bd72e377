package com.keyhold.kms.customkeystoreconnection.local.runner;

import java.time.Clock;
import java.time.Duration;

/**
 * The runner's time: the clock the handlers (and an in-process emulator) read, and the wait between callbacks.
 * Every wait goes through here so tests and the demo never sleep for real.
 */
public interface Timekeeper {
    Clock clock();

    /** Waits {@code duration} of this clock's time (what CloudFormation does between callbacks). */
    void sleep(Duration duration) throws InterruptedException;

    /** A line for the operator when time is not real time; null when it is. */
    default String note() {
        return null;
    }

    /** Real time: for real AWS and for an emulator the runner does not control. */
    static Timekeeper real() {
        return new Timekeeper() {
            @Override
            public Clock clock() {
                return Clock.systemUTC();
            }

            @Override
            public void sleep(final Duration duration) throws InterruptedException {
                Thread.sleep(duration.toMillis());
            }
        };
    }
}
