package com.keyhold.kms.customkeystoreconnection.local.runner;

import static com.keyhold.kms.customkeystoreconnection.local.runner.RunnerFixture.HSM;
import static com.keyhold.kms.customkeystoreconnection.local.runner.RunnerFixture.XKS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.keyhold.kms.customkeystoreconnection.aws.ClientFactory;
import com.keyhold.kms.customkeystoreconnection.aws.SharedHttpClient;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.Keyhold;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every template in examples/ deploys with the local runner, as the runner guide promises. */
class ExamplesTest {
    private static final Path EXAMPLES = Path.of("examples");
    /** The templates this test deploys; one it does not know fails the test, so a new example gets a case. */
    private static final List<String> COVERED = List.of("cloudhsm-key-store.yaml", "custom-resource.yaml",
        "emergency-lockdown.yaml", "key-stores.yaml", "maintenance-window.yaml", "password-rotation.yaml",
        "stackset-fleet.yaml", "xks-vpc-endpoint-service.yaml");
    private static final String CLUSTER = "cluster-765432hgfedcb";
    private static final String TRUST_ANCHOR = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----";
    private static final String PASSWORD = "kmsPswd1";
    private static final String XKS_SECRET = "s3cretXksProxyKeyThatIsLongEnough0123456789+/=";

    @TempDir
    Path dir;

    private static String example(final String name) throws IOException {
        return Files.readString(EXAMPLES.resolve(name), StandardCharsets.UTF_8);
    }

