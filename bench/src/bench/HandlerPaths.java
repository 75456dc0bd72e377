package bench;

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
 * testEntrypoint (CloudFormation's side: bench.Invocations). Uses only the public
 * Lambda entry points, through the no-argument constructor Lambda uses. Exits 1 if any answer is not the one
 * expected. Needs AWS_ENDPOINT_URL_KMS/SSM pointing at an emulator seeded with {@code cks-1234567890abcdef0}
 * DISCONNECTED, and AWS_LAMBDA_FUNCTION_NAME unset (so the wrapper never scrubs the shared temporary directory).
 */
public final class HandlerPaths {
    private static final String ID = "cks-1234567890abcdef0";

    public static void main(final String[] args) throws Exception {
        final HandlerWrapper wrapper = new HandlerWrapper();
        final Invocations cfn = new Invocations(wrapper, "Keyhold::KMS::CustomKeyStoreConnection", "KeyStoreConnection");
        cfn.expect("CREATE", cfn.drive(cfn.request("CREATE", props("CONNECTED"), null, false)), "SUCCESS", null);
        cfn.expect("READ", cfn.drive(cfn.request("READ", idOnly(), null, false)), "SUCCESS", null);
        cfn.expect("UPDATE", cfn.drive(cfn.request("UPDATE", props("DISCONNECTED"), props("CONNECTED"), false)),
            "SUCCESS", null);
        cfn.expect("LIST", cfn.drive(cfn.request("LIST", null, null, false)), "SUCCESS", null);
        cfn.expect("DELETE", cfn.drive(cfn.request("DELETE", props("DISCONNECTED"), null, false)), "SUCCESS", null);
        cfn.expect("READ after DELETE", cfn.drive(cfn.request("READ", idOnly(), null, false)), "FAILED", "NotFound");
        final JSONObject badId = props("CONNECTED");
        badId.put("CustomKeyStoreId", "my-key-store-name");
        cfn.expect("CREATE, bad id", cfn.invoke(cfn.request("CREATE", badId, null, false)), "FAILED",
            "InvalidRequest");
        final JSONObject extra = props("CONNECTED");
        extra.put("Unknown", "x");
        cfn.expect("CREATE, unknown property", cfn.invoke(cfn.request("CREATE", extra, null, false)), "FAILED",
            "InvalidRequest");
        cfn.expect("malformed JSON", cfn.invokeRaw("{\"action\": "), "FAILED", null);
        cfn.expect("READ with providerCredentials", cfn.drive(cfn.request("READ", idOnly(), null, true)), "FAILED",
            "NotFound");
        cfn.expect("testEntrypoint READ", testEntrypoint(wrapper), "FAILED", "NotFound");
        cfn.finish();
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

    private static JSONObject testEntrypoint(final HandlerWrapper wrapper) throws Exception {
        final JSONObject payload = new JSONObject();
        payload.put("credentials", Invocations.credentials());
        payload.put("action", "READ");
        final JSONObject request = new JSONObject();
        payload.put("request", request);
        request.put("clientRequestToken", UUID.randomUUID().toString());
        request.put("region", "us-east-1");
        request.put("awsAccountId", "123456789012");
        request.put("stackId", Invocations.STACK);
        request.put("logicalResourceIdentifier", "KeyStoreConnection");
        final JSONObject model = idOnly();
        model.put("CustomKeyStoreId", "cks-00000000000000000");
        request.put("desiredResourceState", model);
        payload.put("callbackContext", JSONObject.NULL);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        wrapper.testEntrypoint(new ByteArrayInputStream(payload.toString().getBytes(StandardCharsets.UTF_8)), out,
            Invocations.CONTEXT);
        return new JSONObject(out.toString(StandardCharsets.UTF_8));
    }

    private HandlerPaths() {
    }
}
