package com.keyhold.kms.customkeystoreconnection.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** When a record naming another resource is stale, and when its refusal stands (and why). */
class RecordedStackTest {
    static final String A = "arn:aws:cloudformation:us-east-1:111122223333:stack/a/1";
    static final String B = "arn:aws:cloudformation:us-east-1:111122223333:stack/b/2";
    static final String ID = "cks-1234567890abcdef0";

    /** Answers from a map of "stack/logical" to what it lists, recording each question. */
    static final class Stacks implements StackResourcesPort {
        final Map<String, Listed> listed;
        final List<String> asked = new ArrayList<>();
        RuntimeException error;

        Stacks(final Map<String, Listed> listed) {
            this.listed = listed;
        }

        @Override
        public Optional<Listed> find(final String stackId, final String logicalResourceId) {
            asked.add(stackId + "/" + logicalResourceId);
            if (error != null) {
                throw error;
            }
            return Optional.ofNullable(listed.get(stackId + "/" + logicalResourceId));
        }
    }

    private static StackResourcesPort.Listed holding(final String status) {
        return new StackResourcesPort.Listed(ID, status);
    }

    @Test
    void theRecordedStackStillHoldingItKeepsTheRefusal() {
        final Stacks stacks = new Stacks(Map.of(A + "/Conn", holding("UPDATE_COMPLETE"), B + "/Conn",
            holding("IMPORT_COMPLETE")));
        final RecordedStack.Check check = RecordedStack.check(stacks, A, "Conn", B, "Conn", ID);
        assertThat(check.takeOver()).isFalse();
        assertThat(check.reason()).isNull();
        assertThat(stacks.asked).containsExactly(B + "/Conn", A + "/Conn");
    }

    @Test
    void aGoneStackWhoseResourceTheRequesterHoldsIsTakenOverSayingSo() {
        final Stacks stacks = new Stacks(Map.of(B + "/Moved", holding("UPDATE_IN_PROGRESS")));
        final RecordedStack.Check check = RecordedStack.check(stacks, A, "Conn", B, "Moved", ID);
        assertThat(check.takeOver()).isTrue();
        assertThat(check.reason()).isEqualTo(ID + ": taking its record over from stack " + A + " (logical id Conn): "
            + "stack " + A + " no longer exists or no longer lists Conn, and this stack (" + B + ") holds it as Moved "
            + "(CloudFormation's DescribeStackResources).");
        assertThat(stacks.asked).containsExactly(B + "/Moved", A + "/Conn");
    }

    @Test
    void aRetainedOrDeletedOrOtherPhysicalIdIsNoLongerHeld() {
        for (StackResourcesPort.Listed recorded : List.of(holding("DELETE_SKIPPED"), holding("DELETE_COMPLETE"),
            new StackResourcesPort.Listed("cks-00000000000000abc", "UPDATE_COMPLETE"))) {
            final Stacks stacks = new Stacks(Map.of(A + "/Conn", recorded, B + "/Conn", holding("IMPORT_COMPLETE")));
            final RecordedStack.Check check = RecordedStack.check(stacks, A, "Conn", B, "Conn", ID);
            assertThat(check.takeOver()).as(recorded.toString()).isTrue();
            assertThat(check.reason()).contains("stack " + A + " lists Conn as " + recorded.physicalResourceId() + " "
                + recorded.resourceStatus());
        }
    }

    @Test
    void aRequesterThatDoesNotHoldItTakesNothingOver() {
        // A create that failed AlreadyExists gave CloudFormation no physical id: its rollback delete takes nothing.
        for (Map<String, StackResourcesPort.Listed> requester : List.of(Map.<String, StackResourcesPort.Listed>of(),
            Map.of(B + "/Conn", new StackResourcesPort.Listed(null, "CREATE_FAILED")),
            Map.of(B + "/Conn", holding("DELETE_COMPLETE")))) {
            final RecordedStack.Check check = RecordedStack.check(new Stacks(requester), A, "Conn", B, "Conn", ID);
            assertThat(check.takeOver()).isFalse();
            assertThat(check.reason()).isEqualTo(" This stack does not hold " + ID + " under Conn, so the record is "
                + "not taken over.");
        }
    }

