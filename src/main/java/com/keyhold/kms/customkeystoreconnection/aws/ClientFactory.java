package com.keyhold.kms.customkeystoreconnection.aws;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * KMS and SSM clients per Region, built once per process and reused by warm invocations. Endpoints follow
 * the SDK's own configuration, so AWS_ENDPOINT_URL_KMS and AWS_ENDPOINT_URL_SSM point them at an emulator.
 */
public class ClientFactory {
    /** The SDK's standard retries, which absorb short bursts of throttling before Keyhold's own retry policy. */
    public static final ClientOverrideConfiguration STANDARD_RETRIES = ClientOverrideConfiguration.builder()
        .retryStrategy(RetryMode.STANDARD).build();

    private final SdkHttpClient httpClient;
    private final ClientOverrideConfiguration overrides;
    private final URI endpoint;
    private final Map<String, KmsClient> kms = new ConcurrentHashMap<>();
    private final Map<String, SsmClient> ssm = new ConcurrentHashMap<>();

    /**
     * @param httpClient shared with whatever else the process runs, so only one HTTP stack is loaded
     * @param overrides  retry strategy and timeouts; the SDK's own retries absorb short bursts of throttling
     */
    public ClientFactory(final SdkHttpClient httpClient, final ClientOverrideConfiguration overrides) {
        this(httpClient, overrides, null);
    }

    /** What a deployed function uses: the process's one HTTP client and standard retries. */
    public static ClientFactory standard() {
        return new ClientFactory(SharedHttpClient.get(), STANDARD_RETRIES);
    }

    /**
     * @param endpoint one endpoint for both services, for local tools that run an emulator in-process and so cannot
     *                 set AWS_ENDPOINT_URL_KMS for themselves; null to let the SDK decide
     */
    public ClientFactory(final SdkHttpClient httpClient, final ClientOverrideConfiguration overrides, final URI endpoint) {
        this.httpClient = httpClient;
        this.overrides = overrides;
        this.endpoint = endpoint;
    }

    public KmsClient kms(final String region) {
        return kms.computeIfAbsent(region, r -> configure(KmsClient.builder(), r).build());
    }

    public SsmClient ssm(final String region) {
        return ssm.computeIfAbsent(region, r -> configure(SsmClient.builder(), r).build());
    }

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(final B builder,
                                                                                     final String region) {
        builder.region(Region.of(region)).httpClient(httpClient).overrideConfiguration(overrides);
        return endpoint == null ? builder : builder.endpointOverride(endpoint);
    }
}
