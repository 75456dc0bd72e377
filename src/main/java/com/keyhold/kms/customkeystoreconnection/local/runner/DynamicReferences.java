package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CloudFormation's dynamic references ({@code {{resolve:ssm:...}}}, {@code {{resolve:ssm-secure:...}}},
 * {@code {{resolve:secretsmanager:...}}}), as the CloudFormation user guide ("Get values stored in other services
 * using dynamic references") describes them: where a template may hold them, their form, and their values.
 *
 * <p>Like CloudFormation, the runner keeps only the literal reference: the stack's state, change sets and events
 * hold the {@code {{resolve:...}}} text, and the value is read from the target (emulator, endpoint or AWS) each time
 * a handler is called with it ({@link #run}), a rollback or a resumed call included. A value from {@code ssm-secure}
 * or Secrets Manager is a secret: it is masked as {@code ****} in every message and never written anywhere.
 */
final class DynamicReferences {
    /** "You can include up to 60 dynamic references in a stack template." */
    static final int MAX_PER_TEMPLATE = 60;
    static final String MASK = ChangeSets.MASK;
    private static final Pattern REFERENCE = Pattern.compile("\\{\\{resolve:(.*?)}}", Pattern.DOTALL);
    /** The documented pattern of ssm and ssm-secure references: name, then an optional version. */
    private static final Pattern SSM_KEY = Pattern.compile("([a-zA-Z0-9_.\\-/]+)(?::(\\d+))?");
    private static final List<String> SERVICES = List.of("ssm", "ssm-secure", "secretsmanager");
    /**
     * The resource properties that accept ssm-secure ("Resources that support dynamic parameter patterns for secure
     * strings"); none is a Keyhold type's, so the runner refuses ssm-secure everywhere it runs.
     */
    static final Set<String> SSM_SECURE_PROPERTIES = Set.of("AWS::DirectoryService::MicrosoftAD/Password",
        "AWS::DirectoryService::SimpleAD/Password", "AWS::ElastiCache::ReplicationGroup/AuthToken",
        "AWS::IAM::User/LoginProfile/Password", "AWS::KinesisFirehose::DeliveryStream/RedshiftDestinationConfiguration"
            + "/Password", "AWS::OpsWorks::App/AppSource/Password", "AWS::OpsWorks::Stack/CustomCookbooksSource"
            + "/Password", "AWS::OpsWorks::Stack/RdsDbInstances/DbPassword", "AWS::RDS::DBCluster/MasterUserPassword",
        "AWS::RDS::DBInstance/MasterUserPassword", "AWS::Redshift::Cluster/MasterUserPassword");

    /** One parsed reference. For ssm and ssm-secure {@code name} is the parameter and {@code version} may be set. */
    record Reference(String text, String service, String name, String version, String jsonKey, String versionStage,
                     String versionId) {
        /** A value CloudFormation treats as secret (never returned by its APIs). */
        boolean secure() {
            return !"ssm".equals(service);
        }
    }

    /** Where the values come from: SSM Parameter Store and Secrets Manager of the runner's target. */
    interface Source {
        /**
         * SSM GetParameter with {@code name[:version]} as its Name.
         *
         * @throws UsageException naming the parameter when it cannot be read (never its value)
         */
        Parameter parameter(String selector, boolean withDecryption);

        /**
         * Secrets Manager GetSecretValue: the SecretString of the version named (AWSCURRENT when both are null).
         *
         * @throws UsageException naming the secret when it cannot be read (never its value)
         */
        String secret(String secretId, String versionStage, String versionId);

        /** For runners that reach no target (checking a template, creating a change set offline). */
        Source OFFLINE = new Source() {
            @Override
            public Parameter parameter(final String selector, final boolean withDecryption) {
                return null;
            }

            @Override
            public String secret(final String secretId, final String versionStage, final String versionId) {
                return null;
            }
        };
    }

    record Parameter(String type, String value) {
    }

    private final Source source;

    DynamicReferences(final Source source) {
        this.source = source;
    }

    /** Whether this runner reaches a target (false: values cannot be read, only the references' form checked). */
    boolean online() {
        return source != Source.OFFLINE;
    }

    // ---- form and place ------------------------------------------------------------------------------------

    /** Every reference text in a value (strings anywhere inside it), in order. */
    static List<String> find(final JsonNode node) {
        final List<String> found = new ArrayList<>();
        collect(node, found);
        return found;
    }

    private static void collect(final JsonNode node, final List<String> found) {
        if (node == null) {
            return;
        }
        if (node.isTextual()) {
            final Matcher m = REFERENCE.matcher(node.asText());
            while (m.find()) {
                found.add(m.group());
            }
            return;
        }
        node.forEach(child -> collect(child, found));
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(name -> {
                final Matcher m = REFERENCE.matcher(name);
                while (m.find()) {
                    found.add(m.group());
                }
            });
        }
    }

    static boolean contains(final JsonNode node) {
        return !find(node).isEmpty();
    }

    /**
     * Parses one {@code {{resolve:...}}} text.
     *
     * @throws UsageException saying what is wrong with it and what form is allowed
     */
    static Reference parse(final String text) {
        final Matcher whole = REFERENCE.matcher(text);
        if (!whole.matches()) {
            throw new UsageException("dynamic reference " + text + " is not of the form {{resolve:service:key}}");
        }
        final String inner = whole.group(1);
        final int colon = inner.indexOf(':');
        final String service = colon < 0 ? inner : inner.substring(0, colon);
        final String key = colon < 0 ? "" : inner.substring(colon + 1);
        if (!SERVICES.contains(service)) {
            throw new UsageException("dynamic reference " + text + ": '" + service + "' is not a dynamic reference "
                + "service; CloudFormation supports " + String.join(", ", SERVICES));
        }
        if (key.endsWith("\\")) {
            throw new UsageException("dynamic reference " + text + " ends with a backslash, which CloudFormation "
                + "cannot resolve");
        }
        if (!"secretsmanager".equals(service)) {
            final Matcher m = SSM_KEY.matcher(key);
            if (!m.matches()) {
                throw new UsageException("Incorrect format is used in the following SSM reference: [" + text
                    + "]: it must be {{resolve:" + service + ":parameter-name}} or {{resolve:" + service
                    + ":parameter-name:version}}, the name of letters, digits and _.-/ and the version a number");
            }
            return new Reference(text, service, m.group(1), m.group(2), null, null, null);
        }
        return secretsManager(text, key);
    }

    /** secret-id:SecretString:json-key:version-stage:version-id, where secret-id may be an ARN (with colons). */
    private static Reference secretsManager(final String text, final String key) {
        final String form = "it must be {{resolve:secretsmanager:secret-id:SecretString:json-key:version-stage:"
            + "version-id}} (secret-id a name or ARN; the later segments optional, version-stage and version-id not "
            + "both)";
        final List<String> segments = new ArrayList<>(List.of(key.split(":", -1)));
        String secretId = segments.remove(0);
        if (secretId.equals("arn")) {
            if (segments.size() < 6) {
                throw new UsageException("dynamic reference " + text + ": the secret's ARN is incomplete; " + form);
            }
            secretId = String.join(":", List.of("arn", segments.remove(0), segments.remove(0), segments.remove(0),
                segments.remove(0), segments.remove(0), segments.remove(0)));
        }
        if (secretId.isEmpty()) {
            throw new UsageException("dynamic reference " + text + " names no secret; " + form);
        }
        if (segments.size() > 4) {
            throw new UsageException("dynamic reference " + text + " has too many segments; " + form);
        }
        if (!segments.isEmpty() && !"SecretString".equals(segments.get(0))) {
            throw new UsageException("dynamic reference " + text + ": the segment after the secret must be "
                + "SecretString, got '" + segments.get(0) + "'; " + form);
        }
        final String jsonKey = segment(segments, 1);
        final String stage = segment(segments, 2);
        final String versionId = segment(segments, 3);
        if (stage != null && versionId != null) {
            throw new UsageException("dynamic reference " + text + " gives both a version-stage and a version-id; "
                + "give one of them");
        }
        return new Reference(text, "secretsmanager", secretId, null, jsonKey, stage, versionId);
    }

    private static String segment(final List<String> segments, final int index) {
        return index < segments.size() && !segments.get(index).isEmpty() ? segments.get(index) : null;
    }

    /**
     * The checks of a whole template that need no values: at most {@link #MAX_PER_TEMPLATE} references, and none
     * where CloudFormation does not resolve them (Outputs, Conditions, Metadata; in Parameters only ssm with a
     * version). Problems are added to {@code problems}.
     */
    static void checkTemplate(final JsonNode root, final List<String> problems) {
        final int count = find(root).size();
        if (count > MAX_PER_TEMPLATE) {
            problems.add("the template has " + count + " dynamic references; CloudFormation allows at most "
                + MAX_PER_TEMPLATE + " in a stack template");
        }
        for (String section : List.of("Outputs", "Conditions", "Metadata")) {
            for (String text : new LinkedHashSet<>(find(root.path(section)))) {
                problems.add(section + ": dynamic reference " + text + " is not resolved there (CloudFormation "
                    + "resolves dynamic references in resource properties; a value placed here would be shown). Use "
                    + "it in the Properties of the resource that needs it");
            }
        }
        root.path("Resources").fields().forEachRemaining(e -> {
            for (String text : new LinkedHashSet<>(find(e.getValue().path("Metadata")))) {
                problems.add("Resources." + e.getKey() + ".Metadata: dynamic reference " + text + " is not allowed "
                    + "in resource metadata (it would make the value visible); use it in Properties");
            }
        });
        root.path("Parameters").fields().forEachRemaining(e -> {
            for (String text : find(e.getValue())) {
                try {
                    final Reference ref = parse(text);
                    if ("ssm".equals(ref.service()) && ref.version() == null) {
                        problems.add("Parameters." + e.getKey() + ": " + text + ": an ssm dynamic reference in the "
                            + "Parameters section must include a version number ({{resolve:ssm:" + ref.name()
                            + ":<version>}})");
                    }
                } catch (UsageException ex) {
                    problems.add("Parameters." + e.getKey() + ": " + ex.getMessage());
                }
            }
        });
    }

    /**
     * The checks of one resource's resolved properties (functions evaluated): each reference well formed, ssm-secure
     * only where CloudFormation supports it, no secure reference in a custom resource, and (when online) each value
     * readable and, for a schema's property, allowed by the schema (without showing it).
     */
    void checkResource(final String logicalId, final String type, final JsonNode properties,
                       final ResourceSchema schema, final List<String> problems) {
        final String where = "Resources." + logicalId + ".Properties";
        properties.fields().forEachRemaining(e -> {
            final List<String> path = new ArrayList<>();
            path.add(e.getKey());
            checkValue(where, type, path, e.getValue(), schema, problems);
        });
    }

    private void checkValue(final String where, final String type, final List<String> path, final JsonNode value,
                            final ResourceSchema schema, final List<String> problems) {
        if (value.isContainerNode()) {
            final Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            while (fields.hasNext()) {
                final Map.Entry<String, JsonNode> e = fields.next();
                path.add(e.getKey());
                checkValue(where, type, path, e.getValue(), schema, problems);
                path.remove(path.size() - 1);
            }
            if (value.isArray()) {
                value.forEach(item -> checkValue(where, type, path, item, schema, problems));
            }
            return;
        }
        final List<String> texts = find(value);
        if (texts.isEmpty()) {
            return;
        }
        final String at = where + "." + String.join(".", path);
        boolean readable = true;
        final Map<String, String> values = new java.util.HashMap<>();
        for (String text : texts) {
            final Reference ref;
            try {
                ref = parse(text);
            } catch (UsageException e) {
                problems.add(at + ": " + e.getMessage());
                readable = false;
                continue;
            }
            if ("ssm-secure".equals(ref.service()) && !SSM_SECURE_PROPERTIES.contains(type + "/" + String.join("/",
                path))) {
                problems.add(at + ": SSM Secure reference is not supported in: [" + type + "/Properties/"
                    + String.join("/", path) + "]. CloudFormation accepts ssm-secure only in the properties it lists "
                    + "(none of them Keyhold's); keep the secret in Secrets Manager and use {{resolve:secretsmanager:"
                    + ref.name() + ":SecretString}}");
                readable = false;
                continue;
            }
            if (ref.secure() && ProviderRegistry.isCustomResource(type)) {
                problems.add(at + ": " + text + ": CloudFormation does not support dynamic references for secure "
                    + "values (ssm-secure, secretsmanager) in custom resources; use "
                    + "Keyhold::KMS::CustomKeyStore or Keyhold::KMS::CustomKeyStoreConnection, or a NoEcho parameter");
                readable = false;
                continue;
            }
            if (online()) {
                try {
                    values.put(text, value(ref));
                } catch (UsageException e) {
                    problems.add(at + ": " + e.getMessage());
                    readable = false;
                }
            }
        }
        if (readable && online() && schema != null && path.size() == 1) {
            // The values just read, each reference read once: the check sees what it reported on.
            final Matcher m = REFERENCE.matcher(value.asText());
            final StringBuilder resolved = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(resolved, Matcher.quoteReplacement(values.get(m.group())));
            }
            m.appendTail(resolved);
            final String problem = schema.hiddenValueProblem(path.get(0), resolved.toString());
            if (problem != null) {
                problems.add(at + ": the value " + String.join(", ", texts) + " resolves to is not allowed for "
                    + path.get(0) + " by " + schema.typeName() + "'s schema: " + problem + " (the value is not shown)");
            }
        }
    }

    // ---- values ----------------------------------------------------------------------------------------------

    /**
     * The value of one reference, read from the target.
     *
     * @throws UsageException naming the reference and what is missing (never the value)
     */
    String value(final Reference ref) {
        if (!online()) {
            throw new UsageException(ref.text() + " cannot be resolved here: this command reaches no target");
        }
        if (!"secretsmanager".equals(ref.service())) {
            final boolean secure = "ssm-secure".equals(ref.service());
            final Parameter p = source.parameter(ref.version() == null ? ref.name() : ref.name() + ":" + ref.version(),
                secure);
            if (secure != "SecureString".equals(p.type())) {
                throw new UsageException(ref.text() + ": parameter " + ref.name() + " is a " + p.type()
                    + (secure ? " parameter; ssm-secure reads SecureString parameters (use {{resolve:ssm:...}})"
                    : " parameter; ssm reads String and StringList parameters (a SecureString's value is a secret: "
                    + "keep it in Secrets Manager and use {{resolve:secretsmanager:...}})"));
            }
            return p.value();
        }
        final String secret = source.secret(ref.name(), ref.versionStage(), ref.versionId());
        if (ref.jsonKey() == null) {
            return secret;
        }
        final JsonNode json;
        try {
            json = Json.MAPPER.readTree(secret);
        } catch (JsonProcessingException e) {
            throw new UsageException(ref.text() + ": the value of secret " + ref.name() + " is not JSON, so it has "
                + "no key " + ref.jsonKey() + " (drop the json-key to use the whole value)");
        }
        if (json == null || !json.isObject() || !json.has(ref.jsonKey())) {
            throw new UsageException(ref.text() + ": secret " + ref.name() + " has no key " + ref.jsonKey()
                + " (its value must be a JSON object with that key)");
        }
        final JsonNode item = json.get(ref.jsonKey());
        return item.isTextual() ? item.asText() : Json.compact(item);
    }

    /** A text with each reference replaced by its value; the secure values are added to {@code secrets}. */
    private String substitute(final String text, final Set<String> secrets) {
        final Matcher m = REFERENCE.matcher(text);
        final StringBuilder out = new StringBuilder();
        while (m.find()) {
            final Reference ref = parse(m.group());
            final String value = value(ref);
            if (ref.secure() && !value.isEmpty()) {
                secrets.add(value);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** A copy of {@code node} with every reference replaced by its value. */
    private JsonNode resolve(final JsonNode node, final Set<String> secrets) {
        if (node == null) {
            return null;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(substitute(node.asText(), secrets));
        }
        if (node.isArray()) {
            final ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> out.add(resolve(item, secrets)));
            return out;
        }
        if (node.isObject()) {
            final ObjectNode out = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(e -> out.set(e.getKey(), resolve(e.getValue(), secrets)));
            return out;
        }
        return node;
    }

    /**
     * A copy of {@code node} with its references read, for checking the whole model; null when one cannot be read
     * here (offline, or a problem {@link #checkResource} reports). Secure values go into {@code secrets}.
     */
    JsonNode resolvedOrNull(final JsonNode node, final Set<String> secrets) {
        if (!online()) {
            return null;
        }
        try {
            return resolve(node, secrets);
        } catch (UsageException e) {
            return null;
        }
    }

    /** Text with every secret value replaced by {@link #MASK}. */
    static String mask(final String text, final Set<String> secrets) {
        if (text == null) {
            return null;
        }
        String masked = text;
        for (String secret : secrets) {
            masked = masked.replace(secret, MASK);
        }
        return masked;
    }

    /** A copy of {@code node} whose strings have every secret value replaced by {@link #MASK}. */
    static JsonNode mask(final JsonNode node, final Set<String> secrets) {
        if (node == null || secrets.isEmpty()) {
            return node;
        }
        if (node.isTextual()) {
            return TextNode.valueOf(mask(node.asText(), secrets));
        }
        if (node.isArray()) {
            final ArrayNode out = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> out.add(mask(item, secrets)));
            return out;
        }
        if (node.isObject()) {
            final ObjectNode out = JsonNodeFactory.instance.objectNode();
            node.fields().forEachRemaining(e -> out.set(e.getKey(), mask(e.getValue(), secrets)));
            return out;
        }
        return node;
    }

    /**
     * Runs a provider call with the references in its properties resolved, keeping them out of everything that
     * outlives the call: {@code call} itself (saved in the state) keeps the literal references and receives only
     * the callback context; the messages the listener and the result carry are masked; the model the handler
     * returns has each property that held a reference set back to the reference.
     *
     * @throws UsageException when a value can no longer be read (the step fails as CloudFormation's would)
     */
    ProviderResult run(final ResourceProvider provider, final ProviderCall call,
                       final ResourceProvider.ProgressListener listener) throws InterruptedException {
        if (!contains(call.properties) && !contains(call.previousProperties)) {
            return provider.run(call, listener);
        }
        final Set<String> secrets = new LinkedHashSet<>();
        final ProviderCall resolved = new ProviderCall(call.action, call.logicalId, call.resourceType,
            (ObjectNode) resolve(call.properties, secrets), (ObjectNode) resolve(call.previousProperties, secrets),
            call.clientRequestToken);
        resolved.stackId = call.stackId;
        resolved.physicalId = call.physicalId;
        resolved.callbackContext = call.callbackContext;
        resolved.startedAt = call.startedAt;
        resolved.invocations = call.invocations;
        final ProviderResult result = provider.run(resolved, (c, message) -> {
            copyProgress(c, call, secrets);
            listener.inProgress(call, mask(message, secrets));
        });
        copyProgress(resolved, call, secrets);
        ObjectNode model = result.model() == null ? null : (ObjectNode) mask(result.model(), secrets);
        if (model != null && call.properties != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = call.properties.fields(); it.hasNext();) {
                final Map.Entry<String, JsonNode> e = it.next();
                if (contains(e.getValue()) && model.has(e.getKey())) {
                    model.set(e.getKey(), e.getValue().deepCopy());
                }
            }
        }
        return new ProviderResult(result.success(), result.errorCode(), mask(result.message(), secrets), model);
    }

    private static void copyProgress(final ProviderCall from, final ProviderCall to, final Set<String> secrets) {
        to.callbackContext = mask(from.callbackContext, secrets);
        to.startedAt = from.startedAt;
        to.invocations = from.invocations;
    }
}
