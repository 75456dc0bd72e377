package com.keyhold.kms.customkeystoreconnection.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OwnershipRecordTest {
    private static final OwnershipRecord RECORD = new OwnershipRecord("cks-1", "CONNECTED", null, "stack-a", "Conn",
        "token-1", "2026-11-28T12:00:00Z");

    @Test
    void aRetryOfTheSameOperationRecognisesItsClaim() {
        assertThat(RECORD.claimedBy("token-1")).isTrue();
    }

    @Test
    void anyOtherOperationMeetsAnOwnerEvenFromTheSameStack() {
        assertThat(RECORD.claimedBy("token-2")).isFalse();
        assertThat(RECORD.claimedBy(null)).isFalse();
        assertThat(new OwnershipRecord("cks-1", null, null, "stack-a", "Conn", null, null).claimedBy(null)).isFalse();
    }

    @Test
    void theMessageSaysWhoOwnsItAndHowToRelease() {
        assertThat(RECORD.alreadyOwnedMessage()).contains("cks-1", "stack-a", "Conn", "import the key store into "
            + "this stack", "aws ssm delete-parameter --name /keyhold/kms/custom-key-store-connection/cks-1");
    }
}
