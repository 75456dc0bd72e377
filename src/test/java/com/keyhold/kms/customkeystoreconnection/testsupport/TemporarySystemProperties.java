package com.keyhold.kms.customkeystoreconnection.testsupport;

import java.util.HashMap;
import java.util.Map;

/** System properties set for one block and put back as they were (absent ones removed) when it closes. */
public final class TemporarySystemProperties implements AutoCloseable {
    private final Map<String, String> before = new HashMap<>();

    private TemporarySystemProperties(final Map<String, String> values) {
        values.forEach((name, value) -> {
            before.put(name, System.getProperty(name));
            System.setProperty(name, value);
        });
    }

    public static TemporarySystemProperties set(final Map<String, String> values) {
        return new TemporarySystemProperties(values);
    }

    /** Remembers {@code name} so that close() puts back its present value, for code under test that changes it. */
    public TemporarySystemProperties keep(final String name) {
        before.putIfAbsent(name, System.getProperty(name));
        return this;
    }

    @Override
    public void close() {
        before.forEach((name, value) -> {
            if (value == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, value);
            }
        });
    }
}
