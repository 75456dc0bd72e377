package com.keyhold.kms.customkeystoreconnection.local.emulator;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Every request the emulator answered (or dropped), so tests can count calls per operation and outcome. */
public final class RequestLog {

    /** Outcome of a request whose connection was closed without an answer. */
    public static final String RESET = "ConnectionReset";
    public static final String OK = "OK";

    /**
     * @param operation       e.g. {@code DescribeCustomKeyStores}; the raw target when it was not understood
     * @param customKeyStoreId the request's CustomKeyStoreId member, or null
     * @param outcome         {@link #OK}, {@link #RESET}, or the error's {@code __type}
     */
    public record Entry(Instant at, String operation, String customKeyStoreId, String outcome) {
    }

    private final List<Entry> entries = new ArrayList<>();

    synchronized void add(Entry e) {
        entries.add(e);
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    /** Requests received for an operation, whatever their outcome. */
    public synchronized long count(String operation) {
        return entries.stream().filter(e -> e.operation().equals(operation)).count();
    }

    public synchronized long count(String operation, String outcome) {
        return entries.stream().filter(e -> e.operation().equals(operation) && e.outcome().equals(outcome)).count();
    }

    public synchronized void clear() {
        entries.clear();
    }
}
