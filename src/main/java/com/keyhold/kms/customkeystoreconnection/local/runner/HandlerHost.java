package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.keyhold.kms.customkeystoreconnection.protocol.TempDirectoryGuard;
import java.nio.file.Path;

/**
 * guides/RELIABILITY.md: the plugin's wrapper empties java.io.tmpdir on every request. Before the runner makes its first
 * wrapper it moves java.io.tmpdir to a private directory, once per process; anything the runner itself keeps in a
 * temporary directory (the demo's state folder) goes under the original one, out of the scrub's reach.
 */
final class HandlerHost {
    static final Path ORIGINAL_TMP = Path.of(System.getProperty("java.io.tmpdir"));
    private static TempDirectoryGuard guard;

    private HandlerHost() {
    }

    static synchronized TempDirectoryGuard guard() {
        if (guard == null) {
            guard = TempDirectoryGuard.privateDirectory();
        }
        return guard;
    }
}
