package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.core.RecordedStack;
import com.keyhold.kms.customkeystoreconnection.local.runner.ChangeSet.Change;
import com.keyhold.kms.customkeystoreconnection.local.runner.StackState.Operation;
import com.keyhold.kms.customkeystoreconnection.local.runner.StackState.ResourceState;
import com.keyhold.kms.customkeystoreconnection.local.runner.StackState.Step;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Local stacks, as CloudFormation runs them: the commands. Change sets are computed here ({@link ChangeSets}) and
 * planned into an operation, which {@link OperationEngine} runs (independent resources at the same time, deletes in
 * reverse dependency order, rollback on failure), one resource operation at a time in {@link ResourceStep};
 * {@link Recovery} continues what a crash interrupted. Every step is saved to the state folder before and after it
 * runs, with its in-flight callback context.
 */
public final class StackRunner {
    private final RunnerContext ctx;
    private final StateStore store;
    private final ProviderRegistry providers;
    private final PrintStream out;
    private final KeyStoreStates keyStores;
    private final OperationEngine engine;
    private final Recovery recovery;

    public StackRunner(final StateStore store, final ProviderRegistry providers, final Timekeeper time,
                       final PrintStream out, final String region, final String accountId) {
        this(store, providers, time, out, region, accountId, KeyStoreStates.UNKNOWN);
    }

    /** @param keyStores reads key store states, to report what a rolled-back operation left changed */
    public StackRunner(final StateStore store, final ProviderRegistry providers, final Timekeeper time,
                       final PrintStream out, final String region, final String accountId,
                       final KeyStoreStates keyStores) {
        this.ctx = new RunnerContext(store, providers, time, out, region, accountId);
        this.store = store;
        this.providers = providers;
        this.out = out;
        this.keyStores = keyStores;
        this.engine = new OperationEngine(ctx, keyStores);
        this.recovery = new Recovery(ctx, engine);
    }

    /** Records {@code target} in the stacks this runner makes (see {@link StackTarget}). */
    public StackRunner boundTo(final StackTarget target) {
        ctx.target = target;
        return this;
    }

    public StateStore store() {
        return store;
    }

    // ---- change sets -----------------------------------------------------------------------------------------

    /**
     * @param templateBody the new template, or null to use the stack's current one
     */
    public ChangeSet createChangeSet(final String stackName, final String changeSetName, final String templateBody,
                                     final String source, final Map<String, String> overrides) {
        return createChangeSet(stackName, changeSetName, templateBody, source, overrides, null);
    }

