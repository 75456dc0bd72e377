package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.core.PollSchedule;
import com.keyhold.kms.customkeystoreconnection.core.RetryPolicy;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.local.emulator.RequestLog;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import com.keyhold.kms.customkeystoreconnection.testsupport.EmulatorClients;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What each of the key store type's paths costs in API calls: the path runs through the type's HandlerWrapper
 * (real request JSON, CloudFormation's callback loop honouring callbackDelaySeconds on a virtual clock, the
 * production PollSchedule and RetryPolicy), against the emulator with KMS's connect and disconnect durations set to
 * realistic values, and the calls are counted from the emulator's request log. The test pins the counts, so the
 * dance's row in guides/PERFORMANCE.md's poll-cost table cannot drift from the code: bench/run.sh prints that table
 * from {@link #measure} (bench/src/com/keyhold/kms/customkeystore/DanceCostTable.java).
 */
class DanceCostTest {
    /** SSM's operations in the request log; every other operation is KMS's. */
    private static final Set<String> SSM = Set.of("GetParameter", "GetParameters", "PutParameter", "DeleteParameter",
        "GetParametersByPath");

    /** The paths of the poll-cost table. */
    enum Path {
        CREATE("create a CloudHSM key store: look by name, CreateCustomKeyStore, wait until DescribeCustomKeyStores shows it"),
        CREATE_XKS("create an XKS key store: the same"),
        RENAME_CONNECTED("rename while CONNECTED: UpdateCustomKeyStore in place, no disconnect"),
        CLOUDHSM_DANCE("CloudHSM password bump while CONNECTED: disconnect, wait, update, reconnect, wait"),
        XKS_DANCE("XKS endpoint move while CONNECTED: disconnect, wait, update, reconnect, wait"),
        DELETE_CONNECTED("delete while CONNECTED: checks, disconnect, wait, DeleteCustomKeyStore");

        final String description;

        Path(final String description) {
            this.description = description;
        }
    }

    /**
     * One measured run.
     *
     * @param describes       DescribeCustomKeyStores calls
     * @param otherCalls      every other call, by operation (KMS and SSM)
     * @param invocations     handler invocations (CloudFormation's first one and its callbacks)
     * @param elapsedSeconds  virtual time from the first invocation to the final answer
     * @param waitedSeconds   of that, time KMS itself took (the disconnect and connect durations the path waits on)
     */
    record Cost(Path path, long disconnectSeconds, long connectSeconds, long describes, Map<String, Long> otherCalls,
                int invocations, long elapsedSeconds, long waitedSeconds) {

        /**
         * SPEC section 2's budget, 6 + T/30 describes per transition of T seconds, summed over the path's waits, plus
         * the dance's own looks outside its two transitions ({@link #ownLooks}).
         */
        double describeBudget() {
            return ownLooks() + switch (path) {
                case CLOUDHSM_DANCE, XKS_DANCE -> 12 + (disconnectSeconds + connectSeconds) / 30.0;
                case DELETE_CONNECTED -> 6 + disconnectSeconds / 30.0;
                default -> 6;
            };
        }

        /**
         * Describes a dance makes that belong to neither transition: its first look (what is the key store now),
         * the look that sees the disconnect done before it sends UpdateCustomKeyStore, and the look after it that
         * decides the reconnect. SPEC section 2 bounds each transition's polling; these three come on top.
         */
        int ownLooks() {
            return path == Path.CLOUDHSM_DANCE || path == Path.XKS_DANCE ? 3 : 0;
        }

        /** The budget as the table prints it, and whether the count is within it. */
        String budgetText() {
            final double budget = describeBudget();
            final double transitions = budget - ownLooks();
            return (transitions == Math.rint(transitions) ? String.valueOf((long) transitions)
                : String.format("%.2f", transitions)) + (ownLooks() == 0 ? "" : " + " + ownLooks())
                + (describes <= budget ? " (within)" : " (**over**)");
        }

        /** Transitions the path waits on. */
        int waits() {
            return switch (path) {
                case CLOUDHSM_DANCE, XKS_DANCE -> 2;
                case DELETE_CONNECTED -> 1;
                default -> 0;
            };
        }

        /** How long after KMS was done the path answered: the polling's lateness, summed over its waits. */
        long overshootSeconds() {
            return elapsedSeconds - waitedSeconds;
        }

        String otherCallsText() {
            // KMS's calls first, then SSM's, each by name.
            return otherCalls.entrySet().stream().sorted(Comparator.comparing(
                    (Map.Entry<String, Long> e) -> SSM.contains(e.getKey())).thenComparing(Map.Entry::getKey))
                .map(e -> (SSM.contains(e.getKey()) ? "ssm:" : "")
                    + e.getKey() + (e.getValue() == 1 ? "" : " ×" + e.getValue()))
                .collect(Collectors.joining(", "));
        }
    }

    /**
     * The counts are pinned, not bounded: a change to the handlers that changes what a path costs must change this
     * table and guides/PERFORMANCE.md's with it. Each invocation describes once: the Transition decides on the
     * update's or delete's own look, so a wait costs SPEC section 2's 6 + T/30 per transition, which
     * {@link Cost#budgetText} prints beside each count.
     */
    @ParameterizedTest(name = "{0}, disconnect {1} s, connect {2} s")
    @CsvSource(delimiter = '|', textBlock = """
        CREATE           | 60 |  300 |   2 | CreateCustomKeyStore, ssm:DeleteParameter, ssm:GetParameter, ssm:PutParameter ×2                                |  1
        CREATE_XKS       | 60 |  300 |   2 | CreateCustomKeyStore, ssm:DeleteParameter, ssm:GetParameter, ssm:PutParameter ×2                                |  1
        RENAME_CONNECTED | 60 |  300 |   3 | UpdateCustomKeyStore, ssm:GetParameter ×3, ssm:PutParameter                                                    |  3
        CLOUDHSM_DANCE   | 60 |  300 |  25 | ConnectCustomKeyStore, DisconnectCustomKeyStore, UpdateCustomKeyStore, ssm:GetParameter ×6, ssm:PutParameter ×4 |  25
        CLOUDHSM_DANCE   | 60 | 1200 |  55 | ConnectCustomKeyStore, DisconnectCustomKeyStore, UpdateCustomKeyStore, ssm:GetParameter ×6, ssm:PutParameter ×4 |  55
        XKS_DANCE        | 60 |  300 |  25 | ConnectCustomKeyStore, DisconnectCustomKeyStore, UpdateCustomKeyStore, ssm:GetParameter ×5, ssm:PutParameter ×3 |  25
        DELETE_CONNECTED | 60 |  300 |   8 | DeleteCustomKeyStore, DisconnectCustomKeyStore, ListKeys, ssm:DeleteParameter, ssm:GetParameter ×2             |  8
        """)
    void eachPathCostsTheCallsThePerformanceGuideGives(final Path path, final long disconnectSeconds,
                                                      final long connectSeconds, final long describes,
                                                      final String otherCalls, final int invocations) {
        final Cost cost = measure(path, disconnectSeconds, connectSeconds);
        assertThat(cost.describes()).as(cost.toString()).isEqualTo(describes);
        assertThat(cost.otherCallsText()).as(cost.toString()).isEqualTo(otherCalls);
        assertThat(cost.invocations()).as(cost.toString()).isEqualTo(invocations);
        assertThat((double) cost.describes()).as("SPEC section 2's describe budget: " + cost.budgetText())
            .isLessThanOrEqualTo(cost.describeBudget());
        // SPEC section 2's lateness budget, 30 s per wait: the dance waits twice, a delete once.
        assertThat(cost.overshootSeconds()).as(cost.toString()).isBetween(0L, 30L * cost.waits());
    }

    /**
     * Runs {@code path} once on a fresh emulator whose transitions take the given (virtual) durations, and counts.
     * Throws if the path does not end as it should (SUCCESS, and the key store back in its state), so a count is
     * never that of a broken run.
     */
    static Cost measure(final Path path, final long disconnectSeconds, final long connectSeconds) {
        final VirtualClock clock = new VirtualClock();
        final PrintStream standardError = System.err;
        // The handlers log every step to standard error; a table of hundreds of runs does not need them.
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try (KmsEmulator emulator = KmsEmulator.builder().clock(clock).connectSeconds(connectSeconds)
            .disconnectSeconds(disconnectSeconds).build().start()) {
            final HandlerConfig config = new HandlerConfig(clock, EmulatorClients.at(emulator.endpoint()),
                PollSchedule.DEFAULT, RetryPolicy.DEFAULT);
            final WrapperDriver driver = new WrapperDriver(clock, new HandlerWrapper(config, WrapperDriver.tmp()),
                ResourceModel.TYPE_NAME).as(WrapperDriver.STACK_ID, "Store");
            final Map<String, Object> hsm = StoreTestBase.hsm("payments-hsm", StoreTestBase.PASSWORD, "1");
            final Map<String, Object> xks = StoreTestBase.xks("https://xks-a.example.com",
                StoreTestBase.ACCESS_KEY_ID, StoreTestBase.XKS_SECRET);
            final boolean creates = path == Path.CREATE || path == Path.CREATE_XKS;
            final Map<String, Object> before = path == Path.XKS_DANCE || path == Path.CREATE_XKS ? xks : hsm;
            final String id = creates ? null : created(driver, before);
            if (id != null) {
                emulator.forceState(id, ConnectionState.CONNECTED, null);
            }
            final Map<String, Object> after = switch (path) {
                case RENAME_CONNECTED -> StoreTestBase.hsm("payments-hsm-2", StoreTestBase.PASSWORD, "1");
                case CLOUDHSM_DANCE -> {
                    emulator.backends().resetKmsuserPassword(StoreTestBase.CLUSTER, StoreTestBase.NEW_PASSWORD);
                    yield StoreTestBase.hsm("payments-hsm", StoreTestBase.NEW_PASSWORD, "2");
                }
                case XKS_DANCE -> StoreTestBase.xks("https://xks-b.example.com", StoreTestBase.ACCESS_KEY_ID,
                    StoreTestBase.XKS_SECRET);
                default -> before;
            };
            emulator.requestLog().clear();
            final int invocationsBefore = driver.responses().size();
            final Instant start = clock.instant();
            final JsonNode answer = switch (path) {
                case CREATE, CREATE_XKS -> driver.run("CREATE", before, null);
                case DELETE_CONNECTED -> driver.run("DELETE", StoreTestBase.with(before, id), null);
                default -> driver.run("UPDATE", StoreTestBase.with(after, id), StoreTestBase.with(before, id));
            };
            final long elapsed = Duration.between(start, clock.instant()).toSeconds();
            if (!"SUCCESS".equals(answer.path("status").asText())) {
                throw new IllegalStateException(path + " did not succeed: " + answer);
            }
            final String answeredId = answer.path("resourceModel").path("CustomKeyStoreId").asText();
            final ConnectionState expected = switch (path) {
                case CREATE, CREATE_XKS -> ConnectionState.DISCONNECTED;
                case DELETE_CONNECTED -> null;
                default -> ConnectionState.CONNECTED;
            };
            if (expected == null ? emulator.storeIds().contains(id) : emulator.state(answeredId) != expected) {
                throw new IllegalStateException(path + " left the key store in the wrong state: "
                    + emulator.stateJson());
            }
            final List<RequestLog.Entry> calls = emulator.requestLog().entries();
            final Map<String, Long> byOperation = calls.stream().collect(Collectors.groupingBy(
                RequestLog.Entry::operation, TreeMap::new, Collectors.counting()));
            final long describes = byOperation.getOrDefault("DescribeCustomKeyStores", 0L);
            byOperation.remove("DescribeCustomKeyStores");
            final long waited = switch (path) {
                case CLOUDHSM_DANCE, XKS_DANCE -> disconnectSeconds + connectSeconds;
                case DELETE_CONNECTED -> disconnectSeconds;
                default -> 0;
            };
            return new Cost(path, disconnectSeconds, connectSeconds, describes, byOperation,
                driver.responses().size() - invocationsBefore, elapsed, waited);
        } finally {
            System.setErr(standardError);
        }
    }

    private static String created(final WrapperDriver driver, final Map<String, Object> props) {
        final JsonNode created = driver.run("CREATE", props, null);
        if (!"SUCCESS".equals(created.path("status").asText())) {
            throw new IllegalStateException("CREATE did not succeed: " + created);
        }
        return created.path("resourceModel").path("CustomKeyStoreId").asText();
    }
}
