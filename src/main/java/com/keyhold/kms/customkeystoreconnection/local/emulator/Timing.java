package com.keyhold.kms.customkeystoreconnection.local.emulator;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * How long the asynchronous transitions take, per key store type, in emulated time, and the time scale that
 * shrinks them (and describe lag) for people watching a real-time emulator: 0.1 makes everything ten times faster.
 */
final class Timing {
    /** Small stand-ins for KMS's real durations (CloudHSM connect up to 20 minutes, XKS about 5). */
    static final Duration DEFAULT_CLOUDHSM_CONNECT = Duration.ofSeconds(20);
    static final Duration DEFAULT_XKS_CONNECT = Duration.ofSeconds(5);
    static final Duration DEFAULT_DISCONNECT = Duration.ofSeconds(5);

    private final Map<KeyStoreType, Duration> connect = new EnumMap<>(KeyStoreType.class);
    private final Map<KeyStoreType, Duration> disconnect = new EnumMap<>(KeyStoreType.class);
    private double timeScale = 1.0;

    Timing() {
        connect.put(KeyStoreType.AWS_CLOUDHSM, DEFAULT_CLOUDHSM_CONNECT);
        connect.put(KeyStoreType.EXTERNAL_KEY_STORE, DEFAULT_XKS_CONNECT);
        disconnect.put(KeyStoreType.AWS_CLOUDHSM, DEFAULT_DISCONNECT);
        disconnect.put(KeyStoreType.EXTERNAL_KEY_STORE, DEFAULT_DISCONNECT);
    }

    void connect(KeyStoreType type, Duration d) {
        connect.put(type, check(d, "connect duration"));
    }

    void disconnect(KeyStoreType type, Duration d) {
        disconnect.put(type, check(d, "disconnect duration"));
    }

    void timeScale(double scale) {
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("time scale must be a positive number (1.0 = real time, "
                    + "0.1 = ten times faster), got " + scale);
        }
        timeScale = scale;
    }

    double timeScale() {
        return timeScale;
    }

    Duration connect(KeyStoreType type) {
        return scaled(connect.get(type));
    }

    Duration disconnect(KeyStoreType type) {
        return scaled(disconnect.get(type));
    }

    Duration scaled(Duration d) {
        return timeScale == 1.0 ? d : Duration.ofNanos(Math.round(d.toNanos() * timeScale));
    }

    Duration unscaledConnect(KeyStoreType type) {
        return connect.get(type);
    }

    Duration unscaledDisconnect(KeyStoreType type) {
        return disconnect.get(type);
    }

    private static Duration check(Duration d, String what) {
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, got " + d);
        }
        return d;
    }
}
