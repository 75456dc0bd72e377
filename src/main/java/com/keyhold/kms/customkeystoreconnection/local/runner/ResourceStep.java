package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.local.runner.StackState.Operation;
import com.keyhold.kms.customkeystoreconnection.local.runner.StackState.ResourceState;
import com.keyhold.kms.customkeystoreconnection.local.runner.StackState.Step;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * One resource operation, top to bottom: prepare the resource call (or resume the saved one), run it through the
 * resource type's provider with live in-progress events, and record the outcome on the stack. Every change is saved
 * before the next call, so a crash can resume from the saved callback context.
 */
final class ResourceStep {
    /** How often an unchanged in-progress message is repeated, in the runner's time. */
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(60);

    private final RunnerContext ctx;

    ResourceStep(final RunnerContext ctx) {
        this.ctx = ctx;
    }

    /** Runs one step of the stack's operation; true when it succeeded (or needed no call). */
    boolean run(final StackState stack, final Step step) throws InterruptedException {
        final Operation op = stack.operation;
        if ("ROLLBACK_RESTORE".equals(step.kind)) {
            // The replaced resource was never touched: it simply becomes the stack's resource again.
            stack.resources.put(step.logicalId, op.before.get(step.logicalId).copy());
            step.status = "DONE";
            ctx.store.save(stack);
            return true;
        }
        final boolean resumed = step.call != null;
        if (!resumed) {
            final ProviderCall call;
            try {
                call = prepare(stack, step);
            } catch (UsageException e) {
                // A value that cannot be resolved now (an export that went away since the change set): the
                // resource fails, and the operation rolls back, as in CloudFormation.
                step.status = "FAILED";
                step.errorCode = "InvalidRequest";
                step.reason = "InvalidRequest: " + e.getMessage();
                ctx.store.save(stack);
                ctx.event(stack, op, step.logicalId, null, typeOf(stack, op, step.logicalId), verbOf(step)
                    + "_FAILED", step.reason, true);
                return false;
            }
            if (call == null) {
                ctx.store.save(stack);
                return true;
            }
            // Saved before the first invocation, with its token: a crash from here on resumes this very call.
            step.call = call;
            ctx.store.save(stack);
        }
        final ProviderCall call = step.call;
        final String type = call.resourceType;
        final ResourceProvider provider = ctx.providers.find(type);
        final String prefix = call.action + "_";
        final String physical = "CREATE".equals(call.action) ? null : physicalOf(stack, step, call);
        if (provider == null) {
            return recordFailure(stack, step, call, ProviderResult.failed("InvalidRequest",
                ctx.providers.unsupportedReason(type)), physical);
        }
        ctx.event(stack, op, step.logicalId, physical, type, prefix + "IN_PROGRESS", resumed
            ? "Resumed from the saved callback context" : startReason(step, call), true);
        final ProgressThrottle throttle = new ProgressThrottle();
        final ProviderResult result;
        try {
            // Dynamic references are read now, for this call only: the saved call keeps the references.
            result = ctx.providers.references().run(provider, call, (c, message) -> {
                step.call = c;
                ctx.store.save(stack);
                if (throttle.shouldPrint(message, ctx.now())) {
                    ctx.event(stack, op, step.logicalId, physical, type, prefix + "IN_PROGRESS", message, true);
                }
            });
        } catch (UsageException e) {
            // A secret or parameter that went away (or changed type) since the check: the resource fails, as in
            // CloudFormation, and the operation rolls back.
            return recordFailure(stack, step, call, ProviderResult.failed("InvalidRequest", e.getMessage()),
                physical);
        }
        step.call = null;
        if ("REPLACE".equals(step.kind) && "DELETE".equals(call.action)
            && (result.success() || "NotFound".equals(result.errorCode()))) {
            // The old resource of a delete-then-create replacement is gone: now the new one.
            step.oldDeleted = true;
            stack.resources.remove(step.logicalId);
            ctx.store.save(stack);
            ctx.event(stack, op, step.logicalId, physical, type, "DELETE_COMPLETE", result.success() ? null
                : "already gone: " + result.message(), true);
            return run(stack, step);
        }
        if ("DELETE".equals(call.action) && !result.success() && "NotFound".equals(result.errorCode())) {
            // CloudFormation treats a resource that is already gone as deleted.
            return recordSuccess(stack, step, call, ProviderResult.success(null), provider,
                "already gone: " + result.message());
        }
        return result.success() ? recordSuccess(stack, step, call, result, provider, null)
            : recordFailure(stack, step, call, result, physical);
    }

