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

    /**
     * The key store a READ, UPDATE or DELETE request acts on, checked before any AWS call: the desired state's
     * CustomKeyStoreId, else (an update may leave the primary identifier out of the desired state) the previous
     * state's. Both resource types and both of their entries (the wrapper's first look and the handler) use it.
     *
     * @throws KeyholdFailureException NotFound when neither state names a key store (missing, null, empty, or not an
     *     id any key store can have: the handler contract's answer for a resource that does not exist), so such a
     *     request never reaches an unfiltered DescribeCustomKeyStores, whose first entry is another key store;
     *     NotUpdatable when the two states name different key stores (the primary identifier never changes in an
     *     update, as the protocol's own check answers)
     */
    public static String namedKeyStore(final String action, final String desired, final String previous) {
        final boolean desiredNames = desired != null && !desired.isBlank();
        if (desiredNames && previous != null && !previous.isBlank() && !desired.equals(previous)) {
            throw new KeyholdFailureException(FailureKind.NotUpdatable, String.format("CustomKeyStoreId cannot change "
                + "in an update (from %s to %s): it identifies the resource or is create-only, so CloudFormation "
                + "replaces the resource when it changes. Nothing was changed.", abbreviate(previous), abbreviate(desired)));
        }
        final String id = desiredNames ? desired : previous;
        final List<String> problems = checkIdentifier(id);
        if (!problems.isEmpty()) {
            throw new KeyholdFailureException(FailureKind.NotFound, String.format("The %s request names no key store "
                + "Keyhold could %s: %s Keyhold called nothing and changed nothing.", action,
                action.toLowerCase(java.util.Locale.ROOT), problems.get(0)));
        }
        return id;
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
