package com.keyhold.kms.customkeystoreconnection.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class (src/test/resources/META-INF/services): holds back what a test class and each of
 * its tests print (handler logs, runner output) and shows it only when that test or class fails, so that the test
 * command prints a page instead of thousands of log lines while a failure still shows its log. Set
 * {@code -Dkeyhold.test.output=all} to see everything as it is printed.
 *
 * <p>Per class and per test: the class's buffer holds what its {@code @BeforeAll}/{@code @AfterAll} print, each
 * test's buffer what the test prints; a failing test shows its own buffer, a failing class setup its own.
 * Output written straight to the file descriptors (a child process inheriting them) is not held back.
 */
public final class QuietUnlessFailed implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
    AfterEachCallback {
    static final String SWITCH = "keyhold.test.output";
    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(QuietUnlessFailed.class);

    /** The streams in place before a scope began, and what the scope printed. */
    private record Held(PrintStream out, PrintStream err, ByteArrayOutputStream printed) {
    }

    @Override
    public void beforeAll(final ExtensionContext context) {
        hold(context);
    }

    @Override
    public void afterAll(final ExtensionContext context) {
        release(context);
    }

    @Override
    public void beforeEach(final ExtensionContext context) {
        hold(context);
    }

    @Override
    public void afterEach(final ExtensionContext context) {
        release(context);
    }

    private static void hold(final ExtensionContext context) {
        if ("all".equals(System.getProperty(SWITCH))) {
            return;
        }
        final ByteArrayOutputStream printed = new ByteArrayOutputStream();
        final PrintStream capture = new PrintStream(printed, true, StandardCharsets.UTF_8);
        context.getStore(NAMESPACE).put(context.getUniqueId(), new Held(System.out, System.err, printed));
        System.setOut(capture);
        System.setErr(capture);
    }

    private static void release(final ExtensionContext context) {
        final Held held = context.getStore(NAMESPACE).remove(context.getUniqueId(), Held.class);
        if (held == null) {
            return;
        }
        System.setOut(held.out());
        System.setErr(held.err());
        if (context.getExecutionException().isPresent() && held.printed().size() > 0) {
            held.out().println("---- output of " + context.getDisplayName() + " (" + context.getUniqueId()
                + "), shown because it failed ----");
            held.out().print(held.printed().toString(StandardCharsets.UTF_8));
            held.out().println("---- end of output of " + context.getDisplayName() + " ----");
        }
    }
}
