package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.core.CreateIntent;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.RequestLog;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StoreSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * Issue #19 item 4. KMS answers a CloudHSM create that repeats all the properties of a DISCONNECTED key store with that
 * key store's id (developer guide, "Create an AWS CloudHSM key store"). A Keyhold create never takes a key store it
 * did not make: it looks by name first, takes a found key store only when its own record or intent names it and it
 * matches, and never writes its record over another.
 */
class StoreIdenticalCreateTest extends StoreTestBase {
    private static final String OTHER_CLUSTER = "cluster-2222233333aaa";
    private static final String OTHER_STACK =
        "arn:aws:cloudformation:us-east-1:123456789012:stack/other/7f9a2b10-0000-11ef-8a3b-0a1b2c3d4e5f";

    private WrapperDriver otherStack() {
        return newDriver().as(OTHER_STACK, "Twin");
    }

    @Test
    void aSecondStackWithIdenticalPropertiesIsRefusedAndTakesNothing() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String first = create(v1);
        final Optional<String> record = emulator.parameterValue(StoreRecord.parameterName(first));

        final JsonNode twin = otherStack().run("CREATE", v1, null);
        assertThat(twin.path("status").asText()).as(twin.toString()).isEqualTo("FAILED");
        assertThat(twin.path("errorCode").asText()).isEqualTo("AlreadyExists");
        assertThat(twin.has("resourceModel")).as("no model: CloudFormation's rollback deletes nothing").isFalse();
        assertThat(twin.path("message").asText()).contains("already used by key store " + first)
            .contains("which this create did not make").contains("names stack " + WrapperDriver.STACK_ID);
        assertThat(calls("CreateCustomKeyStore")).as("never sent: KMS would have answered with the first's id")
            .isEqualTo(1);
        assertThat(emulator.storeIds()).containsExactly(first);
        assertThat(emulator.state(first)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(emulator.parameterValue(StoreRecord.parameterName(first))).isEqualTo(record);
        assertThat(emulator.parameterValue(CreateIntent.parameterName("payments-hsm"))).isEmpty();
        assertNoSecretAnywhere();
    }

    @Test
    void whenKmsHandsOverAnotherResourcesKeyStoreTheRecordIsNotOverwritten() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String first = create(v1);
        final Optional<String> record = emulator.parameterValue(StoreRecord.parameterName(first));
        // The look by name misses it (as if the first were created between the look and the create): KMS answers
        // the identical create with the first key store's id.
        emulator.faults().errorNext("DescribeCustomKeyStores", "*", "CustomKeyStoreNotFoundException", 1);

