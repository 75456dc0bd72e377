package com.keyhold.kms.customkeystoreconnection.customresource;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A Lambda context whose remaining time runs on the test's virtual clock; collects the log. */
final class FakeContext implements Context {
    static final String FUNCTION_ARN = "arn:aws:lambda:us-east-1:111122223333:function:keyhold-kms-customkeystoreconnection:live";

    private final Clock clock;
    private final long deadlineMillis;
    private final List<String> lines;

    FakeContext(final Clock clock, final Duration remaining, final List<String> lines) {
        this.clock = clock;
        this.deadlineMillis = clock.millis() + remaining.toMillis();
        this.lines = lines;
    }

    @Override
    public String getAwsRequestId() {
        return "aws-request-id";
    }

    @Override
    public String getLogGroupName() {
        return "/aws/lambda/keyhold-kms-customkeystoreconnection";
    }

    @Override
    public String getLogStreamName() {
        return "2026/11/28/[live]stream";
    }

    @Override
    public String getFunctionName() {
        return "keyhold-kms-customkeystoreconnection";
    }

    @Override
    public String getFunctionVersion() {
        return "1";
    }

    @Override
    public String getInvokedFunctionArn() {
        return FUNCTION_ARN;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    @Override
    public int getRemainingTimeInMillis() {
        return (int) Math.max(0, deadlineMillis - clock.millis());
    }

    @Override
    public int getMemoryLimitInMB() {
        return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
        return new LambdaLogger() {
            @Override
            public void log(final String message) {
                synchronized (lines) {
                    lines.add(message.strip());
                }
            }

            @Override
            public void log(final byte[] message) {
                log(new String(message, StandardCharsets.UTF_8));
            }
        };
    }
}
