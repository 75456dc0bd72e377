package com.keyhold.kms.customkeystoreconnection.local.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole resolved model is checked against each type's schema with the handlers' own validator before a change
 * set exists: nested properties, lengths and patterns, as the handler would refuse them, and a secret's problem
 * names the rule, never the value or its length.
 */
class WholeModelValidationTest {
    private static final String XKS = """
        Parameters:
          AccessKeyId: {Type: String, Default: ABCDEFGHIJKLMNOPQRST}
          Secret: {Type: String, NoEcho: true}
          Password: {Type: String, NoEcho: true, Default: ''}
        Resources:
          Xks:
            Type: Keyhold::KMS::CustomKeyStore
            Properties:
              CustomKeyStoreName: xks
              CustomKeyStoreType: EXTERNAL_KEY_STORE
              XksProxyConnectivity: PUBLIC_ENDPOINT
              XksProxyUriEndpoint: https://xks.example.com
              XksProxyUriPath: /kms/xks/v1
              XksProxyAuthenticationCredential:
                AccessKeyId: !Ref AccessKeyId
                RawSecretAccessKey: !Ref Secret
          Hsm:
            Type: Keyhold::KMS::CustomKeyStore
            Properties:
              CustomKeyStoreName: hsm
              CloudHsmClusterId: cluster-765432hgfedcb
              TrustAnchorCertificate: "-----BEGIN CERTIFICATE-----\\nMIIBtest\\n-----END CERTIFICATE-----"
              KeyStorePassword: !Ref Password
        """;
    private static final String GOOD_SECRET = "s3cretXksProxyKeyThatIsLongEnough0123456789+/=";

    @TempDir
    Path dir;

    @Test
    void nestedAndSecretValuesAreCheckedBeforeAnythingRunsWithoutShowingTheSecret() {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final String shortPassword = "pw1";
            final String badSecret = "s3cret with spaces and far more than forty-three characters";
            assertThatThrownBy(() -> f.runner.createChangeSet("s", "c", XKS, "t.yaml", Map.of("AccessKeyId",
                "ABCDEFGHIJKLMNOPQRS", "Secret", badSecret, "Password", shortPassword)))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("Resources.Xks.Properties: #/XksProxyAuthenticationCredential/AccessKeyId: "
                    + "expected minLength: 20, actual: 19")
                .hasMessageContaining("Resources.Xks.Properties: XksProxyAuthenticationCredential.RawSecretAccessKey "
                    + "does not satisfy the schema's pattern (the value is secret and not shown)")
                .hasMessageContaining("Resources.Hsm.Properties: KeyStorePassword does not satisfy the schema's "
                    + "minLength (the value is secret and not shown)")
                .hasMessageNotContaining(shortPassword).hasMessageNotContaining("spaces")
                .hasMessageNotContaining("actual: 3").hasMessageNotContaining("actual: " + badSecret.length());
            assertThat(f.runner.store().stackNames()).isEmpty();
            assertThat(f.emulator().requestCount("CreateCustomKeyStore")).isZero();
        }
    }

    @Test
    void aModelThatFitsPassesAndValuesNotKnownYetAreLeftOut() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final ChangeSet cs = f.runner.createChangeSet("s", "c", XKS.replace("CustomKeyStoreName: hsm",
                "CustomKeyStoreName: !GetAtt Xks.CustomKeyStoreId"), "t.yaml", Map.of("Secret", GOOD_SECRET,
                "Password", "longEnough1"));
            assertThat(cs.executionStatus).isEqualTo("AVAILABLE");
        }
    }

    @Test
    void eachStoreTypesOwnRulesAreCheckedInTheHandlersWords() {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final String template = """
                Resources:
                  Hsm:
                    Type: Keyhold::KMS::CustomKeyStore
                    Properties:
                      CustomKeyStoreName: hsm
                  Xks:
                    Type: Keyhold::KMS::CustomKeyStore
                    Properties:
                      CustomKeyStoreName: xks
                      CustomKeyStoreType: EXTERNAL_KEY_STORE
                      CloudHsmClusterId: cluster-765432hgfedcb
                      XksProxyConnectivity: PUBLIC_ENDPOINT
                      XksProxyUriEndpoint: https://xks.example.com
                      XksProxyUriPath: /kms/xks/v1
                      XksProxyAuthenticationCredential:
                        AccessKeyId: ABCDEFGHIJKLMNOPQRST
                        RawSecretAccessKey: s3cretXksProxyKeyThatIsLongEnough0123456789+/=
                """;
            assertThatThrownBy(() -> f.runner.createChangeSet("s", "c", template, "t.yaml", Map.of()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("Resources.Hsm.Properties: CloudHsmClusterId is required for AWS_CLOUDHSM key "
                    + "stores.")
                .hasMessageContaining("Resources.Hsm.Properties: TrustAnchorCertificate is required for AWS_CLOUDHSM "
                    + "key stores.")
                .hasMessageContaining("Resources.Xks.Properties: CloudHsmClusterId is a property of AWS_CLOUDHSM key "
                    + "stores only; this one is EXTERNAL_KEY_STORE.")
                .hasMessageNotContaining("s3cretXksProxyKey");
            assertThat(f.runner.store().stackNames()).isEmpty();
        }
    }
}
