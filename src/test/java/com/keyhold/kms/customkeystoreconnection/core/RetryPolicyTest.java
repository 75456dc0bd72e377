package com.keyhold.kms.customkeystoreconnection.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The retry schedule SPEC and OPERATIONS.md promise: 2, 4, 8, 16, 32 s, then 60 s, nine retries. */
class RetryPolicyTest {
    @Test
    void theDelayDoublesFromTheBaseUpToTheCap() {
        final RetryPolicy policy = RetryPolicy.DEFAULT;
        assertThat(java.util.stream.IntStream.rangeClosed(1, 8).map(policy::delaySeconds).toArray())
            .containsExactly(2, 4, 8, 16, 32, 60, 60, 60);
        assertThat(policy.delaySeconds(1_000)).as("the shift is bounded: no overflow to a negative delay")
            .isEqualTo(60);
        assertThat(new RetryPolicy(3, Duration.ofSeconds(1), Duration.ofSeconds(5)).delaySeconds(3)).isEqualTo(4);
    }

    @Test
    void theRetriesRunOutAfterMaxAttempts() {
        assertThat(RetryPolicy.DEFAULT.exhausted(9)).isFalse();
        assertThat(RetryPolicy.DEFAULT.exhausted(10)).isTrue();
    }
}
