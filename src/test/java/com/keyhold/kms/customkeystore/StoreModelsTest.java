package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.core.KeyStoreSettings;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.core.PollSchedule;
import com.keyhold.kms.customkeystoreconnection.core.RetryPolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;
import software.amazon.awssdk.services.kms.model.XksProxyConfigurationType;

/**
 * The key store type's pure parts, without I/O: what READ makes of KMS's answer, the "before" side of an update's
 * comparison, which requests the input check looks at, and the JSON forms. Each assertion names a property a wrong
 * line would lose (found by mutation testing, guides/TESTING.md).
 */
class StoreModelsTest {
    private static final Instant CREATED = Instant.parse("2026-11-30T10:00:00Z");

    private static CustomKeyStoresListEntry xksEntry() {
        return CustomKeyStoresListEntry.builder().customKeyStoreId("cks-1").customKeyStoreName("payments-xks")
            .customKeyStoreType("EXTERNAL_KEY_STORE").connectionState("FAILED").connectionErrorCode("XKS_PROXY_TIMED_OUT")
            .creationDate(CREATED)
            .xksProxyConfiguration(XksProxyConfigurationType.builder().connectivity("VPC_ENDPOINT_SERVICE")
                .uriEndpoint("https://xks.example.com").uriPath("/kms/xks/v1")
                .vpcEndpointServiceName("com.amazonaws.vpce.us-east-1.vpce-svc-1").vpcEndpointServiceOwner("111122223333")
                .accessKeyId("ABCDEFGHIJKLMNOPQRST").build())
            .build();
    }

    @Test
    void readReportsEverythingKmsReportsAndTheVersionsOfTheStoreRecord() {
        final StoreRecord record = new StoreRecord("cks-1", "3", "7", "stack", "Store", null, null);
        final ResourceModel read = KeyStoreModels.read(xksEntry(), record);
        assertThat(read.getCustomKeyStoreId()).isEqualTo("cks-1");
        assertThat(read.getCustomKeyStoreType()).isEqualTo("EXTERNAL_KEY_STORE");
        assertThat(read.getObservedConnectionState()).isEqualTo("FAILED");
        assertThat(read.getConnectionErrorCode()).isEqualTo("XKS_PROXY_TIMED_OUT");
        assertThat(read.getCreationDate()).isEqualTo("2026-11-30T10:00:00Z");
        assertThat(read.getKeyStorePasswordVersion()).isEqualTo("3");
        assertThat(read.getXksProxyAuthenticationCredentialVersion()).isEqualTo("7");
        assertThat(read.getXksProxyConnectivity()).isEqualTo("VPC_ENDPOINT_SERVICE");
        assertThat(read.getXksProxyUriEndpoint()).isEqualTo("https://xks.example.com");
        assertThat(read.getXksProxyUriPath()).isEqualTo("/kms/xks/v1");
        assertThat(read.getXksProxyVpcEndpointServiceName()).isEqualTo("com.amazonaws.vpce.us-east-1.vpce-svc-1");
        assertThat(read.getXksProxyVpcEndpointServiceOwner()).isEqualTo("111122223333");
        assertThat(read.getXksProxyAuthenticationCredential().getAccessKeyId()).isEqualTo("ABCDEFGHIJKLMNOPQRST");
        assertThat(read.getXksProxyAuthenticationCredential().getRawSecretAccessKey()).isNull();

        final ResourceModel listed = KeyStoreModels.read(xksEntry().toBuilder().creationDate(null).build(), null);
        assertThat(listed.getCreationDate()).isNull();
        assertThat(listed.getKeyStorePasswordVersion()).isNull();
    }

