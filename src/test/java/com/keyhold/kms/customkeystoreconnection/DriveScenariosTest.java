package com.keyhold.kms.customkeystoreconnection;

import static com.keyhold.kms.customkeystoreconnection.HandlerWrapperTest.HSM;
import static com.keyhold.kms.customkeystoreconnection.HandlerWrapperTest.XKS;
import static com.keyhold.kms.customkeystoreconnection.HandlerWrapperTest.props;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.core.ConnectionErrorGuide;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeKms;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeKms.Op;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeSsm;
import com.keyhold.kms.customkeystoreconnection.testsupport.FixedClients;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import java.net.SocketException;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.model.CloudHsmClusterInvalidConfigurationException;
import software.amazon.awssdk.services.kms.model.CloudHsmClusterNotActiveException;
import software.amazon.awssdk.services.kms.model.ConnectionStateType;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInternalException;
import software.amazon.awssdk.services.ssm.model.SsmException;

/** Transitions and failures through the wrapper, each with its outcome and the key store's final state. */
class DriveScenariosTest {
    private final VirtualClock clock = new VirtualClock();
    private final java.time.Instant start = clock.instant();
    private final FakeKms kms = new FakeKms(clock)
        .store(HSM, "AWS_CLOUDHSM", ConnectionStateType.DISCONNECTED)
        .store(XKS, "EXTERNAL_KEY_STORE", ConnectionStateType.DISCONNECTED);
    private final FakeSsm ssm = new FakeSsm();
    private final WrapperDriver driver = new WrapperDriver(clock, new FixedClients(kms, ssm));

