package com.keyhold.kms.customkeystoreconnection.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Registered in src/test/resources/META-INF/services: before any test class loads, makes sure the directory
 * java.io.tmpdir names exists. The build points it at a private directory under target/; a run that does not go
 * through the build's own steps (PIT's minions, an IDE, `mvn test-compile` followed by a plugin goal) would
 * otherwise find it missing, and every test that makes a temporary file would fail for a reason that has nothing to
 * do with what it tests.
 */
public final class TemporaryDirectoryExists implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(final LauncherSession session) {
        try {
            Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create java.io.tmpdir for the tests", e);
        }
    }
}
