package com.keyhold.kms.customkeystoreconnection.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.local.Keyhold;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A truncated stack.json is that stack's problem only: its commands exit 2 with advice that keeps the stack (its key
 * stores' ownership records name it), the other stacks work as before, and the advice, followed, gets it back.
 */
class DamagedStackFileTest {
    private static final String HSM_RECORD = "/keyhold/kms/custom-key-store-connection/" + RunnerFixture.HSM;
    private static final String TEMPLATE = """
        Resources:
          Conn:
            Type: Keyhold::KMS::CustomKeyStoreConnection
            Properties:
              CustomKeyStoreId: %s
              ConnectionState: CONNECTED
        """;

    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private Run keyhold(final String... args) throws Exception {
        final Path seed = dir.resolve("seed.json");
        if (!Files.exists(seed)) {
            Files.writeString(seed, RunnerFixture.SEED);
        }
        final List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--state-dir", state().toString(), "--time-scale", "0", "--emulator-seed", seed.toString()));
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = Keyhold.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), Sleeper.NONE, RunnerFixture.FIXED, dir);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Path state() {
        return dir.resolve("state");
    }

    private Path stackFile(final String stack) {
        return state().resolve("stacks").resolve(stack).resolve("stack.json");
    }

    private void deploy(final String stack, final String keyStoreId) throws Exception {
        final Path file = dir.resolve(stack + ".yaml");
        Files.writeString(file, TEMPLATE.formatted(keyStoreId));
        final Run run = keyhold("deploy", "--stack-name", stack, "--template-file", file.toString());
        assertThat(run.code()).as(run.err()).isZero();
    }

    private void truncate(final Path file) throws Exception {
        final String whole = Files.readString(file);
        Files.writeString(file, whole.substring(0, whole.length() / 2));
    }

    private void assertHsmStillOwnedByMw() {
        try (RunnerFixture f = new RunnerFixture(state())) {
            assertThat(f.emulator().describedState(RunnerFixture.HSM)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.emulator().parameterValue(HSM_RECORD)).get().asString().contains("stack/mw/");
        }
    }

    @BeforeEach
    void twoStacks() throws Exception {
        deploy("mw", RunnerFixture.HSM);
        deploy("other", RunnerFixture.XKS);
    }

    @Test
    void aTruncatedStackFileExitsTwoKeepsTheStackAndSaysHowToPutThePreviousVersionBack() throws Exception {
        final Path previous = stackFile("mw").resolveSibling("stack.json.previous");
        assertThat(previous).exists();
        // It keeps NoEcho values as stack.json does: owner only.
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(previous)))
            .isEqualTo("rw-------");
        truncate(stackFile("mw"));

        Run run = keyhold("describe-stacks");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.out()).contains("Stack mw: cannot be read", "Stack other: CREATE_COMPLETE",
            "Conn               cks-0fedcba0987654321");
        assertThat(run.err()).contains(stackFile("mw") + " cannot be read (", "Do not move or delete it: the key "
                + "stores of the stack keep ownership records that name it (its resources, from its events: Conn "
                + RunnerFixture.HSM + ")", "put it back (cp " + previous + " " + stackFile("mw") + ")",
            "The other stacks are not affected.")
            .doesNotContain("move it away");
        for (String[] command : List.of(new String[]{"describe-stacks", "--stack-name", "mw"},
            new String[]{"delete-stack", "--stack-name", "mw"}, new String[]{"detect-stack-drift", "--stack-name", "mw"},
            new String[]{"deploy", "--stack-name", "mw", "--template-file", dir.resolve("mw.yaml").toString()})) {
            run = keyhold(command);
            assertThat(run.code()).as(command[0]).isEqualTo(2);
            assertThat(run.err()).as(command[0]).contains("cp " + previous);
        }
        assertHsmStillOwnedByMw();

        // The other stack works as before, delete included.
        run = keyhold("detect-stack-drift", "--stack-name", "other");
        assertThat(run.code()).as(run.err()).isZero();
        run = keyhold("delete-stack", "--stack-name", "other");
        assertThat(run.code()).as(run.err()).isZero();

        // The advice, followed: the stack is back and can be deleted, releasing its key store.
        Files.copy(previous, stackFile("mw"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        run = keyhold("describe-stacks", "--stack-name", "mw");
        assertThat(run.code()).as(run.err()).isZero();
        if (run.out().contains("recover-stack")) {
            run = keyhold("recover-stack", "--stack-name", "mw", "--resume");
            assertThat(run.code()).as(run.err() + run.out()).isZero();
        }
        run = keyhold("delete-stack", "--stack-name", "mw");
        assertThat(run.code()).as(run.err()).isZero();
        try (RunnerFixture f = new RunnerFixture(state())) {
            assertThat(f.emulator().parameterValue(HSM_RECORD)).isEmpty();
        }
    }

    @Test
    void withoutAPreviousVersionTheAdviceIsToRepairItFromTheEvents() throws Exception {
        Files.delete(stackFile("mw").resolveSibling("stack.json.previous"));
        truncate(stackFile("mw"));
        final Run run = keyhold("delete-stack", "--stack-name", "mw");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("Repair it by hand (the events in " + stackFile("mw")
            .resolveSibling("events.json") + " name every resource and its physical id)").doesNotContain("cp ");
        assertHsmStillOwnedByMw();
    }
}
