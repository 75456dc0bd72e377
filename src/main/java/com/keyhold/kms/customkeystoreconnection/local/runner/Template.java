package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A parsed and checked template: parameters, resources with their dependencies, outputs. Everything the runner
 * cannot do is found here, before anything runs, and reported together (each problem names where it is and what is
 * allowed).
 */
public final class Template {
    /** The property that names a key store, for the registry type and Keyhold's custom resource alike. */
    static final String KEY_STORE_ID = "CustomKeyStoreId";
    /** The key store type, whose own input rules are checked with the schema's. */
    static final String KEY_STORE_TYPE = "Keyhold::KMS::CustomKeyStore";
    private static final Set<String> TOP_LEVEL = Set.of("AWSTemplateFormatVersion", "Description", "Metadata",
        "Parameters", "Conditions", "Mappings", "Resources", "Outputs");
    private static final Set<String> UNSUPPORTED_TOP_LEVEL = Set.of("Transform", "Rules");
    private static final Set<String> RESOURCE_KEYS = Set.of("Type", "Properties", "DependsOn", "DeletionPolicy",
        "UpdateReplacePolicy", "Metadata", "Condition");
    private static final Set<String> PARAMETER_KEYS = Set.of("Type", "Default", "AllowedValues", "AllowedPattern",
        "MinLength", "MaxLength", "MinValue", "MaxValue", "ConstraintDescription", "Description", "NoEcho");
    /** Parameter types the runner supports; Ref of a list type gives a list of strings. */
    static final List<String> PARAMETER_TYPES = List.of("String", "Number", "CommaDelimitedList", "List<String>",
        "List<Number>");

    public record Parameter(String name, String type, String defaultValue, List<String> allowedValues,
                            String allowedPattern, Integer minLength, Integer maxLength, Double minValue,
                            Double maxValue, String constraintDescription, boolean noEcho) {
        boolean list() {
            return type.startsWith("List<") || "CommaDelimitedList".equals(type);
        }

        boolean numeric() {
            return "Number".equals(type) || "List<Number>".equals(type);
        }

        /** The value as Ref gives it: a list of (space-trimmed) strings for the list types. */
        JsonNode node(final String value) {
            if (!list()) {
                return JsonNodeFactory.instance.textNode(value);
            }
            final com.fasterxml.jackson.databind.node.ArrayNode items = JsonNodeFactory.instance.arrayNode();
            if (!value.isEmpty()) {
                for (String item : value.split(",", -1)) {
                    items.add(item.strip());
                }
            }
            return items;
        }
    }

    /** An output: its value, its export name (null when not exported) and its condition (null: always). */
    public record Output(String name, JsonNode value, JsonNode exportName, String condition) {
    }

    public record Resource(String logicalId, String type, ObjectNode properties, Set<String> dependsOn,
                           boolean retain, String condition) {
    }

    private final String body;
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Resource> resources = new LinkedHashMap<>();
    private final Map<String, Output> outputs = new LinkedHashMap<>();
    private final Map<String, JsonNode> conditions = new LinkedHashMap<>();
    private final Map<String, JsonNode> mappings = new LinkedHashMap<>();
    /** Resources left out by their Condition (in a template made by {@link #effective}). */
    private final Set<String> leftOut = new java.util.TreeSet<>();

    private Template(final String body) {
        this.body = body;
    }

    /**
     * @param source file name for messages
     * @throws UsageException listing every problem found
     */
    public static Template parse(final String body, final String source, final ProviderRegistry providers) {
        final JsonNode root = TemplateReader.read(body, source);
        final Template template = new Template(body);
        final List<String> problems = new ArrayList<>();
        if (!root.isObject()) {
            throw new UsageException(source + " is not a template: its top level must be a mapping with Resources");
        }
        root.fieldNames().forEachRemaining(key -> {
            if (UNSUPPORTED_TOP_LEVEL.contains(key)) {
                problems.add(key + ": not supported by keyhold's runner (it supports "
                    + String.join(", ", new java.util.TreeSet<>(TOP_LEVEL)) + ")");
            } else if (!TOP_LEVEL.contains(key)) {
                problems.add(key + ": not a template section; allowed: " + String.join(", ",
                    new java.util.TreeSet<>(TOP_LEVEL)));
            }
        });
        template.readParameters(root.path("Parameters"), problems);
        template.readMappings(root.path("Mappings"), problems);
        template.readConditions(root.path("Conditions"), problems);
        template.readResources(root.path("Resources"), providers, problems);
        template.readOutputs(root.path("Outputs"), problems);
        template.checkReferences(providers, problems);
        DynamicReferences.checkTemplate(root, problems);
        if (problems.isEmpty()) {
            template.creationOrder(problems);
        }
        if (!problems.isEmpty()) {
            throw new UsageException(source + " cannot be deployed by keyhold (" + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s") + "; nothing was changed):\n  - " + String.join("\n  - ", problems));
        }
        return template;
    }

