package com.keyhold.kms.customkeystoreconnection.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The ownership rule through {@link com.keyhold.kms.customkeystoreconnection.HandlerWrapper}, as CloudFormation drives
 * it: a request from a stack changes a key store only when its ownership record names that stack and logical id. Each
 * scenario ends by asserting the key stores' state in KMS and their ownership records.
 */
class OwnershipScenariosTest extends EmulatorTestBase {
    private static final String STACK_A = "arn:aws:cloudformation:us-east-1:123456789012:stack/kms-a/aaaa-1111";
    private static final String STACK_B = "arn:aws:cloudformation:us-east-1:123456789012:stack/kms-b/bbbb-2222";
    private static final String STACK_C = "arn:aws:cloudformation:us-east-1:123456789012:stack/kms-c/cccc-3333";

    /** An independent client on the emulator: the operator's own Parameter Store calls. */
    private SsmClient operatorSsm;

    @BeforeEach
    void operator() {
        operatorSsm = SsmClient.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1)
            .httpClient(UrlConnectionHttpClient.create()).credentialsProvider(StaticCredentialsProvider.create(
                AwsBasicCredentials.create("AKIAOPERATOR00000001", "operator-secret-key-for-tests"))).build();
    }

    @AfterEach
    void closeOperator() {
        operatorSsm.close();
    }

    private WrapperDriver stack(final String stackId, final String logicalId) {
        return newDriver().as(stackId, logicalId);
    }

    private static Map<String, Object> props(final String id, final String state, final String onDelete) {
        final Map<String, Object> props = props(id, state);
        props.put("ConnectionStateOnDelete", onDelete);
        return props;
    }

    private Optional<String> rawRecord(final String id) {
        return emulator.parameterValue(OwnershipRecord.parameterName(id));
    }

    /** The record's owner as "stack/logical id", or empty when there is no record. */
    private Optional<String> owner(final String id) {
        return rawRecord(id).map(value -> {
            try {
                final JsonNode record = WrapperDriver.JSON.readTree(value);
                return record.path("stackId").asText() + "/" + record.path("logicalResourceId").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private long mutatingCalls() {
        return calls("ConnectCustomKeyStore") + calls("DisconnectCustomKeyStore");
    }

    private static void assertSuccess(final JsonNode response) {
        assertThat(response.path("status").asText()).as(response.toString()).isEqualTo("SUCCESS");
    }

    @Test
    void rollbackOfACreateThatFailedAlreadyExistsTouchesNothing() {
        assertSuccess(stack(STACK_A, "KeyStore").run("CREATE", props(XKS, "CONNECTED"), null));
        final String recordBefore = rawRecord(XKS).orElseThrow();
        final long callsBefore = mutatingCalls();

        final WrapperDriver stackB = stack(STACK_B, "KeyStore");
        final JsonNode failed = stackB.run("CREATE", props(XKS, "DISCONNECTED", "DISCONNECTED"), null);
        assertThat(failed.path("errorCode").asText()).isEqualTo("AlreadyExists");
        assertThat(failed.path("message").asText()).contains(STACK_A);
        assertThat(failed.has("resourceModel")).as("nothing for CloudFormation to delete").isFalse();
        assertThat(failed.has("callbackContext")).isFalse();

        // CloudFormation's rollback deletes what stack-B tried to create, with stack-B's properties.
        final JsonNode rollback = stackB.run("DELETE", props(XKS, "DISCONNECTED", "DISCONNECTED"), null);
        assertSuccess(rollback);
        assertThat(rollback.path("message").asText()).contains(XKS, "left untouched", STACK_A);
        assertThat(rollback.has("resourceModel")).isFalse();

        assertThat(mutatingCalls()).isEqualTo(callsBefore);
        assertThat(emulator.state(XKS)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(rawRecord(XKS)).contains(recordBefore);
        final JsonNode read = stack(STACK_A, "KeyStore").run("READ", Map.of("CustomKeyStoreId", XKS), null);
        assertThat(read.path("resourceModel").path("ConnectionState").asText()).isEqualTo("CONNECTED");
    }

    @Test
    void staleStackCannotUpdateOrDeleteAfterItsKeyStoreWasReleasedAndReclaimed() {
        final WrapperDriver stale = stack(STACK_A, "KeyStore");
        assertSuccess(stale.run("CREATE", props(XKS, "CONNECTED", "DISCONNECTED"), null));
        // The operator releases the key store (stack-A's resource was retained, say) and stack-C claims it.
        operatorSsm.deleteParameter(r -> r.name(OwnershipRecord.parameterName(XKS)));
        assertSuccess(stack(STACK_C, "Connection").run("CREATE", props(XKS, "CONNECTED"), null));
        final String recordBefore = rawRecord(XKS).orElseThrow();
        final long callsBefore = mutatingCalls();

        final JsonNode update = stale.run("UPDATE", props(XKS, "DISCONNECTED", "DISCONNECTED"),
            props(XKS, "CONNECTED", "DISCONNECTED"));
        assertThat(update.path("errorCode").asText()).isEqualTo("NotFound");
        assertThat(update.path("message").asText()).contains(XKS, "not this resource's key store",
            "stack " + STACK_C + " (logical id Connection)", STACK_A, "Nothing was changed",
            "remove this resource from the template");

        final JsonNode read = stale.run("READ", Map.of("CustomKeyStoreId", XKS), null);
        assertThat(read.path("errorCode").asText()).as("drift shows stack-A's resource as deleted").isEqualTo("NotFound");

        assertSuccess(stale.run("DELETE", props(XKS, "CONNECTED", "DISCONNECTED"), null));

        assertThat(mutatingCalls()).isEqualTo(callsBefore);
        assertThat(emulator.state(XKS)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(rawRecord(XKS)).contains(recordBefore);
        assertThat(owner(XKS)).contains(STACK_C + "/Connection");
        assertThat(owner(HSM)).isEmpty();
    }

    @Test
    void twoLogicalIdsOfOneStackNamingOneKeyStoreLeaveItToTheFirst() {
        assertSuccess(stack(STACK_A, "First").run("CREATE", props(HSM, "CONNECTED"), null));
        final long callsBefore = mutatingCalls();

        final WrapperDriver second = stack(STACK_A, "Second");
        final JsonNode failed = second.run("CREATE", props(HSM, "DISCONNECTED", "DISCONNECTED"), null);
        assertThat(failed.path("errorCode").asText()).isEqualTo("AlreadyExists");
        assertThat(failed.path("message").asText()).contains("logical id First");
        assertSuccess(second.run("DELETE", props(HSM, "DISCONNECTED", "DISCONNECTED"), null));
        assertThat(second.run("UPDATE", props(HSM, "DISCONNECTED"), props(HSM, "CONNECTED")).path("errorCode")
            .asText()).isEqualTo("NotFound");

        assertThat(mutatingCalls()).isEqualTo(callsBefore);
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(owner(HSM)).contains(STACK_A + "/First");
        // The owner still manages it, and its own delete is the one that releases it.
        assertSuccess(stack(STACK_A, "First").run("DELETE", props(HSM, "CONNECTED", "DISCONNECTED"), null));
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(owner(HSM)).isEmpty();
    }

    @Test
    void stackUpdateSwappingTwoKeyStoreIdsFailsAndItsRollbackLeavesBothKeyStoresWithTheirOwners() {
        final WrapperDriver first = stack(STACK_A, "First");
        final WrapperDriver second = stack(STACK_A, "Second");
        assertSuccess(first.run("CREATE", props(HSM, "CONNECTED", "DISCONNECTED"), null));
        assertSuccess(second.run("CREATE", props(XKS, "CONNECTED", "DISCONNECTED"), null));
        final String hsmBefore = rawRecord(HSM).orElseThrow();
        final String xksBefore = rawRecord(XKS).orElseThrow();
        final long callsBefore = mutatingCalls();

        // CustomKeyStoreId is create-only: the swap replaces both resources, creating each new one first.
        final JsonNode firstReplacement = first.run("CREATE", props(XKS, "CONNECTED", "DISCONNECTED"), null);
        final JsonNode secondReplacement = second.run("CREATE", props(HSM, "CONNECTED", "DISCONNECTED"), null);
        assertThat(firstReplacement.path("errorCode").asText()).isEqualTo("AlreadyExists");
        assertThat(secondReplacement.path("errorCode").asText()).isEqualTo("AlreadyExists");
        // The rollback deletes the new resources, should CloudFormation have any to delete.
        assertSuccess(first.run("DELETE", props(XKS, "CONNECTED", "DISCONNECTED"), null));
        assertSuccess(second.run("DELETE", props(HSM, "CONNECTED", "DISCONNECTED"), null));

        assertThat(mutatingCalls()).isEqualTo(callsBefore);
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(emulator.state(XKS)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(rawRecord(HSM)).contains(hsmBefore);
        assertThat(rawRecord(XKS)).contains(xksBefore);
        assertThat(owner(HSM)).contains(STACK_A + "/First");
        assertThat(owner(XKS)).contains(STACK_A + "/Second");
    }

    @Test
    void requestsWithoutAStackIdActOnAnyRecordAndAnUpdateKeepsItsOwner() {
        assertSuccess(stack(STACK_A, "KeyStore").run("CREATE", props(XKS, "CONNECTED"), null));
        final WrapperDriver cloudControl = stack(null, "KeyStore");

        assertSuccess(cloudControl.run("UPDATE", props(XKS, "DISCONNECTED"), props(XKS, "CONNECTED")));
        assertThat(emulator.state(XKS)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(owner(XKS)).contains(STACK_A + "/KeyStore");
        assertThat(rawRecord(XKS).orElseThrow()).contains("\"connectionState\":\"DISCONNECTED\"");
        assertThat(cloudControl.run("READ", Map.of("CustomKeyStoreId", XKS), null).path("resourceModel")
            .path("ConnectionState").asText()).isEqualTo("DISCONNECTED");
        // Stack-A still owns it.
        assertSuccess(stack(STACK_A, "KeyStore").run("UPDATE", props(XKS, "CONNECTED"), props(XKS, "DISCONNECTED")));
        assertThat(emulator.state(XKS)).isEqualTo(ConnectionState.CONNECTED);

        assertSuccess(cloudControl.run("DELETE", props(XKS, "CONNECTED"), null));
        assertThat(owner(XKS)).isEmpty();
    }

    @Test
    void aKeyStoreCreatedOutsideAStackBelongsToNoStack() {
        assertSuccess(stack(null, "KeyStore").run("CREATE", props(HSM, "CONNECTED"), null));
        assertThat(rawRecord(HSM).orElseThrow()).contains("\"stackId\":null");

        final WrapperDriver stackA = stack(STACK_A, "KeyStore");
        assertThat(stackA.run("CREATE", props(HSM, "CONNECTED"), null).path("message").asText())
            .contains("managed by no stack");
        assertThat(stackA.run("UPDATE", props(HSM, "DISCONNECTED"), props(HSM, "CONNECTED")).path("message").asText())
            .contains("names no stack").doesNotContain("stack null");
        assertSuccess(stackA.run("DELETE", props(HSM, "DISCONNECTED", "DISCONNECTED"), null));

        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(owner(HSM)).contains("null/KeyStore");
    }

    @Test
    void anUpdateWhoseRecordChangedHandsDuringTheTransitionDoesNotWriteOverIt() {
        final WrapperDriver stackA = stack(STACK_A, "KeyStore");
        assertSuccess(stackA.run("CREATE", props(HSM, "CONNECTED"), null));
        final ObjectNode update = stackA.request("UPDATE", props(HSM, "DISCONNECTED"), props(HSM, "CONNECTED"));
        assertThat(stackA.resume(update, 1).path("status").asText()).isEqualTo("IN_PROGRESS");
        final String reclaimed = reclaimBy(HSM, STACK_C, "Connection");

        final JsonNode last = stackA.resume(update, Integer.MAX_VALUE);
        assertThat(last.path("errorCode").asText()).isEqualTo("NotFound");
        assertThat(last.path("message").asText()).contains(STACK_C);
        assertThat(rawRecord(HSM)).contains(reclaimed);
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.DISCONNECTED);
    }

    @Test
    void aDeleteWhoseRecordChangedHandsDuringTheTransitionDoesNotReleaseIt() {
        final WrapperDriver stackA = stack(STACK_A, "KeyStore");
        assertSuccess(stackA.run("CREATE", props(HSM, "CONNECTED", "DISCONNECTED"), null));
        final ObjectNode delete = stackA.request("DELETE", props(HSM, "CONNECTED", "DISCONNECTED"), null);
        assertThat(stackA.resume(delete, 1).path("status").asText()).isEqualTo("IN_PROGRESS");
        final String reclaimed = reclaimBy(HSM, STACK_C, "Connection");

        final JsonNode last = stackA.resume(delete, Integer.MAX_VALUE);
        assertSuccess(last);
        assertThat(last.path("message").asText()).contains("left untouched", STACK_C);
        assertThat(rawRecord(HSM)).contains(reclaimed);
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.DISCONNECTED);
    }

    /** An operator releases the key store by hand and another stack's record takes its place; returns that record. */
    private String reclaimBy(final String id, final String stackId, final String logicalId) {
        final String value = String.format("{\"customKeyStoreId\":\"%s\",\"connectionState\":\"CONNECTED\","
            + "\"connectionStateOnDelete\":null,\"stackId\":\"%s\",\"logicalResourceId\":\"%s\","
            + "\"clientRequestToken\":\"other\",\"updatedAt\":\"2026-11-30T07:00:00Z\"}", id, stackId, logicalId);
        operatorSsm.putParameter(r -> r.name(OwnershipRecord.parameterName(id)).value(value).type("String")
            .overwrite(true));
        return value;
    }
}
