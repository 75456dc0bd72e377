package com.keyhold.kms.customkeystoreconnection.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OwnershipRecordTest {
    private static final OwnershipRecord RECORD = new OwnershipRecord("cks-1", "CONNECTED", null, "stack-a", "Conn",
        "token-1", "2026-11-28T12:00:00Z");

    @Test
    void aRetryOfTheSameCreateRecognisesItsClaim() {
        assertThat(RECORD.claimedBy("other", "Other", "token-1")).isTrue();
        assertThat(RECORD.claimedBy("stack-a", "Conn", "token-2")).isTrue();
    }

    @Test
    void anyoneElseIsAnotherOwner() {
        assertThat(RECORD.claimedBy("stack-b", "Conn", "token-2")).isFalse();
        assertThat(RECORD.claimedBy("stack-a", "Other", "token-2")).isFalse();
        assertThat(RECORD.claimedBy("stack-a", "Conn", null)).isTrue();
        final OwnershipRecord anonymous = new OwnershipRecord("cks-1", null, null, null, null, null, null);
        assertThat(anonymous.claimedBy("stack-a", "Conn", "token-1")).isFalse();
        final OwnershipRecord noLogicalId = new OwnershipRecord("cks-1", null, null, "stack-a", null, null, null);
        assertThat(noLogicalId.claimedBy("stack-a", "Conn", "token-1")).isFalse();
    }

    @Test
    void theMessageSaysWhoOwnsItAndHowToRelease() {
        assertThat(RECORD.alreadyOwnedMessage()).contains("cks-1", "stack-a", "Conn",
            "aws ssm delete-parameter --name /keyhold/kms/custom-key-store-connection/cks-1");
    }
}
