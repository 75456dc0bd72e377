package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreUpdatePlanner.Phase;
import com.keyhold.kms.customkeystoreconnection.core.Progress;
import com.keyhold.kms.customkeystoreconnection.core.StoreProperty;
import com.keyhold.kms.customkeystoreconnection.core.TargetState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StoreSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/** The key store type's less travelled paths, through the wrapper against the emulator where they reach AWS. */
class StoreEdgesTest extends StoreTestBase {

    @Test
    void inputCheckNamesWhatEachTypeRequiresAndRefuses() {
        assertThat(InputCheck.problems(new JSONObject(Map.of("CustomKeyStoreType", "EXTERNAL_KEY_STORE",
            "CloudHsmClusterId", CLUSTER)), true)).containsExactly(
            "CloudHsmClusterId is a property of AWS_CLOUDHSM key stores only; this one is EXTERNAL_KEY_STORE. Remove it, "
                + "or set CustomKeyStoreType: AWS_CLOUDHSM (which replaces the key store).",
            "XksProxyConnectivity is required for EXTERNAL_KEY_STORE key stores.",
            "XksProxyUriEndpoint is required for EXTERNAL_KEY_STORE key stores.",
            "XksProxyUriPath is required for EXTERNAL_KEY_STORE key stores.",
            "XksProxyAuthenticationCredential is required for EXTERNAL_KEY_STORE key stores.");
        assertThat(InputCheck.problems(new JSONObject(Map.of("CustomKeyStoreType", "EXTERNAL_KEY_STORE",
            "XksProxyConnectivity", "VPC_ENDPOINT_SERVICE", "XksProxyUriEndpoint", "https://x.example.com",
            "XksProxyUriPath", "/kms/xks/v1")), false)).containsExactly("XksProxyVpcEndpointServiceName is required "
            + "for EXTERNAL_KEY_STORE with XksProxyConnectivity VPC_ENDPOINT_SERVICE key stores.");
        assertThat(InputCheck.problems(new JSONObject(Map.of("CustomKeyStoreType", "EXTERNAL_KEY_STORE",
            "XksProxyConnectivity", "PUBLIC_ENDPOINT", "XksProxyUriEndpoint", "https://x.example.com",
            "XksProxyUriPath", "/kms/xks/v1", "XksProxyVpcEndpointServiceOwner", "111122223333")), false))
            .containsExactly("XksProxyVpcEndpointServiceOwner applies only with XksProxyConnectivity "
                + "VPC_ENDPOINT_SERVICE; remove it for PUBLIC_ENDPOINT.");
        assertThat(InputCheck.problems(new JSONObject(Map.of("CustomKeyStoreType", "OTHER")), true))
            .containsExactly("CustomKeyStoreType OTHER is not a key store type; use AWS_CLOUDHSM (the default) or "
                + "EXTERNAL_KEY_STORE.");
        assertThat(InputCheck.problems(new JSONObject(Map.of("CloudHsmClusterId", CLUSTER, "TrustAnchorCertificate",
            "c")), false)).as("an update needs no password").isEmpty();
        final JSONObject delete = new JSONObject(Map.of("action", "DELETE", "requestData", Map.of()));
        assertThat(InputCheck.problem(delete)).contains("carries no resource properties");
        final JSONObject read = new JSONObject(Map.of("action", "READ", "requestData",
            Map.of("resourceProperties", Map.of("CustomKeyStoreId", "cks-1"))));
        assertThat(InputCheck.problem(read)).isNull();
    }

