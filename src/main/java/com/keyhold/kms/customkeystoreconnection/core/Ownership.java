package com.keyhold.kms.customkeystoreconnection.core;

import java.util.Objects;
import java.util.Optional;

/**
 * Whether a request may act on a key store: the one ownership rule that both entry points (the registry handlers and
 * the custom resource) apply before an update, a delete or a read acts, and again before they rewrite or release the
 * record. Existence of a record is not enough: it must name the request's own resource.
 *
 * <table>
 *   <caption>Verdicts</caption>
 *   <tr><th>request</th><th>ownership record</th><th>verdict</th></tr>
 *   <tr><td>any</td><td>none</td><td>UNMANAGED</td></tr>
 *   <tr><td>stack S, logical id L</td><td>names S and L</td><td>OWNER</td></tr>
 *   <tr><td>stack S, logical id L</td><td>names S and another logical id</td><td>ANOTHER_RESOURCE</td></tr>
 *   <tr><td>stack S, logical id L</td><td>names another stack (or no stack)</td><td>ANOTHER_RESOURCE</td></tr>
 *   <tr><td>stack S, logical id L, S holds the key store as L</td><td>names a resource its stack no longer holds
 *   (CloudFormation, {@link RecordedStack}; or no stack)</td><td>STALE_RECORD: taken over</td></tr>
 *   <tr><td>no stack id</td><td>any record</td><td>OWNER</td></tr>
 * </table>
 *
 * <p>ANOTHER_RESOURCE changes nothing in KMS or Parameter Store. It is what CloudFormation's rollback Delete of a
 * create that failed AlreadyExists meets, and a stale stack whose record was released and claimed by another stack,
 * and the second of two resources in one template that name the same key store.
 *
 * <p>A request without a stack id does not come from a stack: the Cloud Control API or the CloudFormation CLI's
 * contract tests. Its caller invokes the handler with its own credentials and could call KMS directly, so it keeps
 * the behaviour it had before the identity check: it acts on any record, and an update keeps the record's owner.
 * Conversely a record written without a stack id (created through Cloud Control) belongs to no stack, and no stack
 * request may act on it.
 *
 * @param record            the record found, or null when there is none
 * @param stackId           the request's stack id, null when it comes from no stack
 * @param logicalResourceId the request's logical id
 * @param note              why a record naming another resource was (STALE_RECORD) or was not taken over, for the
 *                          messages; null before CloudFormation was asked
 */
public record Ownership(Verdict verdict, String customKeyStoreId, OwnershipRecord record, String stackId,
                        String logicalResourceId, String note) {

    public enum Verdict {
        /** No ownership record: no Keyhold resource manages the key store (never created, or already deleted). */
        UNMANAGED,
        /** The record names the request's stack and logical id (or the request comes from no stack). */
        OWNER,
        /** The record names another resource: the request changes nothing. */
        ANOTHER_RESOURCE,
        /**
         * The record names another resource that its stack no longer holds, and this request's stack holds the key
         * store ({@link RecordedStack}): the request takes the record over, saying so ({@link #note}).
         */
        STALE_RECORD
    }

    /** The verdict for a request from {@code stackId} (null: from no stack) and {@code logicalResourceId}. */
    public static Ownership decide(final String customKeyStoreId, final Optional<OwnershipRecord> found,
                                   final String stackId, final String logicalResourceId) {
        final OwnershipRecord record = found.orElse(null);
        final Verdict verdict;
        if (record == null) {
            verdict = Verdict.UNMANAGED;
        } else if (sameResource(record.stackId(), record.logicalResourceId(), stackId, logicalResourceId)) {
            verdict = Verdict.OWNER;
        } else {
            verdict = Verdict.ANOTHER_RESOURCE;
        }
        return new Ownership(verdict, customKeyStoreId, record, stackId, logicalResourceId, null);
    }

    /**
     * This verdict once CloudFormation was asked whether the record's stack still holds the key store: STALE_RECORD
     * when this request's resource may take the record over, else ANOTHER_RESOURCE with the reason in its messages.
     */
    public Ownership checked(final RecordedStack.Check check) {
        return new Ownership(check.takeOver() ? Verdict.STALE_RECORD : verdict, customKeyStoreId, record, stackId,
            logicalResourceId, check.reason());
    }

    /** The record this request's resource takes over: the same desired state, owned by this request's resource. */
    public OwnershipRecord takenOver(final String token, final String at) {
        return new OwnershipRecord(customKeyStoreId, record.connectionState(), record.connectionStateOnDelete(),
            stackId, logicalResourceId, token, at);
    }

    private String noted() {
        return note == null ? "" : note;
    }

    /**
     * The identity rule for any Keyhold record: whether a request from {@code stackId} (null: from no stack) and
     * {@code logicalResourceId} is the resource a record naming {@code recordStackId} and {@code recordLogicalId}
     * belongs to. The key store type's store records follow it too.
     */
    public static boolean sameResource(final String recordStackId, final String recordLogicalId, final String stackId,
                                       final String logicalResourceId) {
        return stackId == null
            || stackId.equals(recordStackId) && Objects.equals(logicalResourceId, recordLogicalId);
    }

    /** Who a record names, for messages: a stack and logical id, or no stack for a record written outside one. */
    public static String owner(final String recordStackId, final String recordLogicalId) {
        return recordStackId == null ? "no stack (the record was written outside any stack, through the Cloud Control "
            + "API or the contract tests)"
            : String.format("stack %s (logical id %s)", recordStackId, recordLogicalId);
    }

    /**
     * The record, when the request owns it; otherwise NotFound (an update or a read of a resource that is not this
     * request's), saying whose the key store is and what to do.
     */
    public OwnershipRecord owned(final String region) {
        switch (verdict) {
            case OWNER:
            case STALE_RECORD:
                return record;
            case UNMANAGED:
                throw new KeyholdFailureException(FailureKind.NotFound,
                    OwnershipRecord.notManagedMessage(customKeyStoreId, region));
            default:
                throw new KeyholdFailureException(FailureKind.NotFound, notThisResourceMessage());
        }
    }

    /** NotFound text for an update or read by a resource that does not own the key store. */
    public String notThisResourceMessage() {
        return String.format("%s is not this resource's key store: its ownership record %s names %s, not this "
            + "resource (stack %s, logical id %s). Nothing was changed. This happens when a create of this resource "
            + "failed AlreadyExists, when the record was released and another stack claimed the key store, or when two "
            + "resources declare the same key store. Manage the key store from its owner; to stop declaring it here, "
            + "remove this resource from the template (its delete then leaves the key store and that record alone).",
            customKeyStoreId, OwnershipRecord.parameterName(customKeyStoreId), record.owner(), stackId,
            logicalResourceId) + noted();
    }

    /**
     * What an update by a resource that does not own the key store reports when the key store already is in
     * {@code state}: it succeeds and changes nothing (the rollback of an update that was refused).
     */
    public String unchangedMessage(final String state) {
        return String.format("%s is already %s: left untouched. Its ownership record names %s, not this resource "
            + "(stack %s, logical id %s); this update asks for nothing KMS does not already have, so it changes "
            + "nothing in KMS or Parameter Store.", customKeyStoreId, state, record.owner(), stackId,
            logicalResourceId) + noted();
    }

    /** What a delete by a resource that does not own the key store reports: it succeeds and changes nothing. */
    public String leftAloneMessage() {
        return String.format("%s: left untouched. Its ownership record names %s, not this resource (stack %s, "
            + "logical id %s), so deleting this resource changes nothing in KMS or Parameter Store.",
            customKeyStoreId, record.owner(), stackId, logicalResourceId) + noted();
    }
}
