package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.json.JSONObject;

/**
 * The resource model's JSON form: one entry per schema property (ResourceModelSchemaTest keeps this table and
 * schema.json in step). Every property is a string. A null value reads as unset, as the plugin's deserializer reads
 * it. A name the schema does not declare is refused, with the list of those it does, only where the plugin's wrapper
 * validates: the desired state of the first CREATE or UPDATE invocation, so a typo in a template never passes
 * silently. Everywhere else it is ignored, as the plugin ignores it: a model CloudFormation stored under an earlier
 * schema version may still carry a property a later version removed or renamed, and refusing it would leave READ,
 * drift detection, UPDATE and DELETE failing (stacks stuck in DELETE_FAILED or UPDATE_ROLLBACK_FAILED).
 */
final class ResourceModelJson {
    private record Property(Function<ResourceModel, String> getter, BiConsumer<ResourceModel, String> setter) {
    }

    private static final Map<String, Property> PROPERTIES = properties();

    private ResourceModelJson() {
    }

    private static Map<String, Property> properties() {
        final Map<String, Property> properties = new LinkedHashMap<>();
        properties.put("CustomKeyStoreId",
            new Property(ResourceModel::getCustomKeyStoreId, ResourceModel::setCustomKeyStoreId));
        properties.put("ConnectionState",
            new Property(ResourceModel::getConnectionState, ResourceModel::setConnectionState));
        properties.put("ConnectionStateOnDelete",
            new Property(ResourceModel::getConnectionStateOnDelete, ResourceModel::setConnectionStateOnDelete));
        properties.put("CustomKeyStoreName",
            new Property(ResourceModel::getCustomKeyStoreName, ResourceModel::setCustomKeyStoreName));
        properties.put("CustomKeyStoreType",
            new Property(ResourceModel::getCustomKeyStoreType, ResourceModel::setCustomKeyStoreType));
        properties.put("ConnectionErrorCode",
            new Property(ResourceModel::getConnectionErrorCode, ResourceModel::setConnectionErrorCode));
        properties.put("ObservedConnectionState",
            new Property(ResourceModel::getObservedConnectionState, ResourceModel::setObservedConnectionState));
        return Collections.unmodifiableMap(properties);
    }

    /** The property names, in schema order. */
    static Set<String> names() {
        return PROPERTIES.keySet();
    }

    /** Whether a name the schema does not declare is refused or ignored. */
    enum Undeclared {
        REFUSE, IGNORE
    }

    /**
     * @param json       the member's object; null when the request has no such member, which reads as no model
     * @param where      names the member being read (resourceProperties, desiredResourceState...) in error messages
     * @param undeclared what a name the schema does not declare does
     * @throws KeyholdFailureException InvalidRequest for a refused undeclared name or a value that is not a string
     */
    static ResourceModel read(final JSONObject json, final String where, final Undeclared undeclared) {
        if (json == null) {
            return null;
        }
        final ResourceModel model = new ResourceModel();
        for (String name : json.keySet()) {
            final Property property = PROPERTIES.get(name);
            if (property == null) {
                if (undeclared == Undeclared.IGNORE) {
                    continue;
                }
                throw invalid(String.format("%s has an unknown property %s. %s declares %s.", where, name,
                    ResourceModel.TYPE_NAME, String.join(", ", names())));
            }
            final Object value = json.get(name);
            if (value == JSONObject.NULL) {
                continue;
            }
            if (!(value instanceof String)) {
                throw invalid(String.format("%s in %s must be a string; got %s.", name, where, value));
            }
            property.setter().accept(model, (String) value);
        }
        return model;
    }

    /** The model's properties that are set, in schema order; unset ones are left out, as CloudFormation expects. */
    static Map<String, String> write(final ResourceModel model) {
        final Map<String, String> json = new LinkedHashMap<>();
        PROPERTIES.forEach((name, property) -> {
            final String value = property.getter().apply(model);
            if (value != null) {
                json.put(name, value);
            }
        });
        return json;
    }

    private static KeyholdFailureException invalid(final String message) {
        return new KeyholdFailureException(FailureKind.InvalidRequest, message);
    }
}
