package com.keyhold.kms.customkeystoreconnection.core;

import java.util.ArrayList;
import java.util.List;

/**
 * The key store type's record of a key store, an SSM parameter per key store: which stack's resource manages it, and
 * the version properties Keyhold last sent KMS the secrets under. KMS keeps neither, yet READ must return the
 * versions (drift detection, the contract tests' read after create) and an update decides from them whether a secret
 * goes to KMS. Never a secret: versions only. guides/DESIGN.md (records) has the whole story.
 *
 * @param keyStorePasswordVersion                 the KeyStorePasswordVersion KMS last got the password under
 * @param xksProxyAuthenticationCredentialVersion the XksProxyAuthenticationCredentialVersion of the credential KMS has
 * @param createToken                             the client request token of the create that made the key store, so
 *                                                that a create retried after its answer was lost recognises it
 * @param comeBackTo                              the connection state an update found and must put back: written
 *                                                before Keyhold disconnects the key store, removed once it is back;
 *                                                null when nothing is pending (any later update restores it first)
 * @param reconnectFailure                        the ConnectionErrorCode of the last failed attempt to put it back:
 *                                                an update that changes nothing does not try the same connect again
 * @param spentPasswordVersions                   KeyStorePasswordVersions whose password KMS has used to connect, so
 *                                                rotated (KMS rotates kmsuser's password on every connect): never sent
 *                                                again
 */
public record StoreRecord(String customKeyStoreId,
                          String keyStorePasswordVersion,
                          String xksProxyAuthenticationCredentialVersion,
                          String stackId,
                          String logicalResourceId,
                          String createToken,
                          String updatedAt,
                          TargetState comeBackTo,
                          String reconnectFailure,
                          List<String> spentPasswordVersions) {

    public static final String PATH = "/keyhold/kms/custom-key-store";
    /** Spent versions kept: enough for any rollback, bounded so the parameter stays small. */
    static final int SPENT_KEPT = 10;

    public StoreRecord {
        spentPasswordVersions = spentPasswordVersions == null ? List.of() : List.copyOf(spentPasswordVersions);
    }

    /** A record with nothing pending and no spent password. */
    public StoreRecord(final String customKeyStoreId, final String keyStorePasswordVersion,
                       final String xksProxyAuthenticationCredentialVersion, final String stackId,
                       final String logicalResourceId, final String createToken, final String updatedAt) {
        this(customKeyStoreId, keyStorePasswordVersion, xksProxyAuthenticationCredentialVersion, stackId,
            logicalResourceId, createToken, updatedAt, null, null, List.of());
    }

    /** Whether the password of {@code version} has been used by a connect, so KMS has rotated it. */
    public boolean passwordSpent(final String version) {
        return version != null && spentPasswordVersions.contains(version);
    }

    /** {@code spent} with {@code version} added last (null adds nothing), the oldest dropped past the bound. */
    public static List<String> spending(final List<String> spent, final String version) {
        final List<String> all = new ArrayList<>(spent == null ? List.of() : spent);
        if (version != null && !all.contains(version)) {
            all.add(version);
        }
        return all.size() <= SPENT_KEPT ? all : all.subList(all.size() - SPENT_KEPT, all.size());
    }

    public static String parameterName(final String customKeyStoreId) {
        return PATH + "/" + customKeyStoreId;
    }

    /** Whether the create carrying {@code token} made this key store (CloudFormation keeps one per operation). */
    public boolean createdBy(final String token) {
        return createToken != null && createToken.equals(token);
    }

    /** Whether a request from {@code stackId} and {@code logicalResourceId} is the resource this record names. */
    public boolean names(final String requestStackId, final String requestLogicalId) {
        return Ownership.sameResource(stackId, logicalResourceId, requestStackId, requestLogicalId);
    }

    public String owner() {
        return Ownership.owner(stackId, logicalResourceId);
    }

    /**
     * This record taken over by another resource ({@link RecordedStack}: its stack no longer holds the key store):
     * the same versions and pending state, owned by {@code newStackId}'s {@code newLogicalId}; no create's token.
     */
    public StoreRecord takenOverBy(final String newStackId, final String newLogicalId, final String at) {
        return new StoreRecord(customKeyStoreId, keyStorePasswordVersion, xksProxyAuthenticationCredentialVersion,
            newStackId, newLogicalId, null, at, comeBackTo, reconnectFailure, spentPasswordVersions);
    }

    /** Why a request that is not the record's resource changed nothing, and what to do (update and delete say it). */
    public String notThisResourceMessage(final String requestStackId, final String requestLogicalId) {
        return String.format("%s is managed by another Keyhold::KMS::CustomKeyStore resource: its record %s names %s, "
            + "not this resource (stack %s, logical id %s). Nothing was changed. One key store has one Keyhold owner; "
            + "manage it from that stack, or, if that stack no longer manages it, release the key store with 'aws ssm "
            + "delete-parameter --name %s' and update this stack again.", customKeyStoreId,
            parameterName(customKeyStoreId), owner(), requestStackId, requestLogicalId,
            parameterName(customKeyStoreId));
    }

    /**
     * What an update by a resource that is not the record's reports when KMS already has every property it asks for:
     * it succeeds and changes nothing (the rollback of an update that was refused).
     */
    public String unchangedMessage(final String requestStackId, final String requestLogicalId) {
        return String.format("%s: left untouched. Its record %s names %s, not this resource (stack %s, logical id %s); "
            + "KMS already has every property this update asks for, so it changes nothing in KMS or Parameter "
            + "Store.", customKeyStoreId, parameterName(customKeyStoreId), owner(), requestStackId, requestLogicalId);
    }

    /** What a delete by a resource that is not the record's reports: it succeeds and changes nothing. */
    public String leftAloneMessage(final String requestStackId, final String requestLogicalId) {
        return String.format("%s: left untouched. Its record %s names %s, not this resource (stack %s, logical id %s), "
            + "so deleting this resource changes nothing in KMS or Parameter Store.", customKeyStoreId,
            parameterName(customKeyStoreId), owner(), requestStackId, requestLogicalId);
    }
}
