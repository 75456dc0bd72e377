package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.core.PollSchedule;
import com.keyhold.kms.customkeystoreconnection.core.RetryPolicy;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.Faults;
import com.keyhold.kms.customkeystoreconnection.testsupport.EmulatorClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * The delete's count of the keys in its key store, as an account of many keys meets it: paged across invocations from
 * the ListKeys marker, every page's keys described once, a key whose policy denies DescribeKey refusing the delete
 * before any disconnect, and no count at all for a key store already DISCONNECTED (KMS refuses that delete itself).
 * Each test asserts the key store's connection state, its store record and the calls made.
 */
class StoreDeleteKeyCountTest extends StoreTestBase {
    /** 3 keys an invocation: every ListKeys page is cut to fit, so a handful of keys make several pages. */
    private static final KeyScanBudget SMALL = new KeyScanBudget(3, Duration.ofSeconds(30));
    private static final String DENY_DESCRIBE = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"NoLooking\","
        + "\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"*\"},\"Action\":[\"kms:Describe*\"],\"Resource\":\"*\"}]}";

    private WrapperDriver budgeted(final KeyScanBudget budget) {
        final HandlerConfig config = new HandlerConfig(clock, EmulatorClients.at(emulator.endpoint()),
            PollSchedule.DEFAULT, RetryPolicy.DEFAULT).withKeyScan(budget);
        return new WrapperDriver(clock, new HandlerWrapper(config, WrapperDriver.tmp()), ResourceModel.TYPE_NAME)
            .as(WrapperDriver.STACK_ID, "Store");
    }

