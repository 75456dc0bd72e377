package com.keyhold.kms.customkeystoreconnection;

import static com.keyhold.kms.customkeystoreconnection.HandlerWrapperTest.XKS;
import static com.keyhold.kms.customkeystoreconnection.HandlerWrapperTest.props;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeKms;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeKms.Op;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeSsm;
import com.keyhold.kms.customkeystoreconnection.testsupport.FixedClients;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kms.model.ConnectionStateType;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * README: a delete whose ConnectionStateOnDelete cannot be applied fails and keeps the ownership record, so the
 * stack can retry it. Only a key store that no longer exists is forgiven (HandlerWrapperTest covers that one).
 */
class DeleteFailureTest {
    private final VirtualClock clock = new VirtualClock();
    private final FakeKms kms = new FakeKms(clock).store(XKS, "EXTERNAL_KEY_STORE", ConnectionStateType.CONNECTED);
    private final FakeSsm ssm = new FakeSsm();
    private final WrapperDriver driver = new WrapperDriver(clock, new FixedClients(kms, ssm));

    private static Supplier<RuntimeException> kmsError(final int status, final String code) {
        return () -> (RuntimeException) KmsException.builder().statusCode(status).message(code)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build()).build();
    }

    static Stream<Arguments> failuresWhileApplyingOnDelete() {
        return Stream.of(
            Arguments.of(kmsError(400, "AccessDeniedException"), "AccessDenied", "kms:DisconnectCustomKeyStore"),
            Arguments.of(kmsError(400, "ValidationException"), "InvalidRequest", "invalid input"));
    }

    @ParameterizedTest
    @MethodSource("failuresWhileApplyingOnDelete")
    void aDeleteWhoseKeyStoreChangeFailsKeepsTheRecordAndFails(final Supplier<RuntimeException> error,
                                                                final String errorCode, final String named) {
        final Map<String, Object> properties = props(XKS, "CONNECTED");
        properties.put("ConnectionStateOnDelete", "DISCONNECTED");
        assertThat(driver.run("CREATE", properties, null).path("status").asText()).isEqualTo("SUCCESS");
        final TreeMap<String, String> recordBefore = new TreeMap<>(ssm.parameters());
        assertThat(recordBefore).isNotEmpty();

        kms.throwNext(Op.DISCONNECT, error);
        final JsonNode deleted = driver.run("DELETE", properties, null);

        assertThat(deleted.path("status").asText()).isEqualTo("FAILED");
        assertThat(deleted.path("errorCode").asText()).isEqualTo(errorCode);
        assertThat(deleted.path("message").asText()).contains(XKS, named);
        assertThat(ssm.parameters()).as("the ownership record stays for a retry").isEqualTo(recordBefore);
        assertThat(kms.state(XKS)).isEqualTo(ConnectionStateType.CONNECTED);
    }
}
