package com.keyhold.kms.customkeystoreconnection.aws;

import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.core.CreateIntent;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.core.TargetState;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeSsm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The key store type's store records and create intents in Parameter Store: the stored format, and bad values. */
class SsmStoreRecordsTest {
    private static final String STACK =
        "arn:aws:cloudformation:eu-west-1:111122223333:stack/app/6e0c1a50-5e1b-11ef-8f0a-0a1b2c3d4e5f";
    private static final StoreRecord RECORD = new StoreRecord("cks-1", "2", null, STACK, "Store",
        "4b90a7e4-b790-456b-a937-0cfdfa211dfe", "2026-11-30T10:00:00Z");

    @Test
    void aRecordRoundTripsInTheDocumentedFormat() {
        final FakeSsm ssm = new FakeSsm();
        final SsmStoreRecords records = new SsmStoreRecords(() -> ssm, AwsInvoker.DIRECT);
        records.save(RECORD);
        assertThat(ssm.parameters().get("/keyhold/kms/custom-key-store/cks-1")).isEqualTo("{\"customKeyStoreId\":"
            + "\"cks-1\",\"keyStorePasswordVersion\":\"2\",\"xksProxyAuthenticationCredentialVersion\":null,"
            + "\"stackId\":\"" + STACK + "\",\"logicalResourceId\":\"Store\",\"createToken\":"
            + "\"4b90a7e4-b790-456b-a937-0cfdfa211dfe\",\"updatedAt\":\"2026-11-30T10:00:00Z\",\"comeBackTo\":null,"
            + "\"reconnectFailure\":null,\"spentPasswordVersions\":[]}");
        assertThat(records.find("cks-1")).contains(RECORD);
        records.remove("cks-1");
        records.remove("cks-1");
        assertThat(records.find("cks-1")).isEmpty();
    }

    @Test
    void theStateToComeBackToAndTheSpentVersionsRoundTripAndAnOlderRecordHasNone() {
        final FakeSsm ssm = new FakeSsm();
        final SsmStoreRecords records = new SsmStoreRecords(() -> ssm, AwsInvoker.DIRECT);
        final StoreRecord pending = new StoreRecord("cks-1", "2", null, STACK, "Store", null, "2026-11-30T10:00:00Z",
            TargetState.CONNECTED, "INVALID_CREDENTIALS", java.util.List.of("1"));
        records.save(pending);
        assertThat(records.find("cks-1")).contains(pending);
        assertThat(pending.passwordSpent("1")).isTrue();
        assertThat(pending.passwordSpent("2")).isFalse();
        assertThat(pending.passwordSpent(null)).isFalse();
        ssm.parameters().put(StoreRecord.parameterName("cks-3"), "{\"keyStorePasswordVersion\":\"1\","
            + "\"comeBackTo\":\"DISCONNECTED\",\"spentPasswordVersions\":[\"0\",7]}");
        final StoreRecord older = records.find("cks-3").orElseThrow();
        assertThat(older.comeBackTo()).isEqualTo(TargetState.DISCONNECTED);
        assertThat(older.spentPasswordVersions()).containsExactly("0");
        ssm.parameters().put(StoreRecord.parameterName("cks-4"), "{\"keyStorePasswordVersion\":\"1\"}");
        assertThat(records.find("cks-4").orElseThrow().comeBackTo()).isNull();
        assertThat(records.find("cks-4").orElseThrow().spentPasswordVersions()).isEmpty();
    }

    @Test
    void theSpentVersionsKeepTheNewestTen() {
        java.util.List<String> spent = java.util.List.of();
        for (int i = 1; i <= 12; i++) {
            spent = StoreRecord.spending(spent, String.valueOf(i));
        }
        assertThat(StoreRecord.spending(spent, "12")).isEqualTo(spent);
        assertThat(StoreRecord.spending(spent, null)).isEqualTo(spent);
        assertThat(spent).containsExactly("3", "4", "5", "6", "7", "8", "9", "10", "11", "12");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "", "null", "[]", "{\"stackId\":[\"s\"]}", "{\"stackId\":"})
    void anUnreadableRecordNamesNoResourceSoNoStackActsOnIt(final String value) {
        final FakeSsm ssm = new FakeSsm();
        ssm.parameters().put(StoreRecord.parameterName("cks-2"), value);
        final StoreRecord record = new SsmStoreRecords(() -> ssm, AwsInvoker.DIRECT).find("cks-2").orElseThrow();
        assertThat(record).isEqualTo(new StoreRecord("cks-2", null, null, "(unreadable record)",
            "(unreadable record)", null, null));
        assertThat(record.names(STACK, "Store")).isFalse();
        assertThat(record.names(null, "anything")).as("a request from no stack acts on any record").isTrue();
        assertThat(record.createdBy(null)).isFalse();
        assertThat(record.notThisResourceMessage(STACK, "Store")).contains("(unreadable record)",
            "aws ssm delete-parameter --name /keyhold/kms/custom-key-store/cks-2");
    }

    @Test
    void anIntentRoundTripsAndOnlyItsOwnTokenMatches() {
        final FakeSsm ssm = new FakeSsm();
        final SsmStoreRecords records = new SsmStoreRecords(() -> ssm, AwsInvoker.DIRECT);
        assertThat(records.saveNewIntent(new CreateIntent("payments hsm/ünïcode", "token-1", "2026-11-30T10:00:00Z")))
            .isTrue();
        assertThat(records.saveNewIntent(new CreateIntent("payments hsm/ünïcode", "token-2", "2026-11-30T10:01:00Z")))
            .as("never over another's intent").isFalse();
        final CreateIntent found = records.findIntent("payments hsm/ünïcode").orElseThrow();
        assertThat(found.writtenBy("token-1")).isTrue();
        assertThat(found.writtenBy("token-2")).isFalse();
        assertThat(found.writtenBy(null)).isFalse();
        assertThat(records.findIntent("payments hsm")).isEmpty();
        records.removeIntent("payments hsm/ünïcode", "token-2");
        assertThat(records.findIntent("payments hsm/ünïcode")).as("another operation's token removes nothing")
            .isPresent();
        records.removeIntent("payments hsm/ünïcode", "token-1");
        records.removeIntent("payments hsm/ünïcode", "token-1");
        assertThat(records.findIntent("payments hsm/ünïcode")).isEmpty();
    }

    @Test
    void anUnreadableIntentMatchesNoToken() {
        final FakeSsm ssm = new FakeSsm();
        ssm.parameters().put(CreateIntent.parameterName("payments"), "{broken");
        final CreateIntent found = new SsmStoreRecords(() -> ssm, AwsInvoker.DIRECT).findIntent("payments")
            .orElseThrow();
        assertThat(found.writtenBy(null)).isFalse();
        assertThat(found.customKeyStoreName()).isEqualTo("payments");
    }

    @Test
    void intentNamesAreParameterNamesWhateverTheKeyStoreName() {
        // A key store name may hold any character; a parameter name only letters, digits, _ . - and /.
        assertThat(CreateIntent.parameterName("payments hsm/ünïcode"))
            .matches("/keyhold/kms/custom-key-store/creating/[0-9a-f]{64}")
            .isEqualTo(CreateIntent.parameterName("payments hsm/ünïcode"))
            .isNotEqualTo(CreateIntent.parameterName("payments hsm"));
    }
}
