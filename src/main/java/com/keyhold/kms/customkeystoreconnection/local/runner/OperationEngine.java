package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.keyhold.kms.customkeystoreconnection.local.runner.StackState.Operation;
import com.keyhold.kms.customkeystoreconnection.local.runner.StackState.ResourceState;
import com.keyhold.kms.customkeystoreconnection.local.runner.StackState.Step;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Runs a stack operation through its phases, as CloudFormation does: the forward phase (creates and updates in
 * dependency order, independent resources at the same time), the cleanup of an update (removals and replaced
 * resources, in reverse dependency order), or on a failure the rollback; then the stack's final state.
 */
final class OperationEngine {
    /** Create failures that mean nothing was created, so a rollback must not delete (and release) anything. */
    private static final Set<String> NOTHING_CREATED = Set.of("AlreadyExists", "NotFound", "InvalidRequest");

    private final RunnerContext ctx;
    private final ResourceStep resourceStep;
    private final StepScheduler scheduler;
    private final KeyStoreStates keyStores;

    OperationEngine(final RunnerContext ctx, final KeyStoreStates keyStores) {
        this.ctx = ctx;
        this.resourceStep = new ResourceStep(ctx);
        this.scheduler = new StepScheduler(ctx.time);
        this.keyStores = keyStores;
    }

    /** Runs the stack's operation from wherever it is to its end; returns the stack's final state. */
    StackState drive(final StackState stack) throws InterruptedException {
        final Operation op = stack.operation;
        if ("FORWARD".equals(op.phase)) {
            final List<Step> forward = op.steps.stream().filter(s -> !s.cleanup).toList();
            final boolean delete = "DELETE".equals(op.kind);
            final boolean ok = run(stack, forward, !delete, !delete);
            if (delete) {
                return finishDelete(stack);
            }
            if (!ok) {
                final List<Step> failed = forward.stream().filter(s -> "FAILED".equals(s.status)).toList();
                startRollback(stack, "The following resource(s) failed to " + verb(failed.get(0)) + ": "
                    + failed.stream().map(s -> s.logicalId).toList() + ". " + failed.get(0).reason);
            } else if (op.steps.stream().anyMatch(s -> s.cleanup && "PENDING".equals(s.status))) {
                op.phase = "CLEANUP";
                stack.status = "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS";
                ctx.store.save(stack);
                ctx.stackEvent(stack, op, null);
            }
        }
        if ("CLEANUP".equals(op.phase)) {
            // As in CloudFormation, a failed cleanup does not fail the update: the resource stays in the stack
            // (DELETE_FAILED) and the next update removes it again.
            run(stack, op.steps.stream().filter(s -> s.cleanup).toList(), false, false);
            return finishForward(stack);
        }
        if ("ROLLBACK".equals(op.phase)) {
            final boolean ok = run(stack, op.rollbackSteps, false, false);
            return ok && op.rollbackSteps.stream().allMatch(StepScheduler::done) ? finishRollback(stack)
                : rollbackFailed(stack);
        }
        return finishForward(stack);
    }

    private boolean run(final StackState stack, final List<Step> steps, final boolean inDependencyOrder,
                        final boolean stopOnFailure) throws InterruptedException {
        final Map<String, Set<String>> dependsOn = dependencies(stack);
        final java.util.function.Function<String, Collection<String>> deps =
            id -> dependsOn.getOrDefault(id, Set.of());
        return scheduler.run(steps, inDependencyOrder ? StepScheduler.forward(steps, deps)
            : StepScheduler.reverse(steps, deps), step -> resourceStep.run(stack, step), stopOnFailure);
    }

    /** What each resource depends on: in the target template, the stack now, and the stack before. */
    private Map<String, Set<String>> dependencies(final StackState stack) {
        final Operation op = stack.operation;
        final Map<String, Set<String>> deps = new LinkedHashMap<>();
        if (op.targetTemplate != null) {
            ctx.targetTemplate(stack).resources().forEach((id, r) ->
                deps.computeIfAbsent(id, k -> new HashSet<>()).addAll(r.dependsOn()));
        }
        for (Map<String, ResourceState> resources : List.of(stack.resources, op.before)) {
            resources.forEach((id, r) -> deps.computeIfAbsent(id, k -> new HashSet<>()).addAll(r.dependsOn));
        }
        return deps;
    }

    private static String verb(final Step step) {
        return switch (step.kind) {
            case "CREATE", "REPLACE" -> "create";
            case "UPDATE" -> "update";
            default -> "delete";
        };
    }

