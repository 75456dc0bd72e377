package com.keyhold.kms.customkeystoreconnection.core;

import static com.keyhold.kms.customkeystoreconnection.core.Decision.Action.CONNECT;
import static com.keyhold.kms.customkeystoreconnection.core.Decision.Action.DISCONNECT;
import static com.keyhold.kms.customkeystoreconnection.core.Decision.Action.DONE;
import static com.keyhold.kms.customkeystoreconnection.core.Decision.Action.FAIL;
import static com.keyhold.kms.customkeystoreconnection.core.Decision.Action.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TransitionPlannerTest {
    private static final String ID = "cks-1234567890abcdef0";
    private static final Instant T0 = Instant.parse("2026-11-28T12:00:00Z");
    private final TransitionPlanner planner = new TransitionPlanner(PollSchedule.DEFAULT, Duration.ofSeconds(20),
        Duration.ofMinutes(55));

    private static Observation seen(final KmsConnectionState state) {
        return seen(state, null);
    }

    private static Observation seen(final KmsConnectionState state, final String errorCode) {
        return new Observation(ID, "name", "AWS_CLOUDHSM", state, state.name(), errorCode, "cluster-1");
    }

    /** Observes, decides and, for a call, records it as the transition would. */
    private static Decision step(final TransitionPlanner planner, final Progress progress,
                                 final KmsConnectionState state, final Instant now) {
        progress.observe(state, now);
        final Decision decision = planner.decide(progress, seen(state), now);
        if (decision.isCall()) {
            progress.recordCall(decision, now);
        }
        return decision;
    }

    @ParameterizedTest(name = "{0} to {1}: {2}")
    @CsvSource({
        "CONNECTED,     CONNECTED,    DONE",
        "CONNECTING,    CONNECTED,    WAIT",
        "DISCONNECTED,  CONNECTED,    CONNECT",
        "DISCONNECTING, CONNECTED,    WAIT",
        "FAILED,        CONNECTED,    DISCONNECT",
        "CONNECTED,     DISCONNECTED, DISCONNECT",
        "CONNECTING,    DISCONNECTED, DISCONNECT",
        "DISCONNECTED,  DISCONNECTED, DONE",
        "DISCONNECTING, DISCONNECTED, WAIT",
        "FAILED,        DISCONNECTED, DISCONNECT"
    })
    void everyCellOfTheStateTableStartsRight(final KmsConnectionState observed, final TargetState target,
                                             final Decision.Action expected) {
        final Progress progress = Progress.start(target, T0);
        progress.observe(observed, T0);
        final Decision decision = planner.decide(progress, seen(observed), T0);
        assertThat(decision.action()).isEqualTo(expected);
        assertThat(decision.recovery()).isEqualTo(observed == KmsConnectionState.FAILED && target == TargetState.CONNECTED);
    }

    @Test
    void neverConnectsAConnectedStoreNorDisconnectsADisconnectedOne() {
        for (TargetState target : TargetState.values()) {
            for (KmsConnectionState state : KmsConnectionState.values()) {
                final Progress progress = Progress.start(target, T0);
                progress.observe(state, T0);
                final Decision.Action action = planner.decide(progress, seen(state), T0).action();
                if (state == KmsConnectionState.CONNECTED) {
                    assertThat(action).isNotEqualTo(CONNECT);
                }
                if (state == KmsConnectionState.DISCONNECTED || state == KmsConnectionState.DISCONNECTING) {
                    assertThat(action).isNotEqualTo(DISCONNECT);
                }
                if (state == KmsConnectionState.DISCONNECTING || state == KmsConnectionState.FAILED) {
                    assertThat(action).as("KMS rejects Connect in %s", state).isNotEqualTo(CONNECT);
                }
            }
        }
    }

    @Test
    void disconnectingThenConnectWaitsForDisconnectedFirst() {
        final Progress progress = Progress.start(TargetState.CONNECTED, T0);
        assertThat(step(planner, progress, KmsConnectionState.DISCONNECTING, T0).action()).isEqualTo(WAIT);
        assertThat(step(planner, progress, KmsConnectionState.DISCONNECTING, T0.plusSeconds(5)).action()).isEqualTo(WAIT);
        assertThat(step(planner, progress, KmsConnectionState.DISCONNECTED, T0.plusSeconds(10)).action()).isEqualTo(CONNECT);
        assertThat(step(planner, progress, KmsConnectionState.CONNECTING, T0.plusSeconds(15)).action()).isEqualTo(WAIT);
        assertThat(step(planner, progress, KmsConnectionState.CONNECTED, T0.plusSeconds(45)).action()).isEqualTo(DONE);
        assertThat(progress.getCalls()).isEqualTo(1);
    }

    @Test
    void failedIsRecoveredOnceByDisconnectThenConnect() {
        final Progress progress = Progress.start(TargetState.CONNECTED, T0);
        final Decision first = step(planner, progress, KmsConnectionState.FAILED, T0);
        assertThat(first.action()).isEqualTo(DISCONNECT);
        assertThat(first.recovery()).isTrue();
        assertThat(progress.isRecovering()).isTrue();
        assertThat(TransitionPlanner.statusLine(ID, progress, T0)).endsWith("(target CONNECTED, recovering from FAILED)");
        // Describe lag right after the Disconnect still shows FAILED: wait, do not disconnect again.
        assertThat(step(planner, progress, KmsConnectionState.FAILED, T0.plusSeconds(5)).action()).isEqualTo(WAIT);
        assertThat(step(planner, progress, KmsConnectionState.DISCONNECTING, T0.plusSeconds(10)).action()).isEqualTo(WAIT);
        assertThat(step(planner, progress, KmsConnectionState.DISCONNECTED, T0.plusSeconds(15)).action()).isEqualTo(CONNECT);
        assertThat(step(planner, progress, KmsConnectionState.CONNECTING, T0.plusSeconds(20)).action()).isEqualTo(WAIT);
        assertThat(step(planner, progress, KmsConnectionState.CONNECTED, T0.plusSeconds(80)).action()).isEqualTo(DONE);
        assertThat(progress.getCalls()).isEqualTo(2);
    }

    @Test
    void failedAgainAfterTheRecoveryConnectEndsAtOnceWithTheErrorCode() {
        final Progress progress = Progress.start(TargetState.CONNECTED, T0);
        step(planner, progress, KmsConnectionState.FAILED, T0);
        step(planner, progress, KmsConnectionState.DISCONNECTED, T0.plusSeconds(10));
        progress.observe(KmsConnectionState.FAILED, T0.plusSeconds(20));
        final Decision decision = planner.decide(progress, seen(KmsConnectionState.FAILED, "USER_LOGGED_IN"),
            T0.plusSeconds(20));
        assertThat(decision.action()).isEqualTo(FAIL);
        assertThat(decision.failure().kind()).isEqualTo(FailureKind.NotStabilized);
        assertThat(decision.failure().message()).contains(ID, "USER_LOGGED_IN",
            ConnectionErrorGuide.USER_LOGGED_IN.meaning(false), ConnectionErrorGuide.USER_LOGGED_IN.fix(false));
    }

    @Test
    void failedAfterKeyholdsOwnConnectFailsWithoutPollingToTheTimeout() {
        final Progress progress = Progress.start(TargetState.CONNECTED, T0);
        assertThat(step(planner, progress, KmsConnectionState.DISCONNECTED, T0).action()).isEqualTo(CONNECT);
        progress.observe(KmsConnectionState.FAILED, T0.plusSeconds(5));
        final Decision decision = planner.decide(progress, seen(KmsConnectionState.FAILED, "NETWORK_ERRORS"),
            T0.plusSeconds(5));
        assertThat(decision.action()).isEqualTo(FAIL);
        assertThat(decision.failure().message()).contains("NETWORK_ERRORS", "cloudhsm-cluster");
    }

    @Test
    void describeLagAfterConnectIsToleratedWithinTheGracePeriod() {
        final Progress progress = Progress.start(TargetState.CONNECTED, T0);
        step(planner, progress, KmsConnectionState.DISCONNECTED, T0);
        for (int s = 5; s < 20; s += 5) {
            assertThat(step(planner, progress, KmsConnectionState.DISCONNECTED, T0.plusSeconds(s)).action())
                .as("at %ds", s).isEqualTo(WAIT);
        }
        assertThat(step(planner, progress, KmsConnectionState.CONNECTING, T0.plusSeconds(19)).action()).isEqualTo(WAIT);
        assertThat(progress.getCalls()).isEqualTo(1);
    }

    @Test
    void describeLagPastTheGracePeriodReissuesConnectOnceThenReportsAConflict() {
        final Progress progress = Progress.start(TargetState.CONNECTED, T0);
        step(planner, progress, KmsConnectionState.DISCONNECTED, T0);
        final Decision reissue = step(planner, progress, KmsConnectionState.DISCONNECTED, T0.plusSeconds(20));
        assertThat(reissue.action()).isEqualTo(CONNECT);
        assertThat(reissue.reissue()).isTrue();
        assertThat(step(planner, progress, KmsConnectionState.DISCONNECTED, T0.plusSeconds(25)).action()).isEqualTo(WAIT);
        final Decision conflict = step(planner, progress, KmsConnectionState.DISCONNECTED, T0.plusSeconds(40));
        assertThat(conflict.action()).isEqualTo(FAIL);
        assertThat(conflict.failure().kind()).isEqualTo(FailureKind.ResourceConflict);
        assertThat(conflict.failure().message()).contains(ID, "Another caller", "CloudTrail");
        assertThat(progress.getCalls()).isEqualTo(2);
    }

    @Test
    void aStoreFlippedByAnotherCallerMidTransitionGetsOneMoreCallThenAConflict() {
        final Progress progress = Progress.start(TargetState.CONNECTED, T0);
        step(planner, progress, KmsConnectionState.DISCONNECTED, T0);
        step(planner, progress, KmsConnectionState.CONNECTING, T0.plusSeconds(5));
        // Someone disconnects it: no grace, since the connect was already visible.
        final Decision again = step(planner, progress, KmsConnectionState.DISCONNECTED, T0.plusSeconds(10));
        assertThat(again.action()).isEqualTo(CONNECT);
        step(planner, progress, KmsConnectionState.CONNECTING, T0.plusSeconds(15));
        assertThat(step(planner, progress, KmsConnectionState.DISCONNECTED, T0.plusSeconds(20)).failure().kind())
            .isEqualTo(FailureKind.ResourceConflict);
    }

    @Test
    void aStoreConnectedByAnotherCallerDuringDisconnectIsDisconnectedOnceMore() {
        final Progress progress = Progress.start(TargetState.DISCONNECTED, T0);
        assertThat(step(planner, progress, KmsConnectionState.CONNECTED, T0).action()).isEqualTo(DISCONNECT);
        assertThat(step(planner, progress, KmsConnectionState.CONNECTED, T0.plusSeconds(5)).action()).isEqualTo(WAIT);
        step(planner, progress, KmsConnectionState.DISCONNECTING, T0.plusSeconds(10));
        final Decision again = step(planner, progress, KmsConnectionState.CONNECTING, T0.plusSeconds(15));
        assertThat(again.action()).isEqualTo(DISCONNECT);
        assertThat(again.reissue()).isTrue();
        assertThat(step(planner, progress, KmsConnectionState.DISCONNECTED, T0.plusSeconds(30)).action()).isEqualTo(DONE);
    }

    @Test
    void failedWhileDisconnectingForRecoveryIsDisconnectedOnceMoreAfterTheGrace() {
        final Progress progress = Progress.start(TargetState.CONNECTED, T0);
        step(planner, progress, KmsConnectionState.FAILED, T0);
        final Decision again = step(planner, progress, KmsConnectionState.FAILED, T0.plusSeconds(25));
        assertThat(again.action()).isEqualTo(DISCONNECT);
        assertThat(again.reissue()).isTrue();
    }

    @Test
    void pastTheBudgetFailsWithNotStabilizedNamingTheState() {
        final Progress progress = Progress.start(TargetState.CONNECTED, T0);
        progress.observe(KmsConnectionState.CONNECTING, T0);
        final Decision decision = planner.decide(progress, seen(KmsConnectionState.CONNECTING),
            T0.plus(Duration.ofMinutes(56)));
        assertThat(decision.action()).isEqualTo(FAIL);
        assertThat(decision.failure().kind()).isEqualTo(FailureKind.NotStabilized);
        assertThat(decision.failure().message()).contains(ID, "CONNECTING", "56m00s", "describe-custom-key-stores");
    }

    @Test
    void reachingTheTargetIsDoneEvenPastTheBudget() {
        final Progress progress = Progress.start(TargetState.CONNECTED, T0);
        assertThat(planner.decide(progress, seen(KmsConnectionState.CONNECTED), T0.plus(Duration.ofHours(2))).action())
            .isEqualTo(DONE);
    }

    @Test
    void statusLineNamesStateDurationAndTarget() {
        final Progress progress = Progress.start(TargetState.CONNECTED, T0);
        progress.observe(KmsConnectionState.CONNECTING, T0);
        assertThat(TransitionPlanner.statusLine(ID, progress, T0.plusSeconds(190)))
            .isEqualTo("cks-1234567890abcdef0: CONNECTING for 3m10s (target CONNECTED)");
    }

    @Test
    void unknownFutureStatesAreTreatedAsStillChanging() {
        assertThat(KmsConnectionState.fromKms("PAUSED")).isEqualTo(KmsConnectionState.CONNECTING);
        assertThat(KmsConnectionState.fromKms("FAILED")).isEqualTo(KmsConnectionState.FAILED);
    }

    @Test
    void durationsReadLikeStackEvents() {
        assertThat(Durations.human(Duration.ofSeconds(45))).isEqualTo("45s");
        assertThat(Durations.human(Duration.ofSeconds(190))).isEqualTo("3m10s");
        assertThat(Durations.human(Duration.ofMinutes(62))).isEqualTo("1h02m");
        assertThat(Durations.human(Duration.ofSeconds(-3))).isEqualTo("0s");
    }
}
