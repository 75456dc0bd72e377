package com.keyhold.kms.customkeystoreconnection.local.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DescribeCustomKeyStoresResponse;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.OriginType;
import software.amazon.awssdk.services.kms.model.ListKeysResponse;

/**
 * What a delete's key count relies on in the emulator: ListKeys markers that skip nothing when keys go between
 * pages (KMS's markers are opaque; the emulator's name the last key returned, not an offset), and DescribeKey
 * refused by a key policy's explicit Deny, as KMS refuses it with AccessDeniedException.
 */
class KeyListingTest {
    private static final String DENY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
        + "\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:*\",\"Resource\":\"*\"},{\"Effect\":\"Deny\","
        + "\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:DescribeKey\",\"Resource\":\"*\"}]}";

    private final VirtualClock clock = new VirtualClock();
    private KmsEmulator emu;
    private KmsClient kms;
    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        emu = KmsEmulator.builder().clock(clock).build().start();
        kms = EmulatorTestSupport.kms(emu.endpoint());
    }

    @AfterEach
    void stop() {
        kms.close();
        emu.close();
    }

    @Test
    void aKeyDeletedBetweenPagesSkipsNoOtherKey() {
        emu.addAccountKeys(6);
        ListKeysResponse first = kms.listKeys(r -> r.limit(3));
        assertThat(first.truncated()).isTrue();
        List<String> seen = new ArrayList<>();
        first.keys().forEach(k -> seen.add(k.keyId()));
        kms.scheduleKeyDeletion(r -> r.keyId(seen.get(0)).pendingWindowInDays(7));
        clock.advance(Duration.ofDays(8));
        assertThat(kms.listKeys(r -> r.limit(10)).keys()).as("the key is gone").hasSize(5);

        ListKeysResponse rest = kms.listKeys(r -> r.limit(10).marker(first.nextMarker()));

        assertThat(rest.keys()).as("keys 4 to 6: an offset would have skipped key 4").hasSize(3);
        assertThat(rest.truncated()).isFalse();
        rest.keys().forEach(k -> assertThat(seen).doesNotContain(k.keyId()));
    }

    /**
     * KMS's key states: a key in a custom key store that is not connected is Unavailable, and KeyMetadata.Enabled is
     * true only when KeyState is Enabled (API reference), so false for it.
     */
    @Test
    void aKeyInADisconnectedKeyStoreIsUnavailableAndNotEnabled() {
        String store = emu.seedStore(StoreSpec.cloudHsm("keys-hsm").id("cks-0000000000000key1")
            .state(ConnectionState.CONNECTED));
        String key = kms.createKey(r -> r.customKeyStoreId(store).origin(OriginType.AWS_CLOUDHSM)).keyMetadata()
            .keyId();
        KeyMetadata connected = kms.describeKey(r -> r.keyId(key)).keyMetadata();
        assertThat(connected.keyState()).isEqualTo(KeyState.ENABLED);
        assertThat(connected.enabled()).isTrue();

        kms.disconnectCustomKeyStore(r -> r.customKeyStoreId(store));
        clock.advance(Duration.ofHours(1));
        assertThat(emu.state(store)).isEqualTo(ConnectionState.DISCONNECTED);
        KeyMetadata disconnected = kms.describeKey(r -> r.keyId(key)).keyMetadata();
        assertThat(disconnected.keyState()).isEqualTo(KeyState.UNAVAILABLE);
        assertThat(disconnected.enabled()).isFalse();

        kms.scheduleKeyDeletion(r -> r.keyId(key).pendingWindowInDays(7));
        KeyMetadata pending = kms.describeKey(r -> r.keyId(key)).keyMetadata();
        assertThat(pending.keyState()).isEqualTo(KeyState.PENDING_DELETION);
        assertThat(pending.enabled()).isFalse();
    }

    /** DescribeCustomKeyStores' Marker too names the last key store returned: a delete between pages skips none. */
    @Test
    void aKeyStoreDeletedBetweenPagesSkipsNoOtherKeyStore() {
        for (int i = 1; i <= 4; i++) {
            emu.seedStore(StoreSpec.cloudHsm("page-" + i).id("cks-00000000000page" + i));
        }
        DescribeCustomKeyStoresResponse first = kms.describeCustomKeyStores(r -> r.limit(2));
        assertThat(first.truncated()).isTrue();
        List<String> seen = new ArrayList<>();
        first.customKeyStores().forEach(s -> seen.add(s.customKeyStoreId()));
        kms.deleteCustomKeyStore(r -> r.customKeyStoreId(seen.get(0)));

        DescribeCustomKeyStoresResponse rest = kms.describeCustomKeyStores(r -> r.limit(10).marker(first.nextMarker()));

        assertThat(rest.customKeyStores()).as("key stores 3 and 4: an offset would have skipped key store 3")
            .hasSize(2).noneMatch(s -> seen.contains(s.customKeyStoreId()));
        assertThat(rest.truncated()).isFalse();
    }

    @Test
    void aKeyPolicysExplicitDenyRefusesDescribeKeyAndSurvivesARestart() throws Exception {
        String denied = kms.createKey(r -> r.policy(DENY)).keyMetadata().keyId();
        String allowed = kms.createKey(r -> r.policy(DENY.replace("\"Deny\"", "\"Allow\""))).keyMetadata().keyId();
        String wildcard = kms.createKey(r -> r.policy(DENY.replace("kms:DescribeKey", "KMS:DESCRIBE*")))
            .keyMetadata().keyId();

        assertThatThrownBy(() -> kms.describeKey(r -> r.keyId(denied))).isInstanceOf(KmsException.class)
            .satisfies(e -> assertThat(((KmsException) e).awsErrorDetails().errorCode())
                .isEqualTo("AccessDeniedException"))
            .hasMessageContaining("not authorized to perform: kms:DescribeKey").hasMessageContaining(denied);
        assertThatThrownBy(() -> kms.describeKey(r -> r.keyId(wildcard))).isInstanceOf(KmsException.class);
        assertThat(kms.describeKey(r -> r.keyId(allowed)).keyMetadata().keyId()).isEqualTo(allowed);
        assertThat(kms.listKeys().keys()).as("ListKeys still lists them").hasSize(3);
        assertThat(KmsKeys.deniesDescribeKey("not json")).isFalse();
        assertThat(KmsKeys.deniesDescribeKey("{\"Statement\":{\"Effect\":\"Deny\",\"Action\":\"*\"}}")).isTrue();
        assertThat(KmsKeys.deniesDescribeKey("{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"kms:Decrypt\"}]}"))
            .isFalse();

        Path stateFile = dir.resolve("state.json");
        kms.close();
        emu.close();
        emu = KmsEmulator.builder().clock(clock).stateFile(stateFile).build().start();
        kms = EmulatorTestSupport.kms(emu.endpoint());
        String kept = kms.createKey(r -> r.policy(DENY)).keyMetadata().keyId();
        kms.close();
        emu.close();
        assertThat(Files.readString(stateFile)).contains("\"policy\"");
        emu = KmsEmulator.builder().clock(clock).stateFile(stateFile).build().start();
        kms = EmulatorTestSupport.kms(emu.endpoint());
        assertThatThrownBy(() -> kms.describeKey(r -> r.keyId(kept))).isInstanceOf(KmsException.class);
    }
}
