package com.keyhold.kms.customkeystoreconnection.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a rollback reports: only key stores seen unchanged count as unchanged. */
class KeyStoreStatesTest {
    @Test
    void changedAndUnreadableKeyStoresAreNamedAndUnchangedOnesAreNot() {
        final Map<String, String> states = new HashMap<>(Map.of("cks-a", "DISCONNECTED", "cks-b", "CONNECTED"));
        final KeyStoreStates keyStores = new KeyStoreStates(id -> {
            if ("cks-c".equals(id)) {
                throw new IllegalStateException("AccessDenied");
            }
            return states.get(id);
        });
        final List<String> named = List.of("cks-a", "cks-b", "cks-c");
        final Map<String, String> before = keyStores.now(named);
        assertThat(before).containsOnlyKeys("cks-a", "cks-b");
        states.put("cks-a", "CONNECTED");
        assertThat(keyStores.changedSince(named, before)).containsExactly(
            "cks-a: DISCONNECTED before the operation, CONNECTED now",
            "cks-c: state not known (keyhold could not read it before the operation); check it with aws kms "
                + "describe-custom-key-stores");
        assertThat(KeyStoreStates.UNKNOWN.changedSince(List.of(), Map.of())).isEmpty();
        assertThat(KeyStoreStates.UNKNOWN.changedSince(List.of("cks-a"), Map.of())).hasSize(1);
    }
}
