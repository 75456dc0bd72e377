package com.keyhold.kms.customkeystoreconnection.aws;

import com.keyhold.kms.customkeystoreconnection.core.ErrorTranslator;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CreateCustomKeyStoreRequest;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreNotFoundException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;
import software.amazon.awssdk.services.kms.model.DeleteCustomKeyStoreRequest;
import software.amazon.awssdk.services.kms.model.DescribeCustomKeyStoresRequest;
import software.amazon.awssdk.services.kms.model.DescribeCustomKeyStoresResponse;
import software.amazon.awssdk.services.kms.model.DescribeKeyRequest;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.ListKeysRequest;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;
import software.amazon.awssdk.services.kms.model.NotFoundException;
import software.amazon.awssdk.services.kms.model.UpdateCustomKeyStoreRequest;

/**
 * The key store type's KMS calls: a key store's configuration (create, update, delete, describe, list) and the keys
 * it holds. The client is built on first use, like {@link KmsKeyStores}. Requests carrying secrets are built by the
 * caller and passed through unchanged; nothing here logs or keeps them.
 */
public final class KmsKeyStoreAdmin {
    /** ListKeys' largest page. */
    static final int KEYS_PAGE = 1000;

    private final Supplier<KmsClient> kms;
    private final AwsInvoker invoker;

    public KmsKeyStoreAdmin(final Supplier<KmsClient> kms, final AwsInvoker invoker) {
        this.kms = kms;
        this.invoker = invoker;
    }

    /** CreateCustomKeyStore; returns the new key store's id. */
    public String create(final CreateCustomKeyStoreRequest request) {
        return invoker.invoke(request, call -> kms.get().createCustomKeyStore(call)).customKeyStoreId();
    }

    public void update(final UpdateCustomKeyStoreRequest request) {
        KmsKeyStores.requireId(request.customKeyStoreId());
        invoker.invoke(request, call -> kms.get().updateCustomKeyStore(call));
    }

    public void delete(final String customKeyStoreId) {
        KmsKeyStores.requireId(customKeyStoreId);
        invoker.invoke(DeleteCustomKeyStoreRequest.builder().customKeyStoreId(customKeyStoreId).build(),
            call -> kms.get().deleteCustomKeyStore(call));
    }

    /** The key store as KMS reports it; empty when KMS knows no key store of that id. */
    public Optional<CustomKeyStoresListEntry> describe(final String customKeyStoreId) {
        KmsKeyStores.requireId(customKeyStoreId);
        return describe(DescribeCustomKeyStoresRequest.builder().customKeyStoreId(customKeyStoreId).build(),
            entry -> customKeyStoreId.equals(entry.customKeyStoreId()));
    }

    /** The key store of that name (names are unique per account and Region); empty when there is none. */
    public Optional<CustomKeyStoresListEntry> describeByName(final String customKeyStoreName) {
        if (customKeyStoreName == null || customKeyStoreName.isBlank()) {
            // Without a name DescribeCustomKeyStores lists them all, and the first is someone else's key store.
            throw new IllegalArgumentException("describeByName needs a key store name; got "
                + (customKeyStoreName == null ? "null" : "a blank one"));
        }
        // Through the account's list, not DescribeCustomKeyStores' name filter: that one answers an absent name (what
        // every create expects) with CustomKeyStoreNotFoundException, which the CloudFormation proxy logs as "Failed to
        // execute remote function". A real failure (access denied, throttling) still throws, and is still logged.
        String marker = null;
        do {
            final DescribeCustomKeyStoresResponse page;
            try {
                page = list(marker, null);
            } catch (CustomKeyStoreNotFoundException e) {
                // KMS lists without it; taken as the name filter's answer, the absent name, should one come.
                return Optional.empty();
            }
            final Optional<CustomKeyStoresListEntry> named = page.customKeyStores().stream()
                .filter(entry -> customKeyStoreName.equals(entry.customKeyStoreName())).findFirst();
            if (named.isPresent()) {
                return named;
            }
            marker = Boolean.TRUE.equals(page.truncated()) ? page.nextMarker() : null;
        } while (marker != null);
        return Optional.empty();
    }

    /** The entry {@code wanted} accepts: never merely the first, which could be another key store. */
    private Optional<CustomKeyStoresListEntry> describe(final DescribeCustomKeyStoresRequest request,
                                                        final java.util.function.Predicate<CustomKeyStoresListEntry> wanted) {
        try {
            return invoker.invoke(request, call -> kms.get().describeCustomKeyStores(call)).customKeyStores().stream()
                .filter(wanted).findFirst();
        } catch (CustomKeyStoreNotFoundException e) {
            return Optional.empty();
        }
    }

    /** One page of the account's key stores in this Region. */
    public DescribeCustomKeyStoresResponse list(final String nextToken, final Integer limit) {
        return invoker.invoke(DescribeCustomKeyStoresRequest.builder().marker(nextToken).limit(limit).build(),
            call -> kms.get().describeCustomKeyStores(call));
    }

    /**
     * One page of the account's keys in this Region (ListKeys), each described once: those in the key store and those
     * whose DescribeKey was denied (a key policy can deny it even when the role allows it). KMS has no filter by key
     * store, so a delete's count pages through every key of the account, one page at a time, across invocations.
     *
     * @param marker where the previous page ended (its NextMarker), or null for the first page
     * @param limit  at most this many keys (1 to 1000, ListKeys' range)
     */
    public KeyPage keyPage(final String customKeyStoreId, final String marker, final int limit) {
        KmsKeyStores.requireId(customKeyStoreId);
        final ListKeysResponse page = invoker.invoke(ListKeysRequest.builder()
            .limit(Math.max(1, Math.min(KEYS_PAGE, limit))).marker(marker).build(), call -> kms.get().listKeys(call));
        final List<String> inStore = new ArrayList<>();
        final List<String> denied = new ArrayList<>();
        for (KeyListEntry key : page.keys()) {
            try {
                if (customKeyStoreId.equals(customKeyStoreOf(key.keyId()))) {
                    inStore.add(key.keyId());
                }
            } catch (AwsServiceException e) {
                if (!ErrorTranslator.isAccessDenied(e)) {
                    throw e;
                }
                denied.add(key.keyId());
            }
        }
        return new KeyPage(page.keys().size(), inStore, denied,
            Boolean.TRUE.equals(page.truncated()) ? page.nextMarker() : null);
    }

    /**
     * What one ListKeys page held.
     *
     * @param listed     keys on the page
     * @param inStore    ids of the page's keys that are in the key store
     * @param denied     ids of the page's keys whose DescribeKey was denied: they may be in the key store
     * @param nextMarker where the next page starts, or null after the last page
     */
    public record KeyPage(int listed, List<String> inStore, List<String> denied, String nextMarker) {
    }

    private String customKeyStoreOf(final String keyId) {
        try {
            return invoker.invoke(DescribeKeyRequest.builder().keyId(keyId).build(),
                call -> kms.get().describeKey(call)).keyMetadata().customKeyStoreId();
        } catch (NotFoundException e) {
            // Deleted between ListKeys and DescribeKey: it holds nothing any more.
            return null;
        }
    }
}
