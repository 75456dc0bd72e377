package com.keyhold.kms.customkeystoreconnection.core;

import java.time.Duration;

/** Durations the way stack events show them: 45s, 3m10s, 1h02m. */
public final class Durations {
    private Durations() {
    }

    public static String human(final Duration duration) {
        final long seconds = Math.max(0, duration.toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return (seconds / 60) + "m" + String.format("%02d", seconds % 60) + "s";
        }
        return (seconds / 3600) + "h" + String.format("%02d", (seconds % 3600) / 60) + "m";
    }
}