    /**
     * @param imports the resources to import (an IMPORT change set, see {@link Imports}), or null for CREATE/UPDATE
     */
    public ChangeSet createChangeSet(final String stackName, final String changeSetName, final String templateBody,
                                     final String source, final Map<String, String> overrides,
                                     final List<Imports.Target> imports) {
        StateStore.checkName("stack name", stackName);
        StateStore.checkName("change set name", changeSetName);
        try (StateStore.Lock ignored = store.lock(stackName)) {
            StackState stack = store.load(stackName).orElse(null);
            if (stack != null) {
                refuseUnlessUpdatable(stack, "create a change set for");
            }
            final String body;
            if (templateBody == null) {
                if (stack == null || stack.templateBody == null) {
                    throw new UsageException("--use-previous-template: stack " + stackName + " has no deployed "
                        + "template yet; give --template-file");
                }
                body = stack.templateBody;
            } else {
                body = templateBody;
            }
            final Template parsed = Template.parse(body, templateBody == null ? "the stack's template" : source,
                providers);
            final Map<String, String> parameters = parsed.parameterValues(overrides,
                stack == null ? null : stack.parameters);
            if (store.changeSet(stackName, changeSetName).isPresent()) {
                throw new UsageException("change set " + changeSetName + " already exists for stack " + stackName
                    + "; choose another --change-set-name (existing: " + String.join(", ", store.changeSets(stackName)
                    .stream().map(cs -> cs.changeSetName).toList()) + ")");
            }
            final boolean newStack = stack == null;
            if (newStack) {
                stack = new StackState();
                stack.stackName = stackName;
                stack.region = ctx.region;
                stack.target = ctx.target;
                // Marked as the runner's: CloudFormation never judges its records, nor it CloudFormation's.
                stack.stackId = "arn:aws:cloudformation:" + ctx.region + ":" + ctx.accountId + ":stack/" + stackName
                    + "/" + RecordedStack.LOCAL_STACK_ID_PREFIX + UUID.randomUUID();
                stack.status = "REVIEW_IN_PROGRESS";
                stack.createdAt = ctx.now().toString();
            }
            // The template as these parameter values make it: resources and outputs whose Condition is false go.
            final Template template = parsed.effective(parameters, ctx.pseudo(stack));
            template.checkResolved(ctx.values(stack, template, parameters), providers,
                templateBody == null ? "the stack's template" : source, imports != null);
            final boolean create = "REVIEW_IN_PROGRESS".equals(stack.status);
            final ChangeSet cs = new ChangeSet();
            cs.changeSetName = changeSetName;
            cs.stackName = stackName;
            cs.changeSetType = create ? "CREATE" : "UPDATE";
            cs.createdAt = ctx.now().toString();
            cs.templateBody = body;
            cs.parameters = new TreeMap<>(parameters);
            cs.stackVersion = stack.version;
            final StackState current = stack;
            cs.changes = ChangeSets.compute(create ? null : stack, template, providers,
                resources -> template.values(parameters, ctx.pseudo(current), resources,
                    name -> ctx.importValue(current.stackName, name)));
            if (imports != null) {
                final Set<String> newOutputs = new java.util.TreeSet<>(template.outputs().keySet());
                newOutputs.removeAll(stack.outputs.keySet());
                cs.changeSetType = "IMPORT";
                cs.changes = Imports.changes(imports, create ? null : stack, template,
                    TemplateReader.read(body, source == null ? "the template" : source), providers, cs.changes,
                    newOutputs, (type, id) -> ownerOf(stackName, type, id));
            }
            if (cs.changes.isEmpty() && !create && body.equals(stack.templateBody)
                && parameters.equals(stack.parameters)) {
                cs.status = "FAILED";
                cs.executionStatus = "UNAVAILABLE";
                cs.statusReason = "The submitted information didn't contain changes. Submit different information to "
                    + "create a change set.";
            } else {
                cs.status = "CREATE_COMPLETE";
                cs.executionStatus = "AVAILABLE";
            }
            if (newStack) {
                // As CloudFormation: a change set for a new stack creates the stack in REVIEW_IN_PROGRESS (once the
                // change set is known to be valid: a refused one leaves nothing behind).
                store.save(stack);
                ctx.event(stack, null, stackName, stackName, RunnerContext.STACK_TYPE, "REVIEW_IN_PROGRESS",
                    "User Initiated", false);
            }
            store.save(cs);
            return cs;
        }
    }

    public ChangeSet describeChangeSet(final String stackName, final String changeSetName) {
        final StackState stack = requireStack(stackName);
        final ChangeSet cs = requireChangeSet(stackName, changeSetName);
        if ("AVAILABLE".equals(cs.executionStatus) && cs.stackVersion != stack.version) {
            cs.executionStatus = "OBSOLETE";
            cs.statusReason = "the stack changed after this change set was created";
        }
        return cs;
    }

