package com.keyhold.kms.customkeystoreconnection.customresource;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the Lambda Java runtime does with a stream handler, in one fresh JVM per invocation: resolve the template's
 * {@code Handler} string ("class::method"), make the class with its public no-argument constructor, and call the
 * method with the event, an output stream and a Context whose remaining time runs down from what Lambda granted.
 * CustomResourceJarIT runs it on the shipped jar alone: this class uses nothing but the JDK and the Lambda Context
 * interface, which the jar carries.
 *
 * <p>Arguments: handler, invoked function ARN, remaining milliseconds, event file.
 */
public final class LambdaRuntimeStandIn {
    public static void main(final String[] args) throws Exception {
        final String[] handler = args[0].split("::");
        final Class<?> type = Class.forName(handler[0]);
        final Object instance = type.getConstructor().newInstance();
        final Method method = type.getMethod(handler[1], InputStream.class, OutputStream.class, Context.class);
        final long deadline = System.currentTimeMillis() + Long.parseLong(args[2]);
        try (InputStream event = Files.newInputStream(Path.of(args[3]))) {
            method.invoke(instance, event, System.out, context(args[1], deadline));
        }
    }

    private static Context context(final String functionArn, final long deadline) {
        final LambdaLogger logger = new LambdaLogger() {
            @Override
            public void log(final String message) {
                System.err.print(message);
            }

            @Override
            public void log(final byte[] message) {
                System.err.print(new String(message, StandardCharsets.UTF_8));
            }
        };
        return new Context() {
            @Override
            public String getAwsRequestId() {
                return "standin-" + ProcessHandle.current().pid();
            }

            @Override
            public String getLogGroupName() {
                return "/aws/lambda/keyhold-custom-resource";
            }

            @Override
            public String getLogStreamName() {
                return "standin";
            }

            @Override
            public String getFunctionName() {
                return functionArn.substring(functionArn.lastIndexOf(':') + 1);
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
                return (int) Math.max(0, deadline - System.currentTimeMillis());
            }

            @Override
            public int getMemoryLimitInMB() {
                return 1024;
            }

            @Override
            public LambdaLogger getLogger() {
                return logger;
            }
        };
    }

    private LambdaRuntimeStandIn() {
    }
}
