package com.keyhold.kms.customkeystoreconnection.local.lambda;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * One function of a SAM template, run the way the Lambda Java runtime runs it in {@code sam local}: its jar alone on
 * a class loader of its own (nothing of keyhold.jar leaks in), one handler instance kept warm, the
 * {@code (InputStream, OutputStream, Context)} method called once per invocation, one invocation at a time.
 */
final class LambdaFunction {
    private static final String CONTEXT = "com.amazonaws.services.lambda.runtime.Context";
    private static final String LOGGER = "com.amazonaws.services.lambda.runtime.LambdaLogger";

    private final String name;
    private final String handler;
    private final Path jar;
    private final int timeoutSeconds;
    private final PrintStream log;
    private final ClassLoader loader;
    private Object instance;
    private Method method;

    LambdaFunction(final String name, final String handler, final Path jar, final int timeoutSeconds,
                   final PrintStream log) {
        this.name = name;
        this.handler = handler;
        this.jar = jar;
        this.timeoutSeconds = timeoutSeconds;
        this.log = log;
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("function " + name + ": its CodeUri " + jar + " is not a file"
                + " (build it first: mvn -q package -DskipTests)");
        }
        final String[] parts = handler.split("::");
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw new IllegalArgumentException("function " + name + ": Handler '" + handler
                + "' is not <class>::<method>");
        }
        try {
            // The platform loader as parent: the jar must bring every class it needs, as in Lambda.
            this.loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        } catch (IOException e) {
            throw new IllegalArgumentException("function " + name + ": cannot read " + jar + ": " + e, e);
        }
    }

    String name() {
        return name;
    }

    /** The handler's answer: its output, or Lambda's error document when it threw. */
    synchronized Result invoke(final byte[] payload) {
        final long deadline = System.currentTimeMillis() + timeoutSeconds * 1000L;
        final ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            prepare();
            final ByteArrayOutputStream output = new ByteArrayOutputStream();
            method.invoke(instance, new ByteArrayInputStream(payload), output, context(deadline));
            return new Result(output.toByteArray(), false);
        } catch (InvocationTargetException e) {
            return unhandled(e.getCause());
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            return unhandled(e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    private void prepare() throws ReflectiveOperationException {
        if (method != null) {
            return;
        }
        final String[] parts = handler.split("::");
        final Class<?> type = Class.forName(parts[0], true, loader);
        method = type.getMethod(parts[1], InputStream.class, OutputStream.class, loader.loadClass(CONTEXT));
        instance = type.getDeclaredConstructor().newInstance();
    }

    private Result unhandled(final Throwable error) {
        log.println("[" + name + "] unhandled " + error);
        error.printStackTrace(log);
        // Lambda's error document; org.json escapes every control character a message may hold.
        final String body = new org.json.JSONObject().put("errorMessage", String.valueOf(error.getMessage()))
            .put("errorType", error.getClass().getName()).toString();
        return new Result(body.getBytes(StandardCharsets.UTF_8), true);
    }

    /** Lambda's Context, as a proxy of the interface the jar itself brings. */
    private Object context(final long deadline) throws ClassNotFoundException {
        final Class<?> loggerType = loader.loadClass(LOGGER);
        final Object logger = Proxy.newProxyInstance(loader, new Class<?>[] {loggerType}, (proxy, m, args) -> {
            if (m.getName().equals("log") && args != null && args.length > 0) {
                log.print(args[0] instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : args[0]);
                log.flush();
            }
            return defaultValue(m.getReturnType());
        });
        final String requestId = UUID.randomUUID().toString();
        return Proxy.newProxyInstance(loader, new Class<?>[] {loader.loadClass(CONTEXT)}, (proxy, m, args) ->
            switch (m.getName()) {
                case "getAwsRequestId" -> requestId;
                case "getFunctionName" -> name;
                case "getFunctionVersion" -> "$LATEST";
                case "getInvokedFunctionArn" -> "arn:aws:lambda:us-east-1:123456789012:function:" + name;
                case "getLogGroupName" -> "/aws/lambda/" + name;
                case "getLogStreamName" -> "keyhold-lambda-invoke";
                case "getRemainingTimeInMillis" -> (int) Math.max(0, deadline - System.currentTimeMillis());
                case "getMemoryLimitInMB" -> 512;
                case "getLogger" -> logger;
                case "toString" -> "Context(" + name + ")";
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> defaultValue(m.getReturnType());
            });
    }

    private static Object defaultValue(final Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class || type == long.class || type == short.class || type == byte.class) {
            return type == long.class ? 0L : type == int.class ? 0 : type == short.class ? (short) 0 : (byte) 0;
        }
        return null;
    }

    /** What Invoke answers: the payload, and whether it is Lambda's error document (X-Amz-Function-Error). */
    record Result(byte[] payload, boolean unhandled) {
    }
}
