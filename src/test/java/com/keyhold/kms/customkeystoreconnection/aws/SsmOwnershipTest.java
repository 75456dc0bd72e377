package com.keyhold.kms.customkeystoreconnection.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.keyhold.kms.customkeystoreconnection.core.OwnershipPort;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeSsm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParameterRequest;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.PutParameterRequest;

class SsmOwnershipTest {
    private static final String STACK =
        "arn:aws:cloudformation:eu-west-1:111122223333:stack/app/6e0c1a50-5e1b-11ef-8f0a-0a1b2c3d4e5f";
    private static final OwnershipRecord RECORD = new OwnershipRecord("cks-1", "CONNECTED", "DISCONNECTED", STACK,
        "Conn", "4b90a7e4-b790-456b-a937-0cfdfa211dfe", "2026-11-28T12:00:00Z");
    /** RECORD's and NULLS' values as Jackson's ObjectMapper wrote them, copied from its output: the stored format. */
    private static final String RECORD_AS_JACKSON_WROTE_IT = "{\"customKeyStoreId\":\"cks-1\",\"connectionState\":"
        + "\"CONNECTED\",\"connectionStateOnDelete\":\"DISCONNECTED\",\"stackId\":\"" + STACK + "\","
        + "\"logicalResourceId\":\"Conn\",\"clientRequestToken\":\"4b90a7e4-b790-456b-a937-0cfdfa211dfe\","
        + "\"updatedAt\":\"2026-11-28T12:00:00Z\"}";
    private static final OwnershipRecord NULLS = new OwnershipRecord("cks-1", "CONNECTED", null, STACK, "Conn", null,
        "2026-11-28T12:00:00Z");
    private static final String NULLS_AS_JACKSON_WROTE_IT = "{\"customKeyStoreId\":\"cks-1\",\"connectionState\":"
        + "\"CONNECTED\",\"connectionStateOnDelete\":null,\"stackId\":\"" + STACK + "\",\"logicalResourceId\":"
        + "\"Conn\",\"clientRequestToken\":null,\"updatedAt\":\"2026-11-28T12:00:00Z\"}";
    private static final String NAME = OwnershipRecord.parameterName("cks-1");

    @Test
    void recordsRoundTripThroughParameterStore() {
        final FakeSsm ssm = new FakeSsm();
        final SsmOwnership ownership = new SsmOwnership(ssm, AwsInvoker.DIRECT);
        assertThat(ownership.claim(RECORD)).isEmpty();
        assertThat(ownership.find("cks-1")).contains(RECORD);
        assertThat(ownership.claim(RECORD)).contains(RECORD);
        ownership.release("cks-1");
        ownership.release("cks-1");
        assertThat(ownership.find("cks-1")).isEmpty();
    }

    @Test
    void recordsAreWrittenExactlyAsJacksonWroteThem() {
        final FakeSsm ssm = new FakeSsm();
        final SsmOwnership ownership = new SsmOwnership(ssm, AwsInvoker.DIRECT);
        ownership.claim(RECORD);
        assertThat(ssm.parameters().get(NAME)).isEqualTo(RECORD_AS_JACKSON_WROTE_IT);
        ownership.save(NULLS);
        assertThat(ssm.parameters().get(NAME)).isEqualTo(NULLS_AS_JACKSON_WROTE_IT);
    }

    @Test
    void recordsWrittenByEarlierVersionsReadBack() {
        final FakeSsm ssm = new FakeSsm();
        final SsmOwnership ownership = new SsmOwnership(ssm, AwsInvoker.DIRECT);
        ssm.parameters().put(NAME, RECORD_AS_JACKSON_WROTE_IT);
        assertThat(ownership.find("cks-1")).contains(RECORD);
        ssm.parameters().put(NAME, NULLS_AS_JACKSON_WROTE_IT);
        assertThat(ownership.find("cks-1")).contains(NULLS);
    }

    @Test
    void nullComponentsRoundTrip() {
        final FakeSsm ssm = new FakeSsm();
        final SsmOwnership ownership = new SsmOwnership(ssm, AwsInvoker.DIRECT);
        final OwnershipRecord allNull = new OwnershipRecord("cks-1", null, null, null, null, null, null);
        ownership.save(allNull);
        assertThat(ownership.find("cks-1")).contains(allNull);
        ownership.save(NULLS);
        assertThat(ownership.find("cks-1")).contains(NULLS);
    }

    @Test
    void absentMembersReadAsNull() {
        final FakeSsm ssm = new FakeSsm();
        ssm.parameters().put(NAME, "{\"connectionState\":\"CONNECTED\",\"stackId\":\"" + STACK + "\","
            + "\"logicalResourceId\":\"Conn\",\"updatedAt\":\"2026-11-28T12:00:00Z\"}");
        assertThat(new SsmOwnership(ssm, AwsInvoker.DIRECT).find("cks-1")).contains(NULLS);
    }

    @Test
    void unknownMembersAreIgnoredWhateverTheirType() {
        final FakeSsm ssm = new FakeSsm();
        ssm.parameters().put(NAME, "{\"schema\":2,\"note\":{\"by\":\"ops\"},\"tags\":[\"a\",1],\"gone\":null,"
            + RECORD_AS_JACKSON_WROTE_IT.substring(1, RECORD_AS_JACKSON_WROTE_IT.length() - 1) + ",\"extra\":true}");
        assertThat(new SsmOwnership(ssm, AwsInvoker.DIRECT).find("cks-1")).contains(RECORD);
    }

