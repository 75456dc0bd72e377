package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.local.runner.ChangeSet.Change;
import com.keyhold.kms.customkeystoreconnection.local.runner.StackState.Operation;
import com.keyhold.kms.customkeystoreconnection.local.runner.StackState.ResourceState;
import com.keyhold.kms.customkeystoreconnection.local.runner.StackState.Step;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
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
 * Local stacks, as CloudFormation runs them: change sets, their execution in dependency order (deletes in
 * reverse), rollback on failure, deletion, drift detection, and recovery of an operation a crash interrupted.
 * Resources are handled one at a time (CloudFormation runs independent ones in parallel).
 * Every step is saved to the state folder before and after it runs, with the in-flight callback context.
 */
public final class StackRunner {
    private static final String STACK_TYPE = "AWS::CloudFormation::Stack";
    /** Create failures that mean nothing was created, so a rollback must not delete (and release) anything. */
    private static final Set<String> NOTHING_CREATED = Set.of("AlreadyExists", "NotFound", "InvalidRequest");
    /** How often an unchanged in-progress message is repeated, in the runner's time. */
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(60);

    private final StateStore store;
    private final ProviderRegistry providers;
    private final Timekeeper time;
    private final PrintStream out;
    private final EventPrinter printer;
    private final String region;
    private final String accountId;

