package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.protocol.TempDirectoryGuard;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Runs one request outside Lambda: the request JSON is args[0], the response is printed between the markers
 * the CloudFormation CLI looks for. Its java.io.tmpdir is private, so the wrapper's scrub cannot touch the
 * machine's temporary directory. It delegates to {@link HandlerWrapper} rather than repeating its handler wiring
 * (what {@code cfn generate} would copy), so the two entry points cannot drift apart.
 */
public final class HandlerWrapperExecutable {
    static final String START = "__CFN_RESOURCE_START_RESPONSE__";
    static final String END = "__CFN_RESOURCE_END_RESPONSE__";

    public static void main(final String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: HandlerWrapperExecutable '<CloudFormation handler request JSON>'");
            System.exit(2);
        }
        final HandlerWrapper wrapper = new HandlerWrapper(HandlerConfig.defaults(), TempDirectoryGuard.privateDirectory());
        System.out.println(run(wrapper, args[0]));
    }

    /** The marked response for one request. */
    static String run(final HandlerWrapper wrapper, final String request) throws IOException {
        final ByteArrayOutputStream response = new ByteArrayOutputStream();
        wrapper.handleRequest(new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)), response,
            LocalLambdaContext.standardError("keyhold-local"));
        return START + response.toString(StandardCharsets.UTF_8) + END;
    }

    private HandlerWrapperExecutable() {
    }
}
