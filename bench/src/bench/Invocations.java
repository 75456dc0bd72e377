package bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.keyhold.kms.customkeystoreconnection.protocol.LocalLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.json.JSONObject;

/**
 * CloudFormation's side of a registry handler's protocol, for the shaded-jar checks of bench/run.sh
 * (bench.HandlerPaths, bench.StorePaths): the request JSON of one resource type and logical id, the callback loop,
 * and the comparison of each answer with the one expected. Builds its JSON with org.json, as the handlers do, so
 * that a class-load log of the run shows only what the handler loads.
 */
final class Invocations {
    static final String STACK =
        "arn:aws:cloudformation:us-east-1:123456789012:stack/keyhold-bench/0a6e5e40-8a2b-11ee-b9d1-0242ac120002";
    static final Context CONTEXT = LocalLambdaContext.standardError("keyhold-bench");

    private final RequestStreamHandler wrapper;
    private final String typeName;
    private final String logicalId;
    private int failures;

    Invocations(final RequestStreamHandler wrapper, final String typeName, final String logicalId) {
        this.wrapper = wrapper;
        this.typeName = typeName;
        this.logicalId = logicalId;
    }

    JSONObject request(final String action, final JSONObject properties, final JSONObject previous,
                       final boolean providerCredentials) {
        final JSONObject request = new JSONObject();
        request.put("awsAccountId", "123456789012");
        request.put("bearerToken", UUID.randomUUID().toString());
        request.put("region", "us-east-1");
        request.put("action", action);
        request.put("resourceType", typeName);
        request.put("resourceTypeVersion", "00000001");
        request.put("stackId", STACK);
        final JSONObject data = new JSONObject();
        request.put("requestData", data);
        data.put("callerCredentials", credentials());
        if (providerCredentials) {
            data.put("providerCredentials", credentials());
            data.put("providerLogGroupName", "keyhold-bench-provider-logs");
        }
        data.put("logicalResourceId", logicalId);
        if (properties != null) {
            data.put("resourceProperties", properties);
        }
        if (previous != null) {
            data.put("previousResourceProperties", previous);
        }
        request.put("callbackContext", JSONObject.NULL);
        return request;
    }

    static JSONObject credentials() {
        final JSONObject credentials = new JSONObject();
        credentials.put("accessKeyId", "AKIAIOSFODNN7EXAMPLE");
        credentials.put("secretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        credentials.put("sessionToken", "session-token");
        return credentials;
    }

    /** Re-invokes while IN_PROGRESS, as CloudFormation does (without waiting the full callback delay). */
    JSONObject drive(final JSONObject request) throws Exception {
        for (int i = 0; i < 200; i++) {
            final JSONObject response = invoke(request);
            if (!"IN_PROGRESS".equals(response.optString("status"))) {
                return response;
            }
            request.put("callbackContext", response.get("callbackContext"));
            Thread.sleep(Math.min(200, 1000L * response.optLong("callbackDelaySeconds")));
        }
        throw new IllegalStateException("still IN_PROGRESS after 200 invocations");
    }

    JSONObject invoke(final JSONObject request) throws Exception {
        return invokeRaw(request.toString());
    }

    JSONObject invokeRaw(final String request) throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        wrapper.handleRequest(new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)), out, CONTEXT);
        return new JSONObject(out.toString(StandardCharsets.UTF_8));
    }

    void expect(final String what, final JSONObject response, final String status, final String code) {
        final boolean ok = status.equals(response.optString("status"))
            && (code == null || code.equals(response.optString("errorCode")));
        System.out.println((ok ? "ok   " : "FAIL ") + what + ": " + response.optString("status") + " "
            + response.optString("errorCode"));
        if (!ok) {
            System.out.println("     " + response);
            failures++;
        }
    }

    /** Exits 1 if any answer was not the one expected. */
    void finish() {
        if (failures > 0) {
            System.err.println(failures + " path(s) answered unexpectedly");
            System.exit(1);
        }
        System.out.println("all handler paths answered as expected");
    }
}
