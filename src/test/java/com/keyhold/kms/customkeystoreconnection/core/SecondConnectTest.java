package com.keyhold.kms.customkeystoreconnection.core;

import static com.keyhold.kms.customkeystoreconnection.core.Decision.Action.DISCONNECT;
import static com.keyhold.kms.customkeystoreconnection.core.Decision.Action.FAIL;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.kms.model.ConnectionErrorCodeType;

/** The one table of ConnectionErrorCodes worth another connect, and the connection type's FAILED recovery using it. */
class SecondConnectTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final String ID = "cks-1234567890abcdef0";
    private final TransitionPlanner planner = new TransitionPlanner(PollSchedule.DEFAULT, Duration.ofSeconds(20),
        Duration.ofMinutes(55));

    @Test
    void everyCodeOfTheKmsApiIsDecidedAndExplained() {
        final Set<String> api = Arrays.stream(ConnectionErrorCodeType.values())
            .filter(c -> c != ConnectionErrorCodeType.UNKNOWN_TO_SDK_VERSION).map(Enum::name)
            .collect(Collectors.toSet());
        assertThat(SecondConnect.codes()).containsExactlyInAnyOrderElementsOf(api);
        assertThat(Arrays.stream(ConnectionErrorGuide.values()).map(Enum::name)).containsExactlyInAnyOrderElementsOf(api);
        api.forEach(code -> assertThat(SecondConnect.of(code).reason()).isNotBlank());
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "INTERNAL_ERROR, true", "NETWORK_ERRORS, true", "INSUFFICIENT_CLOUDHSM_HSMS, true",
        "INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET, true", "XKS_PROXY_NOT_REACHABLE, true", "XKS_PROXY_TIMED_OUT, true",
        "CLUSTER_NOT_FOUND, false", "SUBNET_NOT_FOUND, false", "INVALID_CREDENTIALS, false", "USER_LOCKED_OUT, false",
        "USER_NOT_FOUND, false", "USER_LOGGED_IN, false", "XKS_PROXY_ACCESS_DENIED, false",
        "XKS_PROXY_INVALID_CONFIGURATION, false", "XKS_PROXY_INVALID_RESPONSE, false",
        "XKS_PROXY_INVALID_TLS_CONFIGURATION, false", "XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION, false",
        "XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND, false"
    })
    void theTableSaysWhichCodesAreWorthAnotherConnect(final String code, final boolean worthIt) {
        assertThat(SecondConnect.worthIt(code)).isEqualTo(worthIt);
        final Progress progress = Progress.start(TargetState.CONNECTED, T0);
        progress.observe(KmsConnectionState.FAILED, T0);
        final Decision decision = planner.decide(progress, failed(code, code.startsWith("XKS")), T0);
        assertThat(decision.action()).isEqualTo(worthIt ? DISCONNECT : FAIL);
        if (!worthIt) {
            assertThat(decision.failure().kind()).isEqualTo(FailureKind.NotStabilized);
            assertThat(decision.failure().message()).contains(ID + ": the key store is FAILED with ConnectionErrorCode "
                    + code + ", and Keyhold made no attempt to connect it: " + SecondConnect.of(code).reason())
                .contains(ConnectionErrorGuide.valueOf(code).fix(code.startsWith("XKS")))
                .contains("left FAILED, as it was")
                .contains("'aws kms disconnect-custom-key-store --custom-key-store-id " + ID + "'");
            assertThat(progress.getCalls()).isZero();
        }
    }

    @Test
    void noCodeIsKmsOwnErrorAndANewCodeIsNotRisked() {
        assertThat(SecondConnect.worthIt(null)).isTrue();
        assertThat(SecondConnect.worthIt("KMSUSER_ON_FIRE")).isFalse();
        assertThat(SecondConnect.of("KMSUSER_ON_FIRE").reason()).contains("does not know ConnectionErrorCode "
            + "KMSUSER_ON_FIRE");
    }

    @Test
    void aConnectThatFailsWithACodeNotWorthAnotherSaysHowToHandTheKeyStoreBack() {
        final Progress progress = Progress.start(TargetState.CONNECTED, T0);
        progress.observe(KmsConnectionState.DISCONNECTED, T0);
        progress.recordCall(planner.decide(progress, observed(KmsConnectionState.DISCONNECTED, null, false), T0), T0);
        progress.observe(KmsConnectionState.FAILED, T0.plusSeconds(30));
        final String lockedOut = planner.decide(progress, failed("USER_LOCKED_OUT", false), T0.plusSeconds(30))
            .failure().message();
        assertThat(lockedOut).contains("will not connect it again by itself (kmsuser is locked out")
            .contains("disconnect it ('aws kms disconnect-custom-key-store --custom-key-store-id " + ID + "')");
        final String network = planner.decide(progress, failed("NETWORK_ERRORS", false), T0.plusSeconds(30))
            .failure().message();
        assertThat(network).endsWith("Then run the stack operation again; the key store is left FAILED.");
    }

    @Test
    void aFailedKeyStoreIsStillDisconnectedWhenTheTargetIsDisconnected() {
        final Progress progress = Progress.start(TargetState.DISCONNECTED, T0);
        progress.observe(KmsConnectionState.FAILED, T0);
        assertThat(planner.decide(progress, failed("USER_LOCKED_OUT", false), T0).action()).isEqualTo(DISCONNECT);
    }

    private static Observation failed(final String code, final boolean external) {
        return observed(KmsConnectionState.FAILED, code, external);
    }

    private static Observation observed(final KmsConnectionState state, final String code, final boolean external) {
        return new Observation(ID, "name", external ? "EXTERNAL_KEY_STORE" : "AWS_CLOUDHSM", state, state.name(), code,
            external ? null : "cluster-1");
    }
}
