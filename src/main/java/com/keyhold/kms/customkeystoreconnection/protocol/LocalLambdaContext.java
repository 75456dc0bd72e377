package com.keyhold.kms.customkeystoreconnection.protocol;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * A Lambda context for running the handlers outside Lambda: the executable entry point, the local runner, tests.
 * Log lines go where the host says (never into a response), and the remaining time runs on the host's clock, so a
 * handler that re-invokes itself near the end of its time does so as it would in Lambda.
 */
public final class LocalLambdaContext implements Context {
    private final String functionName;
    private final String functionArn;
    private final Clock clock;
    private final Instant deadline;
    private final LambdaLogger logger;

    /**
     * @param functionArn may be null where nothing asks for it
     * @param log         receives each log line without its trailing newline
     */
    public LocalLambdaContext(final String functionName, final String functionArn, final Clock clock,
                              final Instant deadline, final Consumer<String> log) {
        this.functionName = functionName;
        this.functionArn = functionArn;
        this.clock = clock;
        this.deadline = deadline;
        this.logger = new LambdaLogger() {
            @Override
            public void log(final String message) {
                log.accept(message.endsWith("\n") ? message.substring(0, message.length() - 1) : message);
            }

            @Override
            public void log(final byte[] message) {
                log(new String(message, StandardCharsets.UTF_8));
            }
        };
    }

    /** Logs to standard error, with Lambda's 15-minute ceiling: the registry handlers call back long before it. */
    public static LocalLambdaContext standardError(final String functionName) {
        final Clock clock = Clock.systemUTC();
        return new LocalLambdaContext(functionName, null, clock, clock.instant().plusSeconds(15 * 60),
            line -> System.err.println(line));
    }

    @Override
    public String getAwsRequestId() {
        return "local";
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
        return functionName;
    }

    @Override
    public String getFunctionVersion() {
        return "$LATEST";
    }

    @Override
    public String getInvokedFunctionArn() {
        return functionArn;
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
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, deadline.toEpochMilli() - clock.millis()));
    }

    @Override
    public int getMemoryLimitInMB() {
        return 1024;
    }

    @Override
    public LambdaLogger getLogger() {
        return logger;
    }
}
