package com.keyhold.kms.customkeystoreconnection.local.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads request members and checks them against the constraints of the service model (required, length,
 * pattern, enum, range), collecting violations into one {@code ValidationException} worded as AWS words it:
 * {@code 1 validation error detected: Value 'x' at 'customKeyStoreName' failed to satisfy constraint: ...}.
 * A member of the wrong JSON type is a {@code SerializationException}, as the services answer it.
 */
final class Validator {

    /** A string shape from the model. {@code pattern} is matched against the whole value, as AWS does. */
    record Str(int min, int max, Pattern pattern, boolean sensitive) {
        static Str of(int min, int max) {
            return new Str(min, max, null, false);
        }

        static Str of(int min, int max, String regex) {
            return new Str(min, max, Pattern.compile(regex), false);
        }

        Str redacted() {
            return new Str(min, max, pattern, true);
        }
    }

    private final JsonNode node;
    private final String prefix;
    private final List<String> errors;

    Validator(JsonNode node) {
        this(node, "", new ArrayList<>());
    }

    private Validator(JsonNode node, String prefix, List<String> errors) {
        this.node = node;
        this.prefix = prefix;
        this.errors = errors;
    }

    String string(String member, Str shape, boolean required) {
        JsonNode v = member(member, required);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(member, "a string", v);
        }
        String s = v.asText();
        String shown = shape.sensitive() ? "*** Sensitive Data Redacted ***" : s;
        if (s.length() < shape.min()) {
            violation(shown, member, "Member must have length greater than or equal to " + shape.min());
        }
        if (s.length() > shape.max()) {
            violation(shown, member, "Member must have length less than or equal to " + shape.max());
        }
        if (shape.pattern() != null && !shape.pattern().matcher(s).matches()) {
            violation(shown, member, "Member must satisfy regular expression pattern: " + shape.pattern().pattern());
        }
        return s;
    }

    String enumValue(String member, List<String> allowed, boolean required) {
        JsonNode v = member(member, required);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw wrongType(member, "a string", v);
        }
        if (!allowed.contains(v.asText())) {
            violation(v.asText(), member, "Member must satisfy enum value set: " + allowed);
        }
        return v.asText();
    }

    Integer integer(String member, int min, int max) {
        JsonNode v = member(member, false);
        if (v == null) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw wrongType(member, "an integer", v);
        }
        int i = v.intValue();
        if (i < min) {
            violation(String.valueOf(i), member, "Member must have value greater than or equal to " + min);
        }
        if (i > max) {
            violation(String.valueOf(i), member, "Member must have value less than or equal to " + max);
        }
        return i;
    }

    boolean bool(String member) {
        JsonNode v = member(member, false);
        if (v == null) {
            return false;
        }
        if (!v.isBoolean()) {
            throw wrongType(member, "a boolean", v);
        }
        return v.booleanValue();
    }

    /** A nested structure; its violations land in this validator's list, with a dotted member path. */
    Validator structure(String member, boolean required) {
        JsonNode v = member(member, required);
        if (v == null) {
            return null;
        }
        if (!v.isObject()) {
            throw wrongType(member, "a structure", v);
        }
        return new Validator(v, path(member) + ".", errors);
    }

    boolean has(String member) {
        JsonNode v = node.get(member);
        return v != null && !v.isNull();
    }

    /** Throws the collected violations, if any. */
    void check() {
        if (!errors.isEmpty()) {
            throw ApiException.client("ValidationException", errors.size() + " validation error"
                    + (errors.size() == 1 ? "" : "s") + " detected: " + String.join("; ", errors));
        }
    }

    private JsonNode member(String member, boolean required) {
        JsonNode v = node.get(member);
        if (v == null || v.isNull()) {
            if (required) {
                errors.add("Value null at '" + path(member) + "' failed to satisfy constraint: Member must not be null");
            }
            return null;
        }
        return v;
    }

    private void violation(String shown, String member, String constraint) {
        errors.add("Value '" + AwsJsonEndpoint.abbreviate(shown) + "' at '" + path(member)
                + "' failed to satisfy constraint: " + constraint);
    }

    /** AWS names members in validation messages in lower camel case. */
    private String path(String member) {
        return prefix + Character.toLowerCase(member.charAt(0)) + member.substring(1);
    }

    private ApiException wrongType(String member, String expected, JsonNode got) {
        return ApiException.client("SerializationException", "Member '" + prefix + member + "' must be " + expected
                + ", got " + got.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
    }
}
