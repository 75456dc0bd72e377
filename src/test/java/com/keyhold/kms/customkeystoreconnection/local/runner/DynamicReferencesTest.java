package com.keyhold.kms.customkeystoreconnection.local.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic references through the runner against the in-process emulator: the handler receives the value (the key
 * store connects only with the cluster's real kmsuser password), the value is nowhere the runner writes or prints,
 * and every reference CloudFormation refuses is refused before anything runs.
 */
class DynamicReferencesTest {
    static final String PASSWORD = "refPswd1";
    static final String NEW_PASSWORD = "refPswd22";
    static final String CLUSTER = TwoTypesTest.CLUSTER;
    static final String SECRET_REF = "{{resolve:secretsmanager:payments/kmsuser:SecretString:password}}";
    static final String TEMPLATE = """
        Parameters:
          PasswordVersion: {Type: String, Default: '1'}
          PasswordRef: {Type: String, Default: '%s'}
        Resources:
          Store:
            Type: Keyhold::KMS::CustomKeyStore
            Properties:
              CustomKeyStoreName: payments-hsm
              CloudHsmClusterId: cluster-765432hgfedcb
              TrustAnchorCertificate: "-----BEGIN CERTIFICATE-----\\nMIIBtest\\n-----END CERTIFICATE-----"
              KeyStorePassword: !Ref PasswordRef
              KeyStorePasswordVersion: !Ref PasswordVersion
          Connection:
            Type: Keyhold::KMS::CustomKeyStoreConnection
            Properties:
              CustomKeyStoreId: !Ref Store
              ConnectionState: CONNECTED
        """.formatted(SECRET_REF);

    @TempDir
    Path dir;

    private static String store(final String templateLine) {
        return """
            Resources:
              Store:
                Type: Keyhold::KMS::CustomKeyStore
                Properties:
                  CustomKeyStoreName: payments-hsm
                  CloudHsmClusterId: cluster-765432hgfedcb
                  TrustAnchorCertificate: "-----BEGIN CERTIFICATE-----\\nMIIBtest\\n-----END CERTIFICATE-----"
                  KeyStorePassword: '%s'
            """.formatted(templateLine);
    }

    /** Every file the runner wrote (all but the emulator's own store, which is Secrets Manager's stand-in). */
    static String runnerFiles(final Path stateDir) throws IOException {
        final StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(stateDir)) {
            for (Path p : files.filter(Files::isRegularFile).filter(p -> !p.startsWith(stateDir.resolve("emulator")))
                .toList()) {
                all.append(p).append('\n').append(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
            }
        }
        return all.toString();
    }

    @Test
    void theHandlerGetsTheSecretAndNothingTheRunnerWritesHoldsIt() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.emulator().putSecret("payments/kmsuser", "{\"password\": \"" + PASSWORD + "\", \"user\": \"kmsuser\"}");
            // The cluster's kmsuser password is set: a connect succeeds only if KMS was given that very password.
            f.emulator().backends().resetKmsuserPassword(CLUSTER, PASSWORD);
            final StackState created = f.deploy("pay", TEMPLATE, Map.of());
            assertThat(created.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            final String id = created.resources.get("Store").physicalId;
            assertThat(f.emulator().state(id)).isEqualTo(ConnectionState.CONNECTED);
            // Only the reference is kept, as CloudFormation keeps it.
            assertThat(created.resources.get("Store").properties.get("KeyStorePassword").asText())
                .isEqualTo(SECRET_REF);
            assertThat(Files.readString(f.stateDir.resolve("stacks/pay/stack.json"))).contains(SECRET_REF);

            // The secret rotates: a new AWSCURRENT and a version bump reach KMS through the same reference.
            f.emulator().putSecret("payments/kmsuser", "{\"password\": \"" + NEW_PASSWORD + "\"}");
            f.emulator().backends().resetKmsuserPassword(CLUSTER, NEW_PASSWORD);
            final StackState bumped = f.deploy("pay", TEMPLATE, Map.of("PasswordVersion", "2"));
            assertThat(bumped.status).as(f.output()).isEqualTo("UPDATE_COMPLETE");
            assertThat(f.emulator().state(id)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isEqualTo(1);

            // Drift does not compare dynamic references (CloudFormation does not either).
            assertThat(f.runner.detectDrift("pay")).extracting(StackRunner.Drift::status).containsOnly("IN_SYNC");
            assertThat(f.runner.deleteStack("pay").status).as(f.output()).isEqualTo("DELETE_COMPLETE");

            for (String secret : List.of(PASSWORD, NEW_PASSWORD)) {
                assertThat(f.output()).doesNotContain(secret);
                assertThat(f.err.toString(StandardCharsets.UTF_8)).doesNotContain(secret);
                assertThat(runnerFiles(f.stateDir)).doesNotContain(secret);
            }
        }
    }

    @Test
    void aRollbackReadsTheSecretAgain() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.emulator().putSecret("payments/kmsuser", "{\"password\": \"" + PASSWORD + "\"}");
            f.emulator().backends().resetKmsuserPassword(CLUSTER, PASSWORD);
            final StackState created = f.deploy("pay", TEMPLATE, Map.of());
            assertThat(created.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            // An update the second resource fails (a store id that does not exist): the store's update rolls back
            // with the previous properties, the reference resolved again.
            final String failing = TEMPLATE.replace("CustomKeyStoreId: !Ref Store",
                "CustomKeyStoreId: cks-99999999999999999");
            final StackState rolledBack = f.deploy("pay", failing, Map.of());
            assertThat(rolledBack.status).as(f.output()).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
            assertThat(runnerFiles(f.stateDir)).doesNotContain(PASSWORD);
            assertThat(f.output()).doesNotContain(PASSWORD);
        }
    }

    @Test
    void ssmReferencesResolveWithAndWithoutAVersion() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.emulator().putSecret("payments/kmsuser", "{\"password\": \"" + PASSWORD + "\"}");
            putParameter(f, "/payments/store-name", "String", "from-parameter-store");
            final String template = TEMPLATE.replace("CustomKeyStoreName: payments-hsm",
                "CustomKeyStoreName: '{{resolve:ssm:/payments/store-name:1}}'");
            final StackState created = f.deploy("pay", template, Map.of());
            assertThat(created.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            assertThat(created.resources.get("Connection").attributes.get("CustomKeyStoreName").asText())
                .isEqualTo("from-parameter-store");
        }
    }

    @Test
    void refusedBeforeAnythingRuns() {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.emulator().putSecret("payments/kmsuser", "{\"password\": \"" + PASSWORD + "\"}");
            f.emulator().putSecret("plain", "not json, and longer than KMS allows a password: " + PASSWORD);
            putParameter(f, "/secure/pw", "SecureString", PASSWORD);
            final Map<String, String> refused = new java.util.LinkedHashMap<>();
            refused.put("{{resolve:secretsmanager:missing/secret:SecretString:password}}",
                "secret missing/secret is not in Secrets Manager of the in-process emulator");
            refused.put("{{resolve:secretsmanager:payments/kmsuser:SecretString:nokey}}",
                "secret payments/kmsuser has no key nokey");
            refused.put("{{resolve:secretsmanager:plain:SecretString:password}}",
                "the value of secret plain is not JSON, so it has no key password");
            refused.put("{{resolve:secretsmanager:payments/kmsuser:SecretString:password:AWSPREVIOUS}}",
                "staging label AWSPREVIOUS");
            refused.put("{{resolve:secretsmanager:payments/kmsuser:SecretString:password:AWSCURRENT:v1}}",
                "gives both a version-stage and a version-id");
            refused.put("{{resolve:secretsmanager:payments/kmsuser:SecretBinary:password}}",
                "the segment after the secret must be SecretString, got 'SecretBinary'");
            refused.put("{{resolve:vault:payments}}", "'vault' is not a dynamic reference service");
            refused.put("{{resolve:ssm:bad name}}", "Incorrect format is used in the following SSM reference");
            refused.put("{{resolve:ssm-secure:/secure/pw}}", "SSM Secure reference is not supported in: "
                + "[Keyhold::KMS::CustomKeyStore/Properties/KeyStorePassword]");
            refused.put("{{resolve:ssm:/secure/pw}}", "parameter /secure/pw is a SecureString parameter");
            refused.put("{{resolve:ssm:/not/there}}", "Parameter /not/there is not in SSM Parameter Store");
            refused.put("{{resolve:secretsmanager:plain}}", "the value {{resolve:secretsmanager:plain}} resolves to is "
                + "not allowed for KeyStorePassword by Keyhold::KMS::CustomKeyStore's schema: it must be 7 to 32 "
                + "characters long (the value is not shown)");
            refused.forEach((reference, message) -> {
                assertThatThrownBy(() -> f.runner.createChangeSet("pay", "c", store(reference), "t.yaml", Map.of()))
                    .as(reference).isInstanceOf(UsageException.class)
                    .hasMessageContaining("Resources.Store.Properties.KeyStorePassword")
                    .hasMessageContaining(message).hasMessageNotContaining(PASSWORD);
                assertThat(f.runner.store().stackNames()).as(reference).isEmpty();
            });
            assertThat(f.emulator().requestCount("CreateCustomKeyStore")).isZero();
        }
    }

    @Test
    void placesCloudFormationDoesNotResolveAreRefused() {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final String many = TEMPLATE + "Metadata:\n  Notes:\n" + "    - '{{resolve:ssm:n}}'\n".repeat(61);
            for (String[] c : new String[][] {
                {TEMPLATE + "Outputs:\n  Leak: {Value: '" + SECRET_REF + "'}\n", "Outputs: dynamic reference " + SECRET_REF
                    + " is not resolved there"},
                {TEMPLATE.replace("  Store:\n    Type", "  Store:\n    Metadata: {Pw: '" + SECRET_REF + "'}\n    Type"),
                    "Resources.Store.Metadata: dynamic reference"},
                {TEMPLATE.replace("PasswordVersion: {Type: String, Default: '1'}",
                    "PasswordVersion: {Type: String, Default: '{{resolve:ssm:/v}}'}"),
                    "an ssm dynamic reference in the Parameters section must include a version number"},
                {many, "the template has 62 dynamic references; CloudFormation allows at most 60"},
                {"""
                    Resources:
                      Custom:
                        Type: Custom::KeyStore
                        Properties:
                          ServiceToken: arn:aws:lambda:us-east-1:111122223333:function:keyhold
                          Password: '%s'
                    """.formatted(SECRET_REF), "does not support dynamic references for secure values"},
            }) {
                assertThatThrownBy(() -> f.runner.createChangeSet("pay", "c", c[0], "t.yaml", Map.of()))
                    .isInstanceOf(UsageException.class).hasMessageContaining(c[1]);
            }
        }
    }

    @Test
    void aSecretGoneSinceTheChangeSetStopsTheExecutionBeforeAnythingRuns() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.emulator().putSecret("payments/kmsuser", "{\"password\": \"" + PASSWORD + "\"}");
            final ChangeSet cs = f.runner.createChangeSet("pay", "c", TEMPLATE, "t.yaml", Map.of());
            f.emulator().putSecret("payments/kmsuser", "{\"renamed\": \"" + PASSWORD + "\"}");
            assertThatThrownBy(() -> f.runner.executeChangeSet("pay", cs.changeSetName))
                .isInstanceOf(UsageException.class).hasMessageContaining("cannot be executed")
                .hasMessageContaining("secret payments/kmsuser has no key password");
            assertThat(f.emulator().requestCount("CreateCustomKeyStore")).isZero();
            assertThat(f.runner.store().load("pay").orElseThrow().status).isEqualTo("REVIEW_IN_PROGRESS");
        }
    }

    static void putParameter(final RunnerFixture f, final String name, final String type, final String value) {
        try (software.amazon.awssdk.services.ssm.SsmClient ssm = software.amazon.awssdk.services.ssm.SsmClient.builder()
            .endpointOverride(f.emulator().endpoint()).region(software.amazon.awssdk.regions.Region.US_EAST_1)
            .httpClient(com.keyhold.kms.customkeystoreconnection.aws.SharedHttpClient.get())
            .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(Target.EMULATOR_ACCESS_KEY,
                    Target.EMULATOR_SECRET_KEY))).build()) {
            ssm.putParameter(b -> b.name(name).type(type).value(value));
        }
    }
}
