package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.core.CreateIntent;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StoreSpec;
import java.util.Map;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The store record (an SSM parameter per key store, guides/DESIGN.md): READ answers the version properties from it,
 * an update decides from it whether a secret goes to KMS, and it names the one stack resource that may change or delete
 * the key store. Through the key store type's HandlerWrapper against the emulator.
 */
class StoreRecordTest extends StoreTestBase {
    private static final String OTHER_STACK =
        "arn:aws:cloudformation:us-east-1:123456789012:stack/other/5b4c0bd0-7b1d-11ef-a0c2-0e7a1ab1b5f1";

    private JSONObject record(final String id) {
        return new JSONObject(emulator.parameterValue(StoreRecord.parameterName(id)).orElseThrow());
    }

    @Test
    void createWritesTheRecordAndReadAnswersTheVersionsFromIt() {
        final String id = create(xks("https://proxy.example.com", ACCESS_KEY_ID, XKS_SECRET));
        final Map<String, Object> credentialV3 = xks("https://proxy.example.com", ACCESS_KEY_ID, XKS_SECRET);
        credentialV3.put("XksProxyAuthenticationCredentialVersion", "3");
        // A second key store, with a version property, to read against the first one's record.
        final Map<String, Object> hsm = hsm("payments-hsm", PASSWORD, "7");
        final String hsmId = create(hsm);

        assertThat(record(hsmId).getString("keyStorePasswordVersion")).isEqualTo("7");
        assertThat(record(hsmId).getString("stackId")).isEqualTo(WrapperDriver.STACK_ID);
        assertThat(record(hsmId).getString("logicalResourceId")).isEqualTo("Store");
        // READ with only the primary identifier, as drift detection and the contract tests send it.
        final JsonNode read = driver.run("READ", Map.of("CustomKeyStoreId", hsmId), null);
        assertThat(read.path("resourceModel").path("KeyStorePasswordVersion").asText()).isEqualTo("7");
        assertThat(driver.run("READ", Map.of("CustomKeyStoreId", id), null).path("resourceModel")
            .has("XksProxyAuthenticationCredentialVersion")).isFalse();

        final JsonNode rotated = driver.run("UPDATE", with(credentialV3, id),
            with(xks("https://proxy.example.com", ACCESS_KEY_ID, XKS_SECRET), id));
        assertThat(rotated.path("status").asText()).as(rotated.toString()).isEqualTo("SUCCESS");
        assertThat(driver.run("READ", Map.of("CustomKeyStoreId", id), null).path("resourceModel")
            .path("XksProxyAuthenticationCredentialVersion").asText()).isEqualTo("3");
        assertNoSecretAnywhere();
    }

    @Test
    void theRecordNotThePreviousModelDecidesWhetherThePasswordGoes() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        connect(id);
        // The previous model says version 0 (as a stale or rebuilt previous state could): the password was sent under
        // version 1, which the record knows, so the stale template password is not sent again.
        final JsonNode same = driver.run("UPDATE", with(v1, id), with(hsm("payments-hsm", PASSWORD, "0"), id));
        assertThat(same.path("status").asText()).as(same.toString()).isEqualTo("SUCCESS");
        assertThat(calls("UpdateCustomKeyStore")).isZero();
        assertThat(calls("DisconnectCustomKeyStore")).isZero();

