package com.keyhold.kms.customkeystoreconnection.testsupport;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Registered in src/test/resources/META-INF/services: before any test runs, every AWS SDK client that is not given
 * an endpoint of its own (production wiring: ClientFactory.standard(), the handlers' no-argument constructors) is
 * pointed at a closed loopback port through the SDK's aws.endpointUrl setting. A test whose production wiring gets
 * further than it should then fails with a refused connection instead of calling AWS with the tests' fake
 * credentials. Tests that want an answer point a client at the emulator explicitly.
 */
public final class AwsEndpointsOnLoopback implements LauncherSessionListener {
    /** Port 9 (discard) on loopback: nothing listens there on a build machine, so a call fails at once. */
    public static final String NOWHERE = "http://127.0.0.1:9";

    @Override
    public void launcherSessionOpened(final LauncherSession session) {
        System.setProperty("aws.endpointUrl", NOWHERE);
    }
}
