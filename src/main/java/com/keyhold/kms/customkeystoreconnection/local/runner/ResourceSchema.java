package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the runner needs from a resource schema: property names, which are required, read-only and create-only
 * (a change to one means replacement, as CloudFormation computes it), the primary identifier (what Ref returns),
 * the handlers' timeouts and the simple value rules (enums, patterns) checked before anything runs.
 */
public final class ResourceSchema {
    /** The classpath resource the build puts in every jar, under the CloudFormation CLI's file name. */
    public static final String KEYHOLD_RESOURCE = "/keyhold-kms-customkeystoreconnection.json";
    /** The key store type's schema, {@code Keyhold::KMS::CustomKeyStore}, as the build puts it in every jar. */
    public static final String KEY_STORE_RESOURCE = "/keyhold-kms-customkeystore.json";

    private final String typeName;
    private final Set<String> properties = new LinkedHashSet<>();
    private final Set<String> required = new LinkedHashSet<>();
    private final Set<String> readOnly = new LinkedHashSet<>();
    private final Set<String> createOnly = new LinkedHashSet<>();
    private boolean deleteThenCreate;
    /** Top-level properties that are (or contain) write-only values: never read back, never printed. */
    private final Set<String> writeOnly = new LinkedHashSet<>();
    /** The write-only values themselves, as paths of property names (XksProxyAuthenticationCredential/RawSecretAccessKey). */
    private final List<String[]> writeOnlyPaths = new ArrayList<>();
    private final String primaryIdentifier;
    private final Map<String, List<String>> enums = new LinkedHashMap<>();
    private final Map<String, Pattern> patterns = new LinkedHashMap<>();
    /** JSON Schema type of each property that declares one (string, boolean, integer, number, array, object). */
    private final Map<String, String> types = new LinkedHashMap<>();
    private final Map<String, Integer> timeoutMinutes = new LinkedHashMap<>();
    /** The schema as the handlers' own validator reads it. */
    private final JsonNode document;
    /** minLength and maxLength of the string properties that declare them. */
    private final Map<String, int[]> lengths = new LinkedHashMap<>();

    ResourceSchema(final JsonNode schema) {
        this.document = schema;
        this.typeName = schema.path("typeName").asText();
        final JsonNode definitions = schema.path("definitions");
        schema.path("properties").fields().forEachRemaining(e -> {
            properties.add(e.getKey());
            JsonNode definition = e.getValue();
            if (definition.has("$ref")) {
                definition = definitions.path(definition.get("$ref").asText().replace("#/definitions/", ""));
            }
            if (definition.hasNonNull("type")) {
                types.put(e.getKey(), definition.get("type").asText());
            } else if (e.getValue().hasNonNull("type")) {
                types.put(e.getKey(), e.getValue().get("type").asText());
            }
            if (definition.has("enum")) {
                final List<String> values = new ArrayList<>();
                definition.get("enum").forEach(v -> values.add(v.asText()));
                enums.put(e.getKey(), values);
            }
            if (definition.has("pattern")) {
                patterns.put(e.getKey(), Pattern.compile(definition.get("pattern").asText()));
            }
            if (definition.has("minLength") || definition.has("maxLength")) {
                lengths.put(e.getKey(), new int[] {definition.path("minLength").asInt(0),
                    definition.path("maxLength").asInt(Integer.MAX_VALUE)});
            }
        });
        schema.path("required").forEach(n -> required.add(n.asText()));
        schema.path("readOnlyProperties").forEach(n -> readOnly.add(pointerName(n)));
        schema.path("createOnlyProperties").forEach(n -> createOnly.add(pointerName(n)));
        deleteThenCreate = "delete_then_create".equals(schema.path("replacementStrategy").asText());
        schema.path("writeOnlyProperties").forEach(n -> {
            writeOnlyPaths.add(pointerName(n).split("/"));
            writeOnly.add(pointerName(n).split("/")[0]);
        });
        this.primaryIdentifier = pointerName(schema.path("primaryIdentifier").path(0));
        schema.path("handlers").fields().forEachRemaining(e -> timeoutMinutes.put(e.getKey(),
            e.getValue().path("timeoutInMinutes").asInt(120)));
    }

