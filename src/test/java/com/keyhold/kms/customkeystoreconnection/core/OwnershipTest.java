package com.keyhold.kms.customkeystoreconnection.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ownership rule, one row per cell of the table in {@link Ownership}'s Javadoc. */
class OwnershipTest {
    private static final String ID = "cks-1234567890abcdef0";
    private static final String A = "arn:aws:cloudformation:us-east-1:123456789012:stack/a/1111";
    private static final String B = "arn:aws:cloudformation:us-east-1:123456789012:stack/b/2222";

    private static Optional<OwnershipRecord> record(final String stackId, final String logicalId) {
        return Optional.of(new OwnershipRecord(ID, "CONNECTED", null, stackId, logicalId, "token", "2026-11-30T07:00Z"));
    }

    /** Empty CSV cells read as null: a request from no stack, a record written outside a stack, no record at all. */
    @ParameterizedTest(name = "request {0}/{1}, record {2}/{3} ({4}) -> {5}")
    @CsvSource({
        // request stack, request logical id, record stack, record logical id, record exists, verdict
        "A, Conn,  ,  , false, UNMANAGED",
        " , Conn,  ,  , false, UNMANAGED",
        "A, Conn, A, Conn, true, OWNER",
        "A, Conn, A, Other, true, ANOTHER_RESOURCE",
        "A, Conn, B, Conn, true, ANOTHER_RESOURCE",
        "A, Conn, B, Other, true, ANOTHER_RESOURCE",
        "A, Conn,  , Conn, true, ANOTHER_RESOURCE",
        "A,     , A, Conn, true, ANOTHER_RESOURCE",
        "A,     , A,     , true, OWNER",
        " , Conn, A, Conn, true, OWNER",
        " ,     , B, Other, true, OWNER",
        " ,     ,  ,     , true, OWNER",
    })
    void verdict(final String requestStack, final String requestLogical, final String recordStack,
                 final String recordLogical, final boolean exists, final Ownership.Verdict expected) {
        final Ownership ownership = Ownership.decide(ID,
            exists ? record(stack(recordStack), recordLogical) : Optional.empty(), stack(requestStack), requestLogical);
        assertThat(ownership.verdict()).isEqualTo(expected);
        assertThat(ownership.customKeyStoreId()).isEqualTo(ID);
    }

    private static String stack(final String letter) {
        return letter == null ? null : "A".equals(letter) ? A : B;
    }

    @Test
    void theOwnerGetsTheRecord() {
        final Optional<OwnershipRecord> found = record(A, "Conn");
        assertThat(Ownership.decide(ID, found, A, "Conn").owned("us-east-1")).isEqualTo(found.get());
    }

    @Test
    void noRecordIsNotFoundNamingTheRecordAndRegion() {
        assertThatThrownBy(() -> Ownership.decide(ID, Optional.empty(), A, "Conn").owned("eu-west-1"))
            .isInstanceOfSatisfying(KeyholdFailureException.class, e -> {
                assertThat(e.failure().kind()).isEqualTo(FailureKind.NotFound);
                assertThat(e.getMessage()).contains(ID, "eu-west-1", OwnershipRecord.parameterName(ID));
            });
    }

    @Test
    void anotherResourcesKeyStoreIsNotFoundNamingTheOwnerTheRequesterAndWhatToDo() {
        assertThatThrownBy(() -> Ownership.decide(ID, record(A, "Conn"), B, "Rival").owned("us-east-1"))
            .isInstanceOfSatisfying(KeyholdFailureException.class, e -> {
                assertThat(e.failure().kind()).isEqualTo(FailureKind.NotFound);
                assertThat(e.getMessage()).contains(ID, "not this resource's key store",
                    "stack " + A + " (logical id Conn)", "stack " + B + ", logical id Rival", "Nothing was changed",
                    "remove this resource from the template");
            });
    }

    @Test
    void aDeleteThatIsNotTheOwnersSaysItLeftTheKeyStoreAlone() {
        assertThat(Ownership.decide(ID, record(A, "Conn"), A, "Second").leftAloneMessage())
            .contains(ID, "left untouched", "stack " + A + " (logical id Conn)", "logical id Second",
                "changes nothing in KMS or Parameter Store");
    }

    @Test
    void aRecordWrittenOutsideAStackIsNamedAsSuch() {
        assertThat(Ownership.decide(ID, record(null, null), A, "Conn").notThisResourceMessage())
            .contains("names no stack (the record was written outside any stack, through the Cloud Control API")
            .doesNotContain("stack null");
    }

    @Test
    void anUpdatedRecordKeepsItsOwner() {
        final OwnershipRecord updated = record(A, "Conn").get().updated("DISCONNECTED", "CONNECTED", "token-2", "now");
        assertThat(updated).isEqualTo(new OwnershipRecord(ID, "DISCONNECTED", "CONNECTED", A, "Conn", "token-2", "now"));
    }

    @Test
    void aStaleRecordIsTakenOverKeepingItsDesiredStateAndItsMessagesCarryTheReason() {
        final Ownership other = Ownership.decide(ID, record(A, "Conn"), B, "Moved");
        final Ownership stale = other.checked(new RecordedStack.Check(true, "taken over because"));
        assertThat(stale.verdict()).isEqualTo(Ownership.Verdict.STALE_RECORD);
        assertThat(stale.note()).isEqualTo("taken over because");
        assertThat(stale.owned("us-east-1")).isEqualTo(record(A, "Conn").get());
        assertThat(stale.takenOver("token-3", "later")).isEqualTo(new OwnershipRecord(ID, "CONNECTED", null, B,
            "Moved", "token-3", "later"));

        final Ownership standing = other.checked(new RecordedStack.Check(false, " Because."));
        assertThat(standing.verdict()).isEqualTo(Ownership.Verdict.ANOTHER_RESOURCE);
        assertThat(standing.notThisResourceMessage()).endsWith("alone). Because.");
        assertThat(standing.leftAloneMessage()).endsWith("Parameter Store. Because.");
        assertThat(standing.unchangedMessage("CONNECTED")).startsWith(ID + " is already CONNECTED: left untouched. "
            + "Its ownership record names stack " + A + " (logical id Conn), not this resource (stack " + B
            + ", logical id Moved)").endsWith("nothing in KMS or Parameter Store. Because.");
        assertThat(other.checked(new RecordedStack.Check(false, null)).notThisResourceMessage())
            .isEqualTo(other.notThisResourceMessage()).endsWith("alone).");
    }
}
