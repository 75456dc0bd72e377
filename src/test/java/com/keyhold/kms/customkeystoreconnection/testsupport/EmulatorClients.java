package com.keyhold.kms.customkeystoreconnection.testsupport;

import com.keyhold.kms.customkeystoreconnection.aws.ClientFactory;
import java.net.URI;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

/** The production {@link ClientFactory}, pointed at an emulator. */
public final class EmulatorClients {
    private EmulatorClients() {
    }

    /**
     * The SDK's own retries are off: they would sleep in real time while the emulator's clock stands still, and
     * Keyhold's own callback retries are what the tests exercise.
     */
    public static ClientFactory at(final URI endpoint) {
        return new ClientFactory(UrlConnectionHttpClient.builder().build(),
            ClientOverrideConfiguration.builder().retryStrategy(AwsRetryStrategy.doNotRetry()).build(), endpoint);
    }
}