    /** Executes the change set with live events; returns the stack's final state. */
    public StackState executeChangeSet(final String stackName, final String changeSetName) throws InterruptedException {
        StateStore.checkName("stack name", stackName);
        try (StateStore.Lock ignored = store.lock(stackName)) {
            final StackState stack = requireStack(stackName);
            refuseUnlessUpdatable(stack, "execute a change set on");
            final ChangeSet cs = requireChangeSet(stackName, changeSetName);
            if (!"AVAILABLE".equals(cs.executionStatus)) {
                throw new OperationFailedException("change set " + changeSetName + " cannot be executed: its execution "
                    + "status is " + cs.executionStatus + (cs.statusReason != null ? " (" + cs.statusReason + ")" : ""));
            }
            if (cs.stackVersion != stack.version) {
                cs.executionStatus = "OBSOLETE";
                cs.statusReason = "the stack changed after this change set was created";
                store.save(cs);
                throw new OperationFailedException("change set " + changeSetName + " is OBSOLETE: stack " + stackName
                    + " was updated after it was created. Create a new change set.");
            }
            final Template template = Template.parse(cs.templateBody, "change set " + changeSetName, providers)
                .effective(cs.parameters, ctx.pseudo(stack));
            template.checkDynamicReferences(ctx.values(stack, template, cs.parameters), providers,
                "change set " + changeSetName);
            if ("IMPORT".equals(cs.changeSetType)) {
                final StackState done = executeImport(stack, cs, template);
                cs.executionStatus = "IMPORT_COMPLETE".equals(done.status) ? "EXECUTE_COMPLETE" : "EXECUTE_FAILED";
                store.save(cs);
                store.deleteChangeSetsExcept(stackName, changeSetName);
                return done;
            }
            final Operation op = new Operation();
            op.kind = cs.changeSetType;
            op.changeSetName = changeSetName;
            op.phase = "FORWARD";
            op.startedAt = ctx.now().toString();
            op.targetTemplate = cs.templateBody;
            op.targetParameters = new TreeMap<>(cs.parameters);
            stack.resources.forEach((id, r) -> op.before.put(id, r.copy()));
            op.beforeTemplate = stack.templateBody;
            op.beforeParameters = new TreeMap<>(stack.parameters);
            op.beforeOutputs = new LinkedHashMap<>(stack.outputs);
            op.beforeExports = new LinkedHashMap<>(stack.exports);
            op.keyStoresNamed = new ArrayList<>(keyStoreIds(stack, template, op.targetParameters));
            op.keyStoresBefore = keyStores.now(op.keyStoresNamed);
            stack.leftChanged = new ArrayList<>();
            final Map<String, Change> byId = new LinkedHashMap<>();
            cs.changes.forEach(c -> byId.put(c.logicalId, c));
            for (String id : template.creationOrder()) {
                final Change c = byId.get(id);
                if (c == null) {
                    continue;
                }
                if ("Add".equals(c.action)) {
                    op.steps.add(new Step(id, "CREATE"));
                } else if ("True".equals(c.replacement)) {
                    op.steps.add(new Step(id, "REPLACE"));
                } else {
                    op.steps.add(new Step(id, "UPDATE"));
                }
            }
            for (Change c : cs.changes) {
                if ("Remove".equals(c.action)) {
                    final Step step = new Step(c.logicalId, "DELETE");
                    step.cleanup = true;
                    op.steps.add(step);
                }
            }
            stack.operation = op;
            stack.status = "CREATE".equals(op.kind) ? "CREATE_IN_PROGRESS" : "UPDATE_IN_PROGRESS";
            stack.statusReason = "User Initiated";
            cs.executionStatus = "EXECUTE_IN_PROGRESS";
            store.save(cs);
            store.save(stack);
            out.println("Executing change set " + changeSetName + " on stack " + stackName + ":");
            ctx.stackEvent(stack, op, "User Initiated");
            final StackState done = engine.drive(stack);
            cs.executionStatus = done.status.endsWith("_COMPLETE") && !done.status.contains("ROLLBACK")
                ? "EXECUTE_COMPLETE" : "EXECUTE_FAILED";
            store.save(cs);
            store.deleteChangeSetsExcept(stackName, changeSetName);
            return done;
        }
    }

    /** The other stack of the state folder that has a resource of this type and physical id, or null. */
    private String ownerOf(final String importer, final String type, final String physicalId) {
        for (String name : store.stackNames()) {
            final StackState other = name.equals(importer) ? null : store.load(name).orElse(null);
            if (other != null && other.resources.values().stream().anyMatch(r -> type.equals(r.type)
                && physicalId.equals(r.physicalId))) {
                return name;
            }
        }
        return null;
    }

