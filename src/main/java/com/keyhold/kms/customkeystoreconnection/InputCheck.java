package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.core.ModelRules;
import java.util.List;
import java.util.Set;
import org.json.JSONObject;

/**
 * The first look at a raw CloudFormation request of the connection type, before anything is decoded: Keyhold's own
 * rules on the resource properties, whose messages say what is allowed, ahead of the schema validator's terser ones.
 */
final class InputCheck {
    /** The actions whose request names the one key store they act on. */
    private static final Set<String> NAMED = Set.of("READ", "UPDATE", "DELETE");
    private static final Set<String> MUTATING = Set.of("CREATE", "UPDATE", "DELETE");
    private static final Set<String> VALIDATED = Set.of("CREATE", "UPDATE");

    private InputCheck() {
    }

    /** What is wrong with the request's resource properties, or null to let the wrapper proceed. */
    static String problem(final JSONObject request) {
        final String action = request.optString("action");
        final JSONObject data = request.optJSONObject("requestData");
        final JSONObject properties = data == null ? null : data.optJSONObject("resourceProperties");
        if (MUTATING.contains(action) && properties == null) {
            return String.format("The %s request carries no resource properties; CustomKeyStoreId is required.", action);
        }
        if (NAMED.contains(action) && properties != null) {
            // Before the schema check: a request that names no key store is NotFound, whatever else it carries.
            ModelRules.namedKeyStore(action, text(properties, "CustomKeyStoreId"),
                text(data.optJSONObject("previousResourceProperties"), "CustomKeyStoreId"));
        }
        final boolean firstInvocation = !request.has("callbackContext") || request.isNull("callbackContext");
        if (!VALIDATED.contains(action) || !firstInvocation) {
            return null;
        }
        final List<String> problems = ModelRules.check(text(properties, "CustomKeyStoreId"),
            text(properties, "ConnectionState"), text(properties, "ConnectionStateOnDelete"));
        return problems.isEmpty() ? null : String.join(" ", problems);
    }

    /** The value as given, so a number or an object is reported as the template wrote it. */
    private static String text(final JSONObject properties, final String name) {
        return properties != null && properties.has(name) && !properties.isNull(name) ? String.valueOf(properties.get(name)) : null;
    }
}