    private static String verbOf(final Step step) {
        return switch (step.kind) {
            case "CREATE", "REPLACE", "ROLLBACK_RECREATE" -> "CREATE";
            case "UPDATE", "ROLLBACK_UPDATE" -> "UPDATE";
            default -> "DELETE";
        };
    }

    private static String startReason(final Step step, final ProviderCall call) {
        if ("REPLACE".equals(step.kind) && "DELETE".equals(call.action)) {
            return "Requested update requires replacement; the type's replacementStrategy is delete_then_create, so "
                + "the old resource is deleted first";
        }
        return switch (step.kind) {
            case "ROLLBACK_RECREATE" -> "Rollback: creating again the resource that the replacement deleted";
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
        final ResourceProvider provider = ctx.providers.find(call.resourceType);
        return provider == null ? null : provider.physicalId(call.properties, null);
    }

    /** The resource call for a step, or null when the step needs none (unchanged, or a retained resource). */
    private ProviderCall prepare(final StackState stack, final Step step) {
        final Operation op = stack.operation;
        final String token = UUID.randomUUID().toString();
        switch (step.kind) {
            case "CREATE", "REPLACE", "UPDATE" -> {
                final Template template = ctx.targetTemplate(stack);
                final Template.Resource resource = template.resources().get(step.logicalId);
                final ObjectNode properties = (ObjectNode) Intrinsics.resolve(resource.properties(),
                    ctx.values(stack, template, op.targetParameters));
                step.properties = properties;
                if ("UPDATE".equals(step.kind)) {
                    final ResourceState current = stack.resources.get(step.logicalId);
                    final ResourceProvider provider = ctx.providers.find(resource.type());
                    final ResourceSchema schema = provider == null ? null : provider.schema();
                    if (schema != null && schema.createOnly().stream()
                        .anyMatch(p -> !Objects.equals(properties.get(p), current.properties.get(p)))) {
                        // Replacement was Conditional in the change set and turns out True now that Refs are known.
                        step.kind = "REPLACE";
                    } else if (properties.equals(current.properties)) {
                        step.status = "SKIPPED";
                        return null;
                    } else {
                        final ProviderCall call = call("UPDATE", stack, step, resource.type(), properties,
                            current.properties, token);
                        call.physicalId = current.physicalId;
                        return call;
                    }
                }
                if ("REPLACE".equals(step.kind)) {
                    final ResourceState old = stack.resources.get(step.logicalId);
                    final ResourceProvider provider = ctx.providers.find(resource.type());
                    if (provider != null && provider.schema() != null && provider.schema().deletesBeforeReplacing()) {
                        if (!step.oldDeleted) {
                            // replacementStrategy delete_then_create: the old one goes first, as a stack delete.
                            step.properties = null;
                            final ProviderCall call = call("DELETE", stack, step, old.type, old.properties, null, token);
                            call.physicalId = old.physicalId;
                            return call;
                        }
                    } else {
                        op.steps.add(cleanup(step.logicalId, old));
                    }
                }
                return call("CREATE", stack, step, resource.type(), properties, null, token);
            }
            case "DELETE" -> {
                final ResourceState r = stack.resources.get(step.logicalId);
                if (r == null) {
                    step.status = "SKIPPED";
                    return null;
                }
                if (r.retain) {
                    ctx.event(stack, op, step.logicalId, r.physicalId, r.type, "DELETE_SKIPPED",
                        "DeletionPolicy: Retain; the key store and its ownership record are left as they are", true);
                    stack.resources.remove(step.logicalId);
                    step.status = "SKIPPED";
                    return null;
                }
                step.physicalId = r.physicalId;
                step.properties = r.properties;
                final ProviderCall call = call("DELETE", stack, step, r.type, r.properties, null, token);
                call.physicalId = r.physicalId;
                return call;
            }
            case "DELETE_REPLACED", "ROLLBACK_DELETE" -> {
                final String type = "DELETE_REPLACED".equals(step.kind) ? op.before.get(step.logicalId).type
                    : typeOf(stack, op, step.logicalId);
                final ProviderCall call = call("DELETE", stack, step, type, step.properties, null, token);
                call.physicalId = step.physicalId;
                return call;
            }
            case "ROLLBACK_RECREATE" -> {
                final ResourceState before = op.before.get(step.logicalId);
                step.properties = before.properties;
                return call("CREATE", stack, step, before.type, before.properties, null, token);
            }
            case "ROLLBACK_UPDATE" -> {
                final ResourceState before = op.before.get(step.logicalId);
                final ProviderCall call = call("UPDATE", stack, step, before.type, before.properties,
                    step.properties, token);
                final ResourceState current = stack.resources.get(step.logicalId);
                call.physicalId = current != null ? current.physicalId : before.physicalId;
                return call;
            }
            default -> throw new IllegalStateException("unknown step " + step.kind);
        }
    }

    private static ProviderCall call(final String action, final StackState stack, final Step step, final String type,
                                     final ObjectNode properties, final ObjectNode previous, final String token) {
        final ProviderCall call = new ProviderCall(action, step.logicalId, type, properties, previous, token);
        call.stackId = stack.stackId;
        return call;
    }

    /** The cleanup step that deletes the old physical resource of a replacement, after everything else. */
    private static Step cleanup(final String logicalId, final ResourceState old) {
        final Step cleanup = new Step(logicalId, "DELETE_REPLACED");
        cleanup.cleanup = true;
        cleanup.physicalId = old.physicalId;
        cleanup.properties = old.properties;
        return cleanup;
    }

    private String typeOf(final StackState stack, final Operation op, final String logicalId) {
        if (op.targetTemplate != null) {
            final Template.Resource r = ctx.targetTemplate(stack).resources().get(logicalId);
            if (r != null) {
                return r.type();
            }
        }
        return stack.resources.containsKey(logicalId) ? stack.resources.get(logicalId).type
            : op.before.get(logicalId).type;
    }

    private boolean recordSuccess(final StackState stack, final Step step, final ProviderCall call,
                                  final ProviderResult result, final ResourceProvider provider, final String note) {
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
                        op.steps.add(cleanup(step.logicalId, previous));
                    }
                }
                if ("ROLLBACK_RECREATE".equals(step.kind)) {
                    // The previous resource is back under a new physical id: the rollback restores it with that one.
                    final ResourceState before = op.before.get(step.logicalId);
                    before.physicalId = r.physicalId;
                    before.attributes = r.attributes;
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
        ctx.store.save(stack);
        ctx.event(stack, op, step.logicalId, physical, call.resourceType, call.action + "_COMPLETE", note, true);
        return true;
    }

    private boolean recordFailure(final StackState stack, final Step step, final ProviderCall call,
                                  final ProviderResult result, final String physical) {
        final Operation op = stack.operation;
        step.status = "FAILED";
        step.errorCode = result.errorCode();
        step.reason = result.reason();
        step.call = null;
        final ResourceProvider provider = ctx.providers.find(call.resourceType);
        if ("CREATE".equals(call.action) && provider != null) {
            step.physicalId = provider.physicalId(call.properties, result.model());
        }
        final ResourceState r = stack.resources.get(step.logicalId);
        if (r != null && !"DELETE_REPLACED".equals(step.kind)) {
            r.status = call.action + "_FAILED";
            r.statusReason = result.reason();
        }
        ctx.store.save(stack);
        ctx.event(stack, op, step.logicalId, physical, call.resourceType, call.action + "_FAILED", result.reason(),
            true);
        return false;
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