    /**
     * Imports: calls each resource's read handler with the template's properties and its identifier, and adopts
     * what it reports. Nothing is created, changed or deleted, so a failure only leaves the stack as it was.
     */
    private StackState executeImport(final StackState stack, final ChangeSet cs, final Template template)
        throws InterruptedException {
        final Operation op = new Operation();
        op.kind = "IMPORT";
        op.startedAt = ctx.now().toString();
        final boolean wasNew = "REVIEW_IN_PROGRESS".equals(stack.status);
        stack.status = "IMPORT_IN_PROGRESS";
        stack.statusReason = "User Initiated";
        store.save(stack);
        out.println("Executing change set " + cs.changeSetName + " on stack " + stack.stackName + ":");
        ctx.stackEvent(stack, op, "User Initiated");
        final Intrinsics.Values values = ctx.values(stack, template, cs.parameters);
        final List<String> imported = new ArrayList<>();
        String failure = null;
        for (Change c : cs.changes) {
            final Template.Resource resource = template.resources().get(c.logicalId);
            final ResourceProvider provider = providers.find(c.resourceType);
            final JsonNode resolved = Intrinsics.resolve(resource.properties(), values);
            // Checked again as it runs: another stack may have imported the resource since this change set was made.
            final String owner = ownerOf(stack.stackName, c.resourceType, c.physicalId);
            if (owner != null) {
                failure = c.logicalId + " (" + c.physicalId + ") could not be imported: it already belongs to stack "
                    + owner + " (a resource is in one stack only; it was imported there after this change set was "
                    + "created)";
                ctx.event(stack, op, c.logicalId, c.physicalId, c.resourceType, "IMPORT_FAILED", failure, true);
                break;
            }
            ctx.event(stack, op, c.logicalId, c.physicalId, c.resourceType, "IMPORT_IN_PROGRESS", null, true);
            final ProviderCall call = new ProviderCall("READ", c.logicalId, c.resourceType, Imports.readModel(resolved,
                provider.schema().primaryIdentifier(), c.physicalId), null, UUID.randomUUID().toString());
            call.stackId = stack.stackId;
            call.physicalId = c.physicalId;
            // As in CloudFormation, the stack lists the resource while it is imported (DescribeStackResources).
            final ResourceState importing = new ResourceState();
            importing.logicalId = c.logicalId;
            importing.type = c.resourceType;
            importing.physicalId = c.physicalId;
            importing.status = "IMPORT_IN_PROGRESS";
            stack.resources.put(c.logicalId, importing);
            store.save(stack);
            final ProviderResult result = providers.references().run(provider, call,
                ResourceProvider.ProgressListener.NONE);
            if (!result.success()) {
                stack.resources.remove(c.logicalId);
                failure = c.logicalId + " (" + c.physicalId + ") could not be imported: " + result.errorCode() + ": "
                    + result.reason();
                ctx.event(stack, op, c.logicalId, c.physicalId, c.resourceType, "IMPORT_FAILED", failure, true);
                break;
            }
            final ResourceState r = new ResourceState();
            r.logicalId = c.logicalId;
            r.type = c.resourceType;
            r.physicalId = c.physicalId;
            r.properties = (ObjectNode) resolved;
            r.attributes = result.model();
            r.status = "IMPORT_COMPLETE";
            r.retain = resource.retain();
            r.dependsOn = new ArrayList<>(resource.dependsOn());
            stack.resources.put(c.logicalId, r);
            imported.add(c.logicalId);
            ctx.event(stack, op, c.logicalId, c.physicalId, c.resourceType, "IMPORT_COMPLETE", null, true);
        }
        if (failure != null) {
            imported.forEach(stack.resources::remove);
            stack.status = wasNew ? "ROLLBACK_COMPLETE" : "IMPORT_ROLLBACK_COMPLETE";
            stack.statusReason = failure + ". Nothing was changed; fix the identifier or the template and create "
                + "the import change set again";
        } else {
            stack.templateBody = cs.templateBody;
            stack.parameters = new TreeMap<>(cs.parameters);
            stack.outputs = Outputs.evaluate(ctx, stack, template);
            stack.exports = Outputs.exports(ctx, stack, template);
            stack.status = "IMPORT_COMPLETE";
            stack.statusReason = null;
        }
        stack.updatedAt = ctx.now().toString();
        stack.version++;
        store.save(stack);
        ctx.stackEvent(stack, op, stack.statusReason);
        return stack;
    }

