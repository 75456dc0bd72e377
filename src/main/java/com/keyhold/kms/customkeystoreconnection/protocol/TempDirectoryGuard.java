package com.keyhold.kms.customkeystoreconnection.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The wrapper deletes every file in java.io.tmpdir on each request, as the CloudFormation plugin's wrapper does, so
 * nothing one caller's request left in Lambda's /tmp is seen by the next. Outside Lambda that would wipe a developer's
 * or CI's temporary directory, so anything that runs the wrapper elsewhere first points java.io.tmpdir at a private
 * directory; only then may it scrub.
 */
public final class TempDirectoryGuard {
    private static final String TMPDIR = "java.io.tmpdir";

    private final boolean mayScrub;

    private TempDirectoryGuard(final boolean mayScrub) {
        this.mayScrub = mayScrub;
    }

    /** Inside Lambda, /tmp belongs to this function: scrub it as the plugin intends. Elsewhere, never. */
    public static TempDirectoryGuard forEnvironment() {
        return new TempDirectoryGuard(System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null);
    }

    /**
     * Points java.io.tmpdir at a fresh private directory inside the current one, so the scrub touches only files
     * this process made. Call before the wrapper's first request.
     */
    public static TempDirectoryGuard privateDirectory() {
        try {
            final Path shared = Path.of(System.getProperty(TMPDIR));
            final Path mine = Files.createTempDirectory(shared, "keyhold-handler-");
            mine.toFile().deleteOnExit();
            System.setProperty(TMPDIR, mine.toString());
            return new TempDirectoryGuard(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a private temporary directory for the handler", e);
        }
    }

    /** Never scrubs: for hosts that cannot move java.io.tmpdir. */
    public static TempDirectoryGuard never() {
        return new TempDirectoryGuard(false);
    }

    /** Empties java.io.tmpdir (the directory itself stays), if this guard allows it. */
    public void scrub() throws IOException {
        if (!mayScrub) {
            return;
        }
        final Path root = Path.of(System.getProperty(TMPDIR));
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(final Path file, final BasicFileAttributes attributes) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(final Path directory, final IOException error) throws IOException {
                if (error != null) {
                    throw error;
                }
                if (!directory.equals(root)) {
                    Files.delete(directory);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
