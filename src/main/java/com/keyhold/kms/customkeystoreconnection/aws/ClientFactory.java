package com.keyhold.kms.customkeystoreconnection.aws;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * KMS and SSM clients per Region, built once per process and reused by warm invocations. Endpoints follow
 * the SDK's own configuration, so AWS_ENDPOINT_URL_KMS and AWS_ENDPOINT_URL_SSM point them at an emulator.
 */
public class ClientFactory {
    private final SdkHttpClient httpClient;
    private final ClientOverrideConfiguration overrides;
    private final Map<String, KmsClient> kms = new ConcurrentHashMap<>();
    private final Map<String, SsmClient> ssm = new ConcurrentHashMap<>();

    /**
     * @param httpClient shared with whatever else the process runs, so only one HTTP stack is loaded
     * @param overrides  retry strategy and timeouts; the SDK's own retries absorb short bursts of throttling
     */
    public ClientFactory(final SdkHttpClient httpClient, final ClientOverrideConfiguration overrides) {
        this.httpClient = httpClient;
        this.overrides = overrides;
    }

    public KmsClient kms(final String region) {
        return kms.computeIfAbsent(region, r -> KmsClient.builder().region(Region.of(r)).httpClient(httpClient)
            .overrideConfiguration(overrides).build());
    }

    public SsmClient ssm(final String region) {
        return ssm.computeIfAbsent(region, r -> SsmClient.builder().region(Region.of(r)).httpClient(httpClient)
            .overrideConfiguration(overrides).build());
    }
}
