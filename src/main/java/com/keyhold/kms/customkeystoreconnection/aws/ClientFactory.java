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

    /**
     * CloudHSM's DescribeClusters for the Region, sending with {@code invoker}'s credentials. The endpoint follows the
     * SDK's rules for the CloudHSM V2 service: this factory's endpoint, else AWS_ENDPOINT_URL_CLOUDHSM_V2 (system
     * property aws.endpointUrlCloudHsmV2), else AWS_ENDPOINT_URL (aws.endpointUrl), else the Region's own.
     */
    public CloudHsmClusters cloudHsm(final String region, final AwsInvoker invoker) {
        return new CloudHsmClusters(httpClient, endpoint != null ? endpoint : cloudHsmEndpoint(region, System::getenv,
            System::getProperty), region, invoker);
    }

    static URI cloudHsmEndpoint(final String region, final java.util.function.UnaryOperator<String> env,
                                final java.util.function.UnaryOperator<String> properties) {
        return serviceEndpoint(region, env, properties, "CloudHsmV2", "CLOUDHSM_V2",
            CloudHsmClusters::defaultEndpoint);
    }

    /**
     * CloudFormation's DescribeStackResources for the Region, sending with {@code invoker}'s credentials; the endpoint
     * follows the SDK's rules as for CloudHSM: AWS_ENDPOINT_URL_CLOUDFORMATION (aws.endpointUrlCloudFormation).
     */
    public CloudFormationStacks cloudFormation(final String region, final AwsInvoker invoker) {
        return new CloudFormationStacks(httpClient, endpoint != null ? endpoint : serviceEndpoint(region,
            System::getenv, System::getProperty, "CloudFormation", "CLOUDFORMATION",
            CloudFormationStacks::defaultEndpoint), region, invoker);
    }

    /** This service's configured endpoint (its own, then the global one), else the Region's own. */
    static URI serviceEndpoint(final String region, final java.util.function.UnaryOperator<String> env,
                               final java.util.function.UnaryOperator<String> properties, final String propertySuffix,
                               final String envSuffix,
                               final java.util.function.BiFunction<String, String, URI> regional) {
        for (String configured : new String[] {properties.apply("aws.endpointUrl" + propertySuffix),
            env.apply("AWS_ENDPOINT_URL_" + envSuffix), properties.apply("aws.endpointUrl"),
            env.apply("AWS_ENDPOINT_URL")}) {
            if (configured != null && !configured.isBlank()) {
                return URI.create(configured.trim());
            }
        }
        final software.amazon.awssdk.regions.RegionMetadata metadata =
            software.amazon.awssdk.regions.RegionMetadata.of(Region.of(region));
        return regional.apply(region, metadata == null ? "amazonaws.com" : metadata.partition().dnsSuffix());
    }

    private <B extends AwsClientBuilder<B, ?> & AwsSyncClientBuilder<B, ?>> B configure(final B builder,
                                                                                     final String region) {
        builder.region(Region.of(region)).httpClient(httpClient).overrideConfiguration(overrides);
        return endpoint == null ? builder : builder.endpointOverride(endpoint);
    }
}
