package com.keyhold.kms.customkeystoreconnection.local.runner;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Reads key stores' connection states outside the handlers, so that the runner can say what a failed operation
 * left changed after its rollback instead of promising that nothing was.
 */
public final class KeyStoreStates {
    /** For a runner that cannot look (offline commands): every state unknown. */
    public static final KeyStoreStates UNKNOWN = new KeyStoreStates(id -> null);

    private final Function<String, String> lookup;

    /** @param lookup a key store's connection state now, or null when it cannot be known */
    public KeyStoreStates(final Function<String, String> lookup) {
        this.lookup = lookup;
    }

    /** The states of these key stores now; unknown ones are left out. */
    public Map<String, String> now(final Collection<String> ids) {
        final Map<String, String> states = new TreeMap<>();
        for (String id : ids) {
            String state;
            try {
                state = lookup.apply(id);
            } catch (RuntimeException e) {
                state = null;
            }
            if (state != null) {
                states.put(id, state);
            }
        }
        return states;
    }

    /**
     * "cks-...: DISCONNECTED before the operation, CONNECTED now" for each key store whose state differs, and
     * "cks-...: state not known" for each whose state could not be read before or after: nothing is claimed
     * unchanged that was not seen unchanged.
     *
     * @param named every key store the operation names
     * @param before their states when it started (those that could be read)
     */
    public List<String> changedSince(final Collection<String> named, final Map<String, String> before) {
        final List<String> changed = new ArrayList<>();
        final Map<String, String> after = now(named);
        for (String id : new java.util.TreeSet<>(named)) {
            final String was = before.get(id);
            final String is = after.get(id);
            if (was == null || is == null) {
                changed.add(id + ": state not known (keyhold could not read it " + (was == null ? "before the "
                    + "operation" : "now") + "); check it with aws kms describe-custom-key-stores");
            } else if (!is.equals(was)) {
                changed.add(id + ": " + was + " before the operation, " + is + " now");
            }
        }
        return changed;
    }
}
