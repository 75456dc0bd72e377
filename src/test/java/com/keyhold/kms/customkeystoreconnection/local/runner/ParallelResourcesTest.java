package com.keyhold.kms.customkeystoreconnection.local.runner;

import static com.keyhold.kms.customkeystoreconnection.local.runner.RunnerFixture.TYPE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Independent resources run at the same time, as CloudFormation runs them: a lock-down of several key stores takes
 * the time of the slowest, events interleave, dependencies and reverse-order deletes hold, rollback and recovery
 * work with several resources in flight, and the same inputs give the same events (the clock is virtual).
 */
class ParallelResourcesTest {
    private static final int STORES = 5;
    /** A disconnect lasts a minute of emulated time, so the difference between the sum and the slowest is plain. */
    private static final Duration DISCONNECT = Duration.ofMinutes(1);

    @TempDir
    Path dir;

    private static String id(final int i) {
        return "cks-000000000000000" + (10 + i);
    }

    private static String seed(final String state) {
        return "{\"stores\": [" + String.join(",", IntStream.range(0, STORES).mapToObj(i -> "{\"id\": \"" + id(i)
            + "\", \"name\": \"s" + i + "\", \"type\": \"AWS_CLOUDHSM\", \"state\": \"" + state + "\"}").toList())
            + "]}";
    }

    /** {@code count} independent resources driving stores 0..count-1 to {@code state}. */
    private static String template(final int count, final String state) {
        final StringBuilder b = new StringBuilder("Resources:\n");
        for (int i = 0; i < count; i++) {
            b.append("  Store").append(i).append(":\n    Type: ").append(TYPE).append("\n    Properties:\n")
                .append("      CustomKeyStoreId: ").append(id(i)).append("\n      ConnectionState: ").append(state)
                .append('\n');
        }
        return b.toString();
    }

    private RunnerFixture fixture(final String name, final String state) {
        return new RunnerFixture(dir.resolve(name), seed(state), b -> b.disconnectSeconds(DISCONNECT.getSeconds())
            .connectSeconds(DISCONNECT.getSeconds()));
    }

    private static Duration took(final RunnerFixture f, final String stack) {
        final List<StackEvent> events = f.runner.store().events(stack);
        final Instant first = events.stream().filter(e -> e.status.endsWith("_IN_PROGRESS") && e.logicalId.equals(stack))
            .map(e -> Instant.parse(e.timestamp)).reduce((a, b) -> b).orElseThrow();
        final Instant last = Instant.parse(events.get(events.size() - 1).timestamp);
        return Duration.between(first, last);
    }

    private static List<String> events(final RunnerFixture f, final String stack) {
        return f.runner.store().events(stack).stream().map(e -> e.logicalId + " " + e.status).toList();
    }

    @Test
    void aLockDownOfSeveralKeyStoresTakesTheTimeOfTheSlowestNotTheSum() throws Exception {
        final Duration one;
        try (RunnerFixture f = fixture("one", "CONNECTED")) {
            assertThat(f.deploy("lock", template(1, "DISCONNECTED"), Map.of()).status).isEqualTo("CREATE_COMPLETE");
            one = took(f, "lock");
        }
        try (RunnerFixture f = fixture("all", "CONNECTED")) {
            assertThat(f.deploy("lock", template(STORES, "DISCONNECTED"), Map.of()).status)
                .isEqualTo("CREATE_COMPLETE");
            IntStream.range(0, STORES).forEach(i -> assertThat(f.emulator().state(id(i)))
                .isEqualTo(ConnectionState.DISCONNECTED));
            final Duration all = took(f, "lock");
            assertThat(one).isGreaterThanOrEqualTo(DISCONNECT);
            // One after another this would take five times as long.
            assertThat(all).isLessThan(one.plus(Duration.ofSeconds(30)));
            // Every resource started before the first one finished: the events interleave, in time order.
            final List<String> events = events(f, "lock");
            final int firstComplete = events.indexOf("Store0 CREATE_COMPLETE");
            IntStream.range(0, STORES).forEach(i -> assertThat(events.indexOf("Store" + i + " CREATE_IN_PROGRESS"))
                .isBetween(0, firstComplete));
            final List<Instant> times = f.runner.store().events("lock").stream()
                .map(e -> Instant.parse(e.timestamp)).toList();
            assertThat(times).isSorted();
            assertThat(f.output()).contains("Store4", "DISCONNECTING for");
        }
    }

    @Test
    void theSameInputsGiveTheSameEventsInTheSameOrder() throws Exception {
        List<String> first = null;
        for (String run : List.of("a", "b")) {
            try (RunnerFixture f = fixture(run, "DISCONNECTED")) {
                f.deploy("s", template(STORES, "CONNECTED"), Map.of());
                final List<String> events = f.runner.store().events("s").stream()
                    .map(e -> e.timestamp + " " + e.logicalId + " " + e.status + " " + e.reason).toList();
                if (first == null) {
                    first = events;
                } else {
                    assertThat(events).isEqualTo(first);
                }
            }
        }
    }