    private void readParameters(final JsonNode section, final List<String> problems) {
        if (section.isMissingNode()) {
            return;
        }
        if (!section.isObject()) {
            problems.add("Parameters must be a mapping of parameter names to declarations");
            return;
        }
        section.fields().forEachRemaining(e -> {
            final String name = e.getKey();
            final JsonNode p = e.getValue();
            final String where = "Parameters." + name;
            p.fieldNames().forEachRemaining(k -> {
                if (!PARAMETER_KEYS.contains(k)) {
                    problems.add(where + "." + k + ": not supported; allowed: " + String.join(", ",
                        new java.util.TreeSet<>(PARAMETER_KEYS)));
                }
            });
            final String type = p.path("Type").asText("");
            if (!PARAMETER_TYPES.contains(type)) {
                problems.add(where + ": Type " + (type.isEmpty() ? "is missing" : type + " is not supported")
                    + "; keyhold's runner allows " + String.join(", ", PARAMETER_TYPES));
            }
            final List<String> allowed = new ArrayList<>();
            if (p.has("AllowedValues")) {
                if (!p.get("AllowedValues").isArray()) {
                    problems.add(where + ".AllowedValues must be a list");
                } else {
                    p.get("AllowedValues").forEach(v -> allowed.add(v.asText()));
                }
            }
            final String pattern = p.has("AllowedPattern") ? p.get("AllowedPattern").asText() : null;
            if (pattern != null) {
                try {
                    Pattern.compile(pattern);
                } catch (PatternSyntaxException ex) {
                    problems.add(where + ".AllowedPattern is not a valid regular expression: " + ex.getDescription());
                }
            }
            final Parameter parameter = new Parameter(name, type, p.has("Default") ? text(p.get("Default")) : null,
                List.copyOf(allowed), pattern,
                p.has("MinLength") ? p.get("MinLength").asInt() : null,
                p.has("MaxLength") ? p.get("MaxLength").asInt() : null,
                p.has("MinValue") ? p.get("MinValue").asDouble() : null,
                p.has("MaxValue") ? p.get("MaxValue").asDouble() : null,
                p.has("ConstraintDescription") ? p.get("ConstraintDescription").asText() : null,
                isNoEcho(p));
            if (parameter.defaultValue() != null) {
                final String problem = problem(parameter, parameter.defaultValue());
                if (problem != null) {
                    problems.add(where + ".Default: " + problem);
                }
            }
            parameters.put(name, parameter);
        });
    }

    /** A Default given as a YAML list for a list type means the comma-separated text. */
    private static String text(final JsonNode value) {
        if (value.isArray()) {
            final List<String> items = new ArrayList<>();
            value.forEach(v -> items.add(v.asText()));
            return String.join(",", items);
        }
        return value.asText();
    }

    private void readMappings(final JsonNode section, final List<String> problems) {
        if (section.isMissingNode()) {
            return;
        }
        if (!section.isObject()) {
            problems.add("Mappings must be a mapping of map names to {TopLevelKey: {SecondLevelKey: value}}");
            return;
        }
        section.fields().forEachRemaining(e -> {
            final boolean wellFormed = e.getValue().isObject() && e.getValue().size() > 0;
            final boolean[] secondLevel = {wellFormed};
            e.getValue().fields().forEachRemaining(top -> secondLevel[0] &= top.getValue().isObject());
            if (!secondLevel[0]) {
                problems.add("Mappings." + e.getKey() + " must be {TopLevelKey: {SecondLevelKey: value}}");
            } else {
                mappings.put(e.getKey(), e.getValue());
            }
        });
    }