        // The opposite: the previous model already says 2, the record says 1: KMS never got version 2, so it goes.
        emulator.backends().resetKmsuserPassword(CLUSTER, NEW_PASSWORD);
        final Map<String, Object> v2 = hsm("payments-hsm", NEW_PASSWORD, "2");
        final JsonNode bumped = driver.run("UPDATE", with(v2, id), with(v2, id));
        assertThat(bumped.path("status").asText()).as(bumped.toString()).isEqualTo("SUCCESS");
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(1);
        assertThat(record(id).getString("keyStorePasswordVersion")).isEqualTo("2");
        emulator.outOfBandDisconnect(id);
        clock.advanceSeconds(60);
        connect(id);
        assertNoSecretAnywhere();
    }

    @Test
    void anotherStacksResourceChangesAndDeletesNothing() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        connect(id);
        final String recordBefore = record(id).toString();
        emulator.requestLog().clear();
        driver.as(OTHER_STACK, "Adopted");

        final JsonNode update = driver.run("UPDATE", with(hsm("renamed", PASSWORD, "1"), id), with(v1, id));
        assertThat(update.path("errorCode").asText()).isEqualTo("NotFound");
        assertThat(update.path("message").asText()).contains("stack " + WrapperDriver.STACK_ID + " (logical id Store)")
            .contains("Nothing was changed").contains("aws ssm delete-parameter --name " + StoreRecord.parameterName(id));
        final JsonNode delete = driver.run("DELETE", with(v1, id), null);
        assertThat(delete.path("status").asText()).as(delete.toString()).isEqualTo("SUCCESS");
        assertThat(delete.path("message").asText()).contains("left untouched");

        assertThat(calls("UpdateCustomKeyStore") + calls("DisconnectCustomKeyStore") + calls("DeleteCustomKeyStore")
            + calls("PutParameter") + calls("DeleteParameter")).isZero();
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(record(id).toString()).isEqualTo(recordBefore);
    }

    @Test
    void anImportedKeyStoreIsClaimedByItsFirstUpdateAndReleasedByItsDelete() {
        final String id = emulator.seedStore(StoreSpec.cloudHsm("made-by-hand").id("cks-1234567890abcdef0"));
        final Map<String, Object> imported = hsm("made-by-hand", PASSWORD, "1");
        final JsonNode read = driver.run("READ", Map.of("CustomKeyStoreId", id), null);
        assertThat(read.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(read.path("resourceModel").has("KeyStorePasswordVersion")).as("no record, no version").isFalse();

        final Map<String, Object> renamed = hsm("made-by-keyhold", PASSWORD, "1");
        final JsonNode update = driver.run("UPDATE", with(renamed, id), with(imported, id));
        assertThat(update.path("status").asText()).as(update.toString()).isEqualTo("SUCCESS");
        assertThat(record(id).getString("stackId")).isEqualTo(WrapperDriver.STACK_ID);
        // Without a record the previous model's version counts: 1 to 1 sends no password.
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(1);
        assertThat(driver.run("READ", Map.of("CustomKeyStoreId", id), null).path("resourceModel")
            .path("KeyStorePasswordVersion").asText()).isEqualTo("1");

        final JsonNode deleted = driver.run("DELETE", with(renamed, id), null);
        assertThat(deleted.path("status").asText()).as(deleted.toString()).isEqualTo("SUCCESS");
        assertThat(emulator.parameterValue(StoreRecord.parameterName(id))).isEmpty();
    }

    @Test
    void aThrottledRecordWriteCallsBackWithoutRepeatingTheKmsCall() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        emulator.faults().throttleNext("PutParameter", 2);
        final String id = create(v1);
        assertThat(calls("CreateCustomKeyStore")).isEqualTo(1);
        assertThat(record(id).getString("keyStorePasswordVersion")).isEqualTo("1");

        emulator.faults().throttleNext("PutParameter", 1);
        final Map<String, Object> v2 = hsm("payments-hsm", NEW_PASSWORD, "2");
        final JsonNode bumped = driver.run("UPDATE", with(v2, id), with(v1, id));
        assertThat(bumped.path("status").asText()).as(bumped.toString()).isEqualTo("SUCCESS");
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(1);
        assertThat(record(id).getString("keyStorePasswordVersion")).isEqualTo("2");
    }

    @Test
    void aKeyStoreDeletedOutOfBandTakesItsRecordWithItButNotAnotherResourcesRecord() {
        final String id = create(hsm("payments-hsm", PASSWORD, "1"));
        final String other = create(xks("https://other.example.com", ACCESS_KEY_ID, XKS_SECRET));
        try (KmsClient kms = KmsClient.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
            .build()) {
            kms.deleteCustomKeyStore(request -> request.customKeyStoreId(id));
            kms.deleteCustomKeyStore(request -> request.customKeyStoreId(other));
        }
        final JsonNode gone = driver.run("DELETE", Map.of("CustomKeyStoreId", id), null);
        assertThat(gone.path("errorCode").asText()).as("gone before the delete: NotFound").isEqualTo("NotFound");
        assertThat(emulator.parameterValue(StoreRecord.parameterName(id))).isEmpty();

        driver.as(OTHER_STACK, "Adopted");
        assertThat(driver.run("DELETE", Map.of("CustomKeyStoreId", other), null).path("errorCode").asText())
            .isEqualTo("NotFound");
        assertThat(emulator.parameterValue(StoreRecord.parameterName(other))).isPresent();
    }

    @Test
    void aCreateRetriedAfterItsInvocationDiedContinuesWithTheKeyStoreItMade() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        // KMS creates the key store, then the invocation dies before its answer reaches CloudFormation (here: the
        // answer after the first describe, which does not show the key store yet, is thrown away). The first fault
        // answers the create's look by name: no key store has it yet.
        emulator.faults().errorNext("DescribeCustomKeyStores", "*", "CustomKeyStoreNotFoundException", 2);
        final ObjectNode request = driver.request("CREATE", v1, null);
        assertThat(driver.invoke(request).path("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(emulator.storeIds()).hasSize(1);
        final String made = emulator.storeIds().get(0);

        // CloudFormation sends the same request again: same token, no callback context.
        final JsonNode retried = driver.resume(request, Integer.MAX_VALUE);
        assertThat(retried.path("status").asText()).as(retried.toString()).isEqualTo("SUCCESS");
        assertThat(retried.path("resourceModel").path("CustomKeyStoreId").asText()).isEqualTo(made);
        assertThat(calls("CreateCustomKeyStore")).as("the retry finds its key store by name: no second create")
            .isEqualTo(1);
        assertThat(emulator.storeIds()).containsExactly(made);
        assertThat(record(made).getString("createToken")).isEqualTo(request.path("bearerToken").asText());
        assertThat(emulator.parameterValue(CreateIntent.parameterName("payments-hsm"))).as("intent removed").isEmpty();
    }

    @Test
    void aCreateRetriedAfterItsSuccessWasLostRecognisesItsKeyStoreByTheRecord() {
        final ObjectNode request = driver.request("CREATE", hsm("payments-hsm", PASSWORD, "1"), null);
        final String made = driver.invoke(request).path("resourceModel").path("CustomKeyStoreId").asText();
        request.putNull("callbackContext");
        final JsonNode again = driver.resume(request, Integer.MAX_VALUE);
        assertThat(again.path("status").asText()).as(again.toString()).isEqualTo("SUCCESS");
        assertThat(again.path("resourceModel").path("CustomKeyStoreId").asText()).isEqualTo(made);
        assertThat(emulator.storeIds()).containsExactly(made);
    }

    @Test
    void anotherOperationsCreateOfTheSameNameFailsAlreadyExistsAndLeavesTheKeyStoreAlone() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String first = create(v1);
        final String recordBefore = record(first).toString();
        final Map<String, Object> sameName = xks("https://proxy.example.com", ACCESS_KEY_ID, XKS_SECRET);
        sameName.put("CustomKeyStoreName", "payments-hsm");
        final JsonNode second = driver.run("CREATE", sameName, null);
        assertThat(second.path("errorCode").asText()).isEqualTo("AlreadyExists");
        assertThat(second.has("resourceModel")).isFalse();
        assertThat(emulator.storeIds()).containsExactly(first);
        assertThat(record(first).toString()).isEqualTo(recordBefore);
        assertThat(emulator.parameterValue(CreateIntent.parameterName("payments-hsm")))
            .as("a create that made nothing leaves no intent").isEmpty();
    }

    @Test
    void anIntentThatCannotBeRemovedDoesNotHideTheRealFailure() {
        final String first = create(hsm("payments-hsm", PASSWORD, "1"));
        emulator.faults().errorNext("DeleteParameter", "*", "AccessDeniedException", 1);
        final Map<String, Object> sameName = xks("https://proxy.example.com", ACCESS_KEY_ID, XKS_SECRET);
        sameName.put("CustomKeyStoreName", "payments-hsm");
        final JsonNode second = driver.run("CREATE", sameName, null);
        assertThat(second.path("errorCode").asText()).isEqualTo("AlreadyExists");
        assertThat(second.path("message").asText()).contains("payments-hsm");
        assertThat(emulator.storeIds()).containsExactly(first);
        assertThat(emulator.parameterValue(CreateIntent.parameterName("payments-hsm")))
            .as("left behind: never replaced by another create, so it blocks the name until removed").isPresent();
        final JsonNode third = driver.run("CREATE", sameName, null);
        assertThat(third.path("errorCode").asText()).isEqualTo("AlreadyExists");
        assertThat(third.path("message").asText())
            .contains("another create of the custom key store name 'payments-hsm'")
            .contains("aws ssm delete-parameter --name " + CreateIntent.parameterName("payments-hsm"));
        assertThat(emulator.storeIds()).containsExactly(first);
    }
}
