package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.keyhold.kms.customkeystoreconnection.local.runner.StackState.Operation;
import com.keyhold.kms.customkeystoreconnection.local.runner.StackState.Step;
import java.util.List;
import java.util.stream.Stream;

/**
 * What happens after a keyhold process stopped mid-operation: how the stack reports it, and {@code recover-stack}
 * resuming the operation (every resource call in flight continues from its saved callback context) or rolling it
 * back (the calls in flight count as failed).
 */
final class Recovery {
    private final RunnerContext ctx;
    private final OperationEngine engine;

    Recovery(final RunnerContext ctx, final OperationEngine engine) {
        this.ctx = ctx;
        this.engine = engine;
    }

    /** Call with the stack's lock held. */
    StackState recover(final StackState stack, final boolean rollback) throws InterruptedException {
        final Operation op = stack.operation;
        if (op == null) {
            throw new OperationFailedException("stack " + stack.stackName + " is " + stack.status + ": there is no "
                + "interrupted or failed operation to recover");
        }
        adoptLegacyCall(op);
        final List<Step> inFlight = inFlight(op);
        ctx.out.println((rollback ? "Rolling back" : "Resuming") + " the " + op.kind + " of stack " + stack.stackName
            + " (" + stack.status + ", phase " + op.phase + (inFlight.isEmpty() ? "" : ", " + String.join(", ",
            inFlight.stream().map(s -> s.logicalId + " " + s.call.action).toList()) + " in flight") + "):");
        // A rollback that failed is retried step by step.
        op.rollbackSteps.stream().filter(s -> "FAILED".equals(s.status)).forEach(s -> s.status = "PENDING");
        if (rollback && !"ROLLBACK".equals(op.phase)) {
            if ("DELETE".equals(op.kind)) {
                throw new UsageException("a stack deletion cannot be rolled back; use --resume to finish it");
            }
            if ("CLEANUP".equals(op.phase)) {
                throw new UsageException("the update of " + stack.stackName + " already succeeded and was cleaning "
                    + "up; use --resume to finish the cleanup");
            }
            // The calls in flight count as failed: the rollback undoes them from the properties they sent.
            for (Step step : inFlight) {
                step.status = "FAILED";
                step.properties = step.call.properties;
                step.call = null;
            }
            engine.startRollback(stack, "the operation was interrupted and rolled back on request (recover-stack)");
        } else if (!"ROLLBACK".equals(op.phase)) {
            stack.status = inProgressStatus(op);
        } else {
            stack.status = "CREATE".equals(op.kind) ? "ROLLBACK_IN_PROGRESS" : "UPDATE_ROLLBACK_IN_PROGRESS";
        }
        ctx.store.save(stack);
        ctx.stackEvent(stack, op, "Recovery requested");
        return engine.drive(stack);
    }

    private static String inProgressStatus(final Operation op) {
        return switch (op.kind) {
            case "CREATE" -> "CREATE_IN_PROGRESS";
            case "DELETE" -> "DELETE_IN_PROGRESS";
            default -> "CLEANUP".equals(op.phase) ? "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS" : "UPDATE_IN_PROGRESS";
        };
    }

    /** A state folder written by a version that ran one resource at a time keeps its call on the operation. */
    private static void adoptLegacyCall(final Operation op) {
        if (op.current == null) {
            return;
        }
        Stream.concat(op.steps.stream(), op.rollbackSteps.stream())
            .filter(s -> "PENDING".equals(s.status) && s.call == null && s.logicalId.equals(op.current.logicalId))
            .findFirst().ifPresent(s -> s.call = op.current);
        op.current = null;
    }

    private static List<Step> inFlight(final Operation op) {
        return Stream.concat(op.steps.stream(), op.rollbackSteps.stream())
            .filter(s -> "PENDING".equals(s.status) && s.call != null).toList();
    }

    /** An operation that did not finish: the message says what happened and which command recovers. */
    static String interruptedMessage(final StackState stack) {
        final Operation op = stack.operation;
        if (op == null) {
            return null;
        }
        if (stack.status.endsWith("_FAILED")) {
            return "stack " + stack.stackName + " is " + stack.status + ": " + stack.statusReason;
        }
        adoptLegacyCall(op);
        final List<Step> inFlight = inFlight(op);
        final String where = inFlight.isEmpty() ? "" : " while " + String.join(" and ", inFlight.stream()
            .map(s -> s.logicalId + " was " + s.call.action + "_IN_PROGRESS").toList())
            + (inFlight.size() == 1 ? " (its callback context is saved)" : " (their callback contexts are saved)");
        return "stack " + stack.stackName + " is " + stack.status + ": the keyhold process running its " + op.kind
            + " stopped before it finished" + where + ". Run keyhold recover-stack --stack-name " + stack.stackName
            + " --resume to continue it" + ("DELETE".equals(op.kind) || "CLEANUP".equals(op.phase) ? ""
            : ", or --rollback to undo it");
    }
}
