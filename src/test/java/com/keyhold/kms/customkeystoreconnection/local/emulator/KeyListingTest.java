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
import software.amazon.awssdk.services.kms.model.KmsException;
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
