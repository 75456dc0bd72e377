package com.keyhold.kms.customkeystoreconnection.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.core.ConnectionErrorGuide;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The reliability suite (guides/RELIABILITY.md): each fault injected by the emulator, the operation's outcome and the
 * key store's final state asserted.
 */
class ReliabilityTest extends EmulatorTestBase {
    private static final String DESCRIBE = "DescribeCustomKeyStores";
    private static final String CONNECT = "ConnectCustomKeyStore";

    private JsonNode connectHsm() {
        return driver.run("CREATE", props(HSM, "CONNECTED"), null);
    }

    @Test
    void throttlingStormAtTheRealQuota() {
        emulator.faults().quotaThrottling(true).throttleNext(DESCRIBE, 6).throttleNext(CONNECT, 2);
        assertThat(connectHsm().path("status").asText()).isEqualTo("SUCCESS");
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(emulator.requestLog().count(DESCRIBE, "ThrottlingException")).isEqualTo(6);
    }

    @Test
    void kmsInternalExceptionBursts() {
        emulator.faults().internalErrorNext(DESCRIBE, 3).internalErrorNext(CONNECT, 2);
        assertThat(connectHsm().path("status").asText()).isEqualTo("SUCCESS");
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void kmsInternalExceptionThatPersistsFailsServiceInternalError() {
        emulator.faults().internalErrorNext(DESCRIBE, 1000);
        final JsonNode response = connectHsm();
        assertThat(response.path("errorCode").asText()).isEqualTo("ServiceInternalError");
        assertThat(response.path("message").asText()).contains(HSM, "AWS Health Dashboard");
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.DISCONNECTED);
    }

