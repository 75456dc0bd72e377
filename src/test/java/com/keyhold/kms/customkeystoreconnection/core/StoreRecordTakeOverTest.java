package com.keyhold.kms.customkeystoreconnection.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A store record taken over by the stack that holds the key store now, and what a non-owner's no-op says. */
class StoreRecordTakeOverTest {
    private static final String A = "arn:aws:cloudformation:us-east-1:123456789012:stack/a/1111";
    private static final String B = "arn:aws:cloudformation:us-east-1:123456789012:stack/b/2222";

    @Test
    void aTakenOverRecordKeepsVersionsAndPendingStateUnderItsNewOwnerWithoutACreateToken() {
        final StoreRecord record = new StoreRecord("cks-1", "2", "3", A, "Store", "token", "then",
            TargetState.CONNECTED, "INVALID_CREDENTIALS", List.of("1", "2"));
        assertThat(record.takenOverBy(B, "Moved", "now")).isEqualTo(new StoreRecord("cks-1", "2", "3", B, "Moved",
            null, "now", TargetState.CONNECTED, "INVALID_CREDENTIALS", List.of("1", "2")));
    }

    @Test
    void anUnchangedUpdateByAnotherResourceSaysWhoOwnsItAndThatNothingChanged() {
        final StoreRecord record = new StoreRecord("cks-1", "2", null, A, "Store", null, "then");
        assertThat(record.unchangedMessage(B, "Moved")).isEqualTo("cks-1: left untouched. Its record "
            + StoreRecord.parameterName("cks-1") + " names stack " + A + " (logical id Store), not this resource "
            + "(stack " + B + ", logical id Moved); KMS already has every property this update asks for, so it "
            + "changes nothing in KMS or Parameter Store.");
    }
}