    private void readConditions(final JsonNode section, final List<String> problems) {
        if (section.isMissingNode()) {
            return;
        }
        if (!section.isObject()) {
            problems.add("Conditions must be a mapping of condition names to Fn::Equals, Fn::And, Fn::Or or Fn::Not");
            return;
        }
        section.fields().forEachRemaining(e -> conditions.put(e.getKey(), e.getValue()));
        conditions.forEach((name, expression) -> {
            final String where = "Conditions." + name;
            final String function = Intrinsics.functionName(expression);
            if (!Set.of("Fn::Equals", "Fn::And", "Fn::Or", "Fn::Not", "Condition (as a function)").contains(function)) {
                problems.add(where + ": a condition is Fn::Equals, Fn::And, Fn::Or, Fn::Not or {Condition: Name}, got "
                    + Json.compact(expression));
            }
            final List<Intrinsics.Reference> refs = new ArrayList<>();
            Intrinsics.scan(expression, where, refs, problems);
            for (Intrinsics.Reference ref : refs) {
                if (Intrinsics.CONDITION.equals(ref.function())) {
                    if (!conditions.containsKey(ref.target())) {
                        problems.add(where + ": condition " + ref.target() + " is not declared; conditions: "
                            + names(conditions.keySet()));
                    }
                } else if ("Fn::FindInMap".equals(ref.function())) {
                    if (!mappings.containsKey(ref.target())) {
                        problems.add(where + ": Fn::FindInMap " + ref.target() + " is not in Mappings; mappings: "
                            + names(mappings.keySet()));
                    }
                } else if (!parameters.containsKey(ref.target()) && !Intrinsics.PSEUDO_PARAMETERS.contains(ref.target())) {
                    problems.add(where + ": " + ref.function() + " " + ref.target() + ": conditions may refer to "
                        + "parameters and pseudo parameters only (not resources); parameters: "
                        + names(parameters.keySet()));
                }
            }
        });
    }

    private static final Set<String> OUTPUT_KEYS = Set.of("Value", "Description", "Export", "Condition");

    private void readOutputs(final JsonNode section, final List<String> problems) {
        if (section.isMissingNode()) {
            return;
        }
        if (!section.isObject()) {
            problems.add("Outputs must be a mapping of output names to declarations");
            return;
        }
        section.fields().forEachRemaining(e -> {
            final String where = "Outputs." + e.getKey();
            final JsonNode o = e.getValue();
            if (!o.isObject() || !o.has("Value")) {
                problems.add(where + ": an output needs a Value");
                return;
            }
            o.fieldNames().forEachRemaining(k -> {
                if (!OUTPUT_KEYS.contains(k)) {
                    problems.add(where + "." + k + ": not an output key; allowed: " + String.join(", ",
                        new java.util.TreeSet<>(OUTPUT_KEYS)));
                }
            });
            JsonNode exportName = null;
            if (o.has("Export")) {
                exportName = o.get("Export").get("Name");
                if (exportName == null) {
                    problems.add(where + ".Export needs a Name");
                }
            }
            final String condition = o.hasNonNull("Condition") ? o.get("Condition").asText() : null;
            if (condition != null && !conditions.containsKey(condition)) {
                problems.add(where + ".Condition: " + condition + " is not declared in Conditions; conditions: "
                    + names(conditions.keySet()));
            }
            outputs.put(e.getKey(), new Output(e.getKey(), o.get("Value"), exportName, condition));
        });
    }