    /** An operator's own KMS client, for keys made with CreateKey and a key policy. */
    private KmsClient kms() {
        return KmsClient.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1)
            .httpClient(UrlConnectionHttpClient.builder().build())
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE",
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))).build();
    }

    private String connectedKeyStore(final Map<String, Object> props) {
        final String id = create(props);
        connect(id);
        return id;
    }

    private boolean hasRecord(final String id) {
        return emulator.parameterValue(StoreRecord.parameterName(id)).isPresent();
    }

    private long inProgress(final WrapperDriver d) {
        return d.responses().stream().filter(r -> "IN_PROGRESS".equals(r.path("status").asText())).count();
    }

    @ParameterizedTest(name = "the key store''s key is key {0} of 10")
    @ValueSource(ints = {0, 2, 3, 9})
    void aKeyOnAnyPageRefusesTheDeleteBeforeAnyDisconnect(final int position) {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = connectedKeyStore(v1);
        emulator.addAccountKeys(position);
        emulator.keyCount(id, 1);
        emulator.addAccountKeys(9 - position);
        final WrapperDriver d = budgeted(SMALL);

        final JsonNode refused = d.run("DELETE", with(v1, id), null);

        assertThat(refused.path("errorCode").asText()).as(refused.toString()).isEqualTo("ResourceConflict");
        assertThat(refused.path("message").asText()).contains(id + " holds 1 KMS key (").contains("stays CONNECTED")
            .contains("DeletionPolicy: Retain");
        assertThat(calls("ListKeys")).as("pages of 3: 3, 3, 3, 1").isEqualTo(4);
        assertThat(calls("DescribeKey")).as("every key described once").isEqualTo(10);
        assertThat(inProgress(d)).as("one page an invocation").isEqualTo(3);
        assertThat(calls("DisconnectCustomKeyStore")).isZero();
        assertThat(calls("DeleteCustomKeyStore")).isZero();
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(hasRecord(id)).isTrue();
        assertThat(d.responses().get(0).path("message").asText()).contains("3 keys of the account described so "
            + "far, " + (position < 3 ? 1 : 0) + " in this key store");
    }

    @Test
    void aCountWithNoKeyInTheKeyStoreDisconnectsOnlyAfterTheLastPage() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = connectedKeyStore(v1);
        emulator.addAccountKeys(7);
        final WrapperDriver d = budgeted(SMALL);
        final ObjectNode request = d.request("DELETE", with(v1, id), null);

        d.resume(request, 3);
        assertThat(calls("ListKeys")).isEqualTo(3);
        assertThat(calls("DescribeKey")).isEqualTo(7);
        assertThat(calls("DisconnectCustomKeyStore")).as("the third invocation counted the last page, then "
            + "disconnected").isEqualTo(1);
        final JsonNode deleted = d.resume(request, Integer.MAX_VALUE);

        assertThat(deleted.path("status").asText()).as(deleted.toString()).isEqualTo("SUCCESS");
        assertThat(calls("ListKeys")).as("the count is not repeated while the disconnect is waited for").isEqualTo(3);
        assertThat(emulator.storeIds()).doesNotContain(id);
        assertThat(hasRecord(id)).isFalse();
    }

    @Test
    void pagesOfAThousandFillTheDefaultBudgetAcrossInvocations() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = connectedKeyStore(v1);
        emulator.addAccountKeys(2050);
        emulator.keyCount(id, 2);

        final JsonNode refused = driver.run("DELETE", with(v1, id), null);

        assertThat(refused.path("message").asText()).as(refused.toString()).contains(id + " holds 2 KMS keys (");
        assertThat(calls("ListKeys")).as("1000 + 1000 in the first invocation, 52 in the second").isEqualTo(3);
        assertThat(calls("DescribeKey")).isEqualTo(2052);
        assertThat(inProgress(driver)).isEqualTo(1);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void noNewPageStartsOnceTheInvocationsTimeIsUsedUp() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = connectedKeyStore(v1);
        emulator.addAccountKeys(1500);
        // Every look at the handler's clock costs 20 s: the first page starts at 20 s, the second would at 40 s.
        final java.time.Clock slow = new java.time.Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(final java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return clock.advance(Duration.ofSeconds(20));
            }
        };
        final HandlerConfig config = new HandlerConfig(slow, EmulatorClients.at(emulator.endpoint()),
            PollSchedule.DEFAULT, RetryPolicy.DEFAULT).withKeyScan(new KeyScanBudget(10_000, Duration.ofSeconds(30)));
        final WrapperDriver d = new WrapperDriver(clock, new HandlerWrapper(config, WrapperDriver.tmp()),
            ResourceModel.TYPE_NAME).as(WrapperDriver.STACK_ID, "Store");
        final ObjectNode request = d.request("DELETE", with(v1, id), null);

        final JsonNode first = d.resume(request, 1);

        assertThat(first.path("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(first.path("message").asText()).contains("1000 keys of the account described so far");
        assertThat(calls("ListKeys")).isEqualTo(1);
        d.resume(request, 1);
        assertThat(calls("ListKeys")).as("the rest in the next invocation").isEqualTo(2);
        assertThat(calls("DescribeKey")).isEqualTo(1500);
        assertThat(calls("DisconnectCustomKeyStore")).isEqualTo(1);
    }

    @Test
    void theBudgetRefusesNonsense() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KeyScanBudget(0, Duration.ofSeconds(1)))
            .hasMessageContaining("keysPerInvocation must be at least 1, got 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KeyScanBudget(1, Duration.ZERO))
            .hasMessageContaining("timePerInvocation must be positive");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new KeyScanBudget(1, Duration.ofSeconds(-1)))
            .hasMessageContaining("timePerInvocation must be positive");
        assertThat(new KeyScanBudget(1, Duration.ofMillis(1)).keysPerInvocation()).isEqualTo(1);
    }

    @Test
    void aThrottledPageIsListedAgainFromItsOwnMarkerAndCountedOnce() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = connectedKeyStore(v1);
        emulator.keyCount(id, 1);
        emulator.addAccountKeys(4);
        final WrapperDriver d = budgeted(SMALL);
        final ObjectNode request = d.request("DELETE", with(v1, id), null);
        d.resume(request, 1);
        emulator.faults().errorNext("DescribeKey", Faults.ANY, "ThrottlingException", 1);

        final JsonNode refused = d.resume(request, Integer.MAX_VALUE);

        assertThat(refused.path("message").asText()).as(refused.toString()).contains(id + " holds 1 KMS key (");
        assertThat(calls("ListKeys")).as("page 1, page 2 throttled, page 2 again").isEqualTo(3);
        assertThat(d.responses()).anySatisfy(r -> assertThat(r.path("message").asText())
            .contains("ListKeys hit Throttling; retrying"));
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void keysWhosePolicyDeniesDescribeKeyRefuseTheDeleteNamingThemAndWhatToGrant() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = connectedKeyStore(v1);
        emulator.addAccountKeys(5);
        final List<String> denied = new ArrayList<>();
        try (KmsClient kms = kms()) {
            for (int i = 0; i < 12; i++) {
                denied.add(kms.createKey(r -> r.policy(DENY_DESCRIBE).description("locked")).keyMetadata().keyId());
            }
        }
        emulator.addAccountKeys(5);

        final JsonNode refused = driver.run("DELETE", with(v1, id), null);

        assertThat(refused.path("errorCode").asText()).as(refused.toString()).isEqualTo("AccessDenied");
        final String message = refused.path("message").asText();
        assertThat(message).contains("DescribeKey was denied on 12 keys of the account in us-east-1 ("
            + String.join(", ", denied.subList(0, 10)) + " and 2 more)").contains("Allow kms:DescribeKey")
            .contains("stays CONNECTED").contains("aws kms disconnect-custom-key-store --custom-key-store-id " + id);
        assertThat(message).doesNotContain(denied.get(10));
        assertThat(calls("DescribeKey")).isEqualTo(22);
        assertThat(calls("DisconnectCustomKeyStore")).isZero();
        assertThat(calls("DeleteCustomKeyStore")).isZero();
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(hasRecord(id)).isTrue();
    }

    @Test
    void keysFoundInTheKeyStoreAreNamedBeforeKeysThatCouldNotBeDescribed() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = connectedKeyStore(v1);
        try (KmsClient kms = kms()) {
            kms.createKey(r -> r.policy(DENY_DESCRIBE));
        }
        emulator.keyCount(id, 1);

        final JsonNode refused = driver.run("DELETE", with(v1, id), null);

        assertThat(refused.path("errorCode").asText()).as(refused.toString()).isEqualTo("ResourceConflict");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void aDisconnectedKeyStoreIsNotCountedAndKmsRefusesItsDeleteWhileItHoldsKeys() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        emulator.keyCount(id, 2);
        emulator.addAccountKeys(50);
        try (KmsClient kms = kms()) {
            kms.createKey(r -> r.policy(DENY_DESCRIBE));
        }

        final JsonNode refused = driver.run("DELETE", with(v1, id), null);

        assertThat(refused.path("errorCode").asText()).as(refused.toString()).isEqualTo("ResourceConflict");
        assertThat(refused.path("message").asText()).contains("still holds some KMS key(s)")
            .contains("left as it was");
        assertThat(calls("ListKeys")).isZero();
        assertThat(calls("DescribeKey")).isZero();
        assertThat(calls("DeleteCustomKeyStore")).isEqualTo(1);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(hasRecord(id)).isTrue();

        emulator.keyCount(id, 0);
        final JsonNode deleted = driver.run("DELETE", with(v1, id), null);
        assertThat(deleted.path("status").asText()).as(deleted.toString()).isEqualTo("SUCCESS");
        assertThat(calls("ListKeys")).isZero();
        assertThat(emulator.storeIds()).doesNotContain(id);
        assertThat(hasRecord(id)).isFalse();
    }

    @Test
    void aKeyCreatedAfterTheCountSaysTheKeyStoreIsLeftDisconnectedAndHowToReconnect() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = connectedKeyStore(v1);
        final ObjectNode request = driver.request("DELETE", with(v1, id), null);
        final JsonNode disconnecting = driver.resume(request, 1);
        assertThat(disconnecting.path("status").asText()).isEqualTo("IN_PROGRESS");
        assertThat(calls("DisconnectCustomKeyStore")).isEqualTo(1);
        emulator.keyCount(id, 1);

        final JsonNode refused = driver.resume(request, Integer.MAX_VALUE);

        assertThat(refused.path("errorCode").asText()).as(refused.toString()).isEqualTo("ResourceConflict");
        assertThat(refused.path("message").asText()).contains("created after Keyhold counted none")
            .contains("DISCONNECTED now").contains("aws kms connect-custom-key-store --custom-key-store-id " + id);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(emulator.storeIds()).contains(id);
        assertThat(hasRecord(id)).isTrue();
    }
}
