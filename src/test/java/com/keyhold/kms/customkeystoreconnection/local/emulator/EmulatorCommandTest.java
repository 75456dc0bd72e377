package com.keyhold.kms.customkeystoreconnection.local.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.ConnectionStateType;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;

/** {@code keyhold emulator}: help, argument errors, seed file, state file across a restart. */
class EmulatorCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return EmulatorCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** Runs the command on its own thread until {@code whileRunning} is done, then interrupts it (Ctrl-C). */
    private void runWhile(java.util.function.Consumer<KmsEmulator> whileRunning, String... args) throws Exception {
        CompletableFuture<KmsEmulator> started = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            int code = EmulatorCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), started::complete);
            if (!started.isDone()) {
                started.completeExceptionally(new AssertionError("exit " + code + ": " + err()));
            }
        });
        t.start();
        try {
            whileRunning.accept(started.get(30, TimeUnit.SECONDS));
        } finally {
            t.interrupt();
            t.join(10_000);
        }
        assertThat(t.isAlive()).isFalse();
    }

    @Test
    void helpDocumentsEveryFlagAndTheEndpointVariables() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--port", "--seed", "--state-file",
                "--connect-seconds", "--disconnect-seconds", "--describe-lag-seconds", "--time-scale",
                "--no-throttling", "--access-key", "--secret-key", "--bind-address", "AWS_ENDPOINT_URL_KMS",
                "AWS_ENDPOINT_URL_SSM");
    }

    @Test
    void bindAddressListensWhereAsked() throws Exception {
        runWhile(emu -> {
            assertThat(emu.bindAddress().isAnyLocalAddress()).isTrue();
            // Every interface includes the loopback one, which the printed endpoint names.
            assertThat(emu.endpoint().getHost()).isEqualTo("127.0.0.1");
            try (KmsClient kms = EmulatorTestSupport.kms(emu.endpoint())) {
                assertThat(kms.describeCustomKeyStores().customKeyStores()).isEmpty();
            }
        }, "--port", "0", "--bind-address", "0.0.0.0");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("listening on every interface (0.0.0.0)",
                "export AWS_ENDPOINT_URL_KMS=http://127.0.0.1:", "host.docker.internal");
        out.reset();
        runWhile(emu -> assertThat(emu.endpoint().toString()).startsWith("http://127.0.0.1:"),
                "--port", "0", "--bind-address", "127.0.0.1");
    }

    @Test
    void badBindAddressExits2NamingWhatIsAllowed() {
        assertThat(run("--port", "0", "--bind-address", "localhost")).isEqualTo(2);
        assertThat(err()).contains("bind address must be an IP address such as 127.0.0.1 or 0.0.0.0", "'localhost'");
        err.reset();
        assertThat(run("--port", "0", "--bind-address", "300.1.1.1")).isEqualTo(2);
        assertThat(err()).contains("'300.1.1.1'");
        err.reset();
        assertThat(run("--port", "0", "--bind-address")).isEqualTo(2);
        assertThat(err()).contains("--bind-address needs a value");
    }

    /** The real entry point in its own JVM: a usage error exits at once (no shutdown hook waiting for main). */
    @Test
    void aBadFlagExits2AtOnceFromTheRealEntryPoint() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), "com.keyhold.kms.customkeystoreconnection.local.Keyhold",
                "emulator", "--port", "0", "--bogus").redirectErrorStream(true).start();
        long started = System.nanoTime();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("unknown option '--bogus'");
        // The old shutdown hook waited 5 s for the exiting main thread; JVM start-up alone takes well under that.
        assertThat(seconds).isLessThan(5);
    }

    @Test
    void badArgumentsExit2WithWhatIsWrongAndWhatIsAllowed() {
        assertThat(run("--port", "0", "--bogus")).isEqualTo(2);
        assertThat(err()).contains("unknown option '--bogus'", "--help");
        err.reset();
        assertThat(run("--port", "70000")).isEqualTo(2);
        assertThat(err()).contains("--port must be a whole number from 0 to 65535, got '70000'");
        err.reset();
        assertThat(run("--connect-seconds", "5")).isEqualTo(2);
        assertThat(err()).contains("--port is required");
        err.reset();
        assertThat(run("--port", "0", "--time-scale", "0")).isEqualTo(2);
        assertThat(err()).contains("--time-scale must be a number greater than 0");
        err.reset();
        assertThat(run("--port", "0", "--access-key", "K")).isEqualTo(2);
        assertThat(err()).contains("--access-key and --secret-key go together");
        err.reset();
        assertThat(run("--port", "0", "--seed", dir.resolve("none.json").toString())).isEqualTo(2);
        assertThat(err()).contains("does not exist");
    }

    @Test
    void badSeedContentNamesTheEntryAndTheField() throws Exception {
        Path seed = dir.resolve("seed.json");
        Files.writeString(seed, "{\"stores\": [{\"id\": \"cks-1\", \"name\": \"a\", \"type\": \"AWS_CLOUDHSM\", "
                + "\"state\": \"ONLINE\"}]}");
        assertThat(run("--port", "0", "--seed", seed.toString())).isEqualTo(2);
        assertThat(err()).contains("stores[0] (cks-1).state", "ONLINE", "CONNECTED, CONNECTING");
    }

    @Test
    void seedFileDeclaresStoresWithIdsTypesStatesAndFaults() throws Exception {
        Path seed = dir.resolve("seed.json");
        Files.writeString(seed, """
                {"stores": [
                   {"id": "cks-1234567890abcdef0", "name": "ops-hsm", "type": "AWS_CLOUDHSM", "state": "CONNECTED"},
                   {"id": "cks-0fedcba0987654321", "name": "ops-xks", "type": "EXTERNAL_KEY_STORE",
                    "state": "DISCONNECTED", "failNextConnect": ["XKS_PROXY_NOT_REACHABLE"]},
                   {"id": "cks-00000000000000bad", "name": "broken", "type": "AWS_CLOUDHSM", "state": "FAILED",
                    "connectionErrorCode": "USER_LOCKED_OUT"}],
                 "parameters": [{"name": "/keyhold/seeded", "value": "v"}]}
                """);
        runWhile(emu -> {
            assertThat(emu.storeIds()).containsExactly("cks-1234567890abcdef0", "cks-0fedcba0987654321",
                    "cks-00000000000000bad");
            try (KmsClient kms = EmulatorTestSupport.kms(emu.endpoint())) {
                CustomKeyStoresListEntry hsm = kms.describeCustomKeyStores(r -> r.customKeyStoreName("ops-hsm"))
                        .customKeyStores().get(0);
                assertThat(hsm.connectionState()).isEqualTo(ConnectionStateType.CONNECTED);
                assertThat(kms.describeCustomKeyStores(r -> r.customKeyStoreId("cks-00000000000000bad"))
                        .customKeyStores().get(0).connectionErrorCodeAsString()).isEqualTo("USER_LOCKED_OUT");
            }
            assertThat(emu.faults().pendingConnectFailures("cks-0fedcba0987654321"))
                    .containsExactly("XKS_PROXY_NOT_REACHABLE");
            assertThat(emu.parameterValue("/keyhold/seeded")).contains("v");
        }, "--port", "0", "--seed", seed.toString(), "--connect-seconds", "1");
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("listening on http://127.0.0.1:",
                "export AWS_ENDPOINT_URL_KMS=", "stopped");
    }

    @Test
    void stateFileSurvivesARestart() throws Exception {
        Path state = dir.resolve("state").resolve("emulator.json");
        String[] id = new String[1];
        runWhile(emu -> {
            try (KmsClient kms = EmulatorTestSupport.kms(emu.endpoint())) {
                id[0] = kms.createCustomKeyStore(r -> r.customKeyStoreName("kept").cloudHsmClusterId(
                        "cluster-234567abcdefg").trustAnchorCertificate("c").keyStorePassword("kmsPswd1"))
                        .customKeyStoreId();
                // Real clock, long connect: the store is still CONNECTING when the emulator restarts.
                kms.connectCustomKeyStore(r -> r.customKeyStoreId(id[0]));
            }
        }, "--port", "0", "--state-file", state.toString(), "--connect-seconds", "3600", "--no-throttling");
        assertThat(state).exists();
        assertThat(Files.readString(state)).contains(id[0], "CONNECTING").doesNotContain("kmsPswd1");
        try (var files = Files.list(state.getParent())) {
            // No temporary files left behind; the lock file that other processes sharing the state file wait on stays.
            assertThat(files).containsExactlyInAnyOrder(state, state.resolveSibling("emulator.json.lock"));
        }

        runWhile(emu -> {
            assertThat(emu.storeIds()).containsExactly(id[0]);
            assertThat(emu.state(id[0])).isEqualTo(ConnectionState.CONNECTING);
            emu.forceState(id[0], ConnectionState.CONNECTED, null);
        }, "--port", "0", "--state-file", state.toString());
        runWhile(emu -> assertThat(emu.state(id[0])).isEqualTo(ConnectionState.CONNECTED),
                "--port", "0", "--state-file", state.toString());
    }

    @Test
    void theRenameSwitchComesFromTheFlagAndSurvivesInTheStateFile() throws Exception {
        Path state = dir.resolve("rename").resolve("emulator.json");
        runWhile(emu -> {
            assertThat(emu.faults().cloudHsmRenameNeedsDisconnected()).isTrue();
            try (KmsClient kms = EmulatorTestSupport.kms(emu.endpoint())) {
                String id = kms.createCustomKeyStore(r -> r.customKeyStoreName("renamed").cloudHsmClusterId(
                        "cluster-234567abcdefg").trustAnchorCertificate("c").keyStorePassword("kmsPswd1"))
                        .customKeyStoreId();
                emu.forceState(id, ConnectionState.CONNECTED, null);
                assertThatThrownBy(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id)
                        .newCustomKeyStoreName("renamed-2")))
                        .isInstanceOf(software.amazon.awssdk.services.kms.model.CustomKeyStoreInvalidStateException.class)
                        .hasMessageContaining("changing the name of an AWS CloudHSM key store needs it DISCONNECTED");
                emu.forceState(id, ConnectionState.DISCONNECTED, null);
                kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).newCustomKeyStoreName("renamed-2"));
            }
        }, "--port", "0", "--state-file", state.toString(), "--cloudhsm-rename-needs-disconnected", "--no-throttling");
        assertThat(Files.readString(state)).contains("\"cloudHsmRenameNeedsDisconnected\" : true");
        runWhile(emu -> assertThat(emu.faults().cloudHsmRenameNeedsDisconnected()).isTrue(),
                "--port", "0", "--state-file", state.toString());
    }
}
