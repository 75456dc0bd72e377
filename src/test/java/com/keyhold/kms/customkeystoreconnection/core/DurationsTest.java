package com.keyhold.kms.customkeystoreconnection.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How messages write a duration: seconds under a minute, minutes and seconds under an hour, then hours. */
class DurationsTest {
    @Test
    void eachUnitStartsAtItsFirstWholeValue() {
        assertThat(Durations.human(Duration.ofSeconds(-5))).isEqualTo("0s");
        assertThat(Durations.human(Duration.ofSeconds(59))).isEqualTo("59s");
        assertThat(Durations.human(Duration.ofSeconds(60))).isEqualTo("1m00s");
        assertThat(Durations.human(Duration.ofSeconds(3599))).isEqualTo("59m59s");
        assertThat(Durations.human(Duration.ofSeconds(3600))).isEqualTo("1h00m");
        assertThat(Durations.human(Duration.ofMinutes(125))).isEqualTo("2h05m");
    }
}
