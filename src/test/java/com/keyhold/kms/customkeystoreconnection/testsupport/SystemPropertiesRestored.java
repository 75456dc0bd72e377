package com.keyhold.kms.customkeystoreconnection.testsupport;

import java.util.Properties;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Registered for every test class (src/test/resources/META-INF/services, junit-platform.properties): puts the JVM's
 * system properties back as they were before the class ran. Production code under test may move java.io.tmpdir
 * (the local runner does, once per process); without this, whichever test class ran first would decide what every
 * later class sees, and the suite's result would depend on the order Surefire or PIT happens to pick.
 */
public final class SystemPropertiesRestored implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NAMESPACE =
        ExtensionContext.Namespace.create(SystemPropertiesRestored.class);

    @Override
    public void beforeAll(final ExtensionContext context) {
        final Properties before = new Properties();
        before.putAll(System.getProperties());
        context.getStore(NAMESPACE).put(context.getUniqueId(), before);
    }

    @Override
    public void afterAll(final ExtensionContext context) {
        final Properties before = context.getStore(NAMESPACE).remove(context.getUniqueId(), Properties.class);
        if (before == null) {
            return;
        }
        // In place, not System.setProperties: the JDK keeps a reference to the live Properties object.
        final Properties now = System.getProperties();
        now.keySet().removeIf(key -> !before.containsKey(key));
        now.putAll(before);
    }
}
