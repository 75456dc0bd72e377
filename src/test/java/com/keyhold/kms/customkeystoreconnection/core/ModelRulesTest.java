package com.keyhold.kms.customkeystoreconnection.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelRulesTest {
    private static final String ID = "cks-1234567890abcdef0";
    private static final String OTHER = "cks-0fedcba9876543210";

    /** The key store a READ, UPDATE or DELETE acts on: the desired state's id, else the previous state's. */
    @Test
    void aRequestActsOnTheKeyStoreItNames() {
        assertThat(ModelRules.namedKeyStore("READ", ID, null)).isEqualTo(ID);
        assertThat(ModelRules.namedKeyStore("UPDATE", ID, ID)).isEqualTo(ID);
        assertThat(ModelRules.namedKeyStore("UPDATE", null, ID)).isEqualTo(ID);
        assertThat(ModelRules.namedKeyStore("UPDATE", "", ID)).isEqualTo(ID);
        assertThat(ModelRules.namedKeyStore("UPDATE", " ", ID)).isEqualTo(ID);
        assertThat(ModelRules.namedKeyStore("UPDATE", ID, "")).isEqualTo(ID);
    }

    @Test
    void aRequestNamingNoKeyStoreIsNotFound() {
        for (String[] ids : new String[][] {{null, null}, {"", null}, {" ", ""}, {"my store", null}, {null, "cks_x"}}) {
            assertThatThrownBy(() -> ModelRules.namedKeyStore("DELETE", ids[0], ids[1]))
                .isInstanceOfSatisfying(KeyholdFailureException.class, e -> {
                    assertThat(e.failure().kind()).isEqualTo(FailureKind.NotFound);
                    assertThat(e.failure().message()).startsWith("The DELETE request names no key store Keyhold "
                        + "could delete: CustomKeyStoreId").endsWith("Keyhold called nothing and changed nothing.");
                });
        }
    }

    @Test
    void anUpdateWhoseStatesNameTwoKeyStoresIsNotUpdatable() {
        assertThatThrownBy(() -> ModelRules.namedKeyStore("UPDATE", ID, OTHER))
            .isInstanceOfSatisfying(KeyholdFailureException.class, e -> {
                assertThat(e.failure().kind()).isEqualTo(FailureKind.NotUpdatable);
                assertThat(e.failure().message()).isEqualTo("CustomKeyStoreId cannot change in an update (from "
                    + OTHER + " to " + ID + "): it identifies the resource or is create-only, so CloudFormation "
                    + "replaces the resource when it changes. Nothing was changed.");
            });
    }
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
