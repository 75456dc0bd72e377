package com.keyhold.kms.customkeystoreconnection.aws;

import java.util.function.Function;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.awscore.AwsResponse;

/**
 * How an adapter sends a request: through the CloudFormation proxy (which injects the caller's
 * credentials) for the registry type, directly for the custom resource.
 */
@FunctionalInterface
public interface AwsInvoker {
    <Q extends AwsRequest, R extends AwsResponse> R invoke(Q request, Function<Q, R> call);

    AwsInvoker DIRECT = new AwsInvoker() {
        @Override
        public <Q extends AwsRequest, R extends AwsResponse> R invoke(final Q request, final Function<Q, R> call) {
            return call.apply(request);
        }
    };
}
