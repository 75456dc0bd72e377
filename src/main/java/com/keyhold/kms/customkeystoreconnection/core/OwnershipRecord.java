package com.keyhold.kms.customkeystoreconnection.core;

/**
 * The trace that a stack manages a key store: an SSM parameter per key store. KMS keeps none, yet
 * CloudFormation's contract needs one (AlreadyExists on a second create, NotFound after delete).
 *
 * @param connectionStateOnDelete as the template gave it; null when omitted (UNCHANGED)
 * @param clientRequestToken      of the create that claimed it, so a retried create recognises its own claim
 */
public record OwnershipRecord(String customKeyStoreId,
                              String connectionState,
                              String connectionStateOnDelete,
                              String stackId,
                              String logicalResourceId,
                              String clientRequestToken,
                              String updatedAt) {

    public static final String PATH = "/keyhold/kms/custom-key-store-connection";

    public static String parameterName(final String customKeyStoreId) {
        return PATH + "/" + customKeyStoreId;
    }

    /**
     * Whether this record was written by the operation carrying {@code token}: CloudFormation keeps one client
     * request token for all invocations of one operation, so a create that lost its response finds its own claim,
     * while any other create, even from the same stack, meets an owner.
     */
    public boolean claimedBy(final String token) {
        return clientRequestToken != null && clientRequestToken.equals(token);
    }

    /**
     * The same owner with a new desired state and the operation now working on it: an update never changes who owns
     * the key store (a request from no stack may update a stack's key store without taking it over).
     */
    public OwnershipRecord updated(final String newConnectionState, final String newConnectionStateOnDelete,
                                   final String token, final String at) {
        return new OwnershipRecord(customKeyStoreId, newConnectionState, newConnectionStateOnDelete, stackId,
            logicalResourceId, token, at);
    }

    /** Who owns the key store, for messages: a stack and logical id, or no stack for a record written outside one. */
    public String owner() {
        return Ownership.owner(stackId, logicalResourceId);
    }

    /** NotFound: no record for this key store, so no stack manages it (both entry points use this text). */
    public static String notManagedMessage(final String customKeyStoreId, final String region) {
        return String.format("%s is not managed by Keyhold in Region %s: there is no ownership record %s. It was never "
            + "created by a stack, or its resource was deleted.", customKeyStoreId, region,
            parameterName(customKeyStoreId));
    }

    public String alreadyOwnedMessage() {
        return String.format("%s is already managed by %s. One key store can have only one "
            + "Keyhold owner. Remove the resource from that stack (or delete that stack). If that stack no longer "
            + "holds it (deleted, or the resource retained), import the key store into this stack instead of "
            + "creating it: its first update or delete takes the record over (guides/OPERATIONS.md, moving a key "
            + "store between stacks). Deleting the record by hand ('aws ssm delete-parameter --name %s') also drops "
            + "its ConnectionStateOnDelete.",
            customKeyStoreId, owner(), parameterName(customKeyStoreId));
    }
}