    private void readResources(final JsonNode section, final ProviderRegistry providers, final List<String> problems) {
        if (!section.isObject() || section.isEmpty()) {
            problems.add("Resources: a template needs at least one resource");
            return;
        }
        section.fields().forEachRemaining(e -> {
            final String id = e.getKey();
            final JsonNode r = e.getValue();
            final String where = "Resources." + id;
            if (parameters.containsKey(id)) {
                problems.add(where + ": a parameter has the same name; logical ids must be unique");
            }
            if (!id.matches("[A-Za-z0-9]+")) {
                problems.add(where + ": logical ids are letters and digits only");
            }
            r.fieldNames().forEachRemaining(k -> {
                if (!RESOURCE_KEYS.contains(k)) {
                    problems.add(where + "." + k + ": not supported; allowed: " + String.join(", ",
                        new java.util.TreeSet<>(RESOURCE_KEYS)));
                }
            });
            final String type = r.path("Type").asText("");
            if (type.isEmpty()) {
                problems.add(where + ": Type is missing");
                return;
            }
            final ResourceProvider provider = providers.find(type);
            if (provider == null) {
                problems.add(where + ": " + providers.unsupportedReason(type));
            }
            final JsonNode props = r.path("Properties");
            if (!props.isMissingNode() && !props.isObject()) {
                problems.add(where + ".Properties must be a mapping");
            }
            final ObjectNode properties = props.isObject() ? (ObjectNode) props : JsonNodeFactory.instance.objectNode();
            if (provider != null && provider.schema() != null) {
                checkProperties(where, properties, provider.schema(), problems);
            }
            if (provider != null && ProviderRegistry.isCustomResource(type) && !properties.has("ServiceToken")) {
                problems.add(where + ".Properties.ServiceToken is required for a custom resource (keyhold serves it "
                    + "with its own custom-resource handler, whatever the value)");
            }
            final Set<String> dependsOn = new LinkedHashSet<>();
            final JsonNode deps = r.path("DependsOn");
            if (deps.isTextual()) {
                dependsOn.add(deps.asText());
            } else if (deps.isArray()) {
                deps.forEach(d -> dependsOn.add(d.asText()));
            } else if (!deps.isMissingNode()) {
                problems.add(where + ".DependsOn must be a logical id or a list of them");
            }
            final String deletion = r.path("DeletionPolicy").asText("Delete");
            if (!Set.of("Delete", "Retain").contains(deletion)) {
                problems.add(where + ".DeletionPolicy " + deletion + " is not supported; allowed: Delete, Retain");
            }
            final String replace = r.path("UpdateReplacePolicy").asText("Delete");
            if (!Set.of("Delete", "Retain").contains(replace)) {
                problems.add(where + ".UpdateReplacePolicy " + replace + " is not supported; allowed: Delete, Retain");
            }
            final String condition = r.hasNonNull("Condition") ? r.get("Condition").asText() : null;
            if (condition != null && !conditions.containsKey(condition)) {
                problems.add(where + ".Condition: " + condition + " is not declared in Conditions; conditions: "
                    + names(conditions.keySet()));
            }
            resources.put(id, new Resource(id, type, properties, dependsOn, "Retain".equals(deletion), condition));
        });
    }

    private static void checkProperties(final String where, final ObjectNode properties, final ResourceSchema schema,
                                        final List<String> problems) {
        properties.fieldNames().forEachRemaining(name -> {
            if (schema.readOnly().contains(name)) {
                problems.add(where + ".Properties." + name + " is read-only (reported by the handler, read it with "
                    + "Fn::GetAtt); settable: " + String.join(", ", schema.writableProperties()));
            } else if (!schema.properties().contains(name)) {
                problems.add(where + ".Properties." + name + " is not a property of " + schema.typeName()
                    + "; allowed: " + String.join(", ", schema.writableProperties()));
            }
        });
        for (String required : schema.required()) {
            if (!properties.has(required)) {
                problems.add(where + ".Properties." + required + " is required");
            }
        }
        properties.fields().forEachRemaining(e -> {
            final String problem = literalProblem(schema, e.getKey(), e.getValue());
            if (problem != null) {
                problems.add(where + ".Properties." + problem);
            }
        });
    }

    /** Shape, enum and pattern of a value as far as it is known (functions still to evaluate pass). */
    private static String literalProblem(final ResourceSchema schema, final String property, final JsonNode value) {
        if (value.isMissingNode() || Intrinsics.containsFunction(value) || Intrinsics.isUnresolved(value)) {
            return null;
        }
        if (DynamicReferences.contains(value)) {
            // Checked with its value, which is never shown (DynamicReferences.checkResource).
            return null;
        }
        final String shape = schema.typeProblem(property, value);
        if (shape != null) {
            return shape;
        }
        return value.isValueNode() && !value.isNull() ? schema.valueProblem(property, value.asText()) : null;
    }

    /**
     * Checks what only the parameter values decide, before a change set is saved: the resolved properties against
     * the schema, and that no two resources manage one key store (the second would meet the first's ownership
     * record, after the first had already changed it).
     *
     * @throws UsageException listing every problem
     */
    public void checkResolved(final Intrinsics.Values values, final ProviderRegistry providers, final String source) {
        checkResolved(values, providers, source, false);
    }

