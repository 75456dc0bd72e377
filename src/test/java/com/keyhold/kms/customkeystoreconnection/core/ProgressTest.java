package com.keyhold.kms.customkeystoreconnection.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private static Progress worked() {
        final Progress progress = Progress.start(TargetState.DISCONNECTED, T0);
        progress.observe(KmsConnectionState.CONNECTED, T0.plusSeconds(1));
        progress.recordCall(Decision.call(Decision.Action.DISCONNECT, 5, false, true), T0.plusSeconds(2));
        progress.observe(KmsConnectionState.DISCONNECTING, T0.plusSeconds(7));
        progress.recordTransientFailure();
        return progress;
    }

    @Test
    void theStateAKeyholdCallCausedCountsFromTheCallNotFromThePollThatSawIt() {
        final Progress progress = worked();
        // Disconnect at T0+2, DISCONNECTING first seen at T0+7: it has lasted 8 s at T0+10.
        assertThat(progress.observedFor(T0.plusSeconds(10))).hasSeconds(8);
        assertThat(TransitionPlanner.statusLine("cks-1", progress, T0.plusSeconds(7))).contains("DISCONNECTING for 5s");
        // A later change is not the call's doing: it counts from when it was seen.
        progress.observe(KmsConnectionState.DISCONNECTED, T0.plusSeconds(20));
        assertThat(progress.observedFor(T0.plusSeconds(21))).hasSeconds(1);
        // Without a call, a change counts from when it was seen.
        final Progress fresh = Progress.start(TargetState.CONNECTED, T0);
        fresh.observe(KmsConnectionState.CONNECTING, T0.plusSeconds(3));
        assertThat(fresh.observedFor(T0.plusSeconds(4))).hasSeconds(1);
        // A state already under way when first seen (a rollback's first look) is not said to last 0s.
        assertThat(TransitionPlanner.statusLine("cks-1", fresh, T0.plusSeconds(3)))
            .isEqualTo("cks-1: CONNECTING, seen now (target CONNECTED)");
        assertThat(TransitionPlanner.statusLine("cks-1", fresh, T0.plusSeconds(4)))
            .isEqualTo("cks-1: CONNECTING for 1s (target CONNECTED)");
    }

    @Test
    void everyFieldMakesTheRoundTrip() {
        final Progress progress = worked();
        final Map<String, Object> map = progress.toMap();
        assertThat(map).containsEntry("target", "DISCONNECTED").containsEntry("lastCall", "DISCONNECT")
            .containsEntry("stateAtLastCall", "CONNECTED").containsEntry("observedState", "DISCONNECTING")
            .containsEntry("movedSinceLastCall", true).containsEntry("calls", 1).containsEntry("recovering", true)
            .containsEntry("transientFailures", 1).containsEntry("startedAtMillis", T0.toEpochMilli());
        final Progress read = Progress.fromMap(map);
        assertThat(read.toMap()).isEqualTo(map);
        assertThat(read.lastCallWas(Decision.Action.DISCONNECT)).isTrue();
        assertThat(read.elapsed(T0.plusSeconds(10))).isEqualTo(progress.elapsed(T0.plusSeconds(10)));
    }

    @Test
    void numbersOfAnyWidthAreAcceptedAndMissingMembersKeepTheirDefaults() {
        final Map<String, Object> map = new HashMap<>();
        map.put("target", "CONNECTED");
        map.put("startedAtMillis", 5); // an Integer, as a JSON parser may give a small number
        map.put("observedState", null);
        final Progress read = Progress.fromMap(map);
        assertThat(read.getStartedAtMillis()).isEqualTo(5L);
        assertThat(read.getObservedState()).isNull();
        assertThat(read.getCalls()).isZero();
        assertThat(read.isReissued()).isFalse();
        assertThat(Progress.fromMap(Map.of()).getTarget()).isNull();
    }

    @Test
    void aMemberOfTheWrongTypeIsAnErrorNotAFreshStart() {
        assertThatThrownBy(() -> Progress.fromMap(Map.of("calls", "one")))
            .isInstanceOf(IllegalArgumentException.class).hasMessage("progress member calls is one, not a Number");
        assertThatThrownBy(() -> Progress.fromMap(Map.of("target", "SIDEWAYS")))
            .hasMessage("progress member target is SIDEWAYS, not a TargetState");
        assertThatThrownBy(() -> Progress.fromMap(Map.of("recovering", "yes"))).hasMessageContaining("not a Boolean");
    }
}
