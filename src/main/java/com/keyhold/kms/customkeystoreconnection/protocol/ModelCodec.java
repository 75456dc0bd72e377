package com.keyhold.kms.customkeystoreconnection.protocol;

import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.json.JSONObject;

/**
 * A resource model's JSON form, for any resource type: a table of the schema's properties, each with its JSON type
 * ({@link JsonType}: string, integer, boolean, an object with properties of its own such as another ModelCodec, an
 * array of one of these) and the model's getter and setter. A null value reads as unset, as the plugin's deserializer
 * reads it; written, unset properties are left out.
 *
 * @param <M> the model class
 */
public final class ModelCodec<M> implements JsonType<M> {
    private record Property<M, V>(String name, JsonType<V> type, Function<M, V> getter, BiConsumer<M, V> setter) {
        void read(final M model, final Object json, final String where, final Undeclared undeclared) {
            setter.accept(model, type.read(json, where, undeclared));
        }

        Object write(final M model) {
            final V value = getter.apply(model);
            return value == null ? null : type.write(value);
        }
    }

    private final String owner;
    private final Supplier<M> factory;
    private final Map<String, Property<M, ?>> properties;

    private ModelCodec(final String owner, final Supplier<M> factory, final Map<String, Property<M, ?>> properties) {
        this.owner = owner;
        this.factory = factory;
        this.properties = Collections.unmodifiableMap(properties);
    }

    /**
     * @param owner   names the type (or the nested object's property) in error messages
     * @param factory makes an empty model
     */
    public static <M> Builder<M> builder(final String owner, final Supplier<M> factory) {
        return new Builder<>(owner, factory);
    }

    /** The property names, in schema order. */
    public Set<String> names() {
        return properties.keySet();
    }

    /**
     * @param json       the member's object; null when the request has no such member, which reads as no model
     * @param where      names the member being read (resourceProperties, desiredResourceState...) in error messages
     * @param undeclared what a name the schema does not declare does
     * @throws KeyholdFailureException InvalidRequest for a refused undeclared name or a value of another type
     */
    public M read(final JSONObject json, final String where, final Undeclared undeclared) {
        return json == null ? null : read((Object) json, where, undeclared);
    }

    @Override
    public M read(final Object json, final String where, final Undeclared undeclared) {
        if (!(json instanceof JSONObject object)) {
            throw invalid(String.format("%s must be %s; got %s.", where, description(), json));
        }
        final M model = factory.get();
        for (String name : object.keySet()) {
            final Property<M, ?> property = properties.get(name);
            if (property == null) {
                if (undeclared == Undeclared.IGNORE) {
                    continue;
                }
                throw invalid(String.format("%s has an unknown property %s. %s declares %s.", where, name, owner,
                    String.join(", ", names())));
            }
            final Object value = object.get(name);
            if (value != JSONObject.NULL) {
                property.read(model, value, name + " in " + where, undeclared);
            }
        }
        return model;
    }

    /** The model's properties that are set, in schema order; unset ones are left out, as CloudFormation expects. */
    @Override
    public Map<String, Object> write(final M model) {
        final Map<String, Object> json = new LinkedHashMap<>();
        properties.forEach((name, property) -> {
            final Object value = property.write(model);
            if (value != null) {
                json.put(name, value);
            }
        });
        return json;
    }

    @Override
    public String description() {
        return "an object";
    }

    private static KeyholdFailureException invalid(final String message) {
        return new KeyholdFailureException(FailureKind.InvalidRequest, message);
    }

    public static final class Builder<M> {
        private final String owner;
        private final Supplier<M> factory;
        private final Map<String, Property<M, ?>> properties = new LinkedHashMap<>();

        private Builder(final String owner, final Supplier<M> factory) {
            this.owner = owner;
            this.factory = factory;
        }

        public <V> Builder<M> property(final String name, final JsonType<V> type, final Function<M, V> getter,
                                final BiConsumer<M, V> setter) {
            if (properties.put(name, new Property<>(name, type, getter, setter)) != null) {
                throw new IllegalArgumentException(owner + " declares " + name + " twice");
            }
            return this;
        }

        public Builder<M> string(final String name, final Function<M, String> getter, final BiConsumer<M, String> setter) {
            return property(name, JsonType.STRING, getter, setter);
        }

        public ModelCodec<M> build() {
            return new ModelCodec<>(owner, factory, new LinkedHashMap<>(properties));
        }
    }
}
