package com.keyhold.kms.customkeystoreconnection.local.emulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * How the emulator keeps secrets (kmsuser passwords, XKS proxy secrets): as fingerprints, enough to tell whether two
 * copies are the same and never the value itself, so the state file and every dump hold no secret in clear. A
 * fingerprint of a short password can be guessed offline: feed the emulator test secrets only.
 */
final class Secrets {
    private static final String PREFIX = "sha256:";

    private Secrets() {
    }

    /** The fingerprint of a secret; null for null. */
    static String fingerprint(String secret) {
        if (secret == null) {
            return null;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("keyhold-emulator\0" + secret).getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The fingerprint of a fresh random secret nobody knows, as KMS's rotated kmsuser password. */
    static String random(Random random) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return PREFIX + HexFormat.of().formatHex(bytes);
    }

    /** Checks a fingerprint read from a state file. */
    static String checkFingerprint(String value, String where) {
        if (!value.matches(PREFIX + "[0-9a-f]{64}")) {
            throw new IllegalArgumentException(where + ": not a fingerprint (sha256: and 64 hex digits, as the state "
                    + "file writes it); give the secret in clear in the field without 'Fingerprint' instead");
        }
        return value;
    }
}
