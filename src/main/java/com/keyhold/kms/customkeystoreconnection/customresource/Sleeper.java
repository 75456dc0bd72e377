package com.keyhold.kms.customkeystoreconnection.customresource;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Waits between polls. Tests inject one that advances a virtual clock, so no test ever sleeps. */
@FunctionalInterface
public interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;

    /** Real time, for Lambda. */
    Sleeper SYSTEM = duration -> TimeUnit.MILLISECONDS.sleep(duration.toMillis());
}
