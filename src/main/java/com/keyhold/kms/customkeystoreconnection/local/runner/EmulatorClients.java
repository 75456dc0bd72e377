package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.keyhold.kms.customkeystoreconnection.aws.ClientFactory;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The handlers' clients pointed at an in-process emulator. The environment variables cannot be set from inside the
 * JVM, so the endpoint is set on the builders instead; credentials are the caller credentials the request carries.
 */
final class EmulatorClients extends ClientFactory {
    private final URI endpoint;
    private final SdkHttpClient http;
    private final ClientOverrideConfiguration overrides;
    private final Map<String, KmsClient> kms = new ConcurrentHashMap<>();
    private final Map<String, SsmClient> ssm = new ConcurrentHashMap<>();

    EmulatorClients(final URI endpoint, final SdkHttpClient http, final ClientOverrideConfiguration overrides) {
        // The endpoint reaches the base class for the calls it makes itself (CloudHSM's DescribeClusters,
        // CloudFormation's DescribeStackResources).
        super(http, overrides, endpoint);
        this.endpoint = endpoint;
        this.http = http;
        this.overrides = overrides;
    }

    private static StaticCredentialsProvider placeholder() {
        // Every call carries the request's caller credentials; this only keeps the builder from searching.
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(Target.EMULATOR_ACCESS_KEY,
            Target.EMULATOR_SECRET_KEY));
    }

    @Override
    public KmsClient kms(final String region) {
        return kms.computeIfAbsent(region, r -> KmsClient.builder().endpointOverride(endpoint).region(Region.of(r))
            .httpClient(http).overrideConfiguration(overrides).credentialsProvider(placeholder()).build());
    }

    @Override
    public SsmClient ssm(final String region) {
        return ssm.computeIfAbsent(region, r -> SsmClient.builder().endpointOverride(endpoint).region(Region.of(r))
            .httpClient(http).overrideConfiguration(overrides).credentialsProvider(placeholder()).build());
    }
}