    @Test
    void everyExampleHasACase() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")
                || n.endsWith(".yml") || n.endsWith(".json")).sorted().toList()).isEqualTo(COVERED);
        }
    }

    /**
     * The parameters an example has no Default for, as its header tells an operator to give them; every other value
     * is the template's own.
     */
    private static final Map<String, List<String>> REQUIRED = Map.of(
        "cloudhsm-key-store.yaml", List.of("ClusterId=" + CLUSTER, "TrustAnchorCertificate=" + TRUST_ANCHOR),
        "password-rotation.yaml", List.of("ClusterId=" + CLUSTER, "TrustAnchorCertificate=" + TRUST_ANCHOR,
            "KmsUserPassword=" + PASSWORD),
        "emergency-lockdown.yaml", List.of("KeyStoreId1=" + HSM),
        "xks-vpc-endpoint-service.yaml", List.of("ProxyAccessKeyId=ABCDEFGHIJKLMNOPQRS2"),
        "custom-resource.yaml", List.of("ServiceToken=arn:aws:lambda:us-east-1:111122223333:function:keyhold"));

    static List<String> covered() {
        return COVERED;
    }

    /**
     * Each example as it is, through the command line, on a fresh state folder: the in-process emulator starts from
     * its default seed (the examples' key stores and secrets), as for an operator trying it for the first time.
     */
    @ParameterizedTest
    @MethodSource("covered")
    void everyExampleDeploysOnAFreshStateFolderAsItIs(final String example) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final List<String> args = new ArrayList<>(List.of("deploy", "--stack-name", "fresh", "--template-file",
            EXAMPLES.resolve(example).toString(), "--state-dir", dir.resolve("fresh").toString(), "--time-scale", "0"));
        if (REQUIRED.containsKey(example)) {
            args.add("--parameter-overrides");
            args.addAll(REQUIRED.get(example));
        }
        final int code = Keyhold.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), Sleeper.NONE, RunnerFixture.FIXED,
            Path.of(""));
        assertThat(code).as(out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Successfully created stack - fresh");
        // A lookup that finds nothing, as expected on a first create, is not a failure in the handlers' log.
        assertThat(Files.readString(dir.resolve("fresh/handler.log"))).doesNotContain("Failed to execute");
    }

    @Test
    void maintenanceWindow() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final StackState s = f.deploy("mw", example("maintenance-window.yaml"), Map.of());
            assertThat(s.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.emulator().state(XKS)).isEqualTo(ConnectionState.CONNECTED);
        }
    }

    @Test
    void emergencyLockdownDisconnectsTheListedKeyStoresAndLeavesOutTheEmptySlots() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.emulator().forceState(HSM, ConnectionState.CONNECTED, null);
            f.emulator().forceState(XKS, ConnectionState.CONNECTED, null);
            final StackState s = f.deploy("lockdown", example("emergency-lockdown.yaml"),
                Map.of("KeyStoreId1", HSM, "KeyStoreId2", XKS));
            assertThat(s.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            // KeyStore3..10 have empty ids: their Conditions leave them out.
            assertThat(s.resources).containsOnlyKeys("KeyStore1", "KeyStore2");
            assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.DISCONNECTED);
            assertThat(f.emulator().state(XKS)).isEqualTo(ConnectionState.DISCONNECTED);
        }
    }

    @Test
    void stacksetFleet() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final StackState s = f.deploy("fleet", example("stackset-fleet.yaml"),
                Map.of("KeyStoreId1", HSM, "KeyStoreId2", XKS));
            assertThat(s.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            assertThat(s.resources).hasSize(2);
            assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.CONNECTED);
            // Flipping the fleet-wide parameter locks every listed key store down.
            final StackState flipped = f.deploy("fleet", example("stackset-fleet.yaml"),
                Map.of("ConnectionState", "DISCONNECTED"));
            assertThat(flipped.status).isEqualTo("UPDATE_COMPLETE");
            assertThat(f.emulator().state(XKS)).isEqualTo(ConnectionState.DISCONNECTED);
        }
    }

    /** The ServiceToken comes from another local stack's export (Fn::ImportValue), or is given directly. */
    @Test
    void customResourceImportsTheServiceTokenFromAnotherLocalStack() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final String token = "arn:aws:lambda:us-east-1:111122223333:function:keyhold-custom-resource:live";
            final StackState exporter = f.deploy("keyhold-custom-resource", """
                Resources:
                  Spare:
                    Type: Keyhold::KMS::CustomKeyStoreConnection
                    Properties: {CustomKeyStoreId: cks-00000000000000abc, ConnectionState: DISCONNECTED}
                Outputs:
                  ServiceToken:
                    Value: %s
                    Export:
                      Name: !Sub ${AWS::StackName}-ServiceToken
                """.formatted(token), Map.of());
            assertThat(exporter.exports).containsEntry("keyhold-custom-resource-ServiceToken", token);

            final StackState s = f.deploy("cr", example("custom-resource.yaml"), Map.of());
            assertThat(s.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            assertThat(s.resources.get("KeyStoreConnection").properties.get("ServiceToken").asText())
                .isEqualTo(token);
            assertThat(s.imports).containsExactly("keyhold-custom-resource-ServiceToken");
            assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(s.outputs).containsEntry("CustomKeyStoreId", HSM);

            // As in CloudFormation, an export in use keeps its stack.
            assertThatThrownBy(() -> f.runner.deleteStack("keyhold-custom-resource"))
                .isInstanceOf(OperationFailedException.class)
                .hasMessageContaining("export keyhold-custom-resource-ServiceToken is imported by stack cr");
            assertThat(f.runner.deleteStack("cr").status).isEqualTo("DELETE_COMPLETE");
            assertThat(f.runner.deleteStack("keyhold-custom-resource").status).isEqualTo("DELETE_COMPLETE");

            // Given directly, the token needs no export.
            final StackState direct = f.deploy("cr2", example("custom-resource.yaml"),
                Map.of("ServiceToken", token, "CustomKeyStoreId", XKS));
            assertThat(direct.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            assertThat(direct.imports).isEmpty();
        }
    }

    @Test
    void aMissingExportIsRefusedBeforeAnythingRuns() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            assertThatThrownBy(() -> f.deploy("cr", example("custom-resource.yaml"), Map.of()))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("Fn::ImportValue keyhold-custom-resource-ServiceToken: no other stack in")
                .hasMessageContaining("Deploy the exporting stack first");
            assertThat(f.runner.store().stackNames()).isEmpty();
        }
    }

    private static String keyStoreOf(final StackState s) {
        return s.resources.get("KeyStore").physicalId;
    }

    @Test
    void cloudHsmKeyStoreWithItsConnection() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final StackState s = f.deploy("hsm", example("cloudhsm-key-store.yaml"), Map.of("ClusterId", CLUSTER,
                "TrustAnchorCertificate", TRUST_ANCHOR, "KmsUserPassword", PASSWORD));
            assertThat(s.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            assertThat(f.emulator().state(keyStoreOf(s))).isEqualTo(ConnectionState.CONNECTED);
            assertThat(s.outputs).containsEntry("KeyStoreId", keyStoreOf(s)).containsEntry("ConnectionState",
                "CONNECTED");
            assertThat(f.output()).doesNotContain(PASSWORD);
        }
    }

    /** Issue #19 item 1, as reported: a typo in ClusterId no longer costs an outage behind a green rollback. */
    @Test
    void aMoveToAnUnrelatedClusterIsRefusedBeforeTheDisconnectAndTheStackRollsBackClean() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final Map<String, String> params = Map.of("ClusterId", CLUSTER, "TrustAnchorCertificate", TRUST_ANCHOR,
                "KmsUserPassword", PASSWORD);
            final StackState s = f.deploy("hsm", example("cloudhsm-key-store.yaml"), params);
            assertThat(s.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            final String id = keyStoreOf(s);
            final Map<String, String> typo = new java.util.HashMap<>(params);
            typo.put("ClusterId", "cluster-typotypotypo");
            final StackState moved = f.deploy("hsm", example("cloudhsm-key-store.yaml"), typo);
            assertThat(moved.status).as(f.output()).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
            assertThat(f.output()).contains("CloudHSM cluster cluster-typotypotypo is not related to " + CLUSTER)
                .contains("Nothing was changed: " + id + " was not disconnected");
            assertThat(f.emulator().requestCount("DisconnectCustomKeyStore")).isZero();
            assertThat(f.emulator().requestCount("UpdateCustomKeyStore")).isZero();
            assertThat(f.emulator().state(id)).isEqualTo(ConnectionState.CONNECTED);
        }
    }

    @Test
    void xksOverAVpcEndpointServiceWithItsConnection() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final StackState s = f.deploy("xks", example("xks-vpc-endpoint-service.yaml"), Map.of(
                "ProxyAccessKeyId", "ABCDEFGHIJKLMNOPQRST", "ProxySecretAccessKey", XKS_SECRET));
            assertThat(s.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            assertThat(f.emulator().state(keyStoreOf(s))).isEqualTo(ConnectionState.CONNECTED);
            // Drift: the secret is never compared (KMS does not return it), the access key ID is.
            assertThat(f.runner.detectDrift("xks")).extracting(StackRunner.Drift::status).containsOnly("IN_SYNC");
            // Moving to another endpoint service disconnects the key store for the update; the change set says so.
            final ChangeSet cs = f.runner.createChangeSet("xks", "move", example("xks-vpc-endpoint-service.yaml"),
                "x.yaml", Map.of("VpcEndpointServiceName", "com.amazonaws.vpce.us-east-1.vpce-svc-0fedcba987654321"));
            assertThat(cs.changes.get(0).details.get(0).requiresDisconnect).isEqualTo("yes");
            assertThat(f.runner.executeChangeSet("xks", "move").status).as(f.output()).isEqualTo("UPDATE_COMPLETE");
            assertThat(f.emulator().state(keyStoreOf(s))).isEqualTo(ConnectionState.CONNECTED);
            f.emulator().backends().proxyCredential("https://xks.internal.example.com", "QRSTABCDEFGHIJKLMNOP",
                XKS_SECRET);
            new EmulatorClients(f.emulator().endpoint(), SharedHttpClient.get(), ClientFactory.STANDARD_RETRIES)
                .kms("us-east-1").updateCustomKeyStore(r -> r.customKeyStoreId(keyStoreOf(s))
                    .xksProxyAuthenticationCredential(c -> c.accessKeyId("QRSTABCDEFGHIJKLMNOP")
                        .rawSecretAccessKey(XKS_SECRET)));
            assertThat(f.runner.detectDrift("xks")).filteredOn(d -> d.logicalId().equals("KeyStore")).singleElement()
                .satisfies(d -> assertThat(d.differences()).singleElement().asString()
                    .contains("XksProxyAuthenticationCredential").contains("QRSTABCDEFGHIJKLMNOP")
                    .doesNotContain(XKS_SECRET));
            assertThat(f.output()).doesNotContain(XKS_SECRET);
        }
    }

    @Test
    void passwordRotationIsAParameterFlip() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final Map<String, String> first = Map.of("ClusterId", CLUSTER, "TrustAnchorCertificate", TRUST_ANCHOR,
                "KmsUserPassword", PASSWORD);
            final StackState s = f.deploy("rotate", example("password-rotation.yaml"), first);
            assertThat(s.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            // The runbook as the example's comments give it: the version flipped without resetting kmsuser first
            // fails, and the rollback sends nothing (version 1's password is spent) and says what to do.
            final StackState forgot = f.deploy("rotate", example("password-rotation.yaml"),
                Map.of("KmsUserPassword", "notReset77", "PasswordVersion", "2"));
            assertThat(forgot.status).as(f.output()).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
            assertThat(f.emulator().requestCount("UpdateCustomKeyStore")).isEqualTo(1);
            assertThat(f.output()).contains("KeyStorePassword of KeyStorePasswordVersion 1 is not sent to KMS");
            // (1) reset kmsuser in the cluster, with the command the example names (the password on stdin);
            final java.io.ByteArrayOutputStream said = new java.io.ByteArrayOutputStream();
            assertThat(com.keyhold.kms.customkeystoreconnection.local.Keyhold.run(new String[]{"emulator",
                "reset-kmsuser-password", "--cluster-id", CLUSTER, "--state-dir", dir.toString()},
                new java.io.PrintStream(said, true, java.nio.charset.StandardCharsets.UTF_8), System.err, Map.of(),
                Sleeper.NONE, RunnerFixture.FIXED, dir, new java.io.ByteArrayInputStream(
                    "resetPw22\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)))).isZero();
            assertThat(said.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("kmsuser's password in "
                + CLUSTER + " is reset").doesNotContain("resetPw22");
            // (2) the new password under a version never used.
            final StackState rotated = f.deploy("rotate", example("password-rotation.yaml"),
                Map.of("KmsUserPassword", "resetPw22", "PasswordVersion", "3"));
            assertThat(rotated.status).as(f.output()).isEqualTo("UPDATE_COMPLETE");
            assertThat(f.emulator().requestCount("UpdateCustomKeyStore")).isEqualTo(2);
            assertThat(f.emulator().state(keyStoreOf(s))).isEqualTo(ConnectionState.CONNECTED);
            assertThat(rotated.outputs).containsEntry("PasswordVersion", "3");
            assertThat(f.output()).doesNotContain(PASSWORD).doesNotContain("resetPw22").doesNotContain("notReset77");
        }
    }

    @Test
    void keyStoresBothKindsWithTheirConnections() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir, "{\"stores\": []}", b -> {
        })) {
            final StackState s = f.deploy("both", example("key-stores.yaml"), Map.of("KmsUserPassword", PASSWORD,
                "XksProxySecret", XKS_SECRET));
            assertThat(s.status).as(f.output()).isEqualTo("CREATE_COMPLETE");
            assertThat(s.outputs).containsEntry("HsmKeyStoreState", "CONNECTED").containsEntry("XksKeyStoreState",
                "CONNECTED");
            assertThat(f.output()).doesNotContain(PASSWORD).doesNotContain(XKS_SECRET);
        }
    }

    /** The examples' first form: secrets through dynamic references, read from the default seed's secrets. */
    @Test
    void theSecretsComeFromSecretsManagerOnAFreshStateFolder() throws Exception {
        final String secretsOnly = Target.DEFAULT_SEED.replaceFirst("(?s)\\{\"stores\": \\[.*?\\],", "{\"stores\": [],");
        final Map<String, Map<String, String>> cases = new java.util.LinkedHashMap<>();
        cases.put("cloudhsm-key-store.yaml", Map.of("ClusterId", CLUSTER, "TrustAnchorCertificate", TRUST_ANCHOR));
        cases.put("password-rotation.yaml", Map.of("ClusterId", CLUSTER, "TrustAnchorCertificate", TRUST_ANCHOR));
        cases.put("xks-vpc-endpoint-service.yaml", Map.of("ProxyAccessKeyId", "ABCDEFGHIJKLMNOPQRST"));
        cases.put("key-stores.yaml", Map.of());
        for (Map.Entry<String, Map<String, String>> c : cases.entrySet()) {
            final Path state = dir.resolve(c.getKey());
            try (RunnerFixture f = new RunnerFixture(state, secretsOnly, b -> {
            })) {
                final StackState s = f.deploy("s", example(c.getKey()), c.getValue());
                assertThat(s.status).as(c.getKey() + f.output()).isEqualTo("CREATE_COMPLETE");
                assertThat(Files.readString(state.resolve("stacks/s/stack.json"))).as(c.getKey())
                    .contains("{{resolve:secretsmanager:");
                for (String secret : List.of("examplePw1", "exampleXksProxySecretAccessKey0123456789+/=")) {
                    assertThat(f.output()).as(c.getKey()).doesNotContain(secret);
                    assertThat(DynamicReferencesTest.runnerFiles(state)).as(c.getKey()).doesNotContain(secret);
                }
                if (c.getKey().equals("password-rotation.yaml")) {
                    // The runbook with the secret: a new AWSCURRENT, the cluster reset, the version raised.
                    f.emulator().putSecret("payments/kmsuser", "{\"password\": \"rotatedPw3\"}");
                    f.emulator().backends().resetKmsuserPassword(CLUSTER, "rotatedPw3");
                    final StackState rotated = f.deploy("s", example(c.getKey()), Map.of("PasswordVersion", "2"));
                    assertThat(rotated.status).as(f.output()).isEqualTo("UPDATE_COMPLETE");
                    assertThat(f.emulator().state(keyStoreOf(s))).isEqualTo(ConnectionState.CONNECTED);
                    assertThat(f.output()).doesNotContain("rotatedPw3");
                }
            }
        }
    }
}
