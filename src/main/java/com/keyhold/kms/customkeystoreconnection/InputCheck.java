package com.keyhold.kms.customkeystoreconnection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.keyhold.kms.customkeystoreconnection.core.ModelRules;
import java.io.IOException;
import java.util.List;
import java.util.Set;

/** The first look at a raw CloudFormation request, before the plugin deserializes it. */
final class InputCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> MUTATING = Set.of("CREATE", "UPDATE", "DELETE");
    private static final Set<String> VALIDATED = Set.of("CREATE", "UPDATE");

    private InputCheck() {
    }

    /** What is wrong with the request's resource properties, or null to let the wrapper proceed. */
    static String problem(final byte[] request) {
        final JsonNode root;
        try {
            root = JSON.readTree(request);
        } catch (IOException e) {
            return null; // the wrapper reports unreadable input itself
        }
        if (root == null || !root.isObject()) {
            return null;
        }
        final String action = root.path("action").asText();
        final JsonNode properties = root.path("requestData").path("resourceProperties");
        if (MUTATING.contains(action) && !properties.isObject()) {
            return String.format("The %s request carries no resource properties; CustomKeyStoreId is required.", action);
        }
        if (!VALIDATED.contains(action) || !root.path("callbackContext").isNull() && !root.path("callbackContext")
            .isMissingNode()) {
            return null;
        }
        final List<String> problems = ModelRules.check(text(properties, "CustomKeyStoreId"),
            text(properties, "ConnectionState"), text(properties, "ConnectionStateOnDelete"));
        return problems.isEmpty() ? null : String.join(" ", problems);
    }

    private static String text(final JsonNode properties, final String name) {
        final JsonNode value = properties.get(name);
        return value == null || value.isNull() ? null : value.asText();
    }
}