    /** @param importing an IMPORT change set: no create or update handler runs, so their input rules do not apply */
    public void checkResolved(final Intrinsics.Values values, final ProviderRegistry providers, final String source,
                              final boolean importing) {
        final List<String> problems = new ArrayList<>();
        final Map<String, List<String>> byKeyStore = new LinkedHashMap<>();
        resources.values().forEach(r -> {
            final JsonNode resolved = Intrinsics.resolve(r.properties(), values);
            final ResourceProvider provider = providers.find(r.type());
            final ResourceSchema schema = provider == null ? null : provider.schema();
            if (schema != null) {
                resolved.fields().forEachRemaining(e -> {
                    final String problem = literalProblem(schema, e.getKey(), e.getValue());
                    if (problem != null) {
                        problems.add("Resources." + r.logicalId() + ".Properties." + problem);
                    }
                });
            }
            providers.references().checkResource(r.logicalId(), r.type(), resolved, schema, problems);
            if (schema != null && resolved.isObject()) {
                checkModel(r.logicalId(), (ObjectNode) resolved, schema, providers.references(), problems);
                if (KEY_STORE_TYPE.equals(r.type()) && !importing) {
                    // The type's own rules, in the handler's words. Those of an update only: the template cannot
                    // tell a create from an import here, and an import needs no secret (its create-only rule, the
                    // secret on create, stays the create handler's).
                    for (String problem : com.keyhold.kms.customkeystore.InputRules.problems(
                        new org.json.JSONObject(resolved.toString()), false)) {
                        problems.add("Resources." + r.logicalId() + ".Properties: " + problem);
                    }
                }
            }
            for (String missing : Intrinsics.unresolvedNames(resolved)) {
                if (leftOut.contains(missing)) {
                    problems.add("Resources." + r.logicalId() + ".Properties refer to " + missing + ", which its "
                        + "Condition leaves out of this deployment");
                }
            }
            final JsonNode id = resolved.get(KEY_STORE_ID);
            if (id != null && id.isTextual() && !Intrinsics.isUnresolved(id)) {
                byKeyStore.computeIfAbsent(id.asText(), k -> new ArrayList<>()).add(r.logicalId());
            }
        });
        byKeyStore.forEach((id, ids) -> {
            if (ids.size() > 1) {
                problems.add("Resources " + String.join(" and ", ids) + " all manage key store " + id + ": a key "
                    + "store is managed by one resource only (the second would fail AlreadyExists after the first "
                    + "had changed it). Keep one resource per key store");
            }
        });
        if (!problems.isEmpty()) {
            throw new UsageException(source + " cannot be deployed by keyhold (" + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s") + "; nothing was changed):\n  - " + String.join("\n  - ",
                problems));
        }
    }

    /**
     * The whole resolved model against the type's schema, as the handler's own validator will check it: a value
     * not known yet (a resource not created) is left out, a dynamic reference is checked with its value when the
     * runner reaches a target, and a secret's problem names the rule only. A property already reported is not
     * reported twice.
     */
    private static void checkModel(final String logicalId, final ObjectNode resolved, final ResourceSchema schema,
                                   final DynamicReferences references, final List<String> problems) {
        final String where = "Resources." + logicalId + ".Properties";
        final ObjectNode model = resolved.deepCopy();
        final Set<String> unknown = new java.util.HashSet<>();
        final Set<String> hidden = new java.util.HashSet<>();
        resolved.fields().forEachRemaining(e -> {
            if (Intrinsics.isUnresolved(e.getValue())) {
                unknown.add(e.getKey());
            } else if (DynamicReferences.contains(e.getValue())) {
                final JsonNode value = references.resolvedOrNull(e.getValue(), new LinkedHashSet<>());
                if (value == null) {
                    unknown.add(e.getKey());
                } else {
                    model.set(e.getKey(), value);
                    hidden.add(e.getKey());
                }
            }
            if (problems.stream().anyMatch(p -> p.startsWith(where + "." + e.getKey()))) {
                unknown.add(e.getKey());
            }
        });
        for (String problem : schema.modelProblems(model, unknown, hidden)) {
            problems.add(where + ": " + problem);
        }
    }

    /**
     * The dynamic references of every resource, checked again with the values they have now: what an execution
     * checks before anything runs (a secret or parameter deleted since the change set was made stops it there).
     *
     * @throws UsageException listing every problem
     */
    public void checkDynamicReferences(final Intrinsics.Values values, final ProviderRegistry providers,
                                       final String source) {
        final List<String> problems = new ArrayList<>();
        resources.values().forEach(r -> {
            final JsonNode resolved;
            try {
                resolved = Intrinsics.resolve(r.properties(), values);
            } catch (UsageException e) {
                // A value that cannot be resolved now fails its resource when it runs, as in CloudFormation.
                return;
            }
            final ResourceProvider provider = providers.find(r.type());
            providers.references().checkResource(r.logicalId(), r.type(), resolved,
                provider == null ? null : provider.schema(), problems);
        });
        if (!problems.isEmpty()) {
            throw new UsageException(source + " cannot be executed (" + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s") + " with its dynamic references; nothing was changed):\n  - "
                + String.join("\n  - ", problems));
        }
    }

    private void checkReferences(final ProviderRegistry providers, final List<String> problems) {
        final Map<String, List<Intrinsics.Reference>> found = new LinkedHashMap<>();
        resources.values().forEach(r -> {
            final List<Intrinsics.Reference> refs = new ArrayList<>();
            Intrinsics.scan(r.properties(), "Resources." + r.logicalId() + ".Properties", refs, problems);
            found.put("Resources." + r.logicalId(), refs);
            for (String dep : r.dependsOn()) {
                if (!resources.containsKey(dep)) {
                    problems.add("Resources." + r.logicalId() + ".DependsOn: " + dep + " is not a resource of this "
                        + "template; resources: " + String.join(", ", resources.keySet()));
                }
            }
        });
        outputs.forEach((name, output) -> {
            final List<Intrinsics.Reference> refs = new ArrayList<>();
            Intrinsics.scan(output.value(), "Outputs." + name, refs, problems);
            if (output.exportName() != null) {
                Intrinsics.scan(output.exportName(), "Outputs." + name + ".Export.Name", refs, problems);
            }
            found.put("Outputs." + name, refs);
        });
        found.forEach((where, refs) -> {
            for (Intrinsics.Reference ref : refs) {
                final String target = ref.target();
                if (Intrinsics.CONDITION.equals(ref.function())) {
                    if (!conditions.containsKey(target)) {
                        problems.add(where + ": condition " + target + " is not declared in Conditions; conditions: "
                            + names(conditions.keySet()));
                    }
                    continue;
                }
                if ("Fn::FindInMap".equals(ref.function())) {
                    if (!mappings.containsKey(target)) {
                        problems.add(where + ": Fn::FindInMap " + target + " is not in Mappings; mappings: "
                            + names(mappings.keySet()));
                    }
                    continue;
                }
                if (ref.attribute() == null) {
                    if (!parameters.containsKey(target) && !resources.containsKey(target)
                        && !Intrinsics.PSEUDO_PARAMETERS.contains(target)) {
                        problems.add(where + ": " + ref.function() + " to " + target + ", which is neither a "
                            + "parameter, a resource nor a pseudo parameter; parameters: " + names(parameters.keySet())
                            + "; resources: " + names(resources.keySet()));
                    }
                    continue;
                }
                final Resource resource = resources.get(target);
                if (resource == null) {
                    problems.add(where + ": " + ref.function() + " " + target + "." + ref.attribute() + ": " + target
                        + " is not a resource of this template; resources: " + names(resources.keySet()));
                    continue;
                }
                final ResourceProvider provider = providers.find(resource.type());
                final ResourceSchema schema = provider == null ? null : provider.schema();
                if (schema != null && !schema.readOnly().contains(ref.attribute())) {
                    problems.add(where + ": " + ref.function() + " " + target + "." + ref.attribute() + ": "
                        + resource.type() + " has no attribute " + ref.attribute() + "; attributes: "
                        + String.join(", ", schema.readOnly()));
                }
            }
            if (where.startsWith("Resources.")) {
                final Resource self = resources.get(where.substring("Resources.".length()));
                refs.stream().filter(ref -> !Intrinsics.CONDITION.equals(ref.function())
                    && !"Fn::FindInMap".equals(ref.function())).map(Intrinsics.Reference::target)
                    .filter(resources::containsKey).forEach(dep -> self.dependsOn().add(dep));
            }
        });
    }

    private static String names(final Set<String> names) {
        return names.isEmpty() ? "(none)" : String.join(", ", names);
    }

    /** Resources in an order where each comes after everything it depends on (template order among equals). */
    public List<String> creationOrder() {
        return creationOrder(new ArrayList<>());
    }

    private List<String> creationOrder(final List<String> problems) {
        final List<String> order = new ArrayList<>();
        final Set<String> done = new LinkedHashSet<>();
        final Deque<String> path = new ArrayDeque<>();
        for (String id : resources.keySet()) {
            visit(id, done, path, order, problems);
            if (!problems.isEmpty()) {
                break;
            }
        }
        return order;
    }

    private void visit(final String id, final Set<String> done, final Deque<String> path, final List<String> order,
                       final List<String> problems) {
        if (done.contains(id)) {
            return;
        }
        if (path.contains(id)) {
            final List<String> cycle = new ArrayList<>(path);
            Collections.reverse(cycle);
            cycle.subList(0, cycle.indexOf(id)).clear();
            cycle.add(id);
            problems.add("circular dependency between resources: " + String.join(" -> ", cycle));
            return;
        }
        path.push(id);
        for (String dep : resources.get(id).dependsOn()) {
            if (resources.containsKey(dep)) {
                visit(dep, done, path, order, problems);
                if (!problems.isEmpty()) {
                    return;
                }
            }
        }
        path.pop();
        done.add(id);
        order.add(id);
    }

    /**
     * The parameter values for a deployment: overrides, else the previous value (as {@code aws cloudformation deploy}
     * keeps values it is not given), else the default.
     *
     * @throws UsageException naming every parameter that is unknown, missing or not allowed
     */
    public Map<String, String> parameterValues(final Map<String, String> overrides, final Map<String, String> previous) {
        final List<String> problems = new ArrayList<>();
        for (String key : overrides.keySet()) {
            if (!parameters.containsKey(key)) {
                problems.add("parameter " + key + " is not declared by the template; its parameters: "
                    + names(parameters.keySet()));
            }
        }
        final Map<String, String> values = new TreeMap<>();
        for (Parameter p : parameters.values()) {
            String value = overrides.get(p.name());
            if (value == null && previous != null) {
                value = previous.get(p.name());
            }
            if (value == null) {
                value = p.defaultValue();
            }
            if (value == null) {
                problems.add("parameter " + p.name() + " needs a value (it has no Default): add --parameter-overrides "
                    + p.name() + "=<value>");
                continue;
            }
            final String problem = problem(p, value);
            if (problem != null) {
                problems.add("parameter " + p.name() + ": " + problem);
            }
            values.put(p.name(), value);
        }
        if (!problems.isEmpty()) {
            throw new UsageException(String.join("\n", problems));
        }
        return values;
    }

    private static String problem(final Parameter p, final String value) {
        if (p.list()) {
            // List types: each item is checked (AllowedValues, AllowedPattern, numbers), as CloudFormation does.
            for (JsonNode item : p.node(value)) {
                final String problem = itemProblem(p, item.asText());
                if (problem != null) {
                    return "item " + problem;
                }
            }
            return null;
        }
        return itemProblem(p, value);
    }

    private static String itemProblem(final Parameter p, final String value) {
        final String shown = p.noEcho() ? "****" : "'" + value + "'";
        if (p.numeric()) {
            final double number;
            try {
                number = Double.parseDouble(value.strip());
            } catch (NumberFormatException e) {
                return shown + " is not a number (Type " + p.type() + ")";
            }
            if (p.minValue() != null && number < p.minValue()) {
                return shown + " is less than MinValue " + trim(p.minValue());
            }
            if (p.maxValue() != null && number > p.maxValue()) {
                return shown + " is greater than MaxValue " + trim(p.maxValue());
            }
        }
        if (!p.allowedValues().isEmpty() && !p.allowedValues().contains(value)) {
            return shown + " is not allowed; allowed values: " + String.join(", ", p.allowedValues());
        }
        if (p.allowedPattern() != null && !value.matches(p.allowedPattern())) {
            return shown + " does not match the pattern " + p.allowedPattern()
                + (p.constraintDescription() != null ? " (" + p.constraintDescription() + ")" : "");
        }
        if (p.minLength() != null && value.length() < p.minLength()) {
            return shown + " is shorter than MinLength " + p.minLength();
        }
        if (p.maxLength() != null && value.length() > p.maxLength()) {
            return shown + " is longer than MaxLength " + p.maxLength();
        }
        return null;
    }

    private static String trim(final double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }

    // ---- evaluation with parameter values -------------------------------------------------------------------

    /**
     * The values a deployment resolves against: parameters typed as declared (lists for the list types), pseudo
     * parameters, the stack's resources, this template's Conditions (each evaluated once) and Mappings, and the
     * exports of the other stacks.
     */
    public Intrinsics.Values values(final Map<String, String> parameterValues, final Map<String, String> pseudo,
                                    final java.util.function.Function<String, StackState.ResourceState> resources,
                                    final java.util.function.Function<String, String> imports) {
        final Intrinsics.Values base = Intrinsics.Values.of(parameterValues, pseudo, resources);
        final Map<String, Boolean> evaluated = new LinkedHashMap<>();
        final Set<String> evaluating = new LinkedHashSet<>();
        return new Intrinsics.Values.Forwarding(base) {
            @Override
            public JsonNode parameter(final String name) {
                final String value = parameterValues.get(name);
                final Parameter declared = parameters.get(name);
                return value == null ? null : declared == null ? base.parameter(name) : declared.node(value);
            }

            @Override
            public boolean condition(final String name) {
                final Boolean known = evaluated.get(name);
                if (known != null) {
                    return known;
                }
                final JsonNode expression = conditions.get(name);
                if (expression == null) {
                    throw new UsageException("condition " + name + " is not declared in Conditions; conditions: "
                        + names(conditions.keySet()));
                }
                if (!evaluating.add(name)) {
                    throw new UsageException("Conditions: " + String.join(" -> ", evaluating) + " -> " + name
                        + " refer to each other in a circle");
                }
                final JsonNode value = Intrinsics.resolve(expression, this);
                evaluating.remove(name);
                if (!value.isBoolean()) {
                    throw new UsageException("Conditions." + name + " does not evaluate to true or false: "
                        + Json.compact(value));
                }
                evaluated.put(name, value.asBoolean());
                return value.asBoolean();
            }

            @Override
            public JsonNode mapping(final String name) {
                return mappings.get(name);
            }

            @Override
            public String importValue(final String name) {
                return imports.apply(name);
            }
        };
    }

    /** Whether a Condition holds (no condition: always). */
    public boolean holds(final String condition, final Intrinsics.Values values) {
        return condition == null || values.condition(condition);
    }

    /**
     * The template as these parameter values make it: without the resources and outputs whose Condition is false
     * (a dependency on a left-out resource is dropped; a value that still refers to one is refused by
     * {@link #checkResolved}).
     */
    public Template effective(final Map<String, String> parameterValues, final Map<String, String> pseudo) {
        final Intrinsics.Values values = values(parameterValues, pseudo, id -> null, name -> "");
        if (conditions.isEmpty()) {
            return this;
        }
        final Template t = new Template(body);
        t.parameters.putAll(parameters);
        t.conditions.putAll(conditions);
        t.mappings.putAll(mappings);
        resources.forEach((id, r) -> {
            if (holds(r.condition(), values)) {
                t.resources.put(id, r);
            } else {
                t.leftOut.add(id);
            }
        });
        t.resources.replaceAll((id, r) -> new Resource(id, r.type(), r.properties(), new LinkedHashSet<>(
            r.dependsOn().stream().filter(t.resources::containsKey).toList()), r.retain(), r.condition()));
        outputs.forEach((name, o) -> {
            if (holds(o.condition(), values)) {
                t.outputs.put(name, o);
            }
        });
        return t;
    }

    /**
     * The parameters a deployed template declares NoEcho (printed as ****, as CloudFormation does). A template that
     * no longer parses hides them all rather than risk showing a secret.
     */
    public static Set<String> noEchoParameters(final String body, final Set<String> names) {
        if (body == null) {
            return names;
        }
        try {
            final Set<String> hidden = new java.util.TreeSet<>();
            TemplateReader.read(body, "the stack's template").path("Parameters").fields().forEachRemaining(e -> {
                if (isNoEcho(e.getValue())) {
                    hidden.add(e.getKey());
                }
            });
            return hidden;
        } catch (UsageException e) {
            return names;
        }
    }

    private static boolean isNoEcho(final JsonNode declaration) {
        final JsonNode noEcho = declaration.path("NoEcho");
        return noEcho.asBoolean(false) || "true".equalsIgnoreCase(noEcho.asText());
    }

    public String body() {
        return body;
    }

    public Map<String, Parameter> parameters() {
        return parameters;
    }

    public Map<String, Resource> resources() {
        return resources;
    }

    public Map<String, Output> outputs() {
        return outputs;
    }
}
