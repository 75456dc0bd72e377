package com.keyhold.kms.customkeystoreconnection.aws;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

class ClientFactoryTest {
    @Test
    void buildsOneClientPerRegionAndReusesIt() {
        final ClientFactory factory = new ClientFactory(UrlConnectionHttpClient.builder().build(),
            ClientOverrideConfiguration.builder().build());
        assertThat(factory.kms("eu-west-1")).isSameAs(factory.kms("eu-west-1")).isNotSameAs(factory.kms("us-east-1"));
        assertThat(factory.ssm("eu-west-1")).isSameAs(factory.ssm("eu-west-1"));
        assertThat(factory.kms("eu-west-1").serviceClientConfiguration().region().id()).isEqualTo("eu-west-1");
    }
}
