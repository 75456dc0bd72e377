package com.keyhold.kms.customkeystoreconnection.local.runner;

import java.time.Duration;

/** Real waiting, injectable so that tests pass a no-op. */
@FunctionalInterface
public interface Sleeper {
    Sleeper REAL = duration -> Thread.sleep(duration.toMillis());
    Sleeper NONE = duration -> {
    };

    void sleep(Duration duration) throws InterruptedException;
}
