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
        if (stackId == null) {
            return new Check(false, null);
        }
        final String why;
        try {
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
            if (!holds(stacks.find(stackId, logicalId), physicalId)) {
                return new Check(false, String.format(" The record is stale (%s), but this stack does not hold %s "
                    + "under %s either, so it is not taken over.", why, physicalId, logicalId));
            }
        } catch (AwsServiceException e) {
            final String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            if (e.statusCode() == 403 || code != null && code.contains("AccessDenied")) {
                return new Check(false, String.format(" Keyhold could not ask CloudFormation whether %s still holds "
                    + "the key store: DescribeStackResources was denied (%s). Allow %s to the handler's role (the "
                    + "type's execution role): a record whose stack no longer holds the key store is then taken over "
                    + "by the stack that does.", Ownership.owner(recordStackId, recordLogicalId), code, PERMISSION));
            }
            return new Check(false, String.format(" Keyhold could not ask CloudFormation whether %s still holds the "
                + "key store (DescribeStackResources: %s %s); try again.", Ownership.owner(recordStackId,
                recordLogicalId), code, e.awsErrorDetails() == null ? e.getMessage()
                : e.awsErrorDetails().errorMessage()));
        } catch (RuntimeException e) {
            return new Check(false, String.format(" Keyhold could not ask CloudFormation whether %s still holds the "
                + "key store (DescribeStackResources: %s); try again.", Ownership.owner(recordStackId,
                recordLogicalId), e.getMessage()));
        }
        return new Check(true, String.format("%s: taking its record over from %s: %s, and this stack (%s) holds "
            + "it as %s (CloudFormation's DescribeStackResources).", physicalId,
            Ownership.owner(recordStackId, recordLogicalId), why, stackId, logicalId));
    }

    private static boolean holds(final Optional<StackResourcesPort.Listed> listed, final String physicalId) {
        return listed.isPresent() && physicalId != null && physicalId.equals(listed.get().physicalResourceId())
            && !LET_GO.contains(listed.get().resourceStatus());
    }
}