    /** The key stores the operation may touch: those the stack manages now and those the template names. */
    private Set<String> keyStoreIds(final StackState stack, final Template template,
                                    final Map<String, String> parameters) {
        final Set<String> ids = new java.util.TreeSet<>();
        stack.resources.values().stream().map(r -> r.properties == null ? null : r.properties.get(Template
            .KEY_STORE_ID)).filter(v -> v != null && v.isTextual()).forEach(v -> ids.add(v.asText()));
        final Intrinsics.Values values = ctx.values(stack, template, parameters);
        template.resources().values().forEach(r -> {
            final JsonNode id = Intrinsics.resolve(r.properties(), values).get(Template.KEY_STORE_ID);
            if (id != null && id.isTextual() && !Intrinsics.isUnresolved(id)) {
                ids.add(id.asText());
            }
        });
        return ids;
    }

    // ---- delete ----------------------------------------------------------------------------------------------

    /** Deletes the stack's resources in reverse dependency order; returns null once the stack is gone. */
    public StackState deleteStack(final String stackName) throws InterruptedException {
        StateStore.checkName("stack name", stackName);
        try (StateStore.Lock ignored = store.lock(stackName)) {
            final StackState stack = store.load(stackName).orElse(null);
            if (stack == null) {
                out.println("Stack " + stackName + " does not exist; nothing to delete.");
                return null;
            }
            if (!stack.status.endsWith("ROLLBACK_FAILED")) {
                // As CloudFormation: a stack whose rollback failed may be deleted (every resource it holds goes).
                refuseIfInterrupted(stack);
            }
            refuseIfExportsAreImported(stack);
            final Operation op = new Operation();
            op.kind = "DELETE";
            op.phase = "FORWARD";
            op.startedAt = ctx.now().toString();
            stack.resources.forEach((id, r) -> op.before.put(id, r.copy()));
            final List<String> order = dependencyOrder(stack.resources);
            Collections.reverse(order);
            order.forEach(id -> op.steps.add(new Step(id, "DELETE")));
            stack.operation = op;
            stack.status = "DELETE_IN_PROGRESS";
            stack.statusReason = "User Initiated";
            store.save(stack);
            out.println("Deleting stack " + stackName + ":");
            ctx.stackEvent(stack, op, "User Initiated");
            return engine.drive(stack);
        }
    }

    /** As CloudFormation: a stack whose export another stack imports cannot be deleted. */
    private void refuseIfExportsAreImported(final StackState stack) {
        if (stack.exports.isEmpty()) {
            // Nothing to import from it: the other stacks (one of them perhaps damaged) need not be read.
            return;
        }
        final List<String> inUse = new ArrayList<>();
        for (String other : store.stackNames()) {
            if (other.equals(stack.stackName)) {
                continue;
            }
            store.load(other).ifPresent(s -> s.imports.stream().filter(stack.exports::containsKey)
                .forEach(name -> inUse.add("export " + name + " is imported by stack " + other)));
        }
        if (!inUse.isEmpty()) {
            throw new OperationFailedException("stack " + stack.stackName + " cannot be deleted: " + String.join("; ",
                inUse) + ". Delete or update the importing stacks first (Fn::ImportValue); nothing was changed");
        }
    }

    // ---- recovery -------------------------------------------------------------------------------------------

    /**
     * Continues an operation that a crash interrupted (or a rollback that failed): {@code rollback} false resumes
     * where it stopped (each resource call in flight continues from its saved callback context), true rolls the
     * operation back instead.
     */
    public StackState recover(final String stackName, final boolean rollback) throws InterruptedException {
        StateStore.checkName("stack name", stackName);
        try (StateStore.Lock ignored = store.lock(stackName)) {
            return recovery.recover(requireStack(stackName), rollback);
        }
    }

