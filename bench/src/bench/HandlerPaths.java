package bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.keyhold.kms.customkeystoreconnection.protocol.LocalLambdaContext;
import com.keyhold.kms.customkeystoreconnection.HandlerWrapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.json.JSONObject;

/**
 * Drives the shaded handler jar through every path a deployed handler can take, so that a class-load log
 * (-Xlog:class+load) of this process lists what the handler needs: CREATE (connect + polling), READ, UPDATE
 * (disconnect; CREATE and UPDATE also run the schema validator), LIST, DELETE, READ after delete (NotFound), a
 * request that fails Keyhold's input check, one with an undeclared property, malformed JSON, a request with
 * providerCredentials and a log group (the plugin's CloudWatch metrics and CloudWatch Logs publishers), and the
 * testEntrypoint. Builds its JSON with org.json, as the handler does, so the class-load log shows only what the
 * handler loads. Uses only the public
 * Lambda entry points, through the no-argument constructor Lambda uses. Exits 1 if any answer is not the one
 * expected. Needs AWS_ENDPOINT_URL_KMS/SSM pointing at an emulator seeded with {@code cks-1234567890abcdef0}
 * DISCONNECTED, and AWS_LAMBDA_FUNCTION_NAME unset (so the wrapper never scrubs the shared temporary directory).
 */
public final class HandlerPaths {
    private static final String ID = "cks-1234567890abcdef0";
    private static final String STACK =
        "arn:aws:cloudformation:us-east-1:123456789012:stack/keyhold-bench/0a6e5e40-8a2b-11ee-b9d1-0242ac120002";
    private static int failures;

    public static void main(final String[] args) throws Exception {
        final HandlerWrapper wrapper = new HandlerWrapper();
        expect("CREATE", drive(wrapper, request("CREATE", props("CONNECTED"), null, false)), "SUCCESS", null);
        expect("READ", drive(wrapper, request("READ", idOnly(), null, false)), "SUCCESS", null);
        expect("UPDATE", drive(wrapper, request("UPDATE", props("DISCONNECTED"), props("CONNECTED"), false)),
            "SUCCESS", null);
        expect("LIST", drive(wrapper, request("LIST", null, null, false)), "SUCCESS", null);
        expect("DELETE", drive(wrapper, request("DELETE", props("DISCONNECTED"), null, false)), "SUCCESS", null);
        expect("READ after DELETE", drive(wrapper, request("READ", idOnly(), null, false)), "FAILED", "NotFound");
        final JSONObject badId = props("CONNECTED");
        badId.put("CustomKeyStoreId", "my-key-store-name");
        expect("CREATE, bad id", invoke(wrapper, request("CREATE", badId, null, false)), "FAILED", "InvalidRequest");
        final JSONObject extra = props("CONNECTED");
        extra.put("Unknown", "x");
        expect("CREATE, unknown property", invoke(wrapper, request("CREATE", extra, null, false)), "FAILED",
            "InvalidRequest");
        expect("malformed JSON", invokeRaw(wrapper, "{\"action\": "), "FAILED", null);
        expect("READ with providerCredentials", drive(wrapper, request("READ", idOnly(), null, true)), "FAILED",
            "NotFound");
        expect("testEntrypoint READ", testEntrypoint(wrapper), "FAILED", "NotFound");
        if (failures > 0) {
            System.err.println(failures + " path(s) answered unexpectedly");
            System.exit(1);
        }
        System.out.println("all handler paths answered as expected");
    }

    private static JSONObject idOnly() {
        final JSONObject model = new JSONObject();
        model.put("CustomKeyStoreId", ID);
        return model;
    }

    private static JSONObject props(final String state) {
        final JSONObject model = idOnly();
        model.put("ConnectionState", state);
        return model;
    }

    private static JSONObject request(final String action, final JSONObject properties, final JSONObject previous,
                                      final boolean providerCredentials) {
        final JSONObject request = new JSONObject();
        request.put("awsAccountId", "123456789012");
        request.put("bearerToken", UUID.randomUUID().toString());
        request.put("region", "us-east-1");
        request.put("action", action);
        request.put("resourceType", "Keyhold::KMS::CustomKeyStoreConnection");
        request.put("resourceTypeVersion", "00000001");
        request.put("stackId", STACK);
        final JSONObject data = new JSONObject();
        request.put("requestData", data);
        data.put("callerCredentials", credentials());
        if (providerCredentials) {
            data.put("providerCredentials", credentials());
            data.put("providerLogGroupName", "keyhold-bench-provider-logs");
        }
        data.put("logicalResourceId", "KeyStoreConnection");
        if (properties != null) {
            data.put("resourceProperties", properties);
        }
        if (previous != null) {
            data.put("previousResourceProperties", previous);
        }
        request.put("callbackContext", JSONObject.NULL);
        return request;
    }

    private static JSONObject credentials() {
        final JSONObject credentials = new JSONObject();
        credentials.put("accessKeyId", "AKIAIOSFODNN7EXAMPLE");
        credentials.put("secretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
        credentials.put("sessionToken", "session-token");
        return credentials;
    }

    /** Re-invokes while IN_PROGRESS, as CloudFormation does (without waiting the full callback delay). */
    private static JSONObject drive(final HandlerWrapper wrapper, final JSONObject request) throws Exception {
        for (int i = 0; i < 200; i++) {
            final JSONObject response = invoke(wrapper, request);
            if (!"IN_PROGRESS".equals(response.optString("status"))) {
                return response;
            }
            request.put("callbackContext", response.get("callbackContext"));
            Thread.sleep(Math.min(200, 1000L * response.optLong("callbackDelaySeconds")));
        }
        throw new IllegalStateException("still IN_PROGRESS after 200 invocations");
    }

    private static JSONObject invoke(final HandlerWrapper wrapper, final JSONObject request) throws Exception {
        return invokeRaw(wrapper, request.toString());
    }

    private static JSONObject invokeRaw(final HandlerWrapper wrapper, final String request) throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        wrapper.handleRequest(new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)), out, CONTEXT);
        return new JSONObject(out.toString(StandardCharsets.UTF_8));
    }

    private static JSONObject testEntrypoint(final HandlerWrapper wrapper) throws Exception {
        final JSONObject payload = new JSONObject();
        payload.put("credentials", credentials());
        payload.put("action", "READ");
        final JSONObject request = new JSONObject();
        payload.put("request", request);
        request.put("clientRequestToken", UUID.randomUUID().toString());
        request.put("region", "us-east-1");
        request.put("awsAccountId", "123456789012");
        request.put("stackId", STACK);
        request.put("logicalResourceIdentifier", "KeyStoreConnection");
        final JSONObject model = idOnly();
        model.put("CustomKeyStoreId", "cks-00000000000000000");
        request.put("desiredResourceState", model);
        payload.put("callbackContext", JSONObject.NULL);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        wrapper.testEntrypoint(new ByteArrayInputStream(payload.toString().getBytes(StandardCharsets.UTF_8)), out, CONTEXT);
        return new JSONObject(out.toString(StandardCharsets.UTF_8));
    }

    private static void expect(final String what, final JSONObject response, final String status, final String code) {
        final boolean ok = status.equals(response.optString("status"))
            && (code == null || code.equals(response.optString("errorCode")));
        System.out.println((ok ? "ok   " : "FAIL ") + what + ": " + response.optString("status") + " "
            + response.optString("errorCode"));
        if (!ok) {
            System.out.println("     " + response);
            failures++;
        }
    }

    private static final Context CONTEXT = LocalLambdaContext.standardError("keyhold-bench");

    private HandlerPaths() {
    }
}
