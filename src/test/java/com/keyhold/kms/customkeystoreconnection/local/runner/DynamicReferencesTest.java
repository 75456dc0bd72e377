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

    @Test
    void aCallResumedAfterACrashReadsTheSecretAgainAndTheSavedCallHoldsOnlyTheReference() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.emulator().putSecret("payments/kmsuser", "{\"password\": \"" + PASSWORD + "\"}");
            f.emulator().backends().resetKmsuserPassword(CLUSTER, PASSWORD);
            assertThat(f.deploy("pay", TEMPLATE, Map.of()).status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            f.emulator().putSecret("payments/kmsuser", "{\"password\": \"" + NEW_PASSWORD + "\"}");
            f.emulator().backends().resetKmsuserPassword(CLUSTER, NEW_PASSWORD);
            final String storeType = "Keyhold::KMS::CustomKeyStore";
            f.runner = f.runner(new ProviderRegistry().register(storeType,
                new RunnerFixture.CrashingProvider(f.target.providers().find(storeType), 1))
                .register(RunnerFixture.TYPE, f.target.providers().find(RunnerFixture.TYPE))
                .references(ReferenceSource.of(f.emulator().endpoint(), f.emulator().endpoint(), "us-east-1",
                    () -> software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                        Target.EMULATOR_ACCESS_KEY, Target.EMULATOR_SECRET_KEY), "the in-process emulator")));
            assertThatThrownBy(() -> f.deploy("pay", TEMPLATE, Map.of("PasswordVersion", "2")))
                .isInstanceOf(RunnerFixture.SimulatedCrash.class);
            final StackState crashed = f.runner.store().load("pay").orElseThrow();
            assertThat(crashed.status).isEqualTo("UPDATE_IN_PROGRESS");
            assertThat(crashed.operation.steps.get(0).call.properties.get("KeyStorePassword").asText())
                .isEqualTo(SECRET_REF);
            assertThat(runnerFiles(f.stateDir)).doesNotContain(PASSWORD).doesNotContain(NEW_PASSWORD);

            f.runner = f.runner(f.target.providers());
            final StackState resumed = f.runner.recover("pay", false);
            assertThat(resumed.status).as(f.output()).isEqualTo("UPDATE_COMPLETE");
            assertThat(f.emulator().state(resumed.resources.get("Store").physicalId))
                .isEqualTo(ConnectionState.CONNECTED);
            assertThat(runnerFiles(f.stateDir)).doesNotContain(PASSWORD).doesNotContain(NEW_PASSWORD);
            assertThat(f.output()).doesNotContain(PASSWORD).doesNotContain(NEW_PASSWORD);
        }
    }

    @Test
    void aSecretGoneDuringTheOperationFailsItsResourceAndTheOperationRollsBack() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.emulator().putSecret("payments/kmsuser", "{\"password\": \"" + PASSWORD + "\"}");
            final ChangeSet cs = f.runner.createChangeSet("pay", "c", TEMPLATE, "t.yaml", Map.of());
            // The provider reads the secret after the execution's check: it lost its key in between.
            final String storeType = "Keyhold::KMS::CustomKeyStore";
            final ResourceProvider real = f.target.providers().find(storeType);
            f.runner = f.runner(new ProviderRegistry().register(storeType, new ResourceProvider() {
                @Override
                public ResourceSchema schema() {
                    return real.schema();
                }

                @Override
                public ProviderResult run(final ProviderCall call, final ProgressListener listener) {
                    throw new AssertionError("never called with an unreadable reference");
                }
            }).register(RunnerFixture.TYPE, f.target.providers().find(RunnerFixture.TYPE)).references(
                new DynamicReferences.Source() {
                    private int reads;

                    @Override
                    public DynamicReferences.Parameter parameter(final String selector, final boolean decrypt) {
                        throw new AssertionError("no ssm reference here");
                    }

                    @Override
                    public String secret(final String id, final String stage, final String versionId) {
                        return ++reads == 1 ? "{\"password\": \"" + PASSWORD + "\"}" : "{}";
                    }
                }));
            final StackState failed = f.runner.executeChangeSet("pay", cs.changeSetName);
            assertThat(failed.status).as(f.output()).isEqualTo("ROLLBACK_COMPLETE");
            assertThat(f.output()).contains("CREATE_FAILED").contains("InvalidRequest")
                .contains("secret payments/kmsuser has no key password").doesNotContain(PASSWORD);
            assertThat(f.emulator().requestCount("CreateCustomKeyStore")).isZero();
        }
    }

    @Test
    void messagesAndModelsAHandlerReturnsAreMaskedAndTheSavedCallKeepsTheReference() throws Exception {
        final DynamicReferences references = new DynamicReferences(new DynamicReferences.Source() {
            @Override
            public DynamicReferences.Parameter parameter(final String selector, final boolean decrypt) {
                return decrypt ? new DynamicReferences.Parameter("SecureString", "ssmSecret9")
                    : new DynamicReferences.Parameter("String", "plain-" + selector);
            }

            @Override
            public String secret(final String id, final String stage, final String versionId) {
                return "{\"password\": \"" + PASSWORD + "\"}";
            }
        });
        final ProviderCall call = new ProviderCall("CREATE", "Store", "Keyhold::KMS::CustomKeyStore",
            (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree("{\"KeyStorePassword\": \""
                + SECRET_REF + "\", \"Name\": \"n-{{resolve:ssm:/name:3}}\", \"Other\": \"{{resolve:ssm-secure:/s}}\"}"),
            null, "token");
        final List<String> progress = new java.util.ArrayList<>();
        final ProviderResult result = references.run(new ResourceProvider() {
            @Override
            public ResourceSchema schema() {
                return null;
            }

            @Override
            public ProviderResult run(final ProviderCall c, final ProgressListener listener) {
                assertThat(c.properties.get("KeyStorePassword").asText()).isEqualTo(PASSWORD);
                assertThat(c.properties.get("Name").asText()).isEqualTo("n-plain-/name:3");
                assertThat(c.properties.get("Other").asText()).isEqualTo("ssmSecret9");
                c.callbackContext = Json.MAPPER.createObjectNode().put("leak", PASSWORD);
                c.invocations = 1;
                listener.inProgress(c, "working with " + PASSWORD + " and ssmSecret9");
                return ProviderResult.failed("InvalidRequest", "bad " + PASSWORD,
                    Json.MAPPER.createObjectNode().put("KeyStorePassword", PASSWORD).put("Echo", "x" + PASSWORD));
            }
        }, call, (c, message) -> progress.add(message + " " + c.callbackContext));
        assertThat(progress).containsExactly("working with **** and **** {\"leak\":\"****\"}");
        assertThat(result.message()).isEqualTo("bad ****");
        assertThat(result.model().get("KeyStorePassword").asText()).isEqualTo(SECRET_REF);
        assertThat(result.model().get("Echo").asText()).isEqualTo("x****");
        assertThat(call.properties.get("KeyStorePassword").asText()).isEqualTo(SECRET_REF);
        assertThat(call.invocations).isEqualTo(1);
    }

    @Test
    void theFormsOfAReference() {
        final DynamicReferences.Reference arn = DynamicReferences.parse("{{resolve:secretsmanager:arn:aws:"
            + "secretsmanager:us-east-1:111122223333:secret:payments/kmsuser-AbCdEf:SecretString:password::v-1}}");
        assertThat(arn.name()).isEqualTo("arn:aws:secretsmanager:us-east-1:111122223333:secret:payments/kmsuser-AbCdEf");
        assertThat(arn.jsonKey()).isEqualTo("password");
        assertThat(arn.versionStage()).isNull();
        assertThat(arn.versionId()).isEqualTo("v-1");
        final DynamicReferences.Reference whole = DynamicReferences.parse("{{resolve:secretsmanager:s}}");
        assertThat(whole.jsonKey()).isNull();
        assertThat(whole.secure()).isTrue();
        final DynamicReferences.Reference ssm = DynamicReferences.parse("{{resolve:ssm:/a/b:12}}");
        assertThat(ssm.name()).isEqualTo("/a/b");
        assertThat(ssm.version()).isEqualTo("12");
        assertThat(ssm.secure()).isFalse();
        for (String[] bad : new String[][] {
            {"{{resolve:secretsmanager:arn:aws:secretsmanager:us-east-1}}", "the secret's ARN is incomplete"},
            {"{{resolve:secretsmanager::SecretString}}", "names no secret"},
            {"{{resolve:secretsmanager:s:SecretString:k:AWSCURRENT::extra}}", "has too many segments"},
            {"{{resolve:ssm:name\\}}", "ends with a backslash"},
            {"{{resolve:ssm:a:b}}", "Incorrect format is used in the following SSM reference: [{{resolve:ssm:a:b}}]"},
            {"{{resolve:ssm}}", "Incorrect format"},
        }) {
            assertThatThrownBy(() -> DynamicReferences.parse(bad[0])).as(bad[0]).isInstanceOf(UsageException.class)
                .hasMessageContaining(bad[1]);
        }
        assertThat(DynamicReferences.find(Json.MAPPER.createObjectNode().put("{{resolve:ssm:k}}", "a {{resolve:ssm:v}}")))
            .containsExactlyInAnyOrder("{{resolve:ssm:k}}", "{{resolve:ssm:v}}");
        assertThatThrownBy(() -> new DynamicReferences(DynamicReferences.Source.OFFLINE).value(ssm))
            .hasMessageContaining("cannot be resolved here: this command reaches no target");
    }

    @Test
    void ssmSecureReadsASecureStringAgainstTheEmulator() {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            putParameter(f, "/secure/pw", "SecureString", PASSWORD);
            putParameter(f, "/plain", "String", "p");
            final DynamicReferences references = f.target.providers().references();
            assertThat(references.value(DynamicReferences.parse("{{resolve:ssm-secure:/secure/pw:1}}")))
                .isEqualTo(PASSWORD);
            assertThatThrownBy(() -> references.value(DynamicReferences.parse("{{resolve:ssm-secure:/plain}}")))
                .hasMessageContaining("parameter /plain is a String parameter; ssm-secure reads SecureString");
            assertThatThrownBy(() -> references.value(DynamicReferences.parse("{{resolve:ssm:/plain:7}}")))
                .hasMessageContaining("Parameter /plain has no version 7");
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
