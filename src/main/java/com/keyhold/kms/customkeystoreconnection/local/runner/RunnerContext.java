package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * The Lambda context the runner hands the wrapper. What the handlers log goes to {@code log} (the state folder's
 * handler.log, or standard error with --debug), never into the operator's event stream.
 */
final class RunnerContext implements Context {
    private final LambdaLogger logger;

    RunnerContext(final PrintStream log) {
        this.logger = new LambdaLogger() {
            @Override
            public void log(final String message) {
                synchronized (log) {
                    log.print(message.endsWith("\n") ? message : message + "\n");
                    log.flush();
                }
            }

            @Override
            public void log(final byte[] message) {
                log(new String(message, StandardCharsets.UTF_8));
            }
        };
    }

    @Override
    public String getAwsRequestId() {
        return "keyhold-local";
    }

    @Override
    public String getLogGroupName() {
        return null;
    }

    @Override
    public String getLogStreamName() {
        return null;
    }

    @Override
    public String getFunctionName() {
        return "keyhold-local-runner";
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return null;
    }

    @Override
    public CognitoIdentity getIdentity() {
        return null;
    }

    @Override
    public ClientContext getClientContext() {
        return null;
    }

    /** Lambda's 15-minute ceiling: the handlers call back long before it. */
    @Override
    public int getRemainingTimeInMillis() {
        return 15 * 60 * 1000;
    }

    @Override
    public int getMemoryLimitInMB() {
        return 512;
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }
}
