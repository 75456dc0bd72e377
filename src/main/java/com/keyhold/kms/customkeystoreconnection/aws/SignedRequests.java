package com.keyhold.kms.customkeystoreconnection.aws;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * One SigV4-signed POST over the process's HTTP client, for the single calls Keyhold makes without a service's SDK
 * (CloudHSM's DescribeClusters, CloudFormation's DescribeStackResources): one call does not justify a service client
 * in the handler jar.
 */
final class SignedRequests {
    /** The HTTP status and body of an answer. */
    record Answer(int status, byte[] body) {
    }

    private SignedRequests() {
    }

    /** The credentials the CloudFormation proxy put on the carrier request, else the SDK's default chain. */
    static AwsCredentialsProvider credentials(final Optional<AwsRequestOverrideConfiguration> injected) {
        return injected.flatMap(AwsRequestOverrideConfiguration::credentialsProvider)
            .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    }

    /** Sends {@code body} signed for {@code signingName}; an I/O error is the SDK's SdkClientException. */
    static Answer send(final SdkHttpClient http, final URI endpoint, final String region, final String signingName,
                       final Map<String, String> headers, final String body, final AwsCredentialsProvider credentials,
                       final String operation) {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        final SdkHttpFullRequest.Builder builder = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST)
            .uri(endpoint).encodedPath(endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/"
                : endpoint.getRawPath());
        headers.forEach(builder::putHeader);
        final SdkHttpFullRequest unsigned = builder.build();
        final AwsCredentialsIdentity identity = credentials.resolveCredentials();
        final SignedRequest signed = AwsV4HttpSigner.create().sign(r -> r.identity(identity).request(unsigned)
            .payload(ContentStreamProvider.fromByteArray(bytes))
            .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, signingName)
            .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        final SdkHttpRequest request = signed.request();
        try {
            final HttpExecuteResponse executed = http.prepareRequest(HttpExecuteRequest.builder().request(request)
                .contentStreamProvider(ContentStreamProvider.fromByteArray(bytes)).build()).call();
            final Optional<? extends InputStream> stream = executed.responseBody();
            if (stream.isEmpty()) {
                return new Answer(executed.httpResponse().statusCode(), new byte[0]);
            }
            try (InputStream in = stream.get()) {
                return new Answer(executed.httpResponse().statusCode(), in.readAllBytes());
            }
        } catch (IOException e) {
            throw SdkClientException.builder().message(operation + " could not reach " + endpoint + ": " + e)
                .cause(e).build();
        }
    }
}
