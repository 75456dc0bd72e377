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

    /** "cks-...: DISCONNECTED before the operation, CONNECTED now" for each key store whose state differs. */
    public List<String> changedSince(final Map<String, String> before) {
        final List<String> changed = new ArrayList<>();
        now(before.keySet()).forEach((id, state) -> {
            if (!state.equals(before.get(id))) {
                changed.add(id + ": " + before.get(id) + " before the operation, " + state + " now");
            }
        });
        return changed;
    }
}