    @Test
    void aRecordOfNoStackIsStaleAndARequestOfNoStackNeverAsks() {
        final Stacks stacks = new Stacks(Map.of(B + "/Conn", holding("UPDATE_IN_PROGRESS")));
        final RecordedStack.Check check = RecordedStack.check(stacks, null, null, B, "Conn", ID);
        assertThat(check.takeOver()).isTrue();
        assertThat(check.reason()).contains("the record names no stack");
        assertThat(stacks.asked).containsExactly(B + "/Conn");

        final Stacks none = new Stacks(Map.of());
        assertThat(RecordedStack.check(none, A, "Conn", null, "Conn", ID)).isEqualTo(new RecordedStack.Check(false,
            null));
        assertThat(none.asked).isEmpty();
    }

    @Test
    void aDeniedCallRefusesNamingThePermission() {
        for (AwsServiceException denied : List.of(error(403, "AccessDenied"), error(400, "AccessDeniedException"))) {
            final Stacks stacks = new Stacks(Map.of());
            stacks.error = denied;
            final RecordedStack.Check check = RecordedStack.check(stacks, A, "Conn", B, "Conn", ID);
            assertThat(check.takeOver()).isFalse();
            assertThat(check.reason()).contains("DescribeStackResources was denied (" + denied.awsErrorDetails()
                .errorCode() + "). Allow cloudformation:DescribeStackResources to the handler's role");
        }
    }

    @Test
    void anyOtherErrorKeepsTheRefusalSayingToTryAgainAndFailsADeleteRetriably() {
        // A delete refused here would be a quiet success that drops the key store from the stack with its
        // ConnectionStateOnDelete unapplied: for a delete, CloudFormation not answering is a retriable failure.
        final Stacks stacks = new Stacks(Map.of());
        for (RuntimeException error : List.of(error(400, "Throttling"), error(403, "InvalidClientTokenId"),
            new IllegalStateException("no route"))) {
            stacks.error = error;
            final String said = "Keyhold could not ask CloudFormation whether stack " + A + " (logical id Conn) still "
                + "holds the key store (DescribeStackResources: ";
            assertThat(RecordedStack.check(stacks, A, "Conn", B, "Conn", ID)).satisfies(check -> {
                assertThat(check.takeOver()).isFalse();
                assertThat(check.reason()).startsWith(" " + said).endsWith("). Try again.");
            });
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> RecordedStack.check(stacks, A, "Conn", B, "Conn",
                    ID, true)).isInstanceOfSatisfying(KeyholdFailureException.class, e -> {
                    assertThat(e.failure().kind()).isEqualTo(FailureKind.ServiceInternalError);
                    assertThat(e.getMessage()).startsWith(said).endsWith("Nothing was changed; retry the delete (for "
                        + "a stack: delete it again).");
                });
        }
    }

    @Test
    void aRecordOfAnotherAccountRegionOrOfTheOtherKindOfStackIsNeverJudged() {
        final String local = "arn:aws:cloudformation:us-east-1:111122223333:stack/a/"
            + RecordedStack.LOCAL_STACK_ID_PREFIX + "1";
        final Stacks stacks = new Stacks(Map.of(B + "/Conn", holding("IMPORT_COMPLETE")));
        for (String recorded : List.of(local, "arn:aws:cloudformation:us-east-1:444455556666:stack/a/1",
            "arn:aws:cloudformation:eu-west-1:111122223333:stack/a/1", "arn:aws-cn:cloudformation:us-east-1:"
                + "111122223333:stack/a/1", "stack-a")) {
            final RecordedStack.Check check = RecordedStack.check(stacks, recorded, "Conn", B, "Conn", ID);
            assertThat(check.takeOver()).as(recorded).isFalse();
            assertThat(check.reason()).as(recorded).startsWith(" The record is not taken over: ");
        }
        assertThat(RecordedStack.check(stacks, local, "Conn", B, "Conn", ID).reason()).contains("was made by Keyhold's "
            + "local runner and this stack by CloudFormation");
        assertThat(stacks.asked).as("none of them is asked about").isEmpty();
        assertThat(RecordedStack.elsewhere(local, local.replace("/a/", "/b/"))).isNull();
        assertThat(RecordedStack.elsewhere(A, B)).isNull();
    }

    private static AwsServiceException error(final int status, final String code) {
        return AwsServiceException.builder().statusCode(status).message("Rate exceeded").awsErrorDetails(
            AwsErrorDetails.builder().errorCode(code).errorMessage("Rate exceeded").build()).build();
    }
}
