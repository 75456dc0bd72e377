package com.keyhold.kms.customkeystoreconnection.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelRulesTest {
    @Test
    void validModelsPass() {
        assertThat(ModelRules.check("cks-1234567890abcdef0", "CONNECTED", null)).isEmpty();
        assertThat(ModelRules.check("cks-1", "DISCONNECTED", "UNCHANGED")).isEmpty();
        assertThat(ModelRules.check("cks-" + "a".repeat(60), "DISCONNECTED", "CONNECTED")).isEmpty();
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThat(ModelRules.check("", null, "NEVER")).hasSize(3);
        assertThat(ModelRules.check(null, "UP", null)).hasSize(2)
            .anySatisfy(p -> assertThat(p).contains("'UP'", "CONNECTED or DISCONNECTED"));
    }

    @Test
    void longInputIsEchoedAbbreviated() {
        final String pasted = "x".repeat(500);
        assertThat(ModelRules.checkIdentifier(pasted).get(0)).contains("x".repeat(77) + "...")
            .doesNotContain("x".repeat(81));
    }

    @Test
    void tooLongIdsAreRefusedEvenWhenTheyMatchThePattern() {
        assertThat(ModelRules.checkIdentifier("cks-" + "a".repeat(61))).hasSize(1);
    }

    @Test
    void onDeleteDefaultsToUnchanged() {
        assertThat(OnDelete.fromProperty(null)).isEqualTo(OnDelete.UNCHANGED);
        assertThat(OnDelete.UNCHANGED.target()).isEmpty();
        assertThat(OnDelete.DISCONNECTED.target()).contains(TargetState.DISCONNECTED);
        assertThat(TargetState.reported(KmsConnectionState.FAILED)).isEqualTo(TargetState.DISCONNECTED);
    }
}
