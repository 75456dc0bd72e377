package com.keyhold.kms.customkeystoreconnection.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;

/**
 * The wrapper deletes every file in java.io.tmpdir on each request, as the CloudFormation plugin's wrapper does, so
 * nothing one caller's request left in Lambda's /tmp is seen by the next. Outside Lambda that would wipe a developer's
 * or CI's temporary directory, so anything that runs the wrapper elsewhere first points java.io.tmpdir at a private
 * directory; only then may it scrub.
 */
public final class TempDirectoryGuard {
    private static final String TMPDIR = "java.io.tmpdir";

    /**
     * The directory this guard empties, fixed when the guard is made: if anything moves java.io.tmpdir later (a test
     * restoring it, a second guard), a scrub still touches only the directory it was made for. Null: never scrubs.
     */
    private final Path root;

    private TempDirectoryGuard(final Path root) {
        this.root = root;
    }

    /** Inside Lambda, /tmp belongs to this function: scrub it as the plugin intends. Elsewhere, never. */
    public static TempDirectoryGuard forEnvironment() {
        return System.getenv("AWS_LAMBDA_FUNCTION_NAME") != null ? new TempDirectoryGuard(currentTemporaryDirectory())
            : never();
    }

    /**
     * Points java.io.tmpdir at a fresh private directory inside the current one, so the scrub touches only files
     * this process made. Call before the wrapper's first request.
     */
    public static TempDirectoryGuard privateDirectory() {
        try {
            final Path shared = currentTemporaryDirectory();
            final Path mine = Files.createTempDirectory(shared, "keyhold-handler-");
            mine.toFile().deleteOnExit();
            System.setProperty(TMPDIR, mine.toString());
            return new TempDirectoryGuard(mine);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a private temporary directory for the handler", e);
        }
    }

    /** Never scrubs: for hosts that cannot move java.io.tmpdir. */
    public static TempDirectoryGuard never() {
        return new TempDirectoryGuard(null);
    }

    /** The directory a scrub empties; empty for a guard that never scrubs. */
    public Optional<Path> directory() {
        return Optional.ofNullable(root);
    }

    /** Empties this guard's directory (the directory itself stays), if this guard allows it. */
    public void scrub() throws IOException {
        if (root == null) {
            return;
        }
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

    private static Path currentTemporaryDirectory() {
        return Path.of(System.getProperty(TMPDIR));
    }
}
