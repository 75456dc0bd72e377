package com.keyhold.kms.customkeystoreconnection.core;

import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * Whether a Keyhold record that names another resource is stale, so that the request's resource may take it over:
 * CloudFormation moves resources between stacks (DeletionPolicy: Retain and import, stack refactoring, a stack deleted
 * and created again), and its DescribeStackResources says who holds one now. A record is stale when the stack it
 * names no longer holds that logical id with this physical id (the stack is gone, the resource is no longer in it,
 * or it was deleted or retained there), or when it names no stack at all. The request's resource takes it over only
 * when its own stack holds the resource with this physical id: a create that failed AlreadyExists gave CloudFormation
 * no physical id, so its rollback delete never takes a key store over. Anything CloudFormation does not answer
 * plainly leaves the record as it is: the refusal stands, with the reason added.
 */
public final class RecordedStack {
    /** The permission the check needs, named in the refusal when it is denied. */
    public static final String PERMISSION = "cloudformation:DescribeStackResources";
    /**
     * How the last part of a stack id made by Keyhold's local runner begins. CloudFormation knows nothing of those
     * stacks (and the runner nothing of CloudFormation's), so neither can call the other's record stale.
     */
    public static final String LOCAL_STACK_ID_PREFIX = "keyhold-local-";
    /** Statuses of a resource a stack lists but no longer holds. */
    private static final Set<String> LET_GO = Set.of("DELETE_COMPLETE", "DELETE_SKIPPED");

    /**
     * The verdict: {@code takeOver} true when the request's resource may take the record over; {@code reason} says
     * why (for the takeover event), or why the record stands (appended to the refusal), or is null when the recorded
     * stack still holds the resource.
     */
    public record Check(boolean takeOver, String reason) {
    }

    private RecordedStack() {
    }

    /**
     * @param recordStackId   the stack the record names (null: written outside any stack)
     * @param recordLogicalId the logical id the record names
     * @param stackId         the request's stack id
     * @param logicalId       the request's logical id
     * @param physicalId      the key store id (both types' physical id)
     */
    public static Check check(final StackResourcesPort stacks, final String recordStackId, final String recordLogicalId,
                              final String stackId, final String logicalId, final String physicalId) {
        return check(stacks, recordStackId, recordLogicalId, stackId, logicalId, physicalId, false);
    }

    /**
     * As above; with {@code failWhenUndecided} (a delete, whose refusal is a quiet success that drops the key store
     * from the stack), CloudFormation not answering is a retriable failure instead of a refusal.
     */
    public static Check check(final StackResourcesPort stacks, final String recordStackId, final String recordLogicalId,
                              final String stackId, final String logicalId, final String physicalId,
                              final boolean failWhenUndecided) {
        if (stackId == null) {
            return new Check(false, null);
        }
        if (recordStackId != null) {
            final String elsewhere = elsewhere(recordStackId, stackId);
            if (elsewhere != null) {
                return new Check(false, " The record is not taken over: " + elsewhere + ".");
            }
        }
        final String why;
        try {
            // This stack first: a resource it does not hold (the rollback of a create that failed AlreadyExists)
            // leaves the record alone whatever CloudFormation says of the other stack.
            if (!holds(stacks.find(stackId, logicalId), physicalId)) {
                return new Check(false, String.format(" This stack does not hold %s under %s, so the record is not "
                    + "taken over.", physicalId, logicalId));
            }
            if (recordStackId != null) {
                final Optional<StackResourcesPort.Listed> recorded = stacks.find(recordStackId, recordLogicalId);
                if (holds(recorded, physicalId)) {
                    return new Check(false, null);
                }
                why = recorded.isEmpty() ? String.format("stack %s no longer exists or no longer lists %s",
                    recordStackId, recordLogicalId) : String.format("stack %s lists %s as %s %s", recordStackId,
                    recordLogicalId, recorded.get().physicalResourceId(), recorded.get().resourceStatus());
            } else {
                why = "the record names no stack (it was written through the Cloud Control API or the contract tests)";
            }
        } catch (AwsServiceException e) {
            final String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if (code != null && code.startsWith("AccessDenied")) {
                return new Check(false, String.format(" Keyhold could not ask CloudFormation whether %s still holds "
                    + "the key store: DescribeStackResources was denied (%s). Allow %s to the handler's role (the "
                    + "type's execution role): a record whose stack no longer holds the key store is then taken over "
                    + "by the stack that does.", Ownership.owner(recordStackId, recordLogicalId), code, PERMISSION));
            }
            return undecided(recordStackId, recordLogicalId, code + " " + (e.awsErrorDetails() == null
                ? e.getMessage() : e.awsErrorDetails().errorMessage()), failWhenUndecided);
        } catch (RuntimeException e) {
            return undecided(recordStackId, recordLogicalId, e.getMessage(), failWhenUndecided);
        }
        return new Check(true, String.format("%s: taking its record over from %s: %s, and this stack (%s) holds "
            + "it as %s (CloudFormation's DescribeStackResources).", physicalId,
            Ownership.owner(recordStackId, recordLogicalId), why, stackId, logicalId));
    }

    /**
     * CloudFormation did not answer (throttled, failing, unreachable): the refusal stands, saying to try again; for a
     * delete a retriable failure instead, never a quiet success that would drop the key store from this stack with
     * its ConnectionStateOnDelete unapplied.
     */
    private static Check undecided(final String recordStackId, final String recordLogicalId, final String answer,
                                   final boolean fail) {
        final String message = String.format("Keyhold could not ask CloudFormation whether %s still holds the key "
            + "store (DescribeStackResources: %s).", Ownership.owner(recordStackId, recordLogicalId), answer);
        if (fail) {
            throw new KeyholdFailureException(FailureKind.ServiceInternalError, message + " Nothing was changed; "
                + "retry the delete (for a stack: delete it again).");
        }
        return new Check(false, " " + message + " Try again.");
    }

    /**
     * Why the record's stack cannot be judged from the request's, or null when it can: a stack id of another
     * partition, account or Region, or one side made by Keyhold's local runner and the other by CloudFormation.
     */
    static String elsewhere(final String recordStackId, final String stackId) {
        final String[] recorded = recordStackId.split(":", 6);
        final String[] requesting = stackId.split(":", 6);
        if (recorded.length != 6 || requesting.length != 6) {
            return String.format("stack id %s or %s is not a CloudFormation stack ARN", recordStackId, stackId);
        }
        for (int part = 1; part <= 4; part++) {
            if (!recorded[part].equals(requesting[part])) {
                return String.format("stack %s is in another partition, account or Region than this stack (%s)",
                    recordStackId, stackId);
            }
        }
        if (isLocal(recordStackId) != isLocal(stackId)) {
            return String.format("stack %s was made by %s and this stack by %s, which cannot see each other's stacks",
                recordStackId, isLocal(recordStackId) ? "Keyhold's local runner" : "CloudFormation",
                isLocal(stackId) ? "Keyhold's local runner" : "CloudFormation");
        }
        return null;
    }

    private static boolean isLocal(final String stackId) {
        return stackId.substring(stackId.lastIndexOf('/') + 1).startsWith(LOCAL_STACK_ID_PREFIX);
    }

    private static boolean holds(final Optional<StackResourcesPort.Listed> listed, final String physicalId) {
        return listed.isPresent() && physicalId != null && physicalId.equals(listed.get().physicalResourceId())
            && !LET_GO.contains(listed.get().resourceStatus());
    }
}
