package com.keyhold.kms.customkeystoreconnection.protocol;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * A type's executable entry point ({@code executableEntrypoint} of its .rpdk-config): one request outside Lambda,
 * the request JSON as the only argument, the response printed between the markers the CloudFormation CLI looks for.
 * Its java.io.tmpdir is private, so the wrapper's scrub cannot touch the machine's temporary directory. Each type's
 * executable hands over its production wrapper, so the two entry points of a type cannot drift apart.
 */
public final class ExecutableEntryPoint {
    public static final String START = "__CFN_RESOURCE_START_RESPONSE__";
    public static final String END = "__CFN_RESOURCE_END_RESPONSE__";

    /** The whole of a type's {@code main}: {@code wrapper} builds the production wrapper for a temporary directory. */
    public static void main(final String[] args, final String name,
                            final Function<TempDirectoryGuard, RequestStreamHandler> wrapper) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: " + name + " '<CloudFormation handler request JSON>'");
            System.exit(2);
        }
        System.out.println(run(wrapper.apply(TempDirectoryGuard.privateDirectory()), args[0]));
    }

    /** The marked response for one request. */
    public static String run(final RequestStreamHandler wrapper, final String request) throws IOException {
        final ByteArrayOutputStream response = new ByteArrayOutputStream();
        wrapper.handleRequest(new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)), response,
            LocalLambdaContext.standardError("keyhold-local"));
        return START + response.toString(StandardCharsets.UTF_8) + END;
    }

    private ExecutableEntryPoint() {
    }
}