        final JsonNode twin = otherStack().run("CREATE", v1, null);
        assertThat(twin.path("status").asText()).as(twin.toString()).isEqualTo("FAILED");
        assertThat(twin.path("errorCode").asText()).isEqualTo("AlreadyExists");
        assertThat(twin.has("resourceModel")).isFalse();
        assertThat(twin.path("message").asText()).contains("KMS answered this create with key store " + first)
            .contains("left that key store and its record untouched");
        assertThat(calls("CreateCustomKeyStore")).isEqualTo(2);
        assertThat(emulator.storeIds()).containsExactly(first);
        assertThat(emulator.parameterValue(StoreRecord.parameterName(first))).isEqualTo(record);
    }

    @Test
    void aResumedCreateDoesNotAdoptAKeyStoreSomeoneMadeByHandOnAnotherCluster() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        // The invocation ends between the create intent and CreateCustomKeyStore: the create never reaches KMS.
        emulator.faults().resetConnectionNext("CreateCustomKeyStore", 1);
        final ObjectNode request = driver.request("CREATE", v1, null);
        assertThat(driver.invoke(request).path("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(emulator.storeIds()).isEmpty();
        assertThat(emulator.parameterValue(CreateIntent.parameterName("payments-hsm"))).isPresent();
        // Meanwhile someone makes a key store of that name by hand, on another cluster.
        final String byHand = emulator.seedStore(StoreSpec.cloudHsm("payments-hsm").cloudHsmClusterId(OTHER_CLUSTER)
            .state(ConnectionState.CONNECTED));

        request.putNull("callbackContext");
        final JsonNode resumed = driver.resume(request, Integer.MAX_VALUE);
        assertThat(resumed.path("status").asText()).as(resumed.toString()).isEqualTo("FAILED");
        assertThat(resumed.path("errorCode").asText()).isEqualTo("AlreadyExists");
        assertThat(resumed.has("resourceModel")).isFalse();
        assertThat(resumed.path("message").asText()).contains("already used by key store " + byHand)
            .contains("it is on CloudHSM cluster " + OTHER_CLUSTER + ", this create asks for " + CLUSTER);
        assertThat(emulator.storeIds()).containsExactly(byHand);
        assertThat(emulator.state(byHand)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(emulator.parameterValue(StoreRecord.parameterName(byHand))).as("no record claims it").isEmpty();
        assertThat(calls("CreateCustomKeyStore")).as("only the one reset before KMS saw it: no second create")
            .isEqualTo(1);
    }

    @Test
    void aResumedCreateContinuesWithTheKeyStoreItMadeWhenItMatches() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        // KMS creates the key store; the answer of the describe that follows is lost with the invocation.
        emulator.faults().errorNext("DescribeCustomKeyStores", "*", "CustomKeyStoreNotFoundException", 2);
        final ObjectNode request = driver.request("CREATE", v1, null);
        assertThat(driver.invoke(request).path("status").asText()).isEqualTo("IN_PROGRESS");
        final String made = emulator.storeIds().get(0);
        request.putNull("callbackContext");
        final JsonNode resumed = driver.resume(request, Integer.MAX_VALUE);
        assertThat(resumed.path("status").asText()).as(resumed.toString()).isEqualTo("SUCCESS");
        assertThat(resumed.path("resourceModel").path("CustomKeyStoreId").asText()).isEqualTo(made);
        assertThat(emulator.parameterValue(StoreRecord.parameterName(made))).isPresent();
    }

    @Test
    void aCreateOfTheSameNameWhileAnotherIsUnderWayLeavesItsIntentAndTheOtherOwnsItsKeyStore() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String intentName = CreateIntent.parameterName("payments-hsm");
        // A: KMS creates the key store, then A's invocation dies (the describe that follows does not show it, and
        // that answer is lost): A's intent is the only sign that the key store is A's.
        emulator.faults().errorNext("DescribeCustomKeyStores", "*", "CustomKeyStoreNotFoundException", 2);
        final ObjectNode a = driver.request("CREATE", v1, null);
        assertThat(driver.invoke(a).path("status").asText()).isEqualTo("IN_PROGRESS");
        final String made = emulator.storeIds().get(0);
        final Optional<String> intentOfA = emulator.parameterValue(intentName);
        assertThat(intentOfA).isPresent();
        assertThat(emulator.parameterValue(StoreRecord.parameterName(made))).as("A died before its record").isEmpty();

        // B: another stack's create of the same name, while A is between its attempts.
        final int before = emulator.requestLog().entries().size();
        final JsonNode b = otherStack().run("CREATE", v1, null);
        assertThat(b.path("status").asText()).as(b.toString()).isEqualTo("FAILED");
        assertThat(b.path("errorCode").asText()).isEqualTo("AlreadyExists");
        assertThat(b.has("resourceModel")).as("no model: CloudFormation's rollback deletes nothing").isFalse();
        assertThat(b.path("message").asText())
            .contains("another create of the custom key store name 'payments-hsm' is under way, or died after creating "
                + "its key store")
            .contains("its create intent " + intentName)
            .contains("Nothing was changed and no key store was created")
            .contains("'aws ssm delete-parameter --name " + intentName + "'");
        final List<RequestLog.Entry> callsOfB = emulator.requestLog().entries().subList(before,
            emulator.requestLog().entries().size());
        assertThat(callsOfB).extracting(entry -> entry.operation() + " " + entry.outcome())
            .as("B wrote nothing over A's intent and never reached KMS")
            .containsExactly("PutParameter ParameterAlreadyExists", "GetParameter OK");
        assertThat(emulator.parameterValue(intentName)).as("A's intent, untouched").isEqualTo(intentOfA);
        assertThat(emulator.storeIds()).containsExactly(made);
        assertThat(emulator.parameterValue(StoreRecord.parameterName(made))).isEmpty();

        // A is retried (same request, same token): it still recognises its key store.
        a.putNull("callbackContext");
        final JsonNode resumed = driver.resume(a, Integer.MAX_VALUE);
        assertThat(resumed.path("status").asText()).as(resumed.toString()).isEqualTo("SUCCESS");
        assertThat(resumed.path("resourceModel").path("CustomKeyStoreId").asText()).isEqualTo(made);
        assertThat(calls("CreateCustomKeyStore")).isEqualTo(1);
        assertThat(emulator.storeIds()).containsExactly(made);
        assertThat(emulator.state(made)).isEqualTo(ConnectionState.DISCONNECTED);
        final String record = emulator.parameterValue(StoreRecord.parameterName(made)).orElseThrow();
        assertThat(record).contains(WrapperDriver.STACK_ID).contains(a.path("bearerToken").asText());
        assertThat(emulator.parameterValue(intentName)).as("A removed its own intent").isEmpty();
        assertNoSecretAnywhere();
    }

    @Test
    void anotherCreatesIntentThatEndsWhileThisCreateReadsItIsWrittenAgainOnTheNextInvocation() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        // A writes its intent and dies before KMS sees its create.
        emulator.faults().resetConnectionNext("CreateCustomKeyStore", 1);
        assertThat(driver.invoke(driver.request("CREATE", v1, null)).path("status").asText()).isEqualTo("IN_PROGRESS");
        final Optional<String> intentOfA = emulator.parameterValue(CreateIntent.parameterName("payments-hsm"));
        // B cannot write its intent; when it reads, A's seems gone (A ended in between): B tries again later.
        emulator.faults().errorNext("GetParameter", "*", "ParameterNotFound", 1);
        final ObjectNode b = otherStack().request("CREATE", v1, null);
        final JsonNode first = otherStack().invoke(b);
        assertThat(first.path("status").asText()).as(first.toString()).isEqualTo("IN_PROGRESS");
        assertThat(first.path("message").asText()).contains("another create of the name 'payments-hsm' just ended");
        assertThat(calls("CreateCustomKeyStore")).isEqualTo(1);
        // A's intent is still there after all: B's next invocation is refused, and leaves it.
        b.set("callbackContext", first.get("callbackContext"));
        final JsonNode refused = otherStack().resume(b, Integer.MAX_VALUE);
        assertThat(refused.path("errorCode").asText()).as(refused.toString()).isEqualTo("AlreadyExists");
        assertThat(refused.has("resourceModel")).isFalse();
        assertThat(emulator.parameterValue(CreateIntent.parameterName("payments-hsm"))).isEqualTo(intentOfA);
        assertThat(emulator.storeIds()).isEmpty();
        assertThat(calls("CreateCustomKeyStore")).isEqualTo(1);
    }

    @Test
    void aStaleIntentBlocksTheNameUntilTheOperatorRemovesItWithTheCommandGiven() {
        final String intentName = CreateIntent.parameterName("payments-hsm");
        try (SsmClient ssm = SsmClient.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "secret")))
            .build()) {
            ssm.putParameter(request -> request.name(intentName).value("left by hand").type("String"));
            final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
            final JsonNode blocked = driver.run("CREATE", v1, null);
            assertThat(blocked.path("errorCode").asText()).as(blocked.toString()).isEqualTo("AlreadyExists");
            assertThat(blocked.has("resourceModel")).isFalse();
            assertThat(blocked.path("message").asText()).contains("(written by hand or unreadable)")
                .contains("the intent is stale").contains("aws ssm delete-parameter --name " + intentName);
            assertThat(calls("CreateCustomKeyStore")).isZero();
            assertThat(emulator.storeIds()).isEmpty();
            assertThat(emulator.parameterValue(intentName)).contains("left by hand");

            ssm.deleteParameter(request -> request.name(intentName));
            final JsonNode created = driver.run("CREATE", v1, null);
            assertThat(created.path("status").asText()).as(created.toString()).isEqualTo("SUCCESS");
            final String id = created.path("resourceModel").path("CustomKeyStoreId").asText();
            assertThat(emulator.storeIds()).containsExactly(id);
            assertThat(emulator.parameterValue(StoreRecord.parameterName(id))).isPresent();
            assertThat(emulator.parameterValue(intentName)).isEmpty();
        }
    }
}
