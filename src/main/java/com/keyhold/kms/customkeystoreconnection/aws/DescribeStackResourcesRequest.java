package com.keyhold.kms.customkeystoreconnection.aws;

import java.util.List;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.core.SdkField;

/**
 * What {@link CloudFormationStacks} hands the invoker: a request with no members, never sent itself, on which the
 * CloudFormation proxy puts the caller's credentials, and whose name its request log shows.
 */
final class DescribeStackResourcesRequest extends AwsRequest {
    private DescribeStackResourcesRequest(final Builder builder) {
        super(builder);
    }

    static DescribeStackResourcesRequest create() {
        return new Builder().build();
    }

    @Override
    public Builder toBuilder() {
        return new Builder(this);
    }

    @Override
    public List<SdkField<?>> sdkFields() {
        return List.of();
    }

    static final class Builder extends AwsRequest.BuilderImpl {
        Builder() {
        }

        Builder(final DescribeStackResourcesRequest request) {
            super(request);
        }

        @Override
        public DescribeStackResourcesRequest build() {
            return new DescribeStackResourcesRequest(this);
        }
    }
}
