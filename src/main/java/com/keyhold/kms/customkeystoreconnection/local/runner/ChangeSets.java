package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.local.runner.ChangeSet.Change;
import com.keyhold.kms.customkeystoreconnection.local.runner.ChangeSet.PropertyChange;
import com.keyhold.kms.customkeystoreconnection.local.runner.StackState.ResourceState;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * Computes a change set as CloudFormation does: Add for new logical ids, Remove for dropped ones, Modify where the
 * resolved properties differ, with Replacement True when a create-only property changes (False otherwise,
 * Conditional when it depends on a resource that is itself added or replaced), and prints it as a table.
 */
public final class ChangeSets {
    /** How a secret's value is shown, as CloudFormation shows NoEcho parameters. */
    static final String MASK = "****";

    private ChangeSets() {
    }

    /**
     * @param stack the stack as it is (null or without resources for a new stack)
     * @param template the template as the change set's parameter values make it ({@link Template#effective})
     * @param valuesFor the values to resolve against, given how to find the stack's resources
     */
    public static List<Change> compute(final StackState stack, final Template template,
                                       final ProviderRegistry providers,
                                       final Function<Function<String, ResourceState>, Intrinsics.Values> valuesFor) {
        final Map<String, ResourceState> current = stack == null ? Map.of() : stack.resources;
        final List<Change> changes = new ArrayList<>();
        // Resources whose physical id will be new: a Ref to them is known only after execution.
        final Set<String> renewed = new LinkedHashSet<>();
        final Intrinsics.Values values = valuesFor.apply(
            logicalId -> renewed.contains(logicalId) ? null : current.get(logicalId));
        for (String id : template.creationOrder()) {
            final Template.Resource resource = template.resources().get(id);
            final ResourceState old = current.get(id);
            final JsonNode resolved = Intrinsics.resolve(resource.properties(), values);
            if (old == null) {
                changes.add(new Change("Add", id, null, resource.type(), null));
                renewed.add(id);
                continue;
            }
            if (!old.type.equals(resource.type())) {
                final Change change = new Change("Modify", id, old.physicalId, resource.type(), "True");
                change.details.add(new PropertyChange("Type", old.type, resource.type(), "Always"));
                changes.add(change);
                renewed.add(id);
                continue;
            }
            final ResourceProvider provider = providers.find(resource.type());
            final ResourceSchema schema = provider == null ? null : provider.schema();
            final Change change = modification(id, old, (ObjectNode) resolved, schema);
            if (change != null) {
                changes.add(change);
                if ("True".equals(change.replacement)) {
                    renewed.add(id);
                }
            }
        }
        final List<String> removed = new ArrayList<>();
        current.keySet().stream().filter(id -> !template.resources().containsKey(id)).forEach(removed::add);
        Collections.reverse(removed);
        for (String id : removed) {
            final ResourceState old = current.get(id);
            changes.add(new Change("Remove", id, old.physicalId, old.type, null));
        }
        return changes;
    }

    private static Change modification(final String id, final ResourceState old, final ObjectNode resolved,
                                       final ResourceSchema schema) {
        final Set<String> names = new LinkedHashSet<>();
        resolved.fieldNames().forEachRemaining(names::add);
        if (old.properties != null) {
            old.properties.fieldNames().forEachRemaining(names::add);
        }
        final List<PropertyChange> details = new ArrayList<>();
        for (String name : names) {
            final JsonNode before = old.properties == null ? null : old.properties.get(name);
            final JsonNode after = resolved.get(name);
            if (Objects.equals(before, after)) {
                continue;
            }
            final boolean createOnly = schema != null && schema.createOnly().contains(name);
            final String recreation = !createOnly ? "Never"
                : Intrinsics.isUnresolved(after) ? "Conditional" : "Always";
            // A write-only value is a secret (often a NoEcho parameter's): the change set says that it changes, not to
            // what; the other members of an object holding one (an AccessKeyId) are shown.
            final PropertyChange detail = new PropertyChange(name,
                Json.compact(schema == null ? before : schema.masked(name, before, MASK)),
                Intrinsics.display(schema == null ? after : schema.masked(name, after, MASK)), recreation);
            if (KeyStoreDisconnects.TYPE.equals(old.type) && !createOnly) {
                detail.requiresDisconnect = KeyStoreDisconnects.forProperty(name, old.properties, resolved);
            }
            details.add(detail);
        }
        if (details.isEmpty()) {
            return null;
        }
        final String replacement = details.stream().anyMatch(d -> d.requiresRecreation.equals("Always")) ? "True"
            : details.stream().anyMatch(d -> d.requiresRecreation.equals("Conditional")) ? "Conditional" : "False";
        final Change change = new Change("Modify", id, old.physicalId, old.type, replacement);
        change.details.addAll(details);
        return change;
    }

    /** The change set as a table, then one line per changed property. */
    public static void print(final ChangeSet cs, final PrintStream out) {
        out.println("Change set " + cs.changeSetName + " for stack " + cs.stackName + " (" + cs.changeSetType + "): "
            + cs.status + ", execution " + cs.executionStatus
            + (cs.statusReason != null ? " - " + cs.statusReason : ""));
        if (cs.changes.isEmpty()) {
            out.println("  (no resource changes)");
            return;
        }
        final List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"Action", "LogicalResourceId", "PhysicalResourceId", "ResourceType", "Replacement",
            "Changed properties"});
        for (Change c : cs.changes) {
            rows.add(new String[]{c.action, c.logicalId, c.physicalId == null ? "-" : c.physicalId, c.resourceType,
                c.replacement == null ? "-" : c.replacement,
                c.details.isEmpty() ? "-" : String.join(", ", c.details.stream().map(d -> d.name).toList())});
        }
        Table.print(rows, out);
        for (Change c : cs.changes) {
            for (PropertyChange d : c.details) {
                out.println("  " + c.logicalId + "." + d.name + ": " + d.before + " -> " + d.after
                    + " (requires recreation: " + d.requiresRecreation
                    + (d.requiresDisconnect != null ? "; requires disconnect: " + d.requiresDisconnect : "") + ")");
            }
        }
    }
}