    @Test
    void dependenciesWaitAndDeletesGoInReverseOrder() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.deploy("s", RunnerFixture.TWO_STORES, Map.of());
            // Xks DependsOn Hsm: it starts only once Hsm is complete.
            assertThat(events(f, "s")).containsSubsequence("Hsm CREATE_COMPLETE", "Xks CREATE_IN_PROGRESS");
            assertThat(events(f, "s").indexOf("Xks CREATE_IN_PROGRESS"))
                .isGreaterThan(events(f, "s").indexOf("Hsm CREATE_COMPLETE"));
            assertThat(f.runner.deleteStack("s").status).isEqualTo("DELETE_COMPLETE");
            // A deleted stack's events go with it: read the printed ones.
            final List<String> printed = f.output().lines().map(String::strip)
                .map(l -> l.replaceAll("^\\+\\S+\\s+", "").replaceAll("\\s+", " ")).toList();
            assertThat(printed.indexOf("Hsm DELETE_IN_PROGRESS")).isGreaterThan(printed.indexOf("Xks DELETE_COMPLETE"))
                .isPositive();
        }
    }

    @Test
    void aFailureRollsBackEverythingThatWasInFlightAndSaysWhatItLeftChanged() throws Exception {
        try (RunnerFixture f = fixture("fail", "DISCONNECTED")) {
            f.emulator().faults().failNextConnect(id(1), "INVALID_CREDENTIALS");
            final StackState done = f.deploy("s", template(3, "CONNECTED"), Map.of());
            assertThat(done.status).isEqualTo("ROLLBACK_COMPLETE");
            final List<String> events = events(f, "s");
            // Store0 and Store2 were in flight when Store1 failed: they finished, then the rollback deleted them.
            assertThat(events).contains("Store0 CREATE_COMPLETE", "Store2 CREATE_COMPLETE", "Store1 CREATE_FAILED",
                "Store0 DELETE_COMPLETE", "Store2 DELETE_COMPLETE");
            assertThat(events.indexOf("s ROLLBACK_IN_PROGRESS")).isGreaterThan(events.indexOf("Store0 CREATE_COMPLETE"));
            // The deleted resources left their key stores CONNECTED (ConnectionStateOnDelete UNCHANGED), and the
            // failed connect left Store1 FAILED: the report names each instead of "nothing was left behind".
            assertThat(done.leftChanged).containsExactly(
                id(0) + ": DISCONNECTED before the operation, CONNECTED now",
                id(1) + ": DISCONNECTED before the operation, FAILED now",
                id(2) + ": DISCONNECTED before the operation, CONNECTED now");
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertThat(RunnerCli.result(done, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))).isEqualTo(RunnerCli.FAILED);
            assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("Nothing was left behind")
                .contains("The rollback left these key stores changed", id(0) + ": DISCONNECTED before the "
                    + "operation, CONNECTED now");
        }
    }

    @Test
    void aCrashWithSeveralInFlightIsResumedWithoutRepeatingAnyConnect() throws Exception {
        try (RunnerFixture f = fixture("crash", "DISCONNECTED")) {
            f.runner = f.runner(new ProviderRegistry().register(TYPE,
                new RunnerFixture.CrashingProvider(f.target.providers().find(TYPE), 5)));
            assertThatThrownBy(() -> f.deploy("s", template(3, "CONNECTED"), Map.of()))
                .isInstanceOf(RunnerFixture.SimulatedCrash.class);
            f.runner = f.runner(f.target.providers());
            final StackState crashed = f.runner.requireStack("s");
            assertThat(crashed.operation.steps).allSatisfy(s -> assertThat(s.call).isNotNull());
            assertThat(StackRunner.interruptedMessage(crashed)).contains("Store0 was CREATE_IN_PROGRESS and Store1 "
                + "was CREATE_IN_PROGRESS and Store2 was CREATE_IN_PROGRESS (their callback contexts are saved)");
            final StackState resumed = f.runner.recover("s", false);
            assertThat(resumed.status).isEqualTo("CREATE_COMPLETE");
            IntStream.range(0, 3).forEach(i -> assertThat(f.emulator().state(id(i)))
                .isEqualTo(ConnectionState.CONNECTED));
            assertThat(f.emulator().requestLog().count("ConnectCustomKeyStore")).isEqualTo(3);
        }
    }

    @Test
    void aCrashWithSeveralInFlightCanBeRolledBack() throws Exception {
        try (RunnerFixture f = fixture("crash-back", "DISCONNECTED")) {
            f.runner = f.runner(new ProviderRegistry().register(TYPE,
                new RunnerFixture.CrashingProvider(f.target.providers().find(TYPE), 5)));
            assertThatThrownBy(() -> f.deploy("s", template(3, "CONNECTED"), Map.of()))
                .isInstanceOf(RunnerFixture.SimulatedCrash.class);
            f.runner = f.runner(f.target.providers());
            final StackState rolledBack = f.runner.recover("s", true);
            assertThat(rolledBack.status).isEqualTo("ROLLBACK_COMPLETE");
            assertThat(rolledBack.resources).isEmpty();
            IntStream.range(0, 3).forEach(i -> assertThat(f.emulator().parameterValue(
                "/keyhold/kms/custom-key-store-connection/" + id(i))).as("record of " + id(i)).isEmpty());
        }
    }
}