    /** Builds the rollback: everything the forward phase did (or was doing), undone in reverse order. */
    void startRollback(final StackState stack, final String reason) {
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
                        op.rollbackSteps.add(undo(s.logicalId, "ROLLBACK_DELETE", s.properties, s.physicalId));
                    }
                    if ("REPLACE".equals(s.kind)) {
                        // Under delete_then_create the old resource is gone once deleted: create it again.
                        op.rollbackSteps.add(new Step(s.logicalId, s.oldDeleted ? "ROLLBACK_RECREATE"
                            : "ROLLBACK_RESTORE"));
                    }
                }
                case "UPDATE" -> {
                    final ResourceState now = stack.resources.get(s.logicalId);
                    final ResourceState was = op.before.get(s.logicalId);
                    if ("DONE".equals(s.status) && now != null && was != null
                        && !Objects.equals(now.physicalId, was.physicalId)) {
                        // A custom resource replaced itself (new physical id): as CloudFormation, delete the new
                        // one and keep the old, which the cleanup had not reached yet.
                        op.rollbackSteps.add(undo(s.logicalId, "ROLLBACK_DELETE", now.properties, now.physicalId));
                        op.rollbackSteps.add(new Step(s.logicalId, "ROLLBACK_RESTORE"));
                    } else {
                        op.rollbackSteps.add(undo(s.logicalId, "ROLLBACK_UPDATE", s.properties, null));
                    }
                }
                default -> {
                }
            }
        }
        stack.status = "CREATE".equals(op.kind) ? "ROLLBACK_IN_PROGRESS" : "UPDATE_ROLLBACK_IN_PROGRESS";
        stack.statusReason = reason;
        ctx.store.save(stack);
        ctx.stackEvent(stack, op, reason);
    }

    private static Step undo(final String logicalId, final String kind, final com.fasterxml.jackson.databind.node
        .ObjectNode properties, final String physicalId) {
        final Step undo = new Step(logicalId, kind);
        undo.properties = properties;
        undo.physicalId = physicalId;
        return undo;
    }

    private StackState finishForward(final StackState stack) {
        final Operation op = stack.operation;
        final Template template = ctx.targetTemplate(stack);
        // DeletionPolicy and dependencies may change without any property change: take them from the template.
        // Resources are listed in template order, whatever order they finished in.
        final Map<String, ResourceState> ordered = new LinkedHashMap<>();
        template.resources().forEach((id, res) -> {
            final ResourceState r = stack.resources.get(id);
            if (r != null) {
                r.retain = res.retain();
                r.dependsOn = new ArrayList<>(res.dependsOn());
                ordered.put(id, r);
            }
        });
        stack.resources.forEach(ordered::putIfAbsent);
        stack.resources = ordered;
        stack.templateBody = op.targetTemplate;
        stack.parameters = new TreeMap<>(op.targetParameters);
        stack.outputs = Outputs.evaluate(ctx, stack, template);
        stack.exports = Outputs.exports(ctx, stack, template);
        stack.imports = Outputs.imports(ctx, stack, template);
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
            stack.exports = new LinkedHashMap<>(op.beforeExports);
            stack.status = "UPDATE_ROLLBACK_COMPLETE";
        }
        stack.statusReason = op.failure;
        stack.leftChanged = keyStores.changedSince(op.keyStoresNamed, op.keyStoresBefore);
        return finish(stack, op);
    }

    private StackState rollbackFailed(final StackState stack) {
        final Operation op = stack.operation;
        stack.status = "CREATE".equals(op.kind) ? "ROLLBACK_FAILED" : "UPDATE_ROLLBACK_FAILED";
        stack.statusReason = "The rollback could not undo every change (see the events). Fix the cause, then run "
            + "keyhold recover-stack --stack-name " + stack.stackName + " --resume to retry it"
            + ("CREATE".equals(op.kind) ? "" : " (or keyhold continue-update-rollback --stack-name " + stack.stackName
            + " --resources-to-skip <logical ids> to leave those resources as the failed update left them)")
            + ", or keyhold delete-stack --stack-name " + stack.stackName + ".";
        stack.version++;
        ctx.store.save(stack);
        ctx.stackEvent(stack, op, stack.statusReason);
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
        ctx.event(stack, op, stack.stackName, stack.stackId, RunnerContext.STACK_TYPE, "DELETE_COMPLETE", null, true);
        stack.status = "DELETE_COMPLETE";
        stack.operation = null;
        ctx.store.deleteStack(stack.stackName);
        return stack;
    }

    private StackState finish(final StackState stack, final Operation op) {
        stack.operation = null;
        stack.updatedAt = ctx.now().toString();
        stack.version++;
        ctx.store.save(stack);
        ctx.stackEvent(stack, op,
            stack.status.contains("ROLLBACK") || stack.status.endsWith("FAILED") ? stack.statusReason : null);
        return stack;
    }
}
