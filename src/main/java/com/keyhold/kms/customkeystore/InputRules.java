package com.keyhold.kms.customkeystore;

import java.util.List;
import org.json.JSONObject;

/**
 * The key store type's own input rules (which properties each store type takes and requires), for tools that check a
 * model before any handler runs: the local runner refuses what the create or update handler would refuse, with the
 * handler's own words.
 */
public final class InputRules {
    private InputRules() {
    }

    /** The rules' findings for a model (template property names); empty when they hold. */
    public static List<String> problems(final JSONObject properties, final boolean create) {
        return InputCheck.problems(properties, create);
    }
}
