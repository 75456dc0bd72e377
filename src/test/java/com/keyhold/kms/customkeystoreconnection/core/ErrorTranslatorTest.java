package com.keyhold.kms.customkeystoreconnection.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.model.CloudHsmClusterInvalidConfigurationException;
import software.amazon.awssdk.services.kms.model.CloudHsmClusterNotActiveException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreInvalidStateException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreNotFoundException;
import software.amazon.awssdk.services.kms.model.DependencyTimeoutException;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInternalException;
import software.amazon.awssdk.services.ssm.model.SsmException;

class ErrorTranslatorTest {
    private static final String ID = "cks-1234567890abcdef0";
    private final ErrorTranslator translator = new ErrorTranslator();

    static KmsException kms(final String code, final int status) {
        return (KmsException) KmsException.builder().statusCode(status)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code + " happened").build())
            .message(code).build();
    }

    static Stream<Arguments> table() {
        return Stream.of(
            Arguments.of((Supplier<Throwable>) () -> CustomKeyStoreNotFoundException.builder().message("x").build(),
                FailureKind.NotFound, false, new String[] {ID, "us-east-1", "not its name"}),
            Arguments.of((Supplier<Throwable>) () -> CloudHsmClusterNotActiveException.builder().message("x").build(),
                FailureKind.InvalidRequest, false, new String[] {ID, "cluster-234abcdefABC", "ACTIVE HSM"}),
            Arguments.of((Supplier<Throwable>) () -> CloudHsmClusterInvalidConfigurationException.builder().message("x")
                .build(), FailureKind.InvalidRequest, false, new String[] {ID, "cluster-234abcdefABC", "2223-2225"}),
            Arguments.of((Supplier<Throwable>) () -> CustomKeyStoreInvalidStateException.builder().message("x").build(),
                FailureKind.ResourceConflict, true, new String[] {ID, "another caller"}),
            Arguments.of((Supplier<Throwable>) () -> kms("AccessDeniedException", 400),
                FailureKind.AccessDenied, false, new String[] {ID, "kms:ConnectCustomKeyStore"}),
            // Without "Exception": the code some services (and SDK paths) answer for a missing permission.
            Arguments.of((Supplier<Throwable>) () -> kms("AccessDenied", 400),
                FailureKind.AccessDenied, false, new String[] {ID, "kms:ConnectCustomKeyStore"}),
            Arguments.of((Supplier<Throwable>) () -> kms("ThrottlingException", 400),
                FailureKind.Throttling, true, new String[] {ID, "5 requests per second"}),
            Arguments.of((Supplier<Throwable>) () -> KmsInternalException.builder().statusCode(500).message("x").build(),
                FailureKind.ServiceInternalError, true, new String[] {ID, "us-east-1"}),
            Arguments.of((Supplier<Throwable>) () -> DependencyTimeoutException.builder().statusCode(503).message("x")
                .build(), FailureKind.ServiceInternalError, true, new String[] {ID}),
            Arguments.of((Supplier<Throwable>) () -> kms("ServiceUnavailable", 503),
                FailureKind.ServiceInternalError, true, new String[] {ID, "ServiceUnavailable"}),
            // A plain 500 (SSM's InternalServerError is not a modelled KMS internal error): retried too.
            Arguments.of((Supplier<Throwable>) () -> SsmException.builder().statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalServerError").build()).build(),
                FailureKind.ServiceInternalError, true, new String[] {ID, "InternalServerError"}),
            // KMS's own message says which member is invalid (issue #19 item 3: InvalidRequest, not a service error).
            Arguments.of((Supplier<Throwable>) () -> kms("ValidationException", 400),
                FailureKind.InvalidRequest, false, new String[] {ID, "as invalid input: ValidationException happened",
                    "Correct the property"}),
            Arguments.of((Supplier<Throwable>) () -> kms("SomethingOdd", 499),
                FailureKind.GeneralServiceException, false, new String[] {ID, "SomethingOdd"}),
            Arguments.of((Supplier<Throwable>) () -> SdkClientException.builder().message("reset")
                .cause(new SocketException("Connection reset")).build(),
                FailureKind.NetworkFailure, true, new String[] {ID, "reset"}),
            Arguments.of((Supplier<Throwable>) () -> kms("KMSInvalidStateException", 400),
                FailureKind.GeneralServiceException, false, new String[] {ID, "KMSInvalidStateException happened"}),
            Arguments.of((Supplier<Throwable>) () -> SdkClientException.builder().message("no region").build(),
                FailureKind.InternalFailure, false, new String[] {ID, "defect"}),
            Arguments.of((Supplier<Throwable>) () -> new IllegalStateException("boom"),
                FailureKind.InternalFailure, false, new String[] {ID, "boom"}));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("table")
    void mapsEveryErrorOfSpecSectionThree(final Supplier<Throwable> error, final FailureKind kind,
                                          final boolean retryable, final String[] mentions) {
        final ErrorTranslator.Translation translation = translator.translate(error.get(),
            new Attempt("ConnectCustomKeyStore", ID, "us-east-1", "cluster-234abcdefABC"));
        assertThat(translation.kind()).isEqualTo(kind);
        assertThat(translation.retryable()).isEqualTo(retryable);
        assertThat(translation.message()).contains(mentions);
        assertThat(translation.failure()).isEqualTo(new Failure(kind, translation.message()));
    }

    @Test
    void accessDeniedNamesTheSsmPermissionForParameterCalls() {
        final AwsServiceException denied = SsmException.builder().statusCode(400)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode("AccessDeniedException").build()).build();
        assertThat(translator.translate(denied, new Attempt("PutParameter", ID, "eu-west-1")).message())
            .contains("ssm:PutParameter");
        final AwsServiceException forbidden = SsmException.builder().statusCode(403).build();
        assertThat(translator.translate(forbidden, new Attempt("GetParameter", ID, "eu-west-1")).kind())
            .isEqualTo(FailureKind.AccessDenied);
    }

    /** KMS's input validation is the user's input: InvalidRequest, KMS's words, never a value it quotes back. */
    @Test
    void aValidationExceptionIsInvalidRequestSayingWhatWasWrongWithoutTheValue() {
        final String kmsMessage = "1 validation error detected: Value 'kmsPswd1' at 'keyStorePassword' failed to "
            + "satisfy constraint: Member must have length greater than or equal to 7";
        final KmsException error = (KmsException) KmsException.builder().statusCode(400).message(kmsMessage)
            .awsErrorDetails(AwsErrorDetails.builder().errorCode("ValidationException").errorMessage(kmsMessage)
                .build()).build();
        final ErrorTranslator.Translation t = new ErrorTranslator().translate(error,
            new Attempt("UpdateCustomKeyStore", "cks-1234567890abcdef0", "us-east-1"));
        assertThat(t.kind()).isEqualTo(FailureKind.InvalidRequest);
        assertThat(t.retryable()).isFalse();
        assertThat(t.message()).isEqualTo("cks-1234567890abcdef0: KMS refused UpdateCustomKeyStore as invalid input: "
            + "1 validation error detected: A value at 'keyStorePassword' failed to satisfy constraint: Member must "
            + "have length greater than or equal to 7. Correct the property it names (what KMS accepts is in the KMS "
            + "API reference for UpdateCustomKeyStore), then run the stack operation again.");
        assertThat(ErrorTranslator.withoutValues(null)).isEqualTo("(KMS gave no detail).");
        // A value that itself holds "' at '" is dropped whole, up to the member KMS names.
        assertThat(ErrorTranslator.withoutValues("1 validation error detected: Value 'ab' at 'cd' at "
            + "'keyStorePassword' failed to satisfy constraint: Member must match")).isEqualTo("1 validation error "
            + "detected: A value at 'keyStorePassword' failed to satisfy constraint: Member must match.")
            .doesNotContain("cd");
        assertThat(ErrorTranslator.withoutValues("Value 'a' at 'x' failed; Value 'b' at 'y' failed."))
            .isEqualTo("A value at 'x' failed; A value at 'y' failed.");
    }

    @Test
    void missingClusterIdIsSaidPlainly() {
        assertThat(translator.translate(CloudHsmClusterNotActiveException.builder().build(),
            new Attempt("ConnectCustomKeyStore", ID, "us-east-1")).message()).contains("(cluster id not reported)");
    }

    @Test
    void serviceErrorWithoutDetailsStillReadable() {
        final AwsServiceException bare = KmsException.builder().statusCode(400).message("odd").build();
        assertThat(translator.translate(bare, new Attempt("DescribeCustomKeyStores", ID, "us-east-1")).message())
            .contains("odd", "KmsException");
    }

    @Test
    void everyFailureKindIsACloudFormationErrorCode() {
        final java.util.List<String> codes = java.util.Arrays.stream(
            software.amazon.cloudformation.proxy.HandlerErrorCode.values()).map(Enum::name).toList();
        assertThat(java.util.Arrays.stream(FailureKind.values()).map(Enum::name)).isSubsetOf(codes);
    }

    @Test
    void ioExceptionDeepInTheCauseChainIsANetworkFailure() {
        final Throwable nested = SdkClientException.builder().cause(new RuntimeException(new IOException("eof"))).build();
        assertThat(translator.translate(nested, new Attempt("DescribeCustomKeyStores", ID, "us-east-1")).kind())
            .isEqualTo(FailureKind.NetworkFailure);
    }
}
