package com.keyhold.kms.customkeystoreconnection.core;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The resource's input rules, checked before any AWS call. They restate schema.json (a test keeps the
 * two in step) because not every path validates against the schema: READ and DELETE requests, the
 * custom resource, and re-invocations are not validated by the wrapper.
 */
public final class ModelRules {
    public static final Pattern ID_PATTERN = Pattern.compile("^cks-[a-zA-Z0-9]+$");
    public static final int ID_MAX_LENGTH = 64;

    private ModelRules() {
    }

    /** Problems with the identifier alone (all that READ and DELETE need); empty when valid. */
    public static List<String> checkIdentifier(final String customKeyStoreId) {
        final List<String> problems = new ArrayList<>();
        if (customKeyStoreId == null || customKeyStoreId.isEmpty()) {
            problems.add("CustomKeyStoreId is required: the key store's id, for example cks-1234567890abcdef0.");
        } else if (customKeyStoreId.length() > ID_MAX_LENGTH || !ID_PATTERN.matcher(customKeyStoreId).matches()) {
            problems.add(String.format("CustomKeyStoreId '%s' is not a custom key store id: it must match %s and be at "
                + "most %d characters, for example cks-1234567890abcdef0 (a key store name is not accepted).",
                abbreviate(customKeyStoreId), ID_PATTERN.pattern(), ID_MAX_LENGTH));
        }
        return problems;
    }

    /** Problems with a whole desired-state model; empty when valid. */
    public static List<String> check(final String customKeyStoreId, final String connectionState,
                                     final String connectionStateOnDelete) {
        final List<String> problems = checkIdentifier(customKeyStoreId);
        if (connectionState == null) {
            problems.add("ConnectionState is required: CONNECTED or DISCONNECTED.");
        } else if (!isOneOf(connectionState, TargetState.values())) {
            problems.add(String.format("ConnectionState '%s' is not allowed: use CONNECTED or DISCONNECTED.",
                abbreviate(connectionState)));
        }
        problems.addAll(checkOnDelete(connectionStateOnDelete));
        return problems;
    }

    /** Problems with ConnectionStateOnDelete alone (optional); empty when valid. */
    public static List<String> checkOnDelete(final String connectionStateOnDelete) {
        if (connectionStateOnDelete == null || isOneOf(connectionStateOnDelete, OnDelete.values())) {
            return List.of();
        }
        return List.of(String.format("ConnectionStateOnDelete '%s' is not allowed: use UNCHANGED (the default), "
            + "CONNECTED or DISCONNECTED.", abbreviate(connectionStateOnDelete)));
    }

    private static boolean isOneOf(final String value, final Enum<?>[] allowed) {
        for (Enum<?> each : allowed) {
            if (each.name().equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** Echo bad input back, but never a whole pasted document. */
    private static String abbreviate(final String value) {
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}
