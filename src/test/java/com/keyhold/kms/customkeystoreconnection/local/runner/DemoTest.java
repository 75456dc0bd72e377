package com.keyhold.kms.customkeystoreconnection.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.local.Keyhold;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keyhold demo} in-process: the story it tells, that it finishes, and that it never sleeps for real here. */
class DemoTest {
    private static final Path REPOSITORY = Path.of("").toAbsolutePath();

    @TempDir
    Path dir;

    private String demo(final Path workingDir, final AtomicLong waited, final int expectedCode) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final Sleeper counting = d -> waited.addAndGet(d.toMillis());
        final int code = Keyhold.run(new String[]{"demo", "--state-dir", dir.resolve("state").toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("AWS_ENDPOINT_URL_KMS", "http://ignored"), counting, RunnerFixture.FIXED, workingDir);
        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(expectedCode);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void theDemoTellsTheWholeStoryOfBothTypes() {
        final AtomicLong waited = new AtomicLong();
        final String out = demo(REPOSITORY, waited, 0);
        assertThat(out).contains(
            "Keyhold demo: examples/key-stores.yaml against an in-process KMS + SSM emulator",
            "Time is compressed (200x)",
            "Add     HsmStore",
            "Add     HsmConnection",
            "Successfully created stack - keyhold-demo",
            "HsmKeyStoreState = CONNECTED",
            "XksKeyStoreState = CONNECTED",
            "XksStore.CustomKeyStoreName: demo-xks -> payments-xks (requires recreation: Never; requires disconnect: "
                + "no)",
            "HsmStore.KeyStorePasswordVersion: 1 -> 2 (requires recreation: Never; requires disconnect: yes)",
            "disconnecting to change KeyStorePassword",
            // The secret comes through a dynamic reference whose text does not change: as in CloudFormation, the
            // change set compares the reference, and the version bump is what sends the new password.
            "(KeyStorePassword: {{resolve:secretsmanager:payments/kmsuser:SecretString:password}})",
            "Successfully updated stack - keyhold-demo",
            "Stack drift status: DRIFTED",
            "DELETE_FAILED",
            "Stack keyhold-demo is DELETE_FAILED",
            "Successfully deleted stack - keyhold-demo",
            "Demo finished in");
        assertThat(out).doesNotContain("HsmStore.KeyStorePassword:");
        // Create before connect, and the order of the story's sections.
        assertThat(out.indexOf("HsmStore               CREATE_COMPLETE")).isPositive()
            .isLessThan(out.indexOf("HsmConnection          CREATE_IN_PROGRESS"));
        assertThat(out).containsSubsequence("== 1.", "== 2.", "== 3.", "== 4.", "== 5.", "== 6.");
        assertThat(out).containsPattern("XksConnection +cks-[0-9a-f]+ +MODIFIED +ConnectionState: expected CONNECTED, "
            + "actual DISCONNECTED");
        // The renamed store was never disconnected for it; the secrets never appear.
        assertThat(out).doesNotContain(Demo.PASSWORD).doesNotContain(Demo.NEW_PASSWORD).doesNotContain(Demo.XKS_SECRET);
        // The waits happen in emulated time, of which the sleeper got 0.5%.
        assertThat(Duration.ofMillis(waited.get())).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(20));
        assertThat(dir.resolve("state/stacks/keyhold-demo")).doesNotExist();
    }

    @Test
    void outsideTheRepositoryTheDemoUsesThePackagedTemplate() {
        final String out = demo(dir, new AtomicLong(), 0);
        assertThat(out).contains("(the copy packaged in keyhold.jar)", "Stack drift status: DRIFTED");
    }

    @Test
    void thePackagedTemplateIsTheExample() throws Exception {
        assertThat(Demo.packagedTemplate()).isEqualTo(Files.readString(REPOSITORY.resolve(Demo.TEMPLATE_PATH)));
    }

    @Test
    void badDemoOptionsExitTwo() {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = Demo.run(new String[]{"--time-scale", "fast"}, new PrintStream(new ByteArrayOutputStream()),
            new PrintStream(err, true, StandardCharsets.UTF_8), dir, Sleeper.NONE, RunnerFixture.FIXED);
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--time-scale must be a number from 0 to 1");
    }
}
