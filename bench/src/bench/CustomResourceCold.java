package bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.keyhold.kms.customkeystoreconnection.protocol.LocalLambdaContext;
import com.keyhold.kms.customkeystoreconnection.aws.ClientFactory;
import com.keyhold.kms.customkeystoreconnection.aws.SharedHttpClient;
import com.keyhold.kms.customkeystoreconnection.customresource.CustomResourceHandler;
import com.keyhold.kms.customkeystoreconnection.customresource.CustomResourceSettings;
import com.keyhold.kms.customkeystoreconnection.customresource.HttpResponseSender;
import com.keyhold.kms.customkeystoreconnection.customresource.LambdaSelfInvoker;
import com.keyhold.kms.customkeystoreconnection.customresource.Sleeper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.UUID;
import software.amazon.awssdk.services.lambda.LambdaClient;

/**
 * One cold invocation of the custom-resource function in a fresh JVM, the counterpart of the registry handler's
 * cold READ: an Update of a key store that no stack manages makes one ssm:GetParameter (ParameterNotFound) and
 * answers FAILED / NotFound to the ResponseURL (args[0], bench.ResponseSink). The handler is wired exactly as its
 * Lambda constructor wires it (the shared URLConnection HTTP client for the SDK clients and the answer alike, a lazy
 * Lambda client), except that the ResponseURL policy admits the local sink instead of S3 only.
 * With "--paths" as args[1] (and optionally "--no-wait") it instead drives the function's other paths (create with polling, delete, a
 * continuation through Lambda Invoke when the remaining time runs short) so that a class-load log of the run lists
 * what the function needs from the shaded jar; the emulator must hold cks-1234567890abcdef0 DISCONNECTED.
 */
public final class CustomResourceCold {
    private static int remainingMillis = 900_000;

    public static void main(final String[] args) throws Exception {
        // --no-wait: the function's poll delays pass at once (CustomResourceJarIT, against an emulator whose
        // transitions are instantaneous); the benchmark keeps real time.
        final boolean noWait = java.util.Arrays.asList(args).contains("--no-wait");
        final CustomResourceHandler handler = handler(noWait ? duration -> { } : Sleeper.SYSTEM);
        if (args.length > 1 && "--paths".equals(args[1])) {
            final String hsm = "cks-1234567890abcdef0";
            invoke(handler, event("Create", args[0] + "/create", null, hsm, "CONNECTED", null));
            invoke(handler, event("Update", args[0] + "/update", hsm, hsm, "DISCONNECTED", "CONNECTED"));
            remainingMillis = 1_000;   // too little left: the function must continue through Lambda Invoke
            invoke(handler, event("Update", args[0] + "/continue", hsm, hsm, "CONNECTED", "DISCONNECTED"));
            remainingMillis = 900_000;
            invoke(handler, event("Delete", args[0] + "/delete", hsm, hsm, "CONNECTED", null));
            invoke(handler, event("Delete", args[0] + "/delete-failed-create", "keyhold-failed-1", hsm, "CONNECTED",
                null));
            invoke(handler, "{\"not\": \"an event\"}");
            return;
        }
        invoke(handler, event("Update", args[0], "cks-0000000000000bench", "cks-0000000000000bench", "CONNECTED",
            "DISCONNECTED"));
    }

    private static void invoke(final CustomResourceHandler handler, final String event) {
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
            new ByteArrayOutputStream(), context());
    }

    private static String event(final String type, final String url, final String physicalId, final String id,
                                final String state, final String oldState) {
        return "{\"RequestType\":\"" + type + "\","
            + "\"ServiceToken\":\"arn:aws:lambda:us-east-1:123456789012:function:keyhold-kms-customkeystoreconnection\","
            + "\"ResponseURL\":\"" + url + "\","
            + "\"StackId\":\"arn:aws:cloudformation:us-east-1:123456789012:stack/keyhold-bench/0a6e5e40-8a2b-11ee-b9d1-0242ac120002\","
            + "\"RequestId\":\"" + UUID.randomUUID() + "\",\"LogicalResourceId\":\"KeyStoreConnection\","
            + (physicalId == null ? "" : "\"PhysicalResourceId\":\"" + physicalId + "\",")
            + "\"ResourceType\":\"Custom::KeyholdConnection\","
            + "\"ResourceProperties\":{\"ServiceToken\":\"x\",\"CustomKeyStoreId\":\"" + id + "\","
            + "\"ConnectionState\":\"" + state + "\"}"
            + (oldState == null ? "" : ",\"OldResourceProperties\":{\"ServiceToken\":\"x\",\"CustomKeyStoreId\":\""
                + id + "\",\"ConnectionState\":\"" + oldState + "\"}")
            + "}";
    }

    private static CustomResourceHandler handler(final Sleeper sleeper) {
        final CustomResourceHandler handler = new CustomResourceHandler(Clock.systemUTC(),
            ClientFactory.standard(),
            HttpResponseSender.defaults(sleeper),
            new LambdaSelfInvoker(() -> LambdaClient.builder().httpClient(SharedHttpClient.get()).build()),
            sleeper, CustomResourceSettings.forTestsWithLocalResponseUrl());
        return handler;
    }

    /**
     * A context with {@code remainingMillis} left, as the function's next invocation would see it. LocalLambdaContext
     * is compiled next to this driver (bench/run.sh, CustomResourceJarIT): the function's jar does not carry it.
     */
    private static Context context() {
        return new LocalLambdaContext("keyhold-kms-customkeystoreconnection",
            "arn:aws:lambda:us-east-1:123456789012:function:keyhold-kms-customkeystoreconnection:live", Clock.systemUTC(),
            Clock.systemUTC().instant().plusMillis(remainingMillis), line -> System.err.println(line));
    }

    private CustomResourceCold() {
    }
}