    @Test
    void theParameterNameIsAuthoritativeForTheId() {
        final FakeSsm ssm = new FakeSsm();
        ssm.parameters().put(OwnershipRecord.parameterName("cks-9"), RECORD_AS_JACKSON_WROTE_IT);
        final OwnershipRecord record = new SsmOwnership(ssm, AwsInvoker.DIRECT).find("cks-9").orElseThrow();
        assertThat(record.customKeyStoreId()).isEqualTo("cks-9");
        assertThat(record.stackId()).isEqualTo(STACK);
    }

    @Test
    void numbersAndBooleansReadAsTheirTextAsJacksonDid() {
        final FakeSsm ssm = new FakeSsm();
        ssm.parameters().put(NAME, "{\"customKeyStoreId\":7,\"connectionState\":true,\"stackId\":42,"
            + "\"logicalResourceId\":\"Conn\",\"updatedAt\":1.50}");
        final OwnershipRecord record = new SsmOwnership(ssm, AwsInvoker.DIRECT).find("cks-1").orElseThrow();
        assertThat(record).isEqualTo(new OwnershipRecord("cks-1", "true", null, "42", "Conn", null, "1.50"));
    }

    /** Each of these failed Jackson's read of the record, which made it the unreadable placeholder. */
    @ParameterizedTest
    @ValueSource(strings = {"not json", "", "   ", "\"a string\"", "42", "[]", "[{\"stackId\":\"s\"}]",
        "{\"stackId\":\"s\"", "{\"stackId\":{\"arn\":\"s\"}}", "{\"stackId\":[\"s\"]}",
        "{\"customKeyStoreId\":{},\"stackId\":\"s\"}", "{\"updatedAt\":[]}"})
    void aMalformedValueReadsAsTheUnreadablePlaceholder(final String value) {
        final FakeSsm ssm = new FakeSsm();
        ssm.parameters().put(OwnershipRecord.parameterName("cks-2"), value);
        assertThat(new SsmOwnership(ssm, AwsInvoker.DIRECT).find("cks-2")).contains(new OwnershipRecord("cks-2", null,
            null, "(unreadable record)", "(unreadable record)", null, null));
    }

    @Test
    void aLiteralNullValueReadsAsTheUnreadablePlaceholder() {
        // Jackson read "null" as no record at all, and the handler failed on it; now it is unreadable like the rest.
        final FakeSsm ssm = new FakeSsm();
        ssm.parameters().put(OwnershipRecord.parameterName("cks-2"), "null");
        assertThat(new SsmOwnership(ssm, AwsInvoker.DIRECT).find("cks-2").orElseThrow().stackId())
            .isEqualTo("(unreadable record)");
    }

    @Test
    void anUnreadableOwnerStillTellsTheOperatorHowToReleaseTheKeyStore() {
        final FakeSsm ssm = new FakeSsm();
        ssm.parameters().put(OwnershipRecord.parameterName("cks-1"), "{\"stackId\":");
        final OwnershipRecord owner = new SsmOwnership(ssm, AwsInvoker.DIRECT).claim(RECORD).orElseThrow();
        assertThat(owner.claimedBy(RECORD.clientRequestToken())).isFalse();
        assertThat(owner.alreadyOwnedMessage()).isEqualTo("cks-1 is already managed by stack (unreadable record) "
            + "(logical id (unreadable record)). One key store can have only one Keyhold owner. Remove the resource "
            + "from that stack (or delete that stack). If that stack no longer holds it (deleted, or the resource "
            + "retained), import the key store into this stack instead of creating it: its first update or delete "
            + "takes the record over (guides/OPERATIONS.md, moving a key store between stacks). Deleting the record "
            + "by hand ('aws ssm delete-parameter --name /keyhold/kms/custom-key-store-connection/cks-1') also drops "
            + "its ConnectionStateOnDelete.");
    }

    @Test
    void listingReadsEachRecordOnItsOwn() {
        final FakeSsm ssm = new FakeSsm();
        ssm.parameters().put(NAME, NULLS_AS_JACKSON_WROTE_IT);
        ssm.parameters().put(OwnershipRecord.parameterName("cks-2"), "{\"stackId\":{}}");
        final OwnershipPort.Page page = new SsmOwnership(ssm, AwsInvoker.DIRECT).list(null, 10);
        assertThat(page.records()).containsExactly(NULLS, new OwnershipRecord("cks-2", null, null,
            "(unreadable record)", "(unreadable record)", null, null));
        assertThat(page.nextToken()).isNull();
    }

    @Test
    void aHandEditedRecordStillProvesOwnership() {
        final FakeSsm ssm = new FakeSsm();
        ssm.parameters().put(OwnershipRecord.parameterName("cks-2"), "not json");
        final OwnershipRecord record = new SsmOwnership(ssm, AwsInvoker.DIRECT).find("cks-2").orElseThrow();
        assertThat(record.customKeyStoreId()).isEqualTo("cks-2");
        assertThat(record.stackId()).isEqualTo("(unreadable record)");
    }

    @Test
    void aClaimRacingADeleteReportsTheConflict() {
        final SsmClient ssm = mock(SsmClient.class);
        when(ssm.putParameter(any(PutParameterRequest.class)))
            .thenThrow(ParameterAlreadyExistsException.builder().message("exists").build());
        when(ssm.getParameter(any(GetParameterRequest.class)))
            .thenThrow(ParameterNotFoundException.builder().message("gone").build());
        assertThatThrownBy(() -> new SsmOwnership(ssm, AwsInvoker.DIRECT).claim(RECORD))
            .isInstanceOf(ParameterAlreadyExistsException.class);
    }
}
