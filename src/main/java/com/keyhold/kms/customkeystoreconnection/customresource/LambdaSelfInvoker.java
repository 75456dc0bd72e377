package com.keyhold.kms.customkeystoreconnection.customresource;

import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/** {@link SelfInvoker} over the SDK's Lambda client; the client is built on first use. */
public final class LambdaSelfInvoker implements SelfInvoker {
    /** Lambda answers an accepted asynchronous invocation with 202. */
    static final int ACCEPTED = 202;

    private final Supplier<LambdaClient> client;
    private LambdaClient built;

    public LambdaSelfInvoker(final Supplier<LambdaClient> client) {
        this.client = client;
    }

    @Override
    public void invokeAsync(final String functionArn, final byte[] payload) {
        final InvokeResponse response = client().invoke(InvokeRequest.builder().functionName(functionArn)
            .invocationType(InvocationType.EVENT).payload(SdkBytes.fromByteArray(payload)).build());
        if (response.statusCode() == null || response.statusCode() != ACCEPTED) {
            throw new IllegalStateException("Lambda did not accept the asynchronous invocation of " + functionArn
                + " (status " + response.statusCode() + ")");
        }
    }

    private synchronized LambdaClient client() {
        if (built == null) {
            built = client.get();
        }
        return built;
    }
}
