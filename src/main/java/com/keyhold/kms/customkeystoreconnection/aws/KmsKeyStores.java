package com.keyhold.kms.customkeystoreconnection.aws;

import com.keyhold.kms.customkeystoreconnection.core.KeyStorePort;
import com.keyhold.kms.customkeystoreconnection.core.KmsConnectionState;
import com.keyhold.kms.customkeystoreconnection.core.Observation;
import java.util.function.Supplier;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.ConnectCustomKeyStoreRequest;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreNotFoundException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;
import software.amazon.awssdk.services.kms.model.DescribeCustomKeyStoresRequest;
import software.amazon.awssdk.services.kms.model.DescribeCustomKeyStoresResponse;
import software.amazon.awssdk.services.kms.model.DisconnectCustomKeyStoreRequest;

/** {@link KeyStorePort} over the AWS SDK's KMS client. */
public final class KmsKeyStores implements KeyStorePort {
    private final Supplier<KmsClient> kms;
    private final AwsInvoker invoker;

    public KmsKeyStores(final KmsClient kms, final AwsInvoker invoker) {
        this(() -> kms, invoker);
    }

    /** The client is built on first use: a READ answered NotFound from the ownership record never needs one. */
    public KmsKeyStores(final Supplier<KmsClient> kms, final AwsInvoker invoker) {
        this.kms = kms;
        this.invoker = invoker;
    }

    /**
     * Every call about one key store names it. A null or blank id is a Keyhold defect, refused before the call: KMS
     * would answer DescribeCustomKeyStores without an id with every key store of the account, and taking the first
     * one would act on another key store. The handlers refuse such requests NotFound before they get here.
     */
    static String requireId(final String customKeyStoreId) {
        if (customKeyStoreId == null || customKeyStoreId.isBlank()) {
            throw new IllegalArgumentException("a call about one custom key store needs its id; got "
                + (customKeyStoreId == null ? "null" : "a blank one"));
        }
        return customKeyStoreId;
    }

    @Override
    public Observation describe(final String customKeyStoreId) {
        requireId(customKeyStoreId);
        final DescribeCustomKeyStoresResponse response = invoker.invoke(
            DescribeCustomKeyStoresRequest.builder().customKeyStoreId(customKeyStoreId).build(),
            request -> kms.get().describeCustomKeyStores(request));
        // KMS answers an unknown id with CustomKeyStoreNotFoundException; an empty list means the same.
        final CustomKeyStoresListEntry entry = response.customKeyStores().stream()
            .filter(each -> customKeyStoreId.equals(each.customKeyStoreId())).findFirst()
            .orElseThrow(() -> CustomKeyStoreNotFoundException.builder()
                .message("DescribeCustomKeyStores returned no entry for " + customKeyStoreId).build());
        return observation(entry);
    }

    /** What Keyhold decides on in one DescribeCustomKeyStores entry. */
    public static Observation observation(final CustomKeyStoresListEntry entry) {
        return new Observation(entry.customKeyStoreId(), entry.customKeyStoreName(), entry.customKeyStoreTypeAsString(),
            KmsConnectionState.fromKms(entry.connectionStateAsString()), entry.connectionStateAsString(),
            entry.connectionErrorCodeAsString(), entry.cloudHsmClusterId());
    }

    @Override
    public void connect(final String customKeyStoreId) {
        requireId(customKeyStoreId);
        invoker.invoke(ConnectCustomKeyStoreRequest.builder().customKeyStoreId(customKeyStoreId).build(),
            request -> kms.get().connectCustomKeyStore(request));
    }

    @Override
    public void disconnect(final String customKeyStoreId) {
        requireId(customKeyStoreId);
        invoker.invoke(DisconnectCustomKeyStoreRequest.builder().customKeyStoreId(customKeyStoreId).build(),
            request -> kms.get().disconnectCustomKeyStore(request));
    }
}
