package com.keyhold.kms.customkeystoreconnection.protocol;

import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.json.JSONArray;

/**
 * One JSON schema type of a resource property: reads org.json's value (never null or JSONObject.NULL) and writes maps,
 * lists and scalars. Read leniently where the plugin's deserializer is lenient: an integer or a boolean may come as a
 * string, as CloudFormation sends some template values.
 *
 * @param <V> the Java type of the value
 */
public interface JsonType<V> {
    /** Whether a name the schema does not declare is refused or ignored (nested objects follow their parent). */
    enum Undeclared {
        REFUSE, IGNORE
    }

    JsonType<String> STRING = scalar("a string", json -> json instanceof String text ? text : null);

    JsonType<Integer> INTEGER = scalar("an integer", json -> {
        if (json instanceof Integer || json instanceof Long && (Long) json == ((Long) json).intValue()) {
            return ((Number) json).intValue();
        }
        if (json instanceof String text) {
            try {
                return Integer.valueOf(text.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    });

    JsonType<Boolean> BOOLEAN = scalar("a boolean", json -> {
        if (json instanceof Boolean flag) {
            return flag;
        }
        return "true".equals(json) ? Boolean.TRUE : "false".equals(json) ? Boolean.FALSE : null;
    });

    /**
     * @param where names the value in error messages
     * @throws KeyholdFailureException InvalidRequest for a value of another type
     */
    V read(Object json, String where, Undeclared undeclared);

    Object write(V value);

    /** The type as a message names it: "a string", "an object"... */
    String description();

    /** An array of elements of one type. */
    static <E> JsonType<List<E>> listOf(final JsonType<E> element) {
        return new JsonType<>() {
            @Override
            public List<E> read(final Object json, final String where, final Undeclared undeclared) {
                if (!(json instanceof JSONArray array)) {
                    throw invalid(String.format("%s must be %s; got %s.", where, description(), json));
                }
                final List<E> list = new ArrayList<>();
                for (int i = 0; i < array.length(); i++) {
                    list.add(array.isNull(i) ? null : element.read(array.get(i), where + "[" + i + "]", undeclared));
                }
                return list;
            }

            @Override
            public Object write(final List<E> value) {
                return value.stream().map(each -> each == null ? null : element.write(each)).toList();
            }

            @Override
            public String description() {
                return "an array of " + element.description().replaceFirst("^an? ", "") + " values";
            }
        };
    }

    private static <V> JsonType<V> scalar(final String description, final Function<Object, V> reader) {
        return new JsonType<>() {
            @Override
            public V read(final Object json, final String where, final Undeclared undeclared) {
                final V value = reader.apply(json);
                if (value == null) {
                    throw invalid(String.format("%s must be %s; got %s.", where, description, json));
                }
                return value;
            }

            @Override
            public Object write(final V value) {
                return value;
            }

            @Override
            public String description() {
                return description;
            }
        };
    }

    private static KeyholdFailureException invalid(final String message) {
        return new KeyholdFailureException(FailureKind.InvalidRequest, message);
    }
}
