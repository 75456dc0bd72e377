package com.keyhold.kms.customkeystoreconnection.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.SocketException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreNotFoundException;

/** The key store type's error rules (guides/KEY_STORE.md, "Failure messages and their fixes"), rule by rule, through the shared translator the rules extend. */
class KeyStoreErrorGuideTest {
    private static final String ID = "cks-1234567890abcdef0";
    private static final KeyStoreErrorGuide.Context CONTEXT = new KeyStoreErrorGuide.Context("payments-hsm",
        "cluster-234567abcdefg", "https://xks.example.com", "/kms/xks/v1",
        "com.amazonaws.vpce.us-east-1.vpce-svc-0abc", 3);
    private final ErrorTranslator translator = new ErrorTranslator().extend(KeyStoreErrorGuide.rules(CONTEXT));

    /** Each message must carry every '|'-separated fragment. */
    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = ';', quoteCharacter = '"', value = {
        "CustomKeyStoreNameInUseException;                   InvalidRequest;       payments-hsm'|unique per account and Region|us-east-1",
        "CloudHsmClusterInUseException;                      InvalidRequest;       cluster-234567abcdefg|each key store needs a cluster of its own",
        "XksProxyUriInUseException;                          InvalidRequest;       https://xks.example.com/kms/xks/v1|each key store needs its own proxy address",
        "XksProxyUriEndpointInUseException;                  InvalidRequest;       XksProxyUriEndpoint https://xks.example.com|of its own",
        "XksProxyVpcEndpointServiceInUseException;           InvalidRequest;       vpce-svc-0abc|each key store needs its own",
        "CloudHsmClusterNotFoundException;                   InvalidRequest;       cluster-234567abcdefg|describe-clusters --filters clusterIds=cluster-234567abcdefg",
        "CloudHsmClusterNotActiveException;                  InvalidRequest;       cluster-234567abcdefg|two active HSMs in different Availability Zones",
        "CloudHsmClusterInvalidConfigurationException;       InvalidRequest;       cluster-234567abcdefg|two active HSMs in different Availability Zones|2223-2225",
        "IncorrectTrustAnchorException;                      InvalidRequest;       cluster-234567abcdefg|customerCA.crt",
        "CloudHsmClusterNotRelatedException;                 InvalidRequest;       cluster-234567abcdefg|shares its backup history|cluster certificate",
        "XksProxyUriUnreachableException;                    NetworkFailure;       https://xks.example.com/kms/xks/v1|GetHealthStatus|DNS",
        "XksProxyIncorrectAuthenticationCredentialException; InvalidRequest;       https://xks.example.com|XksProxyAuthenticationCredentialVersion",
        "XksProxyInvalidResponseException;                   InvalidRequest;       https://xks.example.com|XKS proxy API specification",
        "XksProxyInvalidConfigurationException;              InvalidRequest;       /kms/xks/v1|proxy's documentation",
        "XksProxyVpcEndpointServiceNotFoundException;        InvalidRequest;       vpce-svc-0abc|cks.kms.<region>.amazonaws.com",
        "XksProxyVpcEndpointServiceInvalidConfigurationException; InvalidRequest;  vpce-svc-0abc|two Availability Zones",
        "LimitExceededException;                             ServiceLimitExceeded; 10 by default|Service Quotas|us-east-1",
        "CustomKeyStoreHasCMKsException;                     ResourceConflict;     holds 3 KMS key(s)|pending deletion count|DeletionPolicy: Retain|left as it was",
    })
    void eachRuleGivesItsFailureAndAnActionableMessage(final String code, final FailureKind kind, final String fragments) {
        final ErrorTranslator.Translation t = translator.translate(ErrorTranslatorTest.kms(code, 400),
            new Attempt("UpdateCustomKeyStore", ID, "us-east-1"));
        assertThat(t.kind()).isEqualTo(kind);
        assertThat(t.retryable()).isFalse();
        assertThat(t.message()).startsWith(ID + ": UpdateCustomKeyStore: ").contains(fragments.split("\\|"));
    }

    /** The handler contract keeps AlreadyExists for create handlers; an update meeting a value in use is bad input. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"CustomKeyStoreNameInUseException", "CloudHsmClusterInUseException", "XksProxyUriInUseException",
        "XksProxyUriEndpointInUseException", "XksProxyVpcEndpointServiceInUseException"})
    void aValueInUseIsAlreadyExistsOnlyForACreate(final String code) {
        assertThat(translator.translate(ErrorTranslatorTest.kms(code, 400),
            new Attempt("CreateCustomKeyStore", null, "us-east-1")).kind()).isEqualTo(FailureKind.AlreadyExists);
        for (String operation : new String[] {"UpdateCustomKeyStore", "ConnectCustomKeyStore"}) {
            assertThat(translator.translate(ErrorTranslatorTest.kms(code, 400),
                new Attempt(operation, ID, "us-east-1")).kind()).as(operation).isEqualTo(FailureKind.InvalidRequest);
        }
    }

    @Test
    void aCreateWithoutIdNamesTheOperationAndMissingContextSaysSo() {
        final ErrorTranslator bare = new ErrorTranslator().extend(KeyStoreErrorGuide.rules(
            new KeyStoreErrorGuide.Context(null, null, null, null, null, null)));
        final Attempt create = new Attempt("CreateCustomKeyStore", null, "eu-west-1");
        assertThat(bare.translate(ErrorTranslatorTest.kms("CloudHsmClusterInUseException", 400), create).message())
            .startsWith("CreateCustomKeyStore: CloudHSM cluster (not given)");
        assertThat(bare.translate(ErrorTranslatorTest.kms("CustomKeyStoreHasCMKsException", 400), create).message())
            .contains("holds some KMS key(s)");
        assertThat(bare.translate(ErrorTranslatorTest.kms("XksProxyUriUnreachableException", 400), create).message())
            .contains("proxy at (not given) (it sends");
        assertThat(bare.translate(ErrorTranslatorTest.kms("XksProxyUriInUseException", 400), create).message())
            .contains("address (not given) (XksProxyUriEndpoint");
    }

    @Test
    void errorsTheGuideDoesNotKnowFallThroughToTheSharedRules() {
        final Attempt attempt = new Attempt("UpdateCustomKeyStore", ID, "us-east-1");
        assertThat(translator.translate(ErrorTranslatorTest.kms("ThrottlingException", 400), attempt).kind())
            .isEqualTo(FailureKind.Throttling);
        assertThat(translator.translate(CustomKeyStoreNotFoundException.builder().message("x").build(), attempt)
            .kind()).isEqualTo(FailureKind.NotFound);
        assertThat(translator.translate(SdkClientException.builder().message("reset")
            .cause(new SocketException("reset")).build(), attempt).kind()).isEqualTo(FailureKind.NetworkFailure);
    }

    @Test
    void aLaterExtensionIsConsultedFirst() {
        final ErrorTranslator twice = translator.extend((code, attempt) -> code.equals("LimitExceededException")
            ? java.util.Optional.of(new ErrorTranslator.Translation(FailureKind.Throttling, true, "mine"))
            : java.util.Optional.empty());
        final Attempt attempt = new Attempt("CreateCustomKeyStore", ID, "us-east-1");
        assertThat(twice.translate(ErrorTranslatorTest.kms("LimitExceededException", 400), attempt).message())
            .isEqualTo("mine");
        assertThat(twice.translate(ErrorTranslatorTest.kms("IncorrectTrustAnchorException", 400), attempt).kind())
            .isEqualTo(FailureKind.InvalidRequest);
        // The shared translator itself is unchanged by extending it.
        assertThat(new ErrorTranslator().translate(ErrorTranslatorTest.kms("LimitExceededException", 400), attempt)
            .kind()).isEqualTo(FailureKind.GeneralServiceException);
    }
}
