package com.keyhold.kms.customkeystoreconnection.customresource;

import com.keyhold.kms.customkeystoreconnection.core.ModelRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The custom resource's properties: the resource type's writable properties, which CloudFormation passes as strings,
 * plus ServiceToken and ServiceTimeout, which belong to CloudFormation and are ignored.
 */
record ConnectionProperties(String customKeyStoreId, String connectionState, String connectionStateOnDelete) {
    static final String ID = "CustomKeyStoreId";
    static final String STATE = "ConnectionState";
    static final String ON_DELETE = "ConnectionStateOnDelete";
    static final Set<String> ALLOWED = Set.of(ID, STATE, ON_DELETE);
    static final Set<String> IGNORED = Set.of("ServiceToken", "ServiceTimeout");

    /** Reads the properties without judging them; a non-string value is kept as its text and judged by the checks. */
    static ConnectionProperties of(final Map<String, Object> properties) {
        final Map<String, Object> map = properties == null ? Map.of() : properties;
        return new ConnectionProperties(text(map.get(ID)), text(map.get(STATE)), text(map.get(ON_DELETE)));
    }

    /** Everything wrong with a create or update's properties, with the same texts as the resource type. */
    static List<String> check(final Map<String, Object> properties) {
        final Map<String, Object> map = properties == null ? Map.of() : properties;
        final List<String> problems = new ArrayList<>();
        final Set<String> unknown = new TreeSet<>(map.keySet());
        unknown.removeAll(ALLOWED);
        unknown.removeAll(IGNORED);
        if (!unknown.isEmpty()) {
            problems.add(String.format("Unknown propert%s %s: Custom::KeyholdConnection accepts only %s, %s and %s "
                    + "(besides ServiceToken and ServiceTimeout); the read-only attributes are read with Fn::GetAtt.",
                unknown.size() == 1 ? "y" : "ies", String.join(", ", unknown), ID, STATE, ON_DELETE));
        }
        for (String name : ALLOWED) {
            final Object value = map.get(name);
            if (value != null && !(value instanceof String)) {
                problems.add(String.format("%s must be a string, not a %s.", name,
                    value instanceof Map ? "map" : value instanceof List ? "list" : value.getClass().getSimpleName()));
            }
        }
        if (problems.isEmpty()) {
            final ConnectionProperties read = of(map);
            problems.addAll(ModelRules.check(read.customKeyStoreId(), read.connectionState(),
                read.connectionStateOnDelete()));
        }
        return problems;
    }

    private static String text(final Object value) {
        return value == null ? null : String.valueOf(value);
    }
}
