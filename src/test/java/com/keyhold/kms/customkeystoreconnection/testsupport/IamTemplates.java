package com.keyhold.kms.customkeystoreconnection.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.local.runner.TemplateReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The IAM policies of the repository's templates, read as CloudFormation reads them (short forms expanded). */
public final class IamTemplates {
    public static final Path ROOT = Path.of("").toAbsolutePath();

    private IamTemplates() {
    }

    /** A template of the repository root, e.g. {@code registration.yaml}. */
    public static JsonNode template(final String file) {
        try {
            return TemplateReader.read(Files.readString(ROOT.resolve(file)), file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The resource with this logical id; fails when the template has none. */
    public static JsonNode resource(final JsonNode template, final String logicalId) {
        final JsonNode resource = template.path("Resources").path(logicalId);
        if (resource.isMissingNode()) {
            throw new AssertionError("no resource " + logicalId + " in template");
        }
        return resource;
    }

    /** Every statement of the inline policies of an AWS::IAM::Role, or of an AWS::IAM::Policy / ManagedPolicy. */
    public static List<JsonNode> statements(final JsonNode resource) {
        final JsonNode properties = resource.path("Properties");
        final List<JsonNode> documents = new ArrayList<>();
        properties.path("Policies").forEach(policy -> documents.add(policy.path("PolicyDocument")));
        if (properties.has("PolicyDocument")) {
            documents.add(properties.path("PolicyDocument"));
        }
        final List<JsonNode> statements = new ArrayList<>();
        for (JsonNode document : documents) {
            final JsonNode statement = document.path("Statement");
            if (statement.isArray()) {
                statement.forEach(statements::add);
            } else if (statement.isObject()) {
                statements.add(statement);
            }
        }
        return statements;
    }

    /** Every statement of every IAM role and policy of the template, each with the logical id it belongs to. */
    public static List<Located> allStatements(final JsonNode template) {
        final List<Located> all = new ArrayList<>();
        template.path("Resources").fields().forEachRemaining(entry -> {
            final String type = entry.getValue().path("Type").asText();
            if (Set.of("AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy").contains(type)) {
                statements(entry.getValue()).forEach(s -> all.add(new Located(entry.getKey(), s)));
            }
        });
        return all;
    }

    /** A statement and the logical id of the role or policy that holds it. */
    public record Located(String logicalId, JsonNode statement) {
    }

    /** The statement's Action (or NotAction) values. */
    public static List<String> actions(final JsonNode statement) {
        return strings(statement.has("NotAction") ? statement.path("NotAction") : statement.path("Action"));
    }

    /** The Allow actions of these statements, whose names start with one of the prefixes (e.g. "kms:"). */
    public static Set<String> allowedActions(final List<JsonNode> statements, final String... prefixes) {
        final Set<String> actions = new TreeSet<>();
        for (JsonNode statement : statements) {
            if (statement.path("Effect").asText().equals("Allow")) {
                for (String action : actions(statement)) {
                    for (String prefix : prefixes) {
                        if (action.startsWith(prefix)) {
                            actions.add(action);
                        }
                    }
                }
            }
        }
        return actions;
    }

    /** The statement's Resource (or NotResource) values: literal strings, or the template string of a Fn::Sub. */
    public static List<String> resources(final JsonNode statement) {
        return strings(statement.has("NotResource") ? statement.path("NotResource") : statement.path("Resource"));
    }

    /** The IAM action of a KMS or SSM API operation (as the emulator logs it): the service is the SDK's that models it. */
    public static String iamAction(final String operation) {
        if ("DescribeStackResources".equals(operation)) {
            // The one CloudFormation call, sent without its SDK (aws/CloudFormationStacks).
            return "cloudformation:" + operation;
        }
        for (String service : new String[] {"kms", "ssm"}) {
            try {
                Class.forName("software.amazon.awssdk.services." + service + ".model." + operation + "Request");
                return service + ":" + operation;
            } catch (ClassNotFoundException e) {
                // not this service's
            }
        }
        throw new AssertionError("the emulator received " + operation + ", an operation of neither KMS, SSM nor CloudFormation");
    }

    private static List<String> strings(final JsonNode node) {
        final List<String> values = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(element -> values.addAll(strings(element)));
        } else if (node.isTextual()) {
            values.add(node.asText());
        } else if (node.has("Fn::Sub") && node.path("Fn::Sub").isTextual()) {
            values.add(node.path("Fn::Sub").asText());
        } else if (!node.isMissingNode()) {
            values.add(node.toString()); // another intrinsic: kept whole, so that comparisons still see it
        }
        return values;
    }
}
