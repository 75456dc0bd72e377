package com.keyhold.kms.customkeystoreconnection.testsupport;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.keyhold.kms.customkeystoreconnection.protocol.ExecutableEntryPoint;
import com.keyhold.kms.customkeystoreconnection.protocol.LocalLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * What Lambda's Java runtime does with a type's {@code entrypoint} (.rpdk-config, {@code Class::handleRequest}): loads
 * the class from the shipped jar, makes it with its no-argument constructor (the production wiring, as Lambda does),
 * and hands it the request as a stream. The request comes on standard input; the response is printed between the
 * markers {@link FreshJvm} reads. Run with the jar first on the class path, so nothing of the unshaded build helps.
 */
public final class LambdaRuntimeStandIn {
    public static void main(final String[] args) throws Exception {
        final String[] entrypoint = args[0].split("::");
        if (entrypoint.length != 2 || !"handleRequest".equals(entrypoint[1])) {
            throw new IllegalArgumentException("expected Class::handleRequest, got " + args[0]);
        }
        final RequestStreamHandler handler = (RequestStreamHandler) Class.forName(entrypoint[0])
            .getDeclaredConstructor().newInstance();
        final ByteArrayOutputStream response = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(System.in.readAllBytes()), response,
            LocalLambdaContext.standardError(entrypoint[0]));
        System.out.println(ExecutableEntryPoint.START + response.toString(StandardCharsets.UTF_8)
            + ExecutableEntryPoint.END);
    }

    private LambdaRuntimeStandIn() {
    }
}
