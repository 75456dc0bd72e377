package com.keyhold.kms.customkeystoreconnection.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several {@code keyhold} commands at once on one state folder: each runs its own in-process emulator on the shared
 * state file, and none may lose what another one did (ownership records, key store states).
 */
class SharedStateFolderTest {
    private static final int STACKS = 4;

    @TempDir
    Path dir;

    private static String storeId(final int i) {
        return "cks-00000000000000" + (100 + i);
    }

    private record Run(int code, String out, String err) {
    }

    private Run keyhold(final String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = Keyhold.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), Sleeper.NONE, RunnerFixture.FIXED, dir);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private void writeSeedAndTemplates() throws java.io.IOException {
        final StringBuilder seed = new StringBuilder("{\"stores\": [");
        for (int i = 0; i < STACKS; i++) {
            seed.append(i == 0 ? "" : ",").append("{\"id\": \"").append(storeId(i)).append("\", \"name\": \"hsm")
                .append(i).append("\", \"type\": \"AWS_CLOUDHSM\", \"state\": \"DISCONNECTED\"}");
        }
        Files.writeString(dir.resolve("seed.json"), seed.append("]}").toString());
        for (int i = 0; i < STACKS; i++) {
            Files.writeString(dir.resolve("t" + i + ".yaml"), """
                Resources:
                  Store:
                    Type: Keyhold::KMS::CustomKeyStoreConnection
                    Properties:
                      CustomKeyStoreId: %s
                      ConnectionState: CONNECTED
                """.formatted(storeId(i)));
        }
    }

    /** Every key store CONNECTED and owned by its own stack, as the emulator state file holds them. */
    private void assertEveryStackKeptItsKeyStore(final java.time.Clock clock) {
        final Target.Options options = RunnerFixture.options(dir.resolve("state"));
        options.baseClock = clock;
        try (Target target = Target.open(options, System.err)) {
            IntStream.range(0, STACKS).forEach(i -> {
                assertThat(target.emulator().state(storeId(i))).as(storeId(i)).isEqualTo(ConnectionState.CONNECTED);
                assertThat(target.emulator().parameterValue(OwnershipRecord.parameterName(storeId(i))))
                    .as("ownership record of " + storeId(i)).hasValueSatisfying(v -> assertThat(v)
                        .contains("stack/s" + i + "/"));
            });
        }
    }

    @Test
    void concurrentDeploysOfDifferentStacksAllKeepTheirRecordsAndStates() throws Exception {
        writeSeedAndTemplates();
        final CountDownLatch start = new CountDownLatch(1);
        final ExecutorService pool = Executors.newFixedThreadPool(STACKS);
        try {
            final List<Future<Run>> runs = new ArrayList<>();
            for (int i = 0; i < STACKS; i++) {
                final int n = i;
                runs.add(pool.submit(() -> {
                    start.await();
                    return keyhold("deploy", "--stack-name", "s" + n, "--template-file",
                        dir.resolve("t" + n + ".yaml").toString(), "--state-dir", dir.resolve("state").toString(),
                        "--emulator-seed", dir.resolve("seed.json").toString(), "--time-scale", "0");
                }));
            }
            start.countDown();
            for (Future<Run> f : runs) {
                final Run run = f.get(2, TimeUnit.MINUTES);
                assertThat(run.code()).as(run.out() + run.err()).isZero();
                assertThat(run.out()).contains("Successfully created stack");
            }
        } finally {
            pool.shutdownNow();
        }
        assertEveryStackKeptItsKeyStore(RunnerFixture.FIXED);
        // A third party cannot take over a key store another stack claimed meanwhile.
        Files.writeString(dir.resolve("steal.yaml"), Files.readString(dir.resolve("t0.yaml")));
        final Run steal = keyhold("deploy", "--stack-name", "thief", "--template-file",
            dir.resolve("steal.yaml").toString(), "--state-dir", dir.resolve("state").toString(), "--time-scale", "0");
        assertThat(steal.code()).isEqualTo(RunnerCli.FAILED);
        assertThat(steal.out() + steal.err()).contains("AlreadyExists");
    }

    /** The same with separate keyhold processes, as two shells run them: the operating system's file lock. */
    @Test
    void concurrentDeploysInSeparateProcessesAllKeepTheirRecordsAndStates() throws Exception {
        writeSeedAndTemplates();
        final List<Process> processes = new ArrayList<>();
        for (int i = 0; i < STACKS; i++) {
            processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Keyhold.class.getName(), "deploy", "--stack-name",
                "s" + i, "--template-file", dir.resolve("t" + i + ".yaml").toString(), "--state-dir",
                dir.resolve("state").toString(), "--emulator-seed", dir.resolve("seed.json").toString(),
                "--time-scale", "0").redirectErrorStream(true).start());
        }
        for (Process p : processes) {
            final String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(output).contains("Successfully created stack");
        }
        // The processes ran on the real clock (compressed): read the state on it too.
        assertEveryStackKeptItsKeyStore(java.time.Clock.systemUTC());
    }
}
