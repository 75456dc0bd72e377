package com.keyhold.kms.customkeystoreconnection.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Compressed time: a wait of D moves the clock by D at every scale, and the shared offset never goes back. */
class CompressedTimeTest {
    /** "Real" time is a virtual clock that the real sleeper advances: nothing sleeps. */
    private final VirtualClock base = new VirtualClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final Sleeper realSleeper = base::advance;

    @ParameterizedTest
    @ValueSource(doubles = {0, 0.1, 0.5, 1})
    void aWaitMovesTheClockByItsLengthWhateverTheScale(final double scale) throws Exception {
        final AtomicLong shared = new AtomicLong();
        final CompressedTime time = new CompressedTime(base, 0, scale, realSleeper,
            offset -> shared.accumulateAndGet(offset, Math::max));
        final Instant before = time.instant();
        time.sleep(Duration.ofSeconds(10));
        assertThat(Duration.between(before, time.instant())).isEqualTo(Duration.ofSeconds(10));
        // Real time (scale 1) keeps no offset at all: there is nothing to compress.
        assertThat(time.offsetMillis()).isEqualTo(Math.round(10_000 * (1 - scale)));
        assertThat(time.note() == null).isEqualTo(scale == 1);
    }

    @Test
    void anotherProcessFurtherOnPullsThisClockForwardNeverBack() throws Exception {
        final AtomicLong shared = new AtomicLong(300_000);
        final CompressedTime time = new CompressedTime(base, 100_000, 0, realSleeper,
            offset -> shared.accumulateAndGet(offset, Math::max));
        time.sleep(Duration.ofSeconds(5));
        assertThat(time.offsetMillis()).isEqualTo(300_000);
        shared.set(0);
        time.sleep(Duration.ofSeconds(5));
        assertThat(time.offsetMillis()).isEqualTo(305_000);
    }
}
