package bench;

import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.keyhold.kms.customkeystoreconnection.LocalLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * One request through a type's Lambda entry point in a fresh JVM, for a type whose jar has no
 * HandlerWrapperExecutable (the key store type's): {@code LambdaEntry <RequestStreamHandler class> '<request JSON>'}
 * builds the handler with the no-argument constructor Lambda uses and prints the response between the markers
 * HandlerWrapperExecutable prints, so bench/run.sh checks and times both types' cold READ the same way.
 */
public final class LambdaEntry {
    public static void main(final String[] args) throws Exception {
        final RequestStreamHandler handler = (RequestStreamHandler) Class.forName(args[0]).getDeclaredConstructor()
            .newInstance();
        final ByteArrayOutputStream response = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(args[1].getBytes(StandardCharsets.UTF_8)), response,
            LocalLambdaContext.standardError("keyhold-bench"));
        System.out.println("__CFN_RESOURCE_START_RESPONSE__" + response.toString(StandardCharsets.UTF_8)
            + "__CFN_RESOURCE_END_RESPONSE__");
    }

    private LambdaEntry() {
    }
}
