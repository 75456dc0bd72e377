package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The intrinsic functions the runner evaluates: Ref (parameters, pseudo parameters, resources), Fn::GetAtt, Fn::Sub
 * (both forms), Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap, Fn::ImportValue, Fn::If and the condition functions
 * Fn::Equals, Fn::And, Fn::Or, Fn::Not and Condition. A value that depends on a resource not created yet resolves to
 * a marker (see {@link #isUnresolved}), which is how a change set shows "known after X is created" as CloudFormation
 * does.
 */
public final class Intrinsics {
    public static final Set<String> SUPPORTED = Set.of("Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::Select",
        "Fn::Split", "Fn::FindInMap", "Fn::ImportValue", "Fn::If", "Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not",
        "Condition");
    public static final Set<String> PSEUDO_PARAMETERS = Set.of("AWS::Region", "AWS::AccountId", "AWS::StackName",
        "AWS::StackId", "AWS::Partition", "AWS::URLSuffix", "AWS::NoValue", "AWS::NotificationARNs");
    /** How a condition is referred to: {@code Condition} inside Fn::And/Or/Not, the first argument of Fn::If. */
    static final String CONDITION = "Condition";
    private static final String UNRESOLVED = "\u0000unresolved:";
    private static final Pattern UNRESOLVED_NAME = Pattern.compile(UNRESOLVED + "([^\u0000]*)\u0000");
    private static final Pattern SUB_VARIABLE = Pattern.compile("\\$\\{([^}]*)}");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** What a template's values can refer to. A resource value not known yet is null. */
    public interface Values {
        /** A parameter's value (a list for the list types), or null when no parameter has this name. */
        JsonNode parameter(String name);

        String pseudo(String name);

        /** Ref of a resource: its physical id, or null before it exists. */
        String ref(String logicalId);

        /** Fn::GetAtt: the attribute, or null before the resource exists. */
        JsonNode attribute(String logicalId, String attribute);

        /** A condition of the template's Conditions section. */
        default boolean condition(final String name) {
            throw new UsageException("condition " + name + " is not declared in the template's Conditions");
        }

        /** A map of the template's Mappings section, or null. */
        default JsonNode mapping(final String name) {
            return null;
        }

        /** Fn::ImportValue: the value another stack exports under this name. */
        default String importValue(final String name) {
            throw new UsageException("Fn::ImportValue " + name + ": no stack exports it");
        }

        /** Values that answer as {@code base} does, except where a subclass overrides one kind of value. */
        abstract class Forwarding implements Values {
            private final Values base;

            protected Forwarding(final Values base) {
                this.base = base;
            }

            @Override
            public JsonNode parameter(final String name) {
                return base.parameter(name);
            }

            @Override
            public String pseudo(final String name) {
                return base.pseudo(name);
            }

            @Override
            public String ref(final String logicalId) {
                return base.ref(logicalId);
            }

            @Override
            public JsonNode attribute(final String logicalId, final String attribute) {
                return base.attribute(logicalId, attribute);
            }

            @Override
            public boolean condition(final String name) {
                return base.condition(name);
            }

            @Override
            public JsonNode mapping(final String name) {
                return base.mapping(name);
            }

            @Override
            public String importValue(final String name) {
                return base.importValue(name);
            }
        }

        /**
         * Values from parameters (as text), pseudo parameters, and resources as {@code resources} finds them (null
         * for a resource that has no physical id yet).
         */
        static Values of(final Map<String, String> parameters, final Map<String, String> pseudo,
                         final Function<String, StackState.ResourceState> resources) {
            return new Values() {
                @Override
                public JsonNode parameter(final String name) {
                    final String value = parameters.get(name);
                    return value == null ? null : TextNode.valueOf(value);
                }

                @Override
                public String pseudo(final String name) {
                    return pseudo.get(name);
                }

                @Override
                public String ref(final String logicalId) {
                    final StackState.ResourceState r = resources.apply(logicalId);
                    return r == null ? null : r.physicalId;
                }

                @Override
                public JsonNode attribute(final String logicalId, final String attribute) {
                    final StackState.ResourceState r = resources.apply(logicalId);
                    return r == null || r.attributes == null ? null : r.attributes.get(attribute);
                }
            };
        }
    }

    /** A reference found by {@link #scan}: to a parameter, pseudo parameter or resource (attribute null for Ref). */
    public record Reference(String target, String attribute, String function) {
    }

    private Intrinsics() {
    }

    /** True for a value that waits on a resource not created yet (anywhere inside it). */
    public static boolean isUnresolved(final JsonNode node) {
        if (node == null) {
            return false;
        }
        if (node.isTextual()) {
            return node.asText().contains(UNRESOLVED);
        }
        for (JsonNode child : node) {
            if (isUnresolved(child)) {
                return true;
            }
        }
        return false;
    }

    /** The resources an unresolved value waits for. */
    static Set<String> unresolvedNames(final JsonNode node) {
        final Set<String> names = new java.util.TreeSet<>();
        if (node == null) {
            return names;
        }
        if (node.isTextual()) {
            final Matcher m = UNRESOLVED_NAME.matcher(node.asText());
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        node.forEach(child -> names.addAll(unresolvedNames(child)));
        return names;
    }

    /** Text for tables: markers become "(known after creating X)". */
    public static String display(final JsonNode node) {
        final String text = Json.compact(node);
        return text.replaceAll("\u0000unresolved:([^\u0000]*)\u0000", "(known after $1 is created)");
    }

    private static TextNode unresolved(final String what) {
        return TextNode.valueOf(UNRESOLVED + what + "\u0000");
    }

    // ---- static checks ----------------------------------------------------------------------------------------

    /**
     * Finds every reference and every function the runner cannot evaluate; problems are added to {@code problems}
     * prefixed with {@code where}.
     */
    public static void scan(final JsonNode node, final String where, final List<Reference> references,
                            final List<String> problems) {
        if (node == null) {
            return;
        }
        if (node.isArray()) {
            for (JsonNode child : node) {
                scan(child, where, references, problems);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        final String function = functionName(node);
        if (function == null) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().startsWith("Fn::") || "Ref".equals(e.getKey()) || "Condition".equals(e.getKey())) {
                    problems.add(where + ": " + e.getKey() + " must be the only key of its object");
                }
                scan(e.getValue(), where, references, problems);
            });
            return;
        }
        final JsonNode argument = node.elements().next();
        switch (function) {
            case "Ref" -> {
                if (!argument.isTextual()) {
                    problems.add(where + ": Ref takes the name of a parameter or resource, got " + argument);
                } else {
                    references.add(new Reference(argument.asText(), null, "Ref"));
                }
            }
            case "Fn::GetAtt" -> {
                final List<String> parts = getAttParts(argument);
                if (parts == null) {
                    problems.add(where + ": Fn::GetAtt takes [LogicalId, Attribute] or \"LogicalId.Attribute\", got "
                        + argument);
                } else {
                    references.add(new Reference(parts.get(0), parts.get(1), "Fn::GetAtt"));
                }
            }
            case "Fn::Sub" -> {
                final JsonNode text = argument.isArray() ? argument.path(0) : argument;
                final JsonNode variables = argument.isArray() ? argument.path(1) : NODES.objectNode();
                if (!text.isTextual() || !(variables.isObject())) {
                    problems.add(where + ": Fn::Sub takes a string or [string, {variables}], got " + argument);
                    return;
                }
                variables.fields().forEachRemaining(e -> scan(e.getValue(), where, references, problems));
                final Matcher m = SUB_VARIABLE.matcher(text.asText());
                while (m.find()) {
                    final String variable = m.group(1).trim();
                    if (variable.startsWith("!") || variables.has(variable)) {
                        continue;
                    }
                    final int dot = variable.indexOf('.');
                    references.add(dot > 0 && !variable.startsWith("AWS::")
                        ? new Reference(variable.substring(0, dot), variable.substring(dot + 1), "Fn::Sub")
                        : new Reference(variable, null, "Fn::Sub"));
                }
            }
            case "Fn::Join" -> {
                if (!argument.isArray() || argument.size() != 2 || !argument.get(0).isTextual()) {
                    problems.add(where + ": Fn::Join takes [delimiter, [values]], got " + argument);
                } else {
                    scan(argument.get(1), where, references, problems);
                }
            }
            case "Fn::Select" -> {
                if (!argument.isArray() || argument.size() != 2) {
                    problems.add(where + ": Fn::Select takes [index, [values]], got " + argument);
                } else {
                    scan(argument, where, references, problems);
                }
            }
            case "Fn::Split" -> {
                if (!argument.isArray() || argument.size() != 2 || !argument.get(0).isTextual()) {
                    problems.add(where + ": Fn::Split takes [delimiter, string], got " + argument);
                } else {
                    scan(argument.get(1), where, references, problems);
                }
            }
            case "Fn::FindInMap" -> {
                if (!argument.isArray() || argument.size() != 3) {
                    problems.add(where + ": Fn::FindInMap takes [MapName, TopLevelKey, SecondLevelKey], got "
                        + argument);
                } else {
                    if (argument.get(0).isTextual()) {
                        references.add(new Reference(argument.get(0).asText(), null, "Fn::FindInMap"));
                    }
                    scan(argument, where, references, problems);
                }
            }
            case "Fn::ImportValue" -> scan(argument, where, references, problems);
            case "Fn::If" -> {
                if (!argument.isArray() || argument.size() != 3 || !argument.get(0).isTextual()) {
                    problems.add(where + ": Fn::If takes [ConditionName, value if true, value if false], got "
                        + argument);
                } else {
                    references.add(new Reference(argument.get(0).asText(), null, CONDITION));
                    scan(argument.get(1), where, references, problems);
                    scan(argument.get(2), where, references, problems);
                }
            }
            case "Fn::Equals" -> {
                if (!argument.isArray() || argument.size() != 2) {
                    problems.add(where + ": Fn::Equals takes [value, value], got " + argument);
                } else {
                    scan(argument, where, references, problems);
                }
            }
            case "Fn::And", "Fn::Or" -> {
                if (!argument.isArray() || argument.size() < 2 || argument.size() > 10) {
                    problems.add(where + ": " + function + " takes a list of 2 to 10 conditions, got " + argument);
                } else {
                    scan(argument, where, references, problems);
                }
            }
            case "Fn::Not" -> {
                if (!argument.isArray() || argument.size() != 1) {
                    problems.add(where + ": Fn::Not takes a list of one condition, got " + argument);
                } else {
                    scan(argument, where, references, problems);
                }
            }
            case "Condition (as a function)" -> {
                if (!argument.isTextual()) {
                    problems.add(where + ": Condition takes the name of a condition, got " + argument);
                } else {
                    references.add(new Reference(argument.asText(), null, CONDITION));
                }
            }
            default -> problems.add(where + ": " + function + " is not supported by keyhold's runner; it evaluates "
                + String.join(", ", SUPPORTED.stream().sorted().toList()));
        }
    }

    /** True when a function (Ref, Fn::*) appears anywhere inside {@code node}. */
    static boolean containsFunction(final JsonNode node) {
        if (functionName(node) != null) {
            return true;
        }
        for (JsonNode child : node) {
            if (containsFunction(child)) {
                return true;
            }
        }
        return false;
    }

    /** The function an object stands for: its only key, when that key is Ref, Condition or Fn::*. */
    static String functionName(final JsonNode node) {
        if (node.isObject() && node.size() == 1) {
            final String key = node.fieldNames().next();
            if (key.equals("Ref") || key.startsWith("Fn::") || key.equals("Condition")) {
                return key.equals("Condition") ? "Condition (as a function)" : key;
            }
        }
        return null;
    }

    static List<String> getAttParts(final JsonNode argument) {
        if (argument.isArray() && argument.size() == 2 && argument.get(0).isTextual() && argument.get(1).isTextual()) {
            return List.of(argument.get(0).asText(), argument.get(1).asText());
        }
        if (argument.isTextual() && argument.asText().indexOf('.') > 0) {
            final String text = argument.asText();
            return List.of(text.substring(0, text.indexOf('.')), text.substring(text.indexOf('.') + 1));
        }
        return null;
    }

    // ---- evaluation ---------------------------------------------------------------------------------------------

    /** Evaluates every function in {@code node}; Ref AWS::NoValue removes the property (MissingNode). */
    public static JsonNode resolve(final JsonNode node, final Values values) {
        if (node == null) {
            return MissingNode.getInstance();
        }
        if (node.isArray()) {
            final ArrayNode out = NODES.arrayNode();
            for (JsonNode child : node) {
                final JsonNode resolved = resolve(child, values);
                if (!resolved.isMissingNode()) {
                    out.add(resolved);
                }
            }
            return out;
        }
        if (!node.isObject()) {
            return node;
        }
        final String function = functionName(node);
        if (function == null) {
            final ObjectNode out = NODES.objectNode();
            final Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                final Map.Entry<String, JsonNode> e = fields.next();
                final JsonNode resolved = resolve(e.getValue(), values);
                if (!resolved.isMissingNode()) {
                    out.set(e.getKey(), resolved);
                }
            }
            return out;
        }
        final JsonNode argument = node.elements().next();
        return switch (function) {
            case "Ref" -> ref(argument.asText(), values);
            case "Fn::GetAtt" -> {
                final List<String> parts = getAttParts(argument);
                final JsonNode value = values.attribute(parts.get(0), parts.get(1));
                yield value == null ? unresolved(parts.get(0)) : value;
            }
            case "Fn::Sub" -> sub(argument, values);
            case "Fn::Join" -> {
                final List<String> pieces = new ArrayList<>();
                for (JsonNode piece : resolve(argument.get(1), values)) {
                    pieces.add(piece.asText());
                }
                yield TextNode.valueOf(String.join(argument.get(0).asText(), pieces));
            }
            case "Fn::Select" -> {
                final JsonNode list = resolve(argument.get(1), values);
                if (isUnresolved(list) && !list.isArray()) {
                    yield list;
                }
                final int index = resolve(argument.get(0), values).asInt(-1);
                if (index < 0 || index >= list.size()) {
                    throw new UsageException("Fn::Select index " + argument.get(0) + " is outside the list " + list);
                }
                yield list.get(index);
            }
            case "Fn::Split" -> {
                final JsonNode text = resolve(argument.get(1), values);
                if (isUnresolved(text)) {
                    yield text;
                }
                final ArrayNode pieces = NODES.arrayNode();
                for (String piece : text.asText().split(Pattern.quote(argument.get(0).asText()), -1)) {
                    pieces.add(piece);
                }
                yield pieces;
            }
            case "Fn::FindInMap" -> {
                final String map = resolve(argument.get(0), values).asText();
                final String top = resolve(argument.get(1), values).asText();
                final String second = resolve(argument.get(2), values).asText();
                final JsonNode mapping = values.mapping(map);
                if (mapping == null) {
                    throw new UsageException("Fn::FindInMap: there is no mapping " + map + " in Mappings");
                }
                if (!mapping.has(top)) {
                    throw new UsageException("Fn::FindInMap: mapping " + map + " has no key '" + top + "'; keys: "
                        + String.join(", ", (Iterable<String>) mapping::fieldNames));
                }
                if (!mapping.get(top).has(second)) {
                    throw new UsageException("Fn::FindInMap: mapping " + map + "." + top + " has no key '" + second
                        + "'; keys: " + String.join(", ", (Iterable<String>) mapping.get(top)::fieldNames));
                }
                yield mapping.get(top).get(second);
            }
            case "Fn::ImportValue" -> TextNode.valueOf(values.importValue(resolve(argument, values).asText()));
            case "Fn::If" -> resolve(values.condition(argument.get(0).asText()) ? argument.get(1) : argument.get(2),
                values);
            case "Fn::Equals" -> NODES.booleanNode(same(resolve(argument.get(0), values),
                resolve(argument.get(1), values)));
            case "Fn::And" -> {
                boolean all = true;
                for (JsonNode c : argument) {
                    all &= truth(resolve(c, values), c);
                }
                yield NODES.booleanNode(all);
            }
            case "Fn::Or" -> {
                boolean any = false;
                for (JsonNode c : argument) {
                    any |= truth(resolve(c, values), c);
                }
                yield NODES.booleanNode(any);
            }
            case "Fn::Not" -> NODES.booleanNode(!truth(resolve(argument.get(0), values), argument.get(0)));
            case "Condition (as a function)" -> NODES.booleanNode(values.condition(argument.asText()));
            default -> throw new UsageException(function + " is not supported by keyhold's runner");
        };
    }

    /** Fn::Equals compares values as CloudFormation does: as strings, lists element by element. */
    private static boolean same(final JsonNode a, final JsonNode b) {
        if (a.isArray() || b.isArray()) {
            return a.equals(b);
        }
        return a.asText().equals(b.asText());
    }

    private static boolean truth(final JsonNode value, final JsonNode expression) {
        if (!value.isBoolean()) {
            throw new UsageException("a condition must be Fn::Equals, Fn::And, Fn::Or, Fn::Not or {Condition: "
                + "Name}, got " + expression);
        }
        return value.asBoolean();
    }

    private static JsonNode ref(final String name, final Values values) {
        if ("AWS::NoValue".equals(name)) {
            return MissingNode.getInstance();
        }
        if ("AWS::NotificationARNs".equals(name)) {
            return NODES.arrayNode();
        }
        if (name.startsWith("AWS::")) {
            return TextNode.valueOf(values.pseudo(name));
        }
        final JsonNode parameter = values.parameter(name);
        if (parameter != null) {
            return parameter;
        }
        final String physical = values.ref(name);
        return physical == null ? unresolved(name) : TextNode.valueOf(physical);
    }

    private static JsonNode sub(final JsonNode argument, final Values values) {
        final String text = (argument.isArray() ? argument.get(0) : argument).asText();
        final JsonNode variables = argument.isArray() ? argument.get(1) : NODES.objectNode();
        final Matcher m = SUB_VARIABLE.matcher(text);
        final StringBuilder out = new StringBuilder();
        while (m.find()) {
            final String variable = m.group(1).trim();
            final String replacement;
            if (variable.startsWith("!")) {
                replacement = "${" + variable.substring(1) + "}";
            } else if (variables.has(variable)) {
                replacement = resolve(variables.get(variable), values).asText();
            } else if (variable.indexOf('.') > 0 && !variable.startsWith("AWS::")) {
                final int dot = variable.indexOf('.');
                final JsonNode value = values.attribute(variable.substring(0, dot), variable.substring(dot + 1));
                replacement = value == null ? unresolved(variable.substring(0, dot)).asText() : value.asText();
            } else {
                replacement = ref(variable, values).asText();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return TextNode.valueOf(out.toString());
    }
}
