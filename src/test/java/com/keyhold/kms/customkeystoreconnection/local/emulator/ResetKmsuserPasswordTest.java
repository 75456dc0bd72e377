package com.keyhold.kms.customkeystoreconnection.local.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code keyhold emulator reset-kmsuser-password} against a standalone emulator's state file while it runs: the
 * running emulator sees the reset on its next request; the password never comes from argv and is never printed.
 */
class ResetKmsuserPasswordTest {
    private static final String CLUSTER = "cluster-234567abcdefg";
    private static final String NEW_PASSWORD = "resetPw22";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(final String stdin, final String... args) {
        final String[] all = new String[args.length + 1];
        all[0] = "reset-kmsuser-password";
        System.arraycopy(args, 0, all, 1, args.length);
        return EmulatorCommand.run(all, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aRunningEmulatorOnTheStateFileSeesTheResetAndNothingPrintsThePassword() throws Exception {
        final Path state = dir.resolve("state.json");
        try (KmsEmulator running = KmsEmulator.builder().stateFile(state).build().start()) {
            running.seedStore(StoreSpec.cloudHsm("payments-hsm").id("cks-1234567890abcdef0").cloudHsmClusterId(CLUSTER));
            assertThat(run(NEW_PASSWORD + "\n", "--cluster-id", CLUSTER, "--state-file", state.toString())).isZero();
            assertThat(out.toString(StandardCharsets.UTF_8)).contains("kmsuser's password in " + CLUSTER + " is reset")
                .contains("raise KeyStorePasswordVersion").doesNotContain(NEW_PASSWORD);
            // The running emulator reads the file before its next request (state(...) is one).
            running.state("cks-1234567890abcdef0");
            assertThat(running.backends().kmsuserPasswordIs(CLUSTER, NEW_PASSWORD)).isTrue();
            assertThat(Files.readString(state)).doesNotContain(NEW_PASSWORD);
        }
    }

    @Test
    void thePasswordMayComeFromAFile() throws Exception {
        final Path state = dir.resolve("state.json");
        KmsEmulator.builder().stateFile(state).build();
        final Path secret = dir.resolve("pw.txt");
        Files.writeString(secret, NEW_PASSWORD + "\nignored\n");
        assertThat(run("", "--cluster-id", CLUSTER, "--state-file", state.toString(), "--password-file",
            secret.toString())).isZero();
        final KmsEmulator reread = KmsEmulator.builder().stateFile(state).build();
        reread.storeIds();
        assertThat(reread.backends().kmsuserPasswordIs(CLUSTER, NEW_PASSWORD)).isTrue();
    }

    @Test
    void badInputSaysWhatIsWrongAndChangesNothing() throws Exception {
        final Path state = dir.resolve("state.json");
        KmsEmulator.builder().stateFile(state).build();
        final String before = Files.readString(state);
        assertThat(run(NEW_PASSWORD, "--state-file", state.toString())).isEqualTo(2);
        assertThat(run(NEW_PASSWORD, "--cluster-id", "cluster-1", "--state-file", state.toString())).isEqualTo(2);
        assertThat(run("short\n", "--cluster-id", CLUSTER, "--state-file", state.toString())).isEqualTo(2);
        assertThat(run(NEW_PASSWORD, "--cluster-id", CLUSTER, "--password", NEW_PASSWORD)).isEqualTo(2);
        assertThat(run(NEW_PASSWORD, "--cluster-id", CLUSTER, "--state-file", dir.resolve("none.json").toString()))
            .isEqualTo(2);
        assertThat(run(NEW_PASSWORD, "--cluster-id", CLUSTER, "--state-dir", dir.toString(), "--state-file",
            state.toString())).isEqualTo(2);
        final String said = err.toString(StandardCharsets.UTF_8);
        assertThat(said).contains("--cluster-id is required").contains("7 to 32 characters")
            .contains("unknown option '--password'").contains("no emulator state at")
            .contains("give one of --state-dir and --state-file").contains("Nothing was changed")
            .doesNotContain(NEW_PASSWORD).doesNotContain("short");
        assertThat(Files.readString(state)).isEqualTo(before);
        assertThat(run("", "--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Never on the command line");
    }
}