    @Test
    void theBeforeSideTakesTheVersionsFromTheStoreRecordAndWithoutOneFromThePreviousModel() {
        final ResourceModel previous = new ResourceModel();
        previous.setXksProxyAuthenticationCredentialVersion("7");
        assertThat(KeyStoreModels.reported(xksEntry(), null, previous)).isEqualTo(KeyStoreSettings.external(
            "payments-xks", "VPC_ENDPOINT_SERVICE", "https://xks.example.com", "/kms/xks/v1",
            "com.amazonaws.vpce.us-east-1.vpce-svc-1", "111122223333", "ABCDEFGHIJKLMNOPQRST", "7"));
        assertThat(KeyStoreModels.reported(xksEntry(), null, null).xksProxyAuthenticationCredentialVersion()).isNull();
        final StoreRecord record = new StoreRecord("cks-1", "4", "8", "stack", "Store", null, null);
        assertThat(KeyStoreModels.reported(xksEntry(), record, previous).xksProxyAuthenticationCredentialVersion())
            .as("the record, not the previous model").isEqualTo("8");
        final CustomKeyStoresListEntry hsm = CustomKeyStoresListEntry.builder().customKeyStoreId("cks-2")
            .customKeyStoreName("payments-hsm").customKeyStoreType("AWS_CLOUDHSM").cloudHsmClusterId("cluster-1").build();
        previous.setKeyStorePasswordVersion("2");
        assertThat(KeyStoreModels.reported(hsm, null, previous))
            .isEqualTo(KeyStoreSettings.cloudHsm("payments-hsm", "cluster-1", "2"));
        assertThat(KeyStoreModels.reported(hsm, record, previous))
            .isEqualTo(KeyStoreSettings.cloudHsm("payments-hsm", "cluster-1", "4"));
        assertThat(KeyStoreModels.reported(hsm, null, null)).isEqualTo(KeyStoreSettings.cloudHsm("payments-hsm",
            "cluster-1", null));
    }

    private static JSONObject request(final String action, final Object callbackContext) {
        final JSONObject request = new JSONObject(Map.of("action", action, "requestData",
            Map.of("resourceProperties", Map.of("CustomKeyStoreName", "payments-hsm", "CustomKeyStoreId",
                "cks-1"))));
        if (callbackContext != null) {
            request.put("callbackContext", callbackContext);
        }
        return request;
    }

    @Test
    void theInputCheckLooksAtTheFirstInvocationOfCreateAndUpdateOnly() {
        final String missing = "CloudHsmClusterId is required for AWS_CLOUDHSM key stores.";
        assertThat(InputCheck.problem(request("CREATE", null))).contains(missing)
            .contains("KeyStorePassword is required");
        assertThat(InputCheck.problem(request("CREATE", JSONObject.NULL))).contains(missing);
        assertThat(InputCheck.problem(request("UPDATE", null))).contains(missing).doesNotContain("KeyStorePassword");
        assertThat(InputCheck.problem(request("CREATE", new JSONObject(Map.of("createdId", "cks-1")))))
            .as("a later invocation carries what the first one accepted").isNull();
        assertThat(InputCheck.problem(request("READ", null))).isNull();
        assertThat(InputCheck.problem(request("DELETE", null))).isNull();
        assertThat(InputCheck.problems(new JSONObject(Map.of("CustomKeyStoreName", "n")), true)).containsExactly(
            "CloudHsmClusterId is required for AWS_CLOUDHSM key stores.",
            "TrustAnchorCertificate is required for AWS_CLOUDHSM key stores.",
            "KeyStorePassword is required for AWS_CLOUDHSM key stores.");
    }

    @Test
    void theJsonFormsCarryEveryMemberAndNothingUnset() {
        final CallbackContext context = new CallbackContext();
        context.setDeleteChecked(true);
        context.setNextPollSeconds(5);
        context.setStatusMessage("cks-1: disconnecting");
        assertThat(CallbackContextJson.CODEC.write(context)).containsEntry("deleteChecked", true)
            .containsEntry("nextPollSeconds", 5).containsEntry("statusMessage", "cks-1: disconnecting");
        assertThat(ResourceModelJson.CODEC.write(new ResourceModel())).isEmpty();

        final ResourceModel model = new ResourceModel();
        model.setCustomKeyStoreName("payments-hsm");
        assertThat(model.hashCode()).isEqualTo(model.copy().hashCode()).isNotEqualTo(new ResourceModel().hashCode());

        final XksProxyAuthenticationCredential credential = new XksProxyAuthenticationCredential("AKID", "secret");
        assertThat(credential).isEqualTo(credential.copy()).hasSameHashCodeAs(credential.copy())
            .isNotEqualTo(new XksProxyAuthenticationCredential("AKID", "other")).isNotEqualTo("AKID");
        assertThat(credential.hashCode()).isNotEqualTo(new XksProxyAuthenticationCredential().hashCode());
    }

    @Test
    void productionDefaultsAreTheDocumentedOnes() {
        final HandlerConfig defaults = HandlerConfig.defaults();
        assertThat(defaults.clock()).isEqualTo(Clock.systemUTC());
        assertThat(defaults.schedule()).isEqualTo(PollSchedule.DEFAULT);
        assertThat(defaults.retries()).isEqualTo(RetryPolicy.DEFAULT);
        assertThat(defaults.clients()).isNotNull();
        assertThat(defaults.transition()).isNotNull();
    }
}