    /**
     * CloudFormation's ContinueUpdateRollback: retries the rollback of a stack in UPDATE_ROLLBACK_FAILED, skipping
     * {@code skip} (logical ids whose rollback failed): each is marked UPDATE_COMPLETE, the stack records its
     * previous properties while the resource keeps what the failed update left, and the stack ends
     * UPDATE_ROLLBACK_COMPLETE once the rest is rolled back.
     */
    public StackState continueUpdateRollback(final String stackName, final List<String> skip)
        throws InterruptedException {
        StateStore.checkName("stack name", stackName);
        try (StateStore.Lock ignored = store.lock(stackName)) {
            final StackState stack = requireStack(stackName);
            if (!"UPDATE_ROLLBACK_FAILED".equals(stack.status) || stack.operation == null) {
                throw new OperationFailedException("stack " + stackName + " is " + stack.status + ": "
                    + "continue-update-rollback applies only to a stack in UPDATE_ROLLBACK_FAILED; nothing was changed");
            }
            final Operation op = stack.operation;
            final List<Step> skippable = op.rollbackSteps.stream().filter(s -> "FAILED".equals(s.status)
                && "ROLLBACK_UPDATE".equals(s.kind)).toList();
            final List<String> unknown = skip.stream().filter(id -> skippable.stream()
                .noneMatch(s -> s.logicalId.equals(id))).toList();
            if (!unknown.isEmpty()) {
                throw new UsageException("--resources-to-skip " + String.join(" ", unknown) + ": only resources whose "
                    + "update rollback failed can be skipped (as in CloudFormation); in stack " + stackName + ": "
                    + (skippable.isEmpty() ? "none" : String.join(" ", skippable.stream().map(s -> s.logicalId)
                    .toList())) + ". Nothing was changed");
            }
            for (Step step : skippable) {
                if (skip.contains(step.logicalId)) {
                    step.status = "SKIPPED";
                    if (op.before.containsKey(step.logicalId)) {
                        op.before.get(step.logicalId).status = "UPDATE_COMPLETE";
                    }
                    final ResourceState r = stack.resources.get(step.logicalId);
                    final String id = r == null ? null : r.physicalId;
                    final String seen = id == null ? null : keyStores.now(List.of(id)).get(id);
                    // The stack now records properties the key store may not have: say what it is, and how back.
                    ctx.event(stack, op, step.logicalId, id, r == null ? null : r.type, "UPDATE_COMPLETE",
                        "Skipped by continue-update-rollback: the resource keeps what the failed update left"
                            + (seen == null ? "" : " (key store " + id + " is " + seen + " now)")
                            + ", while the stack records its previous properties, so a deploy of the same template "
                            + "finds nothing to change. To put it back: `keyhold detect-stack-drift` shows what "
                            + "differs; set the key store to what the stack records (`aws kms connect-custom-key-store"
                            + " --custom-key-store-id " + id + "`, or disconnect-custom-key-store), or deploy the "
                            + "property changed and then back", true);
                }
            }
            return recovery.recover(stack, false);
        }
    }

    // ---- drift -----------------------------------------------------------------------------------------------

    /** One resource's drift. */
    public record Drift(String logicalId, String physicalId, String type, String status, List<String> differences) {
    }