    @Test
    void noCallbackContextOfADanceHoldsASecret() {
        // A CloudHSM dance with a new password and an XKS dance with a new proxy: every callback context CloudFormation
        // keeps between invocations, every message, and each final answer are free of each secret the requests carried.
        // (An IN_PROGRESS answer's resourceModel is the desired model CloudFormation sends back on the next invocation,
        // as the protocol asks: that one carries the write-only properties the next step still needs.)
        final Map<String, Object> hsmBefore = hsm("payments-hsm", PASSWORD, "1");
        final String hsmId = create(hsmBefore);
        connect(hsmId);
        emulator.backends().resetKmsuserPassword(CLUSTER, NEW_PASSWORD);
        final JsonNode hsmMoved = driver.run("UPDATE", with(hsm("payments-hsm", NEW_PASSWORD, "2"), hsmId),
            with(hsmBefore, hsmId));
        final Map<String, Object> xksBefore = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String xksId = create(xksBefore);
        connect(xksId);
        final JsonNode xksMoved = driver.run("UPDATE", with(xks("https://xks-b.example.com", ACCESS_KEY_ID,
            XKS_SECRET), xksId), with(xksBefore, xksId));

        assertThat(hsmMoved.path("status").asText()).as(hsmMoved.toString()).isEqualTo("SUCCESS");
        assertThat(xksMoved.path("status").asText()).as(xksMoved.toString()).isEqualTo("SUCCESS");
        assertThat(driver.responses().stream().filter(r -> r.has("callbackContext")).count())
            .as("both dances called back").isGreaterThan(4);
        for (JsonNode response : driver.responses()) {
            final String kept = "IN_PROGRESS".equals(response.path("status").asText())
                ? response.path("callbackContext").toString() + response.path("message").asText() : response.toString();
            assertThat(kept).doesNotContain(PASSWORD).doesNotContain(NEW_PASSWORD).doesNotContain(XKS_SECRET);
        }
        assertThat(emulator.state(hsmId)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(emulator.state(xksId)).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void theCallbackContextRoundTripsThroughJson() {
        final CallbackContext context = new CallbackContext();
        context.setCreatedId("cks-1");
        context.setPhase(Phase.DISCONNECT_SENT);
        context.setChanged(List.of(StoreProperty.XKS_PROXY_URI_ENDPOINT, StoreProperty.XKS_PROXY_AUTHENTICATION_CREDENTIAL));
        context.setComeBackTo(TargetState.CONNECTED);
        context.setDeleteChecked(true);
        context.setProgress(Progress.start(TargetState.DISCONNECTED, Instant.EPOCH));
        context.setNextPollSeconds(5);
        context.setStatusMessage("cks-1: disconnecting");
        final JSONObject json = new JSONObject(CallbackContextJson.CODEC.write(context));
        final CallbackContext read = CallbackContextJson.CODEC.read(json);
        assertThat(read).usingRecursiveComparison().isEqualTo(context);
        final CallbackContext empty = CallbackContextJson.CODEC.read(new JSONObject(CallbackContextJson.CODEC.write(
            new CallbackContext())));
        assertThat(empty).usingRecursiveComparison().isEqualTo(new CallbackContext());
        assertThatThrownBy(() -> CallbackContextJson.CODEC.read(new JSONObject(Map.of("phase", "DANCING"))))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void modelsCompareByValueAndCopyDeeply() {
        final ResourceModel model = new ResourceModel();
        assertThat(model.getPrimaryIdentifier()).isNull();
        assertThat(model.getAdditionalIdentifiers()).isNull();
        model.setCustomKeyStoreId("cks-1");
        model.setXksProxyAuthenticationCredential(new XksProxyAuthenticationCredential(ACCESS_KEY_ID, XKS_SECRET));
        final ResourceModel copy = model.copy();
        assertThat(copy).isEqualTo(model).hasSameHashCodeAs(model).isNotSameAs(model);
        assertThat(copy.getXksProxyAuthenticationCredential()).isNotSameAs(model.getXksProxyAuthenticationCredential());
        assertThat(model.getPrimaryIdentifier().getString(ResourceModel.IDENTIFIER_KEY_CUSTOMKEYSTOREID))
            .isEqualTo("cks-1");
        copy.getXksProxyAuthenticationCredential().setRawSecretAccessKey(NEW_XKS_SECRET);
        assertThat(copy).isNotEqualTo(model).isNotEqualTo("cks-1");
        assertThat(model).isEqualTo(model);
        assertThat(new ResourceModel().copy()).isEqualTo(new ResourceModel());
        assertThat(model.toString()).doesNotContain(XKS_SECRET);
    }

    @Test
    void readOfAKeyStoreNotMadeByKeyholdWorksForImport() {
        emulator.seedStore(StoreSpec.external("imported").id("cks-0fedcba9876543210")
            .xksProxy("https://proxy.example.com", "/kms/xks/v1", "PUBLIC_ENDPOINT").xksAccessKeyId(ACCESS_KEY_ID));
        final JsonNode read = driver.run("READ", Map.of("CustomKeyStoreId", "cks-0fedcba9876543210"), null);
        assertThat(read.path("status").asText()).as(read.toString()).isEqualTo("SUCCESS");
        assertThat(read.path("resourceModel").path("XksProxyUriEndpoint").asText()).isEqualTo("https://proxy.example.com");
        assertThat(read.path("resourceModel").path("XksProxyAuthenticationCredential").path("AccessKeyId").asText())
            .isEqualTo(ACCESS_KEY_ID);
        assertThat(driver.run("READ", Map.of("CustomKeyStoreName", "x"), null).path("errorCode").asText())
            .isEqualTo("NotFound");
        // READ answers at once: a throttled describe fails rather than calling back.
        emulator.faults().throttleNext("DescribeCustomKeyStores", 1);
        assertThat(driver.run("READ", Map.of("CustomKeyStoreId", "cks-0fedcba9876543210"), null).path("errorCode")
            .asText()).isEqualTo("Throttling");
    }

    @Test
    void aNameInUseIsAlreadyExistsWithoutAModel() {
        create(hsm("payments-hsm", PASSWORD, null));
        final Map<String, Object> second = hsm("payments-hsm", PASSWORD, null);
        second.put("CloudHsmClusterId", "cluster-765432abcdefg");
        final JsonNode refused = driver.run("CREATE", second, null);
        assertThat(refused.path("errorCode").asText()).isEqualTo("AlreadyExists");
        assertThat(refused.path("message").asText()).contains("payments-hsm");
        assertThat(refused.has("resourceModel")).isFalse();
    }

    @Test
    void createWaitsOutDescribeLagAndUsesTheIdFromTheContext() {
        emulator.faults().errorNext("DescribeCustomKeyStores", "*", "CustomKeyStoreNotFoundException", 2);
        final JsonNode created = driver.run("CREATE", hsm("payments-hsm", PASSWORD, null), null);
        assertThat(created.path("status").asText()).as(created.toString()).isEqualTo("SUCCESS");
        assertThat(calls("CreateCustomKeyStore")).isEqualTo(1);
        assertThat(driver.responses()).anySatisfy(r -> assertThat(r.path("message").asText())
            .contains("does not show it yet"));
    }

    @Test
    void createThatNeverShowsUpSaysHowToCheck() {
        emulator.faults().errorNext("DescribeCustomKeyStores", "*", "CustomKeyStoreNotFoundException", 1000);
        final JsonNode failed = driver.run("CREATE", hsm("payments-hsm", PASSWORD, null), null);
        assertThat(failed.path("errorCode").asText()).isEqualTo("NotStabilized");
        assertThat(failed.path("message").asText()).contains("aws kms describe-custom-key-stores");
    }

    @Test
    void anUpdateThatChangesNothingCallsNothing() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        assertThat(driver.run("UPDATE", with(v1, id), with(v1, id)).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(calls("UpdateCustomKeyStore")).isZero();
        emulator.faults().errorNext("DescribeCustomKeyStores", "*", "CustomKeyStoreNotFoundException", 1);
        assertThat(driver.run("UPDATE", with(v1, id), with(v1, id)).path("errorCode").asText()).isEqualTo("NotFound");
    }

    @Test
    void aRefusedInPlaceUpdateFallsBackToTheDance() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        emulator.faults().errorNext("UpdateCustomKeyStore", id, "CustomKeyStoreInvalidStateException", 1);
        final Map<String, Object> v2 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        v2.put("XksProxyUriPath", "/other/kms/xks/v1");
        final JsonNode moved = driver.run("UPDATE", with(v2, id), with(v1, id));
        assertThat(moved.path("status").asText()).as(moved.toString()).isEqualTo("SUCCESS");
        assertThat(calls("DisconnectCustomKeyStore")).isEqualTo(1);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(driver.responses()).anySatisfy(r -> assertThat(r.path("message").asText())
            .contains("KMS refused to change it while connected"));
    }

    @Test
    void anUpdateRefusedAfterTheDisconnectIsReconnectedBeforeItIsReported() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        emulator.backends().proxyReachable("https://xks-e.example.com", false);
        final JsonNode failed = driver.run("UPDATE", with(xks("https://xks-e.example.com", ACCESS_KEY_ID, XKS_SECRET),
            id), with(v1, id));
        assertThat(failed.path("status").asText()).isEqualTo("FAILED");
        assertThat(failed.path("message").asText()).contains(id + " is CONNECTED again, as it was before the update")
            .doesNotContain("DISCONNECTED now");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void anInPlaceUpdateKmsRefusesForGoodFailsWithItsReason() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, null);
        final String id = create(v1);
        create(hsm("taken", PASSWORD, null).entrySet().stream().collect(java.util.stream.Collectors.toMap(
            Map.Entry::getKey, e -> "CloudHsmClusterId".equals(e.getKey()) ? "cluster-765432abcdefg" : e.getValue())));
        final JsonNode failed = driver.run("UPDATE", with(hsm("taken", PASSWORD, null), id), with(v1, id));
        // A name in use on an update: InvalidRequest (the handler contract keeps AlreadyExists for create).
        assertThat(failed.path("errorCode").asText()).isEqualTo("InvalidRequest");
        emulator.faults().throttleNext("UpdateCustomKeyStore", 20);
        final JsonNode throttled = driver.run("UPDATE", with(hsm("renamed", PASSWORD, null), id), with(v1, id));
        assertThat(throttled.path("errorCode").asText()).isEqualTo("Throttling");
    }

