package com.keyhold.kms.customkeystoreconnection.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.aws.AwsInvoker;
import com.keyhold.kms.customkeystoreconnection.aws.KmsKeyStores;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeKms;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kms.model.ConnectionStateType;

/**
 * The poll cost (guides/PERFORMANCE.md, "Poll cost"): a transition that takes T seconds costs at most 6 + T/30 describes and is seen
 * done at most 30 s after KMS reaches the target (5 s when T is 30 s or less). Measured on a virtual clock.
 */
class PollScheduleTest {
    private static final String ID = "cks-1234567890abcdef0";

    /** Describes after the mutating call, and how long after KMS finished Keyhold noticed. */
    record Cost(long describes, long overshootSeconds) {
    }

    static Cost simulateConnect(final long transitionSeconds) {
        final VirtualClock clock = new VirtualClock();
        final FakeKms kms = new FakeKms(clock).store(ID, "AWS_CLOUDHSM", ConnectionStateType.DISCONNECTED)
            .connectTime(Duration.ofSeconds(transitionSeconds));
        final Transition transition = new Transition(
            new TransitionPlanner(PollSchedule.DEFAULT, Duration.ofSeconds(20), Duration.ofHours(2)),
            new ErrorTranslator(), RetryPolicy.DEFAULT, clock);
        final KmsKeyStores port = new KmsKeyStores(kms, AwsInvoker.DIRECT);
        final Progress progress = Progress.start(TargetState.CONNECTED, clock.instant());
        StepResult step = transition.step(port, ID, "us-east-1", progress);
        final Instant called = clock.instant();
        final long describesBeforeCall = kms.count(FakeKms.Op.DESCRIBE);
        while (step.kind() == StepResult.Kind.POLL) {
            clock.advanceSeconds(step.delaySeconds());
            step = transition.step(port, ID, "us-east-1", progress);
        }
        assertThat(step.kind()).isEqualTo(StepResult.Kind.DONE);
        final long overshoot = Duration.between(called.plusSeconds(transitionSeconds), clock.instant()).toSeconds();
        return new Cost(kms.count(FakeKms.Op.DESCRIBE) - describesBeforeCall, overshoot);
    }

    @ParameterizedTest(name = "T = {0} s")
    @ValueSource(longs = {5, 30, 31, 60, 300, 1200, 2400})
    void transitionCostStaysWithinTheBudget(final long seconds) {
        final Cost cost = simulateConnect(seconds);
        assertThat((double) cost.describes()).as("describes").isLessThanOrEqualTo(6 + seconds / 30.0);
        assertThat(cost.overshootSeconds()).as("overshoot").isLessThanOrEqualTo(seconds <= 30 ? 5 : 30);
        assertThat(cost.overshootSeconds()).isNotNegative();
    }

    @ParameterizedTest(name = "T = {0} s")
    @ValueSource(longs = {1, 7, 29, 44, 61, 299, 1199})
    void oddDurationsToo(final long seconds) {
        transitionCostStaysWithinTheBudget(seconds);
    }
}
