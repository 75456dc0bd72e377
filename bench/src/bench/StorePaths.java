package bench;

import com.keyhold.kms.customkeystore.HandlerWrapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.json.JSONObject;

/**
 * bench.HandlerPaths for the key store type's shaded jar (Keyhold::KMS::CustomKeyStore): every path its handlers
 * take, so that a missing class shows here and a class-load log lists what the jar must carry. READ of a CONNECTED
 * CloudHSM key store; CREATE of a CloudHSM and of an XKS key store (and the wait until DescribeCustomKeyStores shows
 * them); a rename in place; the disconnect → UpdateCustomKeyStore → reconnect dance on a CONNECTED XKS key store;
 * LIST; DELETE of a DISCONNECTED key store and of a CONNECTED one (ListKeys, the ownership look-up, disconnect,
 * DeleteCustomKeyStore); READ after DELETE (NotFound); the type's input check, an undeclared property, malformed
 * JSON; a READ with providerCredentials and a log group (the plugin's metrics and log publishers); the
 * testEntrypoint. Through the no-argument constructor Lambda uses. Needs AWS_ENDPOINT_URL_KMS/SSM pointing at an
 * emulator seeded as bench/run.sh seeds it: {@link #HSM} and {@link #XKS} CONNECTED.
 */
public final class StorePaths {
    static final String HSM = "cks-5000000000000b001";
    static final String XKS = "cks-5000000000000b002";

    public static void main(final String[] args) throws Exception {
        final HandlerWrapper wrapper = new HandlerWrapper();
        final Invocations cfn = new Invocations(wrapper, "Keyhold::KMS::CustomKeyStore", "KeyStore");
        cfn.expect("READ", cfn.drive(cfn.request("READ", id(HSM), null, false)), "SUCCESS", null);

        final JSONObject hsm = hsm("bench-paths-hsm");
        final JSONObject created = cfn.drive(cfn.request("CREATE", hsm, null, false));
        cfn.expect("CREATE CloudHSM", created, "SUCCESS", null);
        final String createdId = created.optJSONObject("resourceModel") == null ? "cks-00000000000000000"
            : created.getJSONObject("resourceModel").getString("CustomKeyStoreId");
        hsm.put("CustomKeyStoreId", createdId);
        final JSONObject renamed = new JSONObject(hsm.toString()).put("CustomKeyStoreName", "bench-paths-hsm-2");
        cfn.expect("UPDATE, rename in place", cfn.drive(cfn.request("UPDATE", renamed, hsm, false)), "SUCCESS", null);

        final JSONObject newXks = xks("bench-paths-xks", "https://xks-paths.example.com");
        final JSONObject createdXks = cfn.drive(cfn.request("CREATE", newXks, null, false));
        cfn.expect("CREATE XKS", createdXks, "SUCCESS", null);

        final JSONObject seeded = xks("bench-store-xks", "https://xks-bench.example.com").put("CustomKeyStoreId", XKS);
        final JSONObject moved = new JSONObject(seeded.toString()).put("XksProxyUriEndpoint",
            "https://xks-bench-2.example.com");
        cfn.expect("UPDATE, disconnect/update/reconnect", cfn.drive(cfn.request("UPDATE", moved, seeded, false)),
            "SUCCESS", null);
        cfn.expect("LIST", cfn.drive(cfn.request("LIST", null, null, false)), "SUCCESS", null);
        cfn.expect("DELETE, CONNECTED", cfn.drive(cfn.request("DELETE", moved, null, false)), "SUCCESS", null);
        cfn.expect("DELETE, DISCONNECTED", cfn.drive(cfn.request("DELETE", renamed, null, false)), "SUCCESS", null);
        if (createdXks.optJSONObject("resourceModel") != null) {
            cfn.drive(cfn.request("DELETE", createdXks.getJSONObject("resourceModel"), null, false));
        }
        cfn.expect("READ after DELETE", cfn.drive(cfn.request("READ", id(createdId), null, false)), "FAILED",
            "NotFound");

        final JSONObject mixed = hsm("bench-paths-mixed").put("XksProxyUriPath", "/kms/xks/v1");
        cfn.expect("CREATE, property of the other store type", cfn.invoke(cfn.request("CREATE", mixed, null, false)),
            "FAILED", "InvalidRequest");
        final JSONObject extra = hsm("bench-paths-extra").put("Unknown", "x");
        cfn.expect("CREATE, unknown property", cfn.invoke(cfn.request("CREATE", extra, null, false)), "FAILED",
            "InvalidRequest");
        cfn.expect("malformed JSON", cfn.invokeRaw("{\"action\": "), "FAILED", null);
        cfn.expect("READ with providerCredentials", cfn.drive(cfn.request("READ", id(HSM), null, true)), "SUCCESS",
            null);
        cfn.expect("testEntrypoint READ", testEntrypoint(wrapper), "FAILED", "NotFound");
        cfn.finish();
    }

    private static JSONObject id(final String id) {
        return new JSONObject().put("CustomKeyStoreId", id);
    }

    private static JSONObject hsm(final String name) {
        return new JSONObject().put("CustomKeyStoreName", name).put("CloudHsmClusterId", "cluster-7654327abcdefg")
            .put("TrustAnchorCertificate", "-----BEGIN CERTIFICATE-----\nMIIBbench\n-----END CERTIFICATE-----")
            .put("KeyStorePassword", "kmsPswd1").put("KeyStorePasswordVersion", "1");
    }

    private static JSONObject xks(final String name, final String endpoint) {
        return new JSONObject().put("CustomKeyStoreName", name).put("CustomKeyStoreType", "EXTERNAL_KEY_STORE")
            .put("XksProxyConnectivity", "PUBLIC_ENDPOINT").put("XksProxyUriEndpoint", endpoint)
            .put("XksProxyUriPath", "/kms/xks/v1").put("XksProxyAuthenticationCredential", new JSONObject()
                .put("AccessKeyId", "ABCDEFGHIJKLMNOPQRST")
                .put("RawSecretAccessKey", "s3cretXksProxyKeyThatIsLongEnough0123456789+/="));
    }

    private static JSONObject testEntrypoint(final HandlerWrapper wrapper) throws Exception {
        final JSONObject request = new JSONObject().put("clientRequestToken", UUID.randomUUID().toString())
            .put("region", "us-east-1").put("awsAccountId", "123456789012").put("stackId", Invocations.STACK)
            .put("logicalResourceIdentifier", "KeyStore").put("desiredResourceState", id("cks-00000000000000000"));
        final JSONObject payload = new JSONObject().put("credentials", Invocations.credentials()).put("action", "READ")
            .put("request", request).put("callbackContext", JSONObject.NULL);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        wrapper.testEntrypoint(new ByteArrayInputStream(payload.toString().getBytes(StandardCharsets.UTF_8)), out,
            Invocations.CONTEXT);
        return new JSONObject(out.toString(StandardCharsets.UTF_8));
    }

    private StorePaths() {
    }
}