    @Test
    void deleteOfADisconnectedKeyStoreOrOfNothing() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, null);
        final String id = create(v1);
        // No id: nothing to delete, which the contract answers NotFound (CloudFormation takes it as deleted).
        assertThat(driver.run("DELETE", Map.of("CustomKeyStoreName", "x"), null).path("errorCode").asText())
            .isEqualTo("NotFound");
        emulator.faults().errorNext("DeleteCustomKeyStore", id, "CustomKeyStoreNotFoundException", 1);
        assertThat(driver.run("DELETE", with(v1, id), null).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(calls("DisconnectCustomKeyStore")).isZero();
    }

    @Test
    void aRequestWithoutCredentialsOrPropertiesFailsClearly() {
        final ObjectNode request = driver.request("CREATE", hsm("payments-hsm", PASSWORD, null), null);
        ((ObjectNode) request.get("requestData")).remove("callerCredentials");
        final JsonNode failed = driver.invoke(request);
        assertThat(failed.path("errorCode").asText()).isEqualTo("InvalidRequest");
        assertThat(failed.path("message").asText()).contains("callerCredentials");
        final ObjectNode noModel = driver.request("UPDATE", null, null);
        assertThat(driver.invoke(noModel).path("message").asText()).contains("carries no resource properties");
        final WrapperDriver lister = newDriver();
        final ObjectNode list = lister.request("LIST", null, null);
        ((ObjectNode) list.get("requestData")).remove("callerCredentials");
        assertThat(lister.invoke(list).path("errorCode").asText()).isEqualTo("InvalidRequest");
    }
}
