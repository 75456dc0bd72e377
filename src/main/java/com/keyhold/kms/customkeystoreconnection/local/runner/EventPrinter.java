package com.keyhold.kms.customkeystoreconnection.local.runner;

import java.io.PrintStream;
import java.time.Duration;

/** Prints stack events as they happen: elapsed time, logical id, status, reason (the handler's message). */
public final class EventPrinter {
    private final PrintStream out;

    public EventPrinter(final PrintStream out) {
        this.out = out;
    }

    public void print(final StackEvent e) {
        out.println(line(e));
        out.flush();
    }

    public static String line(final StackEvent e) {
        final String text = String.format("  %7s  %-22s %-36s %s", e.elapsed == null ? "" : "+" + e.elapsed,
            e.logicalId, e.status, e.reason == null ? "" : e.reason);
        return text.stripTrailing();
    }

    /** 0:05, 12:30, 1:02:03. */
    public static String elapsed(final Duration d) {
        final long s = Math.max(0, d.getSeconds());
        return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60)
            : String.format("%d:%02d", s / 60, s % 60);
    }
}
