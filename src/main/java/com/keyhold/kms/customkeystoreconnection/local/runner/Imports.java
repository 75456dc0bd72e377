package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.local.runner.ChangeSet.Change;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Resource import ({@code create-change-set --change-set-type IMPORT --resources-to-import ...}), with the rules
 * CloudFormation applies: every resource to import is in the template with the same type and a DeletionPolicy, is
 * named by its primary identifier, and is not in the stack yet; the change set imports and does nothing else (no
 * other resource added, changed or removed, no output changed). Executing it calls each resource's read handler and
 * adopts what exists; nothing is created, changed or deleted.
 */
final class Imports {
    /** One entry of --resources-to-import, as the AWS CLI spells it. */
    record Target(String resourceType, String logicalId, Map<String, String> identifier) {
    }

    private Imports() {
    }

    /**
     * Reads {@code --resources-to-import}: the JSON list itself or {@code file://path} (relative to {@code base}).
     */
    static List<Target> parse(final String value, final Path base) {
        String text = value;
        if (value.startsWith("file://")) {
            final Path file = base.resolve(value.substring("file://".length()));
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new UsageException("--resources-to-import " + value + ": cannot read " + file.toAbsolutePath()
                    + " (" + e.getMessage() + ")");
            }
        }
        final String shape = "--resources-to-import takes a JSON list such as '[{\"ResourceType\":"
            + "\"Keyhold::KMS::CustomKeyStore\",\"LogicalResourceId\":\"Store\",\"ResourceIdentifier\":"
            + "{\"CustomKeyStoreId\":\"cks-1234567890abcdef0\"}}]' or file://resources.json";
        final JsonNode list;
        try {
            list = Json.MAPPER.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UsageException(shape + "; it is not JSON: " + e.getOriginalMessage());
        }
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new UsageException(shape + "; got " + text.strip());
        }
        final List<Target> targets = new ArrayList<>();
        for (JsonNode entry : list) {
            final JsonNode identifier = entry.path("ResourceIdentifier");
            if (!entry.path("ResourceType").isTextual() || !entry.path("LogicalResourceId").isTextual()
                || !identifier.isObject() || identifier.isEmpty()) {
                throw new UsageException(shape + "; this entry lacks ResourceType, LogicalResourceId or "
                    + "ResourceIdentifier: " + Json.compact(entry));
            }
            final Map<String, String> ids = new LinkedHashMap<>();
            identifier.fields().forEachRemaining(e -> ids.put(e.getKey(), e.getValue().asText()));
            targets.add(new Target(entry.get("ResourceType").asText(), entry.get("LogicalResourceId").asText(), ids));
        }
        return targets;
    }

    /**
     * The import change set's changes, or a usage error listing every rule broken.
     *
     * @param rawTemplate the template as written (to see DeletionPolicy as declared, not its default)
     * @param others the changes the template would make besides the imports (none allowed)
     */
    static List<Change> changes(final List<Target> targets, final StackState stack, final Template template,
                                final JsonNode rawTemplate, final ProviderRegistry providers,
                                final List<Change> others, final Set<String> outputsChanged,
                                final java.util.function.BiFunction<String, String, String> ownerStack) {
        final List<String> problems = new ArrayList<>();
        final List<Change> changes = new ArrayList<>();
        final Set<String> importing = new java.util.LinkedHashSet<>();
        for (Target t : targets) {
            final String where = "resource to import " + t.logicalId();
            final Template.Resource resource = template.resources().get(t.logicalId());
            if (resource == null) {
                problems.add(where + ": not in the template; every resource to import must be declared there, with "
                    + "its properties and a DeletionPolicy (resources: " + String.join(", ",
                    template.resources().keySet()) + ")");
                continue;
            }
            if (!resource.type().equals(t.resourceType())) {
                problems.add(where + ": ResourceType " + t.resourceType() + " differs from the template's "
                    + resource.type());
                continue;
            }
            final ResourceProvider provider = providers.find(t.resourceType());
            if (provider == null || provider.schema() == null) {
                problems.add(where + ": " + t.resourceType() + " cannot be imported (it has no read handler); "
                    + "importable: Keyhold::KMS::CustomKeyStore, Keyhold::KMS::CustomKeyStoreConnection");
                continue;
            }
            if (!rawTemplate.path("Resources").path(t.logicalId()).has("DeletionPolicy")) {
                problems.add(where + ": has no DeletionPolicy in the template; CloudFormation imports only resources "
                    + "that declare one (use DeletionPolicy: Retain, so that removing it from the stack later "
                    + "leaves the key store alone)");
            }
            final String id = provider.schema().primaryIdentifier();
            if (!t.identifier().containsKey(id) || t.identifier().size() != 1) {
                problems.add(where + ": ResourceIdentifier must be {\"" + id + "\": \"...\"} for " + t.resourceType()
                    + ", got " + t.identifier().keySet());
                continue;
            }
            if (stack != null && stack.resources.containsKey(t.logicalId())) {
                problems.add(where + ": already in stack " + stack.stackName + " (as " + stack.resources.get(
                    t.logicalId()).physicalId + "); choose a logical id the stack does not have");
                continue;
            }
            final String owner = ownerStack.apply(t.resourceType(), t.identifier().get(id));
            if (owner != null) {
                problems.add(where + ": " + t.identifier().get(id) + " already belongs to stack " + owner + " (a "
                    + "resource is in one stack only); remove it from that stack first, with DeletionPolicy: Retain");
                continue;
            }
            importing.add(t.logicalId());
            changes.add(new Change("Import", t.logicalId(), t.identifier().get(id), t.resourceType(), null));
        }
        for (Change c : others) {
            if (!("Add".equals(c.action) && importing.contains(c.logicalId))
                && targets.stream().noneMatch(t -> t.logicalId().equals(c.logicalId))) {
                problems.add(c.logicalId + ": an import change set can only import; this template would also "
                    + c.action.toLowerCase(java.util.Locale.ROOT) + " it. Deploy that change separately, before or "
                    + "after the import");
            }
        }
        if (!outputsChanged.isEmpty()) {
            problems.add("Outputs " + String.join(", ", outputsChanged) + ": an import change set cannot add or "
                + "change outputs (as in CloudFormation); add them in an update after the import");
        }
        if (!problems.isEmpty()) {
            throw new UsageException("the import cannot be done (" + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s") + "; nothing was changed):\n  - " + String.join("\n  - ",
                problems));
        }
        return changes;
    }

    /** The properties CloudFormation sends to the read handler: the template's, with the identifier. */
    static ObjectNode readModel(final JsonNode resolved, final String identifierName, final String identifier) {
        final ObjectNode model = resolved.isObject() ? ((ObjectNode) resolved).deepCopy()
            : Json.MAPPER.createObjectNode();
        model.put(identifierName, identifier);
        return model;
    }
}
