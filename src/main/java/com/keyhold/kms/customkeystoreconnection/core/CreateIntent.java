package com.keyhold.kms.customkeystoreconnection.core;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Written just before CreateCustomKeyStore, removed once the store record is written: a create that is retried after
 * a crash in between (KMS's create has no idempotency token, and the name is then in use) recognises the key store of
 * that name as its own by its client request token, instead of failing AlreadyExists and leaving it outside the stack.
 * An SSM parameter under the store records' path, named by a hash of the key store name (any characters are allowed
 * in a name, few in a parameter name). guides/DESIGN.md (records).
 */
public record CreateIntent(String customKeyStoreName, String clientRequestToken, String at) {

    public static String parameterName(final String customKeyStoreName) {
        try {
            return StoreRecord.PATH + "/creating/" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(customKeyStoreName.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Whether the operation carrying {@code token} wrote this intent (a null token never matches). */
    public boolean writtenBy(final String token) {
        return clientRequestToken != null && clientRequestToken.equals(token);
    }
}