    public StackRunner(final StateStore store, final ProviderRegistry providers, final Timekeeper time,
                       final PrintStream out, final String region, final String accountId) {
        this.store = store;
        this.providers = providers;
        this.time = time;
        this.out = out;
        this.printer = new EventPrinter(out);
        this.region = region;
        this.accountId = accountId;
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
            final Template template = Template.parse(body, templateBody == null ? "the stack's template" : source,
                providers);
            final Map<String, String> parameters = template.parameterValues(overrides,
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
                stack.region = region;
                stack.stackId = "arn:aws:cloudformation:" + region + ":" + accountId + ":stack/" + stackName + "/"
                    + UUID.randomUUID();
                stack.status = "REVIEW_IN_PROGRESS";
                stack.createdAt = now().toString();
            }
            template.checkResolved(liveValues(stack, parameters), providers,
                templateBody == null ? "the stack's template" : source);
            if (newStack) {
                // As CloudFormation: a change set for a new stack creates the stack in REVIEW_IN_PROGRESS.
                store.save(stack);
                event(stack, null, stackName, stackName, STACK_TYPE, "REVIEW_IN_PROGRESS", "User Initiated", false);
            }
            final boolean create = "REVIEW_IN_PROGRESS".equals(stack.status);
            final ChangeSet cs = new ChangeSet();
            cs.changeSetName = changeSetName;
            cs.stackName = stackName;
            cs.changeSetType = create ? "CREATE" : "UPDATE";
            cs.createdAt = now().toString();
            cs.templateBody = body;
            cs.parameters = new TreeMap<>(parameters);
            cs.stackVersion = stack.version;
            cs.changes = ChangeSets.compute(create ? null : stack, template, parameters, providers, pseudo(stack));
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
            final Template template = Template.parse(cs.templateBody, "change set " + changeSetName, providers);
            final Operation op = new Operation();
            op.kind = cs.changeSetType;
            op.changeSetName = changeSetName;
            op.phase = "FORWARD";
            op.startedAt = now().toString();
            op.targetTemplate = cs.templateBody;
            op.targetParameters = new TreeMap<>(cs.parameters);
            stack.resources.forEach((id, r) -> op.before.put(id, r.copy()));
            op.beforeTemplate = stack.templateBody;
            op.beforeParameters = new TreeMap<>(stack.parameters);
            op.beforeOutputs = new LinkedHashMap<>(stack.outputs);
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
            event(stack, op, stackName, stack.stackId, STACK_TYPE, stack.status, "User Initiated", true);
            final StackState done = drive(stack);
            cs.executionStatus = done.status.endsWith("_COMPLETE") && !done.status.contains("ROLLBACK")
                ? "EXECUTE_COMPLETE" : "EXECUTE_FAILED";
            store.save(cs);
            store.deleteChangeSetsExcept(stackName, changeSetName);
            return done;
        }
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
            refuseIfInterrupted(stack);
            final Operation op = new Operation();
            op.kind = "DELETE";
            op.phase = "FORWARD";
            op.startedAt = now().toString();
            stack.resources.forEach((id, r) -> op.before.put(id, r.copy()));
            final List<String> order = dependencyOrder(stack.resources);
            Collections.reverse(order);
            order.forEach(id -> op.steps.add(new Step(id, "DELETE")));
            stack.operation = op;
            stack.status = "DELETE_IN_PROGRESS";
            stack.statusReason = "User Initiated";
            store.save(stack);
            out.println("Deleting stack " + stackName + ":");
            event(stack, op, stackName, stack.stackId, STACK_TYPE, stack.status, "User Initiated", true);
            return drive(stack);
        }
    }

    // ---- recovery --------------------------------------------------------------------------------------------

    /**
     * Continues an operation that a crash interrupted (or a rollback that failed): {@code rollback} false resumes
     * where it stopped (the in-flight resource call continues from its saved callback context), true rolls the
     * operation back instead.
     */
    public StackState recover(final String stackName, final boolean rollback) throws InterruptedException {
        StateStore.checkName("stack name", stackName);
        try (StateStore.Lock ignored = store.lock(stackName)) {
            final StackState stack = requireStack(stackName);
            final Operation op = stack.operation;
            if (op == null) {
                throw new OperationFailedException("stack " + stackName + " is " + stack.status + ": there is no "
                    + "interrupted or failed operation to recover");
            }
            out.println((rollback ? "Rolling back" : "Resuming") + " the " + op.kind + " of stack " + stackName
                + " (" + stack.status + ", phase " + op.phase + (op.current != null ? ", " + op.current.logicalId
                + " " + op.current.action + " in flight" : "") + "):");
            // A rollback that failed is retried step by step.
            op.rollbackSteps.stream().filter(s -> "FAILED".equals(s.status)).forEach(s -> s.status = "PENDING");
            if (rollback && !"ROLLBACK".equals(op.phase)) {
                if ("DELETE".equals(op.kind)) {
                    throw new UsageException("a stack deletion cannot be rolled back; use --resume to finish it");
                }
                if ("CLEANUP".equals(op.phase)) {
                    throw new UsageException("the update of " + stackName + " already succeeded and was cleaning up; "
                        + "use --resume to finish the cleanup");
                }
                final Step current = op.steps.stream().filter(s -> "PENDING".equals(s.status) && !s.cleanup)
                    .findFirst().orElse(null);
                if (current != null && op.current != null && op.current.logicalId.equals(current.logicalId)) {
                    current.status = "FAILED";
                    current.properties = op.current.properties;
                }
                op.current = null;
                startRollback(stack, "the operation was interrupted and rolled back on request (recover-stack)");
            } else if (!"ROLLBACK".equals(op.phase)) {
                stack.status = inProgressStatus(op);
            } else {
                stack.status = "CREATE".equals(op.kind) ? "ROLLBACK_IN_PROGRESS" : "UPDATE_ROLLBACK_IN_PROGRESS";
            }
            store.save(stack);
            event(stack, op, stackName, stack.stackId, STACK_TYPE, stack.status, "Recovery requested", true);
            return drive(stack);
        }
    }

    private static String inProgressStatus(final Operation op) {
        return switch (op.kind) {
            case "CREATE" -> "CREATE_IN_PROGRESS";
            case "DELETE" -> "DELETE_IN_PROGRESS";
            default -> "CLEANUP".equals(op.phase) ? "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS" : "UPDATE_IN_PROGRESS";
        };
    }

    // ---- the engine ------------------------------------------------------------------------------------------

    private StackState drive(final StackState stack) throws InterruptedException {
        final Operation op = stack.operation;
        if ("FORWARD".equals(op.phase)) {
            // By index: a step that turns out to be a replacement appends its cleanup step.
            for (int i = 0; i < op.steps.size(); i++) {
                final Step step = op.steps.get(i);
                if (step.cleanup || !"PENDING".equals(step.status)) {
                    continue;
                }
                final ProviderResult result = runStep(stack, step);
                if (!result.success() && !"DELETE".equals(op.kind)) {
                    startRollback(stack, "The following resource(s) failed to " + verb(step) + ": ["
                        + step.logicalId + "]. " + result.reason());
                    break;
                }
            }
            if ("FORWARD".equals(op.phase)) {
                if ("DELETE".equals(op.kind)) {
                    return finishDelete(stack);
                }
                if (op.steps.stream().anyMatch(s -> s.cleanup && "PENDING".equals(s.status))) {
                    op.phase = "CLEANUP";
                    stack.status = "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS";
                    store.save(stack);
                    event(stack, op, stack.stackName, stack.stackId, STACK_TYPE, stack.status, null, true);
                }
            }
        }
        if ("CLEANUP".equals(op.phase)) {
            for (int i = 0; i < op.steps.size(); i++) {
                final Step step = op.steps.get(i);
                if (step.cleanup && "PENDING".equals(step.status)) {
                    // As in CloudFormation, a failed cleanup does not fail the update: the resource stays in the
                    // stack (DELETE_FAILED) and the next update removes it again.
                    runStep(stack, step);
                }
            }
            return finishForward(stack);
        }
        if ("ROLLBACK".equals(op.phase)) {
            boolean failed = false;
            for (Step step : op.rollbackSteps) {
                if ("PENDING".equals(step.status)) {
                    failed |= !runStep(stack, step).success();
                }
            }
            return failed ? rollbackFailed(stack) : finishRollback(stack);
        }
        return finishForward(stack);
    }

    private static String verb(final Step step) {
        return switch (step.kind) {
            case "CREATE", "REPLACE" -> "create";
            case "UPDATE" -> "update";
            default -> "delete";
        };
    }

    /** Builds the rollback: everything the forward phase did (or was doing), undone in reverse order. */
    private void startRollback(final StackState stack, final String reason) {
        final Operation op = stack.operation;
        op.failure = reason;
        op.phase = "ROLLBACK";
        op.rollbackSteps.clear();
        final List<Step> forward = new ArrayList<>(op.steps.stream().filter(s -> !s.cleanup
            && ("DONE".equals(s.status) || "FAILED".equals(s.status))).toList());
        Collections.reverse(forward);
        for (Step s : forward) {
            final boolean created = "DONE".equals(s.status) || s.errorCode == null
                || !NOTHING_CREATED.contains(s.errorCode);
            switch (s.kind) {
                case "CREATE", "REPLACE" -> {
                    if (created && s.properties != null) {
                        final Step undo = new Step(s.logicalId, "ROLLBACK_DELETE");
                        undo.properties = s.properties;
                        undo.physicalId = s.physicalId;
                        op.rollbackSteps.add(undo);
                    }
                    if ("REPLACE".equals(s.kind)) {
                        op.rollbackSteps.add(new Step(s.logicalId, "ROLLBACK_RESTORE"));
                    }
                }
                case "UPDATE" -> {
                    final ResourceState now = stack.resources.get(s.logicalId);
                    final ResourceState was = op.before.get(s.logicalId);
                    if ("DONE".equals(s.status) && now != null && was != null
                        && !Objects.equals(now.physicalId, was.physicalId)) {
                        // A custom resource replaced itself (new physical id): as CloudFormation, delete the new
                        // one and keep the old, which the cleanup had not reached yet.
                        final Step undo = new Step(s.logicalId, "ROLLBACK_DELETE");
                        undo.properties = now.properties;
                        undo.physicalId = now.physicalId;
                        op.rollbackSteps.add(undo);
                        op.rollbackSteps.add(new Step(s.logicalId, "ROLLBACK_RESTORE"));
                    } else {
                        final Step undo = new Step(s.logicalId, "ROLLBACK_UPDATE");
                        undo.properties = s.properties;
                        op.rollbackSteps.add(undo);
                    }
                }
                default -> {
                }
            }
        }
        stack.status = "CREATE".equals(op.kind) ? "ROLLBACK_IN_PROGRESS" : "UPDATE_ROLLBACK_IN_PROGRESS";
        stack.statusReason = reason;
        store.save(stack);
        event(stack, op, stack.stackName, stack.stackId, STACK_TYPE, stack.status, reason, true);
    }

    /** Runs one step: prepares (or resumes) its resource call, runs it with live events, records the outcome. */
    private ProviderResult runStep(final StackState stack, final Step step) throws InterruptedException {
        final Operation op = stack.operation;
        if ("ROLLBACK_RESTORE".equals(step.kind)) {
            // The replaced resource was never touched: it simply becomes the stack's resource again.
            stack.resources.put(step.logicalId, op.before.get(step.logicalId).copy());
            step.status = "DONE";
            store.save(stack);
            return ProviderResult.success(null);
        }
        ProviderCall call = op.current != null && op.current.logicalId.equals(step.logicalId) ? op.current : null;
        final boolean resumed = call != null;
        final String type;
        if (call == null) {
            call = prepare(stack, step);
            if (call == null) {
                store.save(stack);
                return ProviderResult.success(null);
            }
            op.current = call;
            store.save(stack);
        }
        type = call.resourceType;
        final ResourceProvider provider = providers.find(type);
        final String prefix = call.action + "_";
        final String physical = "CREATE".equals(call.action) ? null : physicalOf(stack, step, call);
        if (provider == null) {
            return recordFailure(stack, step, call, ProviderResult.failed("InvalidRequest",
                providers.unsupportedReason(type)), physical);
        }
        event(stack, op, step.logicalId, physical, type, prefix + "IN_PROGRESS", resumed
            ? "Resumed from the saved callback context" : startReason(step), true);
        final ProgressThrottle throttle = new ProgressThrottle();
        final ProviderCall running = call;
        final ProviderResult result = provider.run(call, (c, message) -> {
            op.current = c;
            store.save(stack);
            if (throttle.shouldPrint(message, now())) {
                event(stack, op, step.logicalId, physical, type, prefix + "IN_PROGRESS", message, true);
            }
        });
        op.current = null;
        if ("DELETE".equals(running.action) && !result.success() && "NotFound".equals(result.errorCode())) {
            // CloudFormation treats a resource that is already gone as deleted.
            return recordSuccess(stack, step, running, ProviderResult.success(null), provider,
                "already gone: " + result.message());
        }
        return result.success() ? recordSuccess(stack, step, running, result, provider, null)
            : recordFailure(stack, step, running, result, physical);
    }

    private static String startReason(final Step step) {
        return switch (step.kind) {
            case "REPLACE" -> "Requested update requires the creation of a new physical resource; hence creating one.";
            case "DELETE_REPLACED" -> "Deleting the resource that was replaced";
            case "ROLLBACK_DELETE" -> "Rollback: deleting the resource this operation created";
            case "ROLLBACK_UPDATE" -> "Rollback: back to the previous properties";
            default -> null;
        };
    }

    private String physicalOf(final StackState stack, final Step step, final ProviderCall call) {
        if (step.physicalId != null) {
            return step.physicalId;
        }
        final ResourceState r = stack.resources.get(step.logicalId);
        if (r != null && r.physicalId != null && !"ROLLBACK_DELETE".equals(step.kind)) {
            return r.physicalId;
        }
        final ResourceProvider provider = providers.find(call.resourceType);
        return provider == null ? null : provider.physicalId(call.properties, null);
    }

    /** The resource call for a step, or null when the step needs none (a retained resource). */
    private ProviderCall prepare(final StackState stack, final Step step) {
        final Operation op = stack.operation;
        final String token = UUID.randomUUID().toString();
        switch (step.kind) {
            case "CREATE", "REPLACE", "UPDATE" -> {
                final Template template = Template.parse(op.targetTemplate, "the change set's template", providers);
                final Template.Resource resource = template.resources().get(step.logicalId);
                final ObjectNode properties = (ObjectNode) Intrinsics.resolve(resource.properties(),
                    liveValues(stack, op.targetParameters));
                step.properties = properties;
                if ("UPDATE".equals(step.kind)) {
                    final ResourceState current = stack.resources.get(step.logicalId);
                    final ResourceProvider provider = providers.find(resource.type());
                    final ResourceSchema schema = provider == null ? null : provider.schema();
                    if (schema != null && schema.createOnly().stream()
                        .anyMatch(p -> !Objects.equals(properties.get(p), current.properties.get(p)))) {
                        // Replacement was Conditional in the change set and turns out True now that Refs are known.
                        step.kind = "REPLACE";
                    } else if (properties.equals(current.properties)) {
                        step.status = "SKIPPED";
                        return null;
                    } else {
                        final ProviderCall call = new ProviderCall("UPDATE", step.logicalId, resource.type(),
                            properties, current.properties, token);
                        call.stackId = stack.stackId;
                        call.physicalId = current.physicalId;
                        return call;
                    }
                }
                if ("REPLACE".equals(step.kind)) {
                    final ResourceState old = stack.resources.get(step.logicalId);
                    final Step cleanup = new Step(step.logicalId, "DELETE_REPLACED");
                    cleanup.cleanup = true;
                    cleanup.physicalId = old.physicalId;
                    cleanup.properties = old.properties;
                    op.steps.add(cleanup);
                }
                final ProviderCall call = new ProviderCall("CREATE", step.logicalId, resource.type(), properties, null,
                    token);
                call.stackId = stack.stackId;
                return call;
            }
            case "DELETE" -> {
                final ResourceState r = stack.resources.get(step.logicalId);
                if (r == null) {
                    step.status = "SKIPPED";
                    return null;
                }
                if (r.retain) {
                    event(stack, op, step.logicalId, r.physicalId, r.type, "DELETE_SKIPPED",
                        "DeletionPolicy: Retain; the key store and its ownership record are left as they are", true);
                    stack.resources.remove(step.logicalId);
                    step.status = "SKIPPED";
                    return null;
                }
                step.physicalId = r.physicalId;
                step.properties = r.properties;
                final ProviderCall call = new ProviderCall("DELETE", step.logicalId, r.type, r.properties, null, token);
                call.stackId = stack.stackId;
                call.physicalId = r.physicalId;
                return call;
            }
            case "DELETE_REPLACED", "ROLLBACK_DELETE" -> {
                final String type = "DELETE_REPLACED".equals(step.kind) ? op.before.get(step.logicalId).type
                    : typeOf(stack, op, step.logicalId);
                final ProviderCall call = new ProviderCall("DELETE", step.logicalId, type, step.properties, null,
                    token);
                call.stackId = stack.stackId;
                call.physicalId = step.physicalId;
                return call;
            }
            case "ROLLBACK_UPDATE" -> {
                final ResourceState before = op.before.get(step.logicalId);
                final ProviderCall call = new ProviderCall("UPDATE", step.logicalId, before.type, before.properties,
                    step.properties, token);
                call.stackId = stack.stackId;
                final ResourceState current = stack.resources.get(step.logicalId);
                call.physicalId = current != null ? current.physicalId : before.physicalId;
                return call;
            }
            default -> throw new IllegalStateException("unknown step " + step.kind);
        }
    }

    private String typeOf(final StackState stack, final Operation op, final String logicalId) {
        if (op.targetTemplate != null) {
            final Template.Resource r = Template.parse(op.targetTemplate, "the change set's template", providers)
                .resources().get(logicalId);
            if (r != null) {
                return r.type();
            }
        }
        return stack.resources.containsKey(logicalId) ? stack.resources.get(logicalId).type
            : op.before.get(logicalId).type;
    }

    private ProviderResult recordSuccess(final StackState stack, final Step step, final ProviderCall call,
                                         final ProviderResult result, final ResourceProvider provider,
                                         final String note) {
        final Operation op = stack.operation;
        step.status = "DONE";
        String physical = null;
        switch (call.action) {
            case "CREATE", "UPDATE" -> {
                final ResourceState r = new ResourceState();
                r.logicalId = step.logicalId;
                r.type = call.resourceType;
                r.properties = call.properties;
                r.attributes = result.model();
                r.physicalId = provider.physicalId(call.properties, result.model());
                r.status = call.action + "_COMPLETE";
                final ResourceState previous = stack.resources.get(step.logicalId);
                if (previous != null) {
                    r.dependsOn = previous.dependsOn;
                    r.retain = previous.retain;
                    if ("UPDATE".equals(step.kind) && previous.physicalId != null && r.physicalId != null
                        && !previous.physicalId.equals(r.physicalId)) {
                        // A custom resource answered an update with a new physical id: CloudFormation's replacement,
                        // after which it deletes the old one during cleanup.
                        final Step cleanup = new Step(step.logicalId, "DELETE_REPLACED");
                        cleanup.cleanup = true;
                        cleanup.physicalId = previous.physicalId;
                        cleanup.properties = previous.properties;
                        op.steps.add(cleanup);
                    }
                }
                if ("ROLLBACK_UPDATE".equals(step.kind)) {
                    final ResourceState before = op.before.get(step.logicalId).copy();
                    before.attributes = result.model() != null ? result.model() : before.attributes;
                    before.status = "UPDATE_COMPLETE";
                    stack.resources.put(step.logicalId, before);
                } else {
                    stack.resources.put(step.logicalId, r);
                }
                physical = r.physicalId;
            }
            default -> {
                physical = physicalOf(stack, step, call);
                // Only the stack's current resource goes: the old one of a replacement is no longer in the map.
                if (!"DELETE_REPLACED".equals(step.kind)) {
                    stack.resources.remove(step.logicalId);
                }
            }
        }
        store.save(stack);
        event(stack, op, step.logicalId, physical, call.resourceType, call.action + "_COMPLETE", note, true);
        return result;
    }

    private ProviderResult recordFailure(final StackState stack, final Step step, final ProviderCall call,
                                         final ProviderResult result, final String physical) {
        final Operation op = stack.operation;
        step.status = "FAILED";
        step.errorCode = result.errorCode();
        op.current = null;
        final ResourceProvider provider = providers.find(call.resourceType);
        if ("CREATE".equals(call.action) && provider != null) {
            step.physicalId = provider.physicalId(call.properties, result.model());
        }
        final ResourceState r = stack.resources.get(step.logicalId);
        if (r != null && !"DELETE_REPLACED".equals(step.kind)) {
            r.status = call.action + "_FAILED";
            r.statusReason = result.reason();
        }
        store.save(stack);
        event(stack, op, step.logicalId, physical, call.resourceType, call.action + "_FAILED", result.reason(), true);
        return result;
    }

    private StackState finishForward(final StackState stack) {
        final Operation op = stack.operation;
        final Template template = Template.parse(op.targetTemplate, "the change set's template", providers);
        // DeletionPolicy and dependencies may change without any property change: take them from the template.
        template.resources().forEach((id, res) -> {
            final ResourceState r = stack.resources.get(id);
            if (r != null) {
                r.retain = res.retain();
                r.dependsOn = new ArrayList<>(res.dependsOn());
            }
        });
        stack.templateBody = op.targetTemplate;
        stack.parameters = new TreeMap<>(op.targetParameters);
        stack.outputs = outputs(stack, template);
        stack.status = "CREATE".equals(op.kind) ? "CREATE_COMPLETE" : "UPDATE_COMPLETE";
        final long failedCleanups = op.steps.stream().filter(s -> s.cleanup && "FAILED".equals(s.status)).count();
        stack.statusReason = failedCleanups == 0 ? null : failedCleanups + " resource(s) could not be deleted during "
            + "cleanup; they stay in the stack and the next update or delete-stack tries again";
        return finish(stack, op);
    }

    private StackState finishRollback(final StackState stack) {
        final Operation op = stack.operation;
        if ("CREATE".equals(op.kind)) {
            stack.resources.clear();
            stack.status = "ROLLBACK_COMPLETE";
        } else {
            stack.resources = new LinkedHashMap<>();
            op.before.forEach((id, r) -> stack.resources.put(id, r.copy()));
            stack.templateBody = op.beforeTemplate;
            stack.parameters = new TreeMap<>(op.beforeParameters);
            stack.outputs = new LinkedHashMap<>(op.beforeOutputs);
            stack.status = "UPDATE_ROLLBACK_COMPLETE";
        }
        stack.statusReason = op.failure;
        return finish(stack, op);
    }

    private StackState rollbackFailed(final StackState stack) {
        final Operation op = stack.operation;
        stack.status = "CREATE".equals(op.kind) ? "ROLLBACK_FAILED" : "UPDATE_ROLLBACK_FAILED";
        stack.statusReason = "The rollback could not undo every change (see the events). Fix the cause, then run "
            + "keyhold recover-stack --stack-name " + stack.stackName + " --resume to retry it.";
        stack.version++;
        store.save(stack);
        event(stack, op, stack.stackName, stack.stackId, STACK_TYPE, stack.status, stack.statusReason, true);
        return stack;
    }

    private StackState finishDelete(final StackState stack) {
        final Operation op = stack.operation;
        if (op.steps.stream().anyMatch(s -> "FAILED".equals(s.status))) {
            stack.status = "DELETE_FAILED";
            stack.statusReason = "The following resource(s) failed to delete: " + op.steps.stream()
                .filter(s -> "FAILED".equals(s.status)).map(s -> s.logicalId).toList() + ". Fix the cause (see the "
                + "events), then run keyhold delete-stack again.";
            return finish(stack, op);
        }
        event(stack, op, stack.stackName, stack.stackId, STACK_TYPE, "DELETE_COMPLETE", null, true);
        stack.status = "DELETE_COMPLETE";
        stack.operation = null;
        store.deleteStack(stack.stackName);
        return stack;
    }

    private StackState finish(final StackState stack, final Operation op) {
        stack.operation = null;
        stack.updatedAt = now().toString();
        stack.version++;
        store.save(stack);
        event(stack, op, stack.stackName, stack.stackId, STACK_TYPE, stack.status,
            stack.status.contains("ROLLBACK") || stack.status.endsWith("FAILED") ? stack.statusReason : null, true);
        return stack;
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
            final ProviderResult result = provider.run(call, ResourceProvider.ProgressListener.NONE);
            if (!result.success()) {
                drifts.add(new Drift(r.logicalId, r.physicalId, r.type,
                    "NotFound".equals(result.errorCode()) ? "DELETED" : "UNKNOWN", List.of(result.reason())));
                continue;
            }
            final List<String> differences = new ArrayList<>();
            r.properties.fields().forEachRemaining(e -> {
                final JsonNode actual = result.model() == null ? null : result.model().get(e.getKey());
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
        return store.load(stackName).orElseThrow(() -> new OperationFailedException("Stack with id " + stackName
            + " does not exist in " + store.dir() + (store.stackNames().isEmpty() ? " (no stacks there)"
            : "; stacks: " + String.join(", ", store.stackNames()))));
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
        final Operation op = stack.operation;
        if (op == null) {
            return null;
        }
        final String where = op.current != null ? " while " + op.current.logicalId + " was " + op.current.action
            + "_IN_PROGRESS (its callback context is saved)" : "";
        if (stack.status.endsWith("_FAILED")) {
            return "stack " + stack.stackName + " is " + stack.status + ": " + stack.statusReason;
        }
        return "stack " + stack.stackName + " is " + stack.status + ": the keyhold process running its " + op.kind
            + " stopped before it finished" + where + ". Run keyhold recover-stack --stack-name " + stack.stackName
            + " --resume to continue it" + ("DELETE".equals(op.kind) || "CLEANUP".equals(op.phase) ? ""
            : ", or --rollback to undo it");
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
            case "CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "REVIEW_IN_PROGRESS" -> {
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

    private Map<String, String> pseudo(final StackState stack) {
        final Map<String, String> pseudo = new TreeMap<>();
        pseudo.put("AWS::Region", stack.region == null ? region : stack.region);
        pseudo.put("AWS::AccountId", accountId);
        pseudo.put("AWS::StackName", stack.stackName);
        pseudo.put("AWS::StackId", stack.stackId);
        pseudo.put("AWS::Partition", "aws");
        pseudo.put("AWS::URLSuffix", "amazonaws.com");
        return pseudo;
    }

    private Intrinsics.Values liveValues(final StackState stack, final Map<String, String> parameters) {
        return Intrinsics.Values.of(parameters, pseudo(stack), stack.resources::get);
    }

    private Map<String, String> outputs(final StackState stack, final Template template) {
        final Map<String, String> outputs = new LinkedHashMap<>();
        final Intrinsics.Values values = liveValues(stack, stack.parameters);
        template.outputs().forEach((name, value) -> {
            final JsonNode resolved = Intrinsics.resolve(value, values);
            outputs.put(name, Intrinsics.isUnresolved(resolved) ? "(unavailable)" : Json.compact(resolved));
        });
        return outputs;
    }

    private Instant now() {
        return time.clock().instant();
    }

    private void event(final StackState stack, final Operation op, final String logicalId, final String physicalId,
                       final String type, final String status, final String reason, final boolean print) {
        final Instant now = now();
        final String elapsed = op == null || op.startedAt == null ? null
            : EventPrinter.elapsed(Duration.between(Instant.parse(op.startedAt), now));
        final StackEvent e = new StackEvent(now.toString(), elapsed, logicalId, physicalId, type, status, reason);
        store.appendEvent(stack.stackName, e);
        if (print) {
            printer.print(e);
        }
    }

    /** Prints an in-progress message when it says something new, or at least once a minute of runner time. */
    private static final class ProgressThrottle {
        private String last;
        private Instant lastAt;

        boolean shouldPrint(final String message, final Instant now) {
            // "CONNECTING for 3m10s" and "CONNECTING for 3m40s" say the same thing: compare without the numbers.
            final String gist = message == null ? "" : message.replaceAll("[0-9]+", "#");
            if (gist.equals(last) && lastAt != null && Duration.between(lastAt, now).compareTo(PROGRESS_EVERY) < 0) {
                return false;
            }
            last = gist;
            lastAt = now;
            return true;
        }
    }
}