    @Test
    void connectionResetMidRequest() {
        emulator.faults().resetConnectionNext(CONNECT, 1).resetConnectionNext(DESCRIBE, 2);
        assertThat(connectHsm().path("status").asText()).isEqualTo("SUCCESS");
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);
    }

    @ParameterizedTest
    @EnumSource(ConnectionErrorGuide.class)
    void failedWithEveryConnectionErrorCode(final ConnectionErrorGuide code) {
        final String id = code.name().startsWith("XKS") ? XKS : HSM;
        emulator.faults().failNextConnect(id, code.name());
        final JsonNode response = driver.run("CREATE", props(id, "CONNECTED"), null);
        assertThat(response.path("errorCode").asText()).isEqualTo("NotStabilized");
        assertThat(response.path("message").asText()).contains(id, code.name(), code.fix(id.equals(XKS)));
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.FAILED);
        assertThat(calls(CONNECT)).isEqualTo(1);
    }

    @Test
    void describeLagPastTheGracePeriod() {
        emulator.faults().describeLag(Duration.ofSeconds(25));
        assertThat(driver.run("CREATE", props(XKS, "CONNECTED"), null).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(emulator.state(XKS)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(calls(CONNECT)).as("re-issued once after the grace").isEqualTo(2);
    }

    @Test
    void outOfBandFlipMidTransitionIsRetriedOnceThenAConflict() {
        final ObjectNode request = driver.request("CREATE", props(HSM, "CONNECTED"), null);
        driver.resume(request, 3);
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTING);
        emulator.outOfBandDisconnect(HSM);
        driver.resume(request, 6);
        emulator.outOfBandDisconnect(HSM);
        final JsonNode last = driver.resume(request, Integer.MAX_VALUE);
        assertThat(last.path("errorCode").asText()).isEqualTo("ResourceConflict");
        assertThat(last.path("message").asText()).contains(HSM, "CloudTrail");
        assertThat(calls(CONNECT)).isEqualTo(2);
    }

    @Test
    void handlerKilledAfterTheMutatingCallAndReinvoked() throws Exception {
        final ObjectNode request = driver.request("CREATE", props(HSM, "CONNECTED"), null);
        final String original = WrapperDriver.JSON.writeValueAsString(request);
        final JsonNode lost = driver.invoke(request);
        assertThat(lost.path("message").asText()).contains("ConnectCustomKeyStore accepted");
        // The process died before CloudFormation saw the answer: CloudFormation invokes again, same request.
        clock.advanceSeconds(10);
        final JsonNode retried = newDriver().resume((ObjectNode) WrapperDriver.JSON.readTree(original),
            Integer.MAX_VALUE);
        assertThat(retried.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(calls(CONNECT)).isEqualTo(1);
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void twoStacksClaimingOneKeyStore() {
        final ObjectNode first = driver.request("CREATE", props(XKS, "CONNECTED"), null);
        driver.resume(first, 1);
        final JsonNode rival = newDriver().as("arn:aws:cloudformation:us-east-1:123456789012:stack/rival/9f1c", "Rival")
            .run("CREATE", props(XKS, "DISCONNECTED"), null);
        assertThat(rival.path("errorCode").asText()).isEqualTo("AlreadyExists");
        assertThat(rival.path("message").asText()).contains(WrapperDriver.STACK_ID);
        assertThat(driver.resume(first, Integer.MAX_VALUE).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(emulator.state(XKS)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(calls("DisconnectCustomKeyStore")).isZero();
    }

    @Test
    void cloudFormationRollbackUpdatesBackToThePreviousState() {
        driver.run("CREATE", props(HSM, "DISCONNECTED"), null);
        emulator.faults().failNextConnect(HSM, "INSUFFICIENT_CLOUDHSM_HSMS");
        final JsonNode failed = driver.run("UPDATE", props(HSM, "CONNECTED"), props(HSM, "DISCONNECTED"));
        assertThat(failed.path("errorCode").asText()).isEqualTo("NotStabilized");
        final JsonNode rolledBack = driver.run("UPDATE", props(HSM, "DISCONNECTED"), props(HSM, "CONNECTED"));
        assertThat(rolledBack.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(calls("DisconnectCustomKeyStore")).as("FAILED is disconnected").isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"INTERNAL_ERROR", "NETWORK_ERRORS", "INSUFFICIENT_CLOUDHSM_HSMS"})
    void failedKeyStoreIsRecoveredOnceWhenItsCodeIsWorthAnotherConnect(final String code) {
        emulator.forceState(HSM, ConnectionState.FAILED, code);
        assertThat(connectHsm().path("status").asText()).isEqualTo("SUCCESS");
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(calls("DisconnectCustomKeyStore")).isEqualTo(1);
        assertThat(calls(CONNECT)).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"USER_LOCKED_OUT", "INVALID_CREDENTIALS", "USER_NOT_FOUND", "CLUSTER_NOT_FOUND",
        "SUBNET_NOT_FOUND", "USER_LOGGED_IN"})
    void failedKeyStoreIsLeftAloneWhenAnotherConnectCannotSucceed(final String code) {
        emulator.forceState(HSM, ConnectionState.FAILED, code);
        final JsonNode refused = connectHsm();
        assertThat(refused.path("errorCode").asText()).as(refused.toString()).isEqualTo("NotStabilized");
        assertThat(refused.path("message").asText()).contains("FAILED with ConnectionErrorCode " + code
            + ", and Keyhold made no attempt to connect it").contains("disconnect-custom-key-store");
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.FAILED);
        assertThat(emulator.connectionErrorCode(HSM)).contains(code);
        assertThat(calls("DisconnectCustomKeyStore")).isZero();
        assertThat(calls(CONNECT)).isZero();
        final JsonNode rolledBack = driver.run("DELETE", props(HSM, "CONNECTED"), null);
        assertThat(rolledBack.path("status").asText()).as("CloudFormation's rollback of the create")
            .isEqualTo("SUCCESS");
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.FAILED);

        // The operator fixes the cause and hands the key store back by disconnecting it: Keyhold connects it.
        emulator.outOfBandDisconnect(HSM);
        clock.advanceSeconds(60);
        final JsonNode again = connectHsm();
        assertThat(again.path("status").asText()).as(again.toString()).isEqualTo("SUCCESS");
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(calls(CONNECT)).isEqualTo(1);
    }
}
