package com.keyhold.kms.customkeystoreconnection.local.emulator;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/** Real SDK clients pointed at an emulator: the URLConnection HTTP client Keyhold ships, us-east-1, fake static credentials, no retries. */
final class EmulatorTestSupport {
    static final String ACCESS_KEY = "AKIAEMULATORTEST0001";
    static final String SECRET_KEY = "emulator-secret-key-for-tests";

    private EmulatorTestSupport() {
    }

    static SdkHttpClient http() {
        return UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(5))
                .socketTimeout(Duration.ofSeconds(10)).build();
    }

    static KmsClient kms(URI endpoint) {
        return kms(endpoint, ACCESS_KEY, SECRET_KEY);
    }

    static KmsClient kms(URI endpoint, String accessKey, String secretKey) {
        return KmsClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).httpClient(http())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                // Retries would hide the injected faults the tests assert on, and sleep in real time.
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    static SsmClient ssm(URI endpoint) {
        return SsmClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1).httpClient(http())
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    /** A CloudHSM trust anchor certificate body; KMS checks only its length. */
    static final String TRUST_ANCHOR = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----";
}