    /** The Keyhold schema, from the jar. */
    public static ResourceSchema keyhold() {
        return load(KEYHOLD_RESOURCE);
    }

    /** The key store type's schema, from the jar. */
    public static ResourceSchema keyStore() {
        return load(KEY_STORE_RESOURCE);
    }

    private static ResourceSchema load(final String resource) {
        try (InputStream in = ResourceSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the resource schema " + resource + " is not on the classpath; "
                    + "rebuild with mvn -q package -DskipTests");
            }
            return new ResourceSchema(Json.MAPPER.readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pointerName(final JsonNode pointer) {
        return pointer.asText().replace("/properties/", "");
    }

    public String typeName() {
        return typeName;
    }

    public Set<String> properties() {
        return properties;
    }

    /** Properties a template may set: all but the read-only ones. */
    public List<String> writableProperties() {
        return properties.stream().filter(p -> !readOnly.contains(p)).toList();
    }

    public Set<String> required() {
        return required;
    }

    public Set<String> readOnly() {
        return readOnly;
    }

    public Set<String> createOnly() {
        return createOnly;
    }

    /**
     * The schema's replacementStrategy is delete_then_create: a replacement deletes the old resource before it creates
     * the new one (CloudFormation's default, create_then_delete, creates first and deletes the old one in the cleanup).
     */
    public boolean deletesBeforeReplacing() {
        return deleteThenCreate;
    }

    /** Properties holding a write-only value (a secret): drift cannot read them, change sets print ****. */
    public Set<String> writeOnly() {
        return writeOnly;
    }

    /**
     * How a change set shows the property {@code name}'s value: a write-only property as {@code mask}, and in an object
     * only its write-only members masked (XksProxyAuthenticationCredential's AccessKeyId is shown, as KMS returns it;
     * RawSecretAccessKey is not). A mask never tells a value's length.
     */
    public JsonNode masked(final String name, final JsonNode value, final String mask) {
        if (value == null || value.isNull()) {
            return value;
        }
        JsonNode shown = value;
        for (String[] path : writeOnlyPaths) {
            if (!path[0].equals(name)) {
                continue;
            }
            if (path.length == 1 || !shown.isObject()) {
                return com.fasterxml.jackson.databind.node.TextNode.valueOf(mask);
            }
            shown = shown == value ? value.deepCopy() : shown;
            JsonNode parent = shown;
            for (int i = 1; i < path.length - 1 && parent != null; i++) {
                parent = parent.get(path[i]);
            }
            if (parent instanceof com.fasterxml.jackson.databind.node.ObjectNode object
                && object.has(path[path.length - 1])) {
                object.put(path[path.length - 1], mask);
            }
        }
        return shown;
    }

    /** A copy of {@code properties} without the write-only values (what a read handler can report). */
    public com.fasterxml.jackson.databind.node.ObjectNode withoutWriteOnly(
        final com.fasterxml.jackson.databind.node.ObjectNode properties) {
        final com.fasterxml.jackson.databind.node.ObjectNode copy = properties.deepCopy();
        for (String[] path : writeOnlyPaths) {
            JsonNode parent = copy;
            for (int i = 0; i < path.length - 1 && parent != null; i++) {
                parent = parent.get(path[i]);
            }
            if (parent instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
                object.remove(path[path.length - 1]);
            }
        }
        return copy;
    }

    public String primaryIdentifier() {
        return primaryIdentifier;
    }

    /** The handler's timeout as the schema declares it (CloudFormation's default is 120 minutes). */
    public int timeoutMinutes(final String handler) {
        return timeoutMinutes.getOrDefault(handler, 120);
    }

    /**
     * A problem with the shape of one value (a list or a mapping where the schema wants a string, ...), or null.
     * Call with values that contain no function still to evaluate.
     */
    public String typeProblem(final String property, final JsonNode value) {
        final String type = types.get(property);
        if (type == null || value == null) {
            return null;
        }
        final boolean fits = switch (type) {
            case "string" -> value.isValueNode() && !value.isNull();
            case "boolean", "integer", "number" -> value.isValueNode() && !value.isNull();
            case "array" -> value.isArray();
            case "object" -> value.isObject();
            default -> true;
        };
        return fits ? null : property + " must be a " + type + (enums.containsKey(property) ? " (one of "
            + String.join(", ", enums.get(property)) + ")" : "") + ", got " + (value.isArray() ? "a list "
            : value.isObject() ? "a mapping " : value.isNull() ? "null " : "") + Json.compact(value);
    }

    /**
     * The rule a value that must not be shown (a resolved secret) breaks: enum, pattern or length, said without the
     * value or its length; null when it fits.
     */
    public String hiddenValueProblem(final String property, final String value) {
        final int[] length = lengths.get(property);
        if (length != null && (value.length() < length[0] || value.length() > length[1])) {
            return "it must be " + length[0] + " to " + length[1] + " characters long";
        }
        final String problem = valueProblem(property, value);
        return problem == null ? null : problem.substring(problem.lastIndexOf("; ") + 2);
    }

    /**
     * The whole model checked with the validator the handlers run first (the CloudFormation plugin's, on this
     * schema: nested properties, required, oneOf, dependencies, lengths, patterns), so what a handler would refuse
     * is refused before anything runs. Violations inside {@code unknown} properties (values not known yet) are left
     * out; inside {@code hidden} ones (secrets) they name the rule only, never the value or its length.
     */
    public List<String> modelProblems(final com.fasterxml.jackson.databind.node.ObjectNode model,
                                      final Set<String> unknown, final Set<String> hidden) {
        final List<String> problems = new ArrayList<>();
        try {
            new software.amazon.cloudformation.resource.Validator().validateObject(
                new org.json.JSONObject(model.toString()), new org.json.JSONObject(document.toString()));
        } catch (software.amazon.cloudformation.resource.exceptions.ValidationException e) {
            final List<software.amazon.cloudformation.resource.exceptions.ValidationException> all = new ArrayList<>();
            collect(e, all);
            for (software.amazon.cloudformation.resource.exceptions.ValidationException v : all) {
                // The validator's message starts with the JSON pointer of the violation: "#/A/B: ...".
                final String message = String.valueOf(v.getMessage());
                final String pointer = message.startsWith("#") && message.contains(": ")
                    ? message.substring(0, message.indexOf(": ")) : "#";
                final String[] parts = pointer.split("/");
                final String property = parts.length > 1 ? parts[1] : null;
                if (property != null && unknown.contains(property)) {
                    continue;
                }
                final String rule = v.getKeyword() == null ? "its schema" : v.getKeyword();
                if (property != null && (hidden.contains(property) || writeOnlyAt(parts))) {
                    problems.add(pointer.substring(2).replace('/', '.') + " does not satisfy the schema's " + rule
                        + " (the value is secret and not shown)");
                } else {
                    problems.add(message);
                }
            }
        }
        return problems;
    }

    /** Whether a violation's pointer parts (#, A, B, ...) are at or inside a write-only value. */
    private boolean writeOnlyAt(final String[] parts) {
        for (String[] path : writeOnlyPaths) {
            boolean inside = parts.length - 1 >= path.length;
            for (int i = 0; inside && i < path.length; i++) {
                inside = path[i].equals(parts[i + 1]);
            }
            if (inside || parts.length - 1 < path.length && parts.length > 1 && path[0].equals(parts[1])) {
                // At the value, inside it, or at an object holding it (an object-level rule could quote it).
                return true;
            }
        }
        return false;
    }

    private static void collect(final software.amazon.cloudformation.resource.exceptions.ValidationException e,
                                final List<software.amazon.cloudformation.resource.exceptions.ValidationException>
                                    into) {
        if (e.getCausingExceptions().isEmpty()) {
            into.add(e);
        }
        e.getCausingExceptions().forEach(cause -> collect(cause, into));
    }

    /** A problem with one literal value (enum or pattern), or null. */
    public String valueProblem(final String property, final String value) {
        final List<String> allowed = enums.get(property);
        if (allowed != null && !allowed.contains(value)) {
            return property + " is '" + value + "'; allowed: " + String.join(", ", allowed);
        }
        final Pattern pattern = patterns.get(property);
        if (pattern != null && !pattern.matcher(value).find()) {
            return property + " is '" + value + "'; it must match " + pattern.pattern();
        }
        return null;
    }
}