    /** Reads every resource and compares with the last deployed properties, as CloudFormation's drift detection. */
    public List<Drift> detectDrift(final String stackName) throws InterruptedException {
        final StackState stack = requireStack(stackName);
        final String warning = statusWarning(stack);
        if (warning != null) {
            throw new OperationFailedException(warning);
        }
        final List<Drift> drifts = new ArrayList<>();
        for (ResourceState r : stack.resources.values()) {
            final ResourceProvider provider = providers.find(r.type);
            if (provider == null || provider.schema() == null) {
                drifts.add(new Drift(r.logicalId, r.physicalId, r.type, "NOT_CHECKED", List.of()));
                continue;
            }
            final ProviderCall call = new ProviderCall("READ", r.logicalId, r.type, r.properties, null,
                UUID.randomUUID().toString());
            call.stackId = stack.stackId;
            call.physicalId = r.physicalId;
            final ProviderResult result = providers.references().run(provider, call,
                ResourceProvider.ProgressListener.NONE);
            if (!result.success()) {
                drifts.add(new Drift(r.logicalId, r.physicalId, r.type,
                    "NotFound".equals(result.errorCode()) ? "DELETED" : "UNKNOWN", List.of(result.reason())));
                continue;
            }
            final List<String> differences = new ArrayList<>();
            // A secret is never read back: CloudFormation's drift detection skips write-only values too.
            final ObjectNode reported = result.model() == null ? null : provider.schema().withoutWriteOnly(result.model());
            provider.schema().withoutWriteOnly(r.properties).fields().forEachRemaining(e -> {
                if (DynamicReferences.contains(e.getValue())) {
                    // CloudFormation does not detect drift on dynamic references.
                    return;
                }
                final JsonNode actual = reported == null ? null : reported.get(e.getKey());
                if (!Objects.equals(e.getValue(), actual)) {
                    differences.add(e.getKey() + ": expected " + Json.compact(e.getValue()) + ", actual "
                        + Json.compact(actual));
                }
            });
            drifts.add(new Drift(r.logicalId, r.physicalId, r.type, differences.isEmpty() ? "IN_SYNC" : "MODIFIED",
                differences));
        }
        return drifts;
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    public StackState requireStack(final String stackName) {
        StateStore.checkName("stack name", stackName);
        final StackState stack = store.load(stackName).orElseThrow(() -> new OperationFailedException("Stack with id " + stackName
            + " does not exist in " + store.dir() + (store.stackNames().isEmpty() ? " (no stacks there)"
            : "; stacks: " + String.join(", ", store.stackNames()))));
        StackTarget.adopt(stack, ctx.target);
        return stack;
    }

    private ChangeSet requireChangeSet(final String stackName, final String changeSetName) {
        StateStore.checkName("change set name", changeSetName);
        return store.changeSet(stackName, changeSetName).orElseThrow(() -> new OperationFailedException(
            "change set " + changeSetName + " does not exist for stack " + stackName + "; change sets: "
                + (store.changeSets(stackName).isEmpty() ? "(none)" : String.join(", ", store.changeSets(stackName)
                .stream().map(cs -> cs.changeSetName).toList()))));
    }

    /** An operation that did not finish: the message says what happened and which command recovers. */
    public static String interruptedMessage(final StackState stack) {
        return Recovery.interruptedMessage(stack);
    }

    /**
     * What an operator must know before reading or acting on the stack: another command is working on it right now,
     * or an operation did not finish (see {@link #interruptedMessage}); null when neither.
     */
    public String statusWarning(final StackState stack) {
        if (stack.inProgress() && store.busy(stack.stackName)) {
            return "stack " + stack.stackName + " is " + stack.status + ": another keyhold command is running its "
                + (stack.operation != null ? stack.operation.kind : "operation") + " right now (it holds "
                + store.dir().resolve("stacks").resolve(stack.stackName).resolve(".lock") + "). Watch it with "
                + "keyhold describe-stack-events --stack-name " + stack.stackName + ", or wait for it to finish";
        }
        return interruptedMessage(stack);
    }

    /** For commands that hold the stack's lock: only an interrupted operation can stand in their way. */
    private static void refuseIfInterrupted(final StackState stack) {
        final String message = interruptedMessage(stack);
        if (message != null) {
            throw new OperationFailedException(message);
        }
    }

    private static void refuseUnlessUpdatable(final StackState stack, final String what) {
        refuseIfInterrupted(stack);
        switch (stack.status) {
            case "CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "REVIEW_IN_PROGRESS", "IMPORT_COMPLETE",
                 "IMPORT_ROLLBACK_COMPLETE" -> {
            }
            case "ROLLBACK_COMPLETE" -> throw new OperationFailedException("stack " + stack.stackName
                + " is ROLLBACK_COMPLETE (its creation failed and was rolled back: " + stack.statusReason + "). It can "
                + "only be deleted: keyhold delete-stack --stack-name " + stack.stackName + ", then deploy again.");
            default -> throw new OperationFailedException("cannot " + what + " stack " + stack.stackName
                + " in state " + stack.status + (stack.statusReason != null ? " (" + stack.statusReason + ")" : "")
                + "; delete it with keyhold delete-stack --stack-name " + stack.stackName);
        }
    }

    /** The resources in an order where each comes after what it depends on. */
    static List<String> dependencyOrder(final Map<String, ResourceState> resources) {
        final List<String> order = new ArrayList<>();
        final Set<String> seen = new LinkedHashSet<>();
        for (String id : resources.keySet()) {
            visit(id, resources, seen, order);
        }
        return order;
    }

    private static void visit(final String id, final Map<String, ResourceState> resources, final Set<String> seen,
                              final List<String> order) {
        if (!seen.add(id)) {
            return;
        }
        for (String dep : resources.get(id).dependsOn) {
            if (resources.containsKey(dep)) {
                visit(dep, resources, seen, order);
            }
        }
        order.add(id);
    }
}