    private static Supplier<RuntimeException> throttling() {
        return () -> (RuntimeException) KmsException.builder().statusCode(400)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode("ThrottlingException").build()).build();
    }

    @Test
    void failedKeyStoreIsRecoveredByDisconnectThenConnect() {
        kms.failed(HSM, "AWS_CLOUDHSM", "NETWORK_ERRORS");
        final JsonNode created = driver.run("CREATE", props(HSM, "CONNECTED"), null);
        assertThat(created.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(kms.state(HSM)).isEqualTo(ConnectionStateType.CONNECTED);
        assertThat(kms.count(Op.DISCONNECT)).isEqualTo(1);
        assertThat(kms.count(Op.CONNECT)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(ConnectionErrorGuide.class)
    void failedAfterKeyholdsConnectEndsAtOnceNamingCodeMeaningAndFix(final ConnectionErrorGuide code) {
        final String id = code.name().startsWith("XKS") ? XKS : HSM;
        final boolean external = id.equals(XKS);
        kms.failNextConnect(id, code.name());
        final JsonNode response = driver.run("CREATE", props(id, "CONNECTED"), null);
        assertThat(response.path("errorCode").asText()).isEqualTo("NotStabilized");
        assertThat(response.path("message").asText()).contains(id, code.name(), code.meaning(external),
            code.fix(external));
        assertThat(kms.state(id)).isEqualTo(ConnectionStateType.FAILED);
        assertThat(kms.count(Op.CONNECT)).as("no retry of a failed connect").isEqualTo(1);
        assertThat(Duration.between(start, clock.instant()))
            .as("ends when KMS reports FAILED, not at the timeout").isLessThan(Duration.ofMinutes(2));
    }

    @Test
    void disconnectingKeyStoreIsConnectedOnceItIsDisconnected() {
        kms.store(HSM, "AWS_CLOUDHSM", ConnectionStateType.CONNECTED).outOfBandStart(HSM, ConnectionStateType.DISCONNECTING);
        final JsonNode created = driver.run("CREATE", props(HSM, "CONNECTED"), null);
        assertThat(created.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(kms.calls()).filteredOn(c -> c.startsWith("CONNECT")).hasSize(1);
        assertThat(kms.state(HSM)).isEqualTo(ConnectionStateType.CONNECTED);
    }

    @Test
    void describeLagWithinTheGraceIsTolerated() {
        kms.describeLag(Duration.ofSeconds(12));
        assertThat(driver.run("CREATE", props(XKS, "CONNECTED"), null).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(kms.count(Op.CONNECT)).isEqualTo(1);
    }

    @Test
    void describeLagPastTheGraceReissuesConnectOnce() {
        kms.describeLag(Duration.ofSeconds(25));
        assertThat(driver.run("CREATE", props(XKS, "CONNECTED"), null).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(kms.count(Op.CONNECT)).isEqualTo(2);
        assertThat(kms.state(XKS)).isEqualTo(ConnectionStateType.CONNECTED);
    }

    @Test
    void storeFlippedByAnotherCallerMidTransitionEndsInResourceConflict() {
        final var request = driver.request("CREATE", props(XKS, "CONNECTED"), null);
        driver.resume(request, 3);
        kms.outOfBand(XKS, ConnectionStateType.DISCONNECTED);
        driver.resume(request, 2);
        kms.outOfBand(XKS, ConnectionStateType.DISCONNECTED);
        final JsonNode last = driver.resume(request, Integer.MAX_VALUE);
        assertThat(last.path("errorCode").asText()).isEqualTo("ResourceConflict");
        assertThat(last.path("message").asText()).contains(XKS, "Another caller");
        assertThat(kms.count(Op.CONNECT)).isEqualTo(2);
    }

    @Test
    void throttlingStormIsRetriedAndNeverFailsTheStackByItself() {
        for (int i = 0; i < 6; i++) {
            kms.throwNext(Op.DESCRIBE, throttling());
        }
        kms.throwNext(Op.CONNECT, throttling());
        final JsonNode created = driver.run("CREATE", props(XKS, "CONNECTED"), null);
        assertThat(created.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(kms.state(XKS)).isEqualTo(ConnectionStateType.CONNECTED);
        assertThat(driver.responses()).extracting(r -> r.path("message").asText())
            .anyMatch(m -> m.contains("DescribeCustomKeyStores hit Throttling; retrying in"));
    }

    static Stream<Arguments> persistentErrors() {
        return Stream.of(
            Arguments.of(throttling(), "Throttling"),
            Arguments.of((Supplier<RuntimeException>) () -> KmsInternalException.builder().statusCode(500).build(),
                "ServiceInternalError"),
            Arguments.of((Supplier<RuntimeException>) () -> SdkClientException.builder().message("Connection reset")
                .cause(new SocketException("Connection reset")).build(), "NetworkFailure"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("persistentErrors")
    void persistentTransientErrorsFailOnlyWhenRetriesRunOut(final Supplier<RuntimeException> error, final String code) {
        driver.run("CREATE", props(XKS, "DISCONNECTED"), null);
        for (int i = 0; i < 50; i++) {
            kms.throwNext(Op.DESCRIBE, error);
        }
        final JsonNode updated = driver.run("UPDATE", props(XKS, "CONNECTED"), props(XKS, "DISCONNECTED"));
        assertThat(updated.path("errorCode").asText()).isEqualTo(code);
        assertThat(updated.path("message").asText()).contains(XKS, "DescribeCustomKeyStores");
        assertThat(kms.count(Op.DESCRIBE)).as("retried, then gave up").isGreaterThan(5).isLessThan(20);
        assertThat(kms.state(XKS)).isEqualTo(ConnectionStateType.DISCONNECTED);
    }

    @Test
    void connectThrottledEveryTimeFailsThrottlingWhenRetriesRunOut() {
        for (int i = 0; i < 50; i++) {
            kms.throwNext(Op.CONNECT, throttling());
        }
        final JsonNode response = driver.run("CREATE", props(XKS, "CONNECTED"), null);
        assertThat(response.path("errorCode").asText()).isEqualTo("Throttling");
        assertThat(response.path("message").asText()).contains(XKS, "ConnectCustomKeyStore");
        assertThat(kms.count(Op.CONNECT)).isEqualTo(com.keyhold.kms.customkeystoreconnection.core.RetryPolicy.DEFAULT.maxAttempts() + 1);
        assertThat(Duration.between(start, clock.instant())).isLessThan(Duration.ofMinutes(10));
    }

    static Stream<Arguments> terminalConnectErrors() {
        return Stream.of(
            Arguments.of((Supplier<RuntimeException>) () -> CloudHsmClusterNotActiveException.builder().build(),
                "InvalidRequest", "cluster-234abcdefABC"),
            Arguments.of((Supplier<RuntimeException>) () -> CloudHsmClusterInvalidConfigurationException.builder().build(),
                "InvalidRequest", "2223-2225"),
            Arguments.of((Supplier<RuntimeException>) () -> (RuntimeException) KmsException.builder().statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException").build()).build(),
                "AccessDenied", "kms:ConnectCustomKeyStore"));
    }

    @ParameterizedTest(name = "{1} {2}")
    @MethodSource("terminalConnectErrors")
    void connectErrorsMapToTheirHandlerErrorCode(final Supplier<RuntimeException> error, final String code,
                                                 final String mentions) {
        kms.throwNext(Op.CONNECT, error);
        final JsonNode response = driver.run("CREATE", props(HSM, "CONNECTED"), null);
        assertThat(response.path("errorCode").asText()).isEqualTo(code);
        assertThat(response.path("message").asText()).contains(HSM, mentions);
        assertThat(kms.state(HSM)).isEqualTo(ConnectionStateType.DISCONNECTED);
    }

    @Test
    void invalidStateFromARaceIsRetriedByLookingAgain() {
        kms.throwNext(Op.CONNECT, () -> software.amazon.awssdk.services.kms.model.CustomKeyStoreInvalidStateException
            .builder().message("race").build());
        assertThat(driver.run("CREATE", props(XKS, "CONNECTED"), null).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(kms.count(Op.CONNECT)).isEqualTo(2);
    }

    @Test
    void ssmAccessDeniedNamesTheSsmPermission() {
        ssm.throwNext(() -> (RuntimeException) SsmException.builder().statusCode(400)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException").build()).build());
        final JsonNode response = driver.run("CREATE", props(XKS, "CONNECTED"), null);
        assertThat(response.path("errorCode").asText()).isEqualTo("AccessDenied");
        assertThat(response.path("message").asText()).contains("ssm:PutParameter");
        assertThat(kms.count(Op.CONNECT)).isZero();
    }

    @Test
    void twoStacksClaimingOneKeyStoreLeaveItToTheFirst() {
        final var first = driver.request("CREATE", props(XKS, "CONNECTED"), null);
        final WrapperDriver rival = new WrapperDriver(clock, new FixedClients(kms, ssm))
            .as("arn:aws:cloudformation:us-east-1:123456789012:stack/rival/2222", "Rival");
        driver.resume(first, 2);
        final JsonNode lost = rival.run("CREATE", props(XKS, "DISCONNECTED"), null);
        assertThat(lost.path("errorCode").asText()).isEqualTo("AlreadyExists");
        assertThat(driver.resume(first, Integer.MAX_VALUE).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(kms.state(XKS)).isEqualTo(ConnectionStateType.CONNECTED);
        assertThat(kms.count(Op.DISCONNECT)).isZero();
    }

    @Test
    void slowCloudHsmConnectWithinTheHourSucceeds() {
        kms.connectTime(Duration.ofMinutes(25));
        assertThat(driver.run("CREATE", props(HSM, "CONNECTED"), null).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(kms.count(Op.DESCRIBE)).isLessThanOrEqualTo(2 + 6 + 25 * 60 / 30);
    }

    @Test
    void transitionBeyondTheBudgetFailsNotStabilizedBeforeCloudFormationTimesOut() {
        kms.connectTime(Duration.ofMinutes(70));
        final JsonNode response = driver.run("CREATE", props(HSM, "CONNECTED"), null);
        assertThat(response.path("errorCode").asText()).isEqualTo("NotStabilized");
        assertThat(response.path("message").asText()).contains(HSM, "CONNECTING", "55m00s budget");
        assertThat(Duration.between(start, clock.instant())).isLessThan(Duration.ofMinutes(60));
    }
}
