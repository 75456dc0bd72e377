package com.keyhold.kms.customkeystoreconnection.local.emulator;

import static com.keyhold.kms.customkeystoreconnection.local.emulator.EmulatorTestSupport.TRUST_ANCHOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.ConnectionErrorCodeType;
import software.amazon.awssdk.services.kms.model.ConnectionStateType;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreHasCmKsException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreInvalidStateException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreNameInUseException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreNotFoundException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreType;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;
import software.amazon.awssdk.services.kms.model.DescribeCustomKeyStoresResponse;
import software.amazon.awssdk.services.kms.model.InvalidMarkerException;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.LimitExceededException;
import software.amazon.awssdk.services.kms.model.XksProxyConnectivityType;

/** The KMS custom key store operations through the AWS SDK for Java v2, on a virtual clock. */
class KmsOperationsTest {
    private final VirtualClock clock = new VirtualClock();
    private KmsEmulator emu;
    private KmsClient kms;

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

    private String createCloudHsm(String name) {
        return kms.createCustomKeyStore(r -> r.customKeyStoreName(name).cloudHsmClusterId("cluster-234567abcdefg")
                .trustAnchorCertificate(TRUST_ANCHOR).keyStorePassword("kmsPswd1")).customKeyStoreId();
    }

    private String createXks(String name) {
        return kms.createCustomKeyStore(r -> r.customKeyStoreName(name)
                .customKeyStoreType(CustomKeyStoreType.EXTERNAL_KEY_STORE)
                .xksProxyUriEndpoint("https://" + name + ".example.com").xksProxyUriPath("/kms/xks/v1")
                .xksProxyConnectivity(XksProxyConnectivityType.PUBLIC_ENDPOINT)
                .xksProxyAuthenticationCredential(c -> c.accessKeyId("ABCDEFGHIJKLMNOPQRST")
                        .rawSecretAccessKey("a".repeat(43)))).customKeyStoreId();
    }

    private CustomKeyStoresListEntry describe(String id) {
        return kms.describeCustomKeyStores(r -> r.customKeyStoreId(id)).customKeyStores().get(0);
    }

    private ConnectionStateType state(String id) {
        return describe(id).connectionState();
    }

    @Test
    void createsCloudHsmStoreDisconnectedWithRealLookingId() {
        String id = createCloudHsm("hsm-one");
        assertThat(id).matches("cks-[0-9a-f]{17}");
        CustomKeyStoresListEntry e = describe(id);
        assertThat(e.customKeyStoreName()).isEqualTo("hsm-one");
        assertThat(e.customKeyStoreType()).isEqualTo(CustomKeyStoreType.AWS_CLOUDHSM);
        assertThat(e.connectionState()).isEqualTo(ConnectionStateType.DISCONNECTED);
        assertThat(e.connectionErrorCode()).isNull();
        assertThat(e.cloudHsmClusterId()).isEqualTo("cluster-234567abcdefg");
        assertThat(e.trustAnchorCertificate()).isEqualTo(TRUST_ANCHOR);
        assertThat(e.creationDate()).isEqualTo(clock.instant());
    }

    @Test
    void connectsCloudHsmThroughConnectingAfterTheConnectDuration() {
        String id = createCloudHsm("hsm");
        kms.connectCustomKeyStore(r -> r.customKeyStoreId(id));
        assertThat(state(id)).isEqualTo(ConnectionStateType.CONNECTING);
        clock.advance(Duration.ofSeconds(19));
        assertThat(state(id)).isEqualTo(ConnectionStateType.CONNECTING);
        clock.advance(Duration.ofSeconds(1));
        assertThat(state(id)).isEqualTo(ConnectionStateType.CONNECTED);

        kms.connectCustomKeyStore(r -> r.customKeyStoreId(id)); // no-op in CONNECTED
        assertThat(state(id)).isEqualTo(ConnectionStateType.CONNECTED);

        kms.disconnectCustomKeyStore(r -> r.customKeyStoreId(id));
        assertThat(state(id)).isEqualTo(ConnectionStateType.DISCONNECTING);
        clock.advance(Duration.ofSeconds(5));
        assertThat(state(id)).isEqualTo(ConnectionStateType.DISCONNECTED);
    }

    @Test
    void xksStoreConnectsFasterAndShowsItsProxyConfiguration() {
        String id = createXks("xks-one");
        CustomKeyStoresListEntry e = describe(id);
        assertThat(e.customKeyStoreType()).isEqualTo(CustomKeyStoreType.EXTERNAL_KEY_STORE);
        assertThat(e.xksProxyConfiguration().uriEndpoint()).isEqualTo("https://xks-one.example.com");
        assertThat(e.xksProxyConfiguration().connectivity()).isEqualTo(XksProxyConnectivityType.PUBLIC_ENDPOINT);
        assertThat(e.xksProxyConfiguration().accessKeyId()).isEqualTo("ABCDEFGHIJKLMNOPQRST");
        kms.connectCustomKeyStore(r -> r.customKeyStoreId(id));
        kms.connectCustomKeyStore(r -> r.customKeyStoreId(id)); // no-op in CONNECTING
        clock.advance(Duration.ofSeconds(5));
        assertThat(state(id)).isEqualTo(ConnectionStateType.CONNECTED);
    }

    @ParameterizedTest
    @ValueSource(strings = {"INVALID_CREDENTIALS", "USER_LOCKED_OUT", "XKS_PROXY_TIMED_OUT", "SUBNET_NOT_FOUND"})
    void injectedConnectFailureEndsFailedWithTheCode(String code) {
        String id = createCloudHsm("hsm");
        emu.faults().failNextConnect(id, code);
        kms.connectCustomKeyStore(r -> r.customKeyStoreId(id));
        assertThat(describe(id).connectionErrorCode()).isNull();
        clock.advance(Duration.ofSeconds(20));
        CustomKeyStoresListEntry e = describe(id);
        assertThat(e.connectionState()).isEqualTo(ConnectionStateType.FAILED);
        assertThat(e.connectionErrorCode()).isEqualTo(ConnectionErrorCodeType.fromValue(code));

        // Connecting a FAILED store is refused; disconnect recovers, and the next connect succeeds.
        assertThatThrownBy(() -> kms.connectCustomKeyStore(r -> r.customKeyStoreId(id)))
                .isInstanceOf(CustomKeyStoreInvalidStateException.class).hasMessageContaining("FAILED");
        kms.disconnectCustomKeyStore(r -> r.customKeyStoreId(id));
        clock.advance(Duration.ofSeconds(5));
        assertThat(describe(id).connectionErrorCode()).isNull();
        kms.connectCustomKeyStore(r -> r.customKeyStoreId(id));
        clock.advance(Duration.ofSeconds(20));
        assertThat(state(id)).isEqualTo(ConnectionStateType.CONNECTED);
    }

    @Test
    void everyConnectionErrorCodeCanBeInjected() {
        for (String code : ConnectionState.ERROR_CODES) {
            String id = emu.seedStore(StoreSpec.external("x-" + code.toLowerCase().replace('_', '-'))
                    .failNextConnect(code));
            kms.connectCustomKeyStore(r -> r.customKeyStoreId(id));
            clock.advance(Duration.ofSeconds(5));
            assertThat(describe(id).connectionErrorCodeAsString()).isEqualTo(code);
            kms.disconnectCustomKeyStore(r -> r.customKeyStoreId(id));
            clock.advance(Duration.ofSeconds(5));
            kms.deleteCustomKeyStore(r -> r.customKeyStoreId(id));
        }
        assertThat(ConnectionState.ERROR_CODES).hasSize(18);
    }

    @Test
    void connectIsRefusedWhileDisconnecting() {
        String id = emu.seedStore(StoreSpec.cloudHsm("hsm").state(ConnectionState.CONNECTED));
        kms.disconnectCustomKeyStore(r -> r.customKeyStoreId(id));
        assertThatThrownBy(() -> kms.connectCustomKeyStore(r -> r.customKeyStoreId(id)))
                .isInstanceOf(CustomKeyStoreInvalidStateException.class).hasMessageContaining("DISCONNECTING");
        assertThatThrownBy(() -> kms.disconnectCustomKeyStore(r -> r.customKeyStoreId(id)))
                .isInstanceOf(CustomKeyStoreInvalidStateException.class)
                .satisfies(e -> assertThat(((KmsException) e).statusCode()).isEqualTo(400));
    }

    @Test
    void disconnectIsRefusedWhenDisconnectedAndAllowedWhileConnecting() {
        String id = createCloudHsm("hsm");
        assertThatThrownBy(() -> kms.disconnectCustomKeyStore(r -> r.customKeyStoreId(id)))
                .isInstanceOf(CustomKeyStoreInvalidStateException.class).hasMessageContaining("DISCONNECTED");
        kms.connectCustomKeyStore(r -> r.customKeyStoreId(id));
        clock.advance(Duration.ofSeconds(10));
        kms.disconnectCustomKeyStore(r -> r.customKeyStoreId(id));
        clock.advance(Duration.ofSeconds(20)); // the abandoned connect never completes
        assertThat(state(id)).isEqualTo(ConnectionStateType.DISCONNECTED);
    }

    @Test
    void unknownIdOrNameIsNotFound() {
        assertThatThrownBy(() -> kms.connectCustomKeyStore(r -> r.customKeyStoreId("cks-00000000000000000")))
                .isInstanceOf(CustomKeyStoreNotFoundException.class).hasMessageContaining("cks-00000000000000000");
        assertThatThrownBy(() -> kms.describeCustomKeyStores(r -> r.customKeyStoreId("cks-00000000000000000")))
                .isInstanceOf(CustomKeyStoreNotFoundException.class);
        assertThatThrownBy(() -> kms.describeCustomKeyStores(r -> r.customKeyStoreName("nope")))
                .isInstanceOf(CustomKeyStoreNotFoundException.class);
        assertThatThrownBy(() -> kms.deleteCustomKeyStore(r -> r.customKeyStoreId("cks-00000000000000000")))
                .isInstanceOf(CustomKeyStoreNotFoundException.class);
    }

    @Test
    void describesByNameAndRefusesIdAndNameTogether() {
        String id = createCloudHsm("by-name");
        createXks("other");
        assertThat(kms.describeCustomKeyStores(r -> r.customKeyStoreName("by-name")).customKeyStores())
                .extracting(CustomKeyStoresListEntry::customKeyStoreId).containsExactly(id);
        assertThatThrownBy(() -> kms.describeCustomKeyStores(r -> r.customKeyStoreName("by-name")
                .customKeyStoreId(id)))
                .isInstanceOf(KmsException.class)
                .satisfies(e -> assertThat(((KmsException) e).awsErrorDetails().errorCode())
                        .isEqualTo("ValidationException"));
    }

    @Test
    void pagesWithLimitAndOpaqueMarker() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ids.add(emu.seedStore(StoreSpec.cloudHsm("s" + i).cloudHsmClusterId("cluster-234567abcdef" + (char) ('a' + i))));
        }
        List<String> seen = new ArrayList<>();
        String marker = null;
        int pages = 0;
        do {
            String m = marker;
            DescribeCustomKeyStoresResponse page = kms.describeCustomKeyStores(r -> r.limit(3).marker(m));
            page.customKeyStores().forEach(e -> seen.add(e.customKeyStoreId()));
            assertThat(page.truncated()).isEqualTo(page.nextMarker() != null);
            marker = page.nextMarker();
            pages++;
        } while (marker != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).isEqualTo(ids);

        // The SDK's own paginator follows NextMarker too.
        assertThat(kms.describeCustomKeyStoresPaginator(r -> r.limit(2)).customKeyStores()).hasSize(7);

        assertThatThrownBy(() -> kms.describeCustomKeyStores(r -> r.marker("not-a-marker")))
                .isInstanceOf(InvalidMarkerException.class);
        assertValidation(() -> kms.describeCustomKeyStores(r -> r.limit(0)), "limit");
        assertValidation(() -> kms.describeCustomKeyStores(r -> r.limit(1001)), "less than or equal to 1000");
    }

    @Test
    void tenStoresIsTheLimit() {
        for (int i = 0; i < 10; i++) {
            emu.seedStore(StoreSpec.external("x" + i));
        }
        assertThatThrownBy(() -> createCloudHsm("eleventh")).isInstanceOf(LimitExceededException.class)
                .hasMessageContaining("10");
    }

    @Test
    void namesAreUnique() {
        createCloudHsm("same");
        assertThatThrownBy(() -> createXks("same")).isInstanceOf(CustomKeyStoreNameInUseException.class);
    }

    @Test
    void updateRulesFollowTheConnectionState() {
        String id = emu.seedStore(StoreSpec.cloudHsm("hsm").state(ConnectionState.CONNECTED));
        kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).newCustomKeyStoreName("renamed"));
        assertThat(describe(id).customKeyStoreName()).isEqualTo("renamed");
        assertThatThrownBy(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).keyStorePassword("newPass1")))
                .isInstanceOf(CustomKeyStoreInvalidStateException.class).hasMessageContaining("KeyStorePassword");
        assertThatThrownBy(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id)
                .cloudHsmClusterId("cluster-765432abcdefg")))
                .isInstanceOf(CustomKeyStoreInvalidStateException.class);

        emu.forceState(id, ConnectionState.DISCONNECTED, null);
        emu.backends().relatedClusters("cluster-234567abcdefg", "cluster-765432abcdefg");
        kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).keyStorePassword("newPass1")
                .cloudHsmClusterId("cluster-765432abcdefg"));
        assertThat(describe(id).cloudHsmClusterId()).isEqualTo("cluster-765432abcdefg");
        assertValidation(() -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id)
                .xksProxyUriPath("/kms/xks/v1")), "XksProxyUriPath", "AWS_CLOUDHSM");
    }

    @Test
    void xksUpdateRules() {
        String id = emu.seedStore(StoreSpec.external("xks").state(ConnectionState.CONNECTED));
        kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).xksProxyUriPath("/prefix/kms/xks/v2")
                .xksProxyAuthenticationCredential(c -> c.accessKeyId("ZYXWVUTSRQPONMLKJIHG")
                        .rawSecretAccessKey("b".repeat(43))));
        assertThat(describe(id).xksProxyConfiguration().uriPath()).isEqualTo("/prefix/kms/xks/v2");
        for (var attempt : List.<Runnable>of(
                () -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).xksProxyUriEndpoint("https://new.example.com")),
                () -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id)
                        .xksProxyConnectivity(XksProxyConnectivityType.VPC_ENDPOINT_SERVICE)
                        .xksProxyVpcEndpointServiceName("com.amazonaws.vpce.us-east-1.vpce-svc-0abc")),
                () -> kms.updateCustomKeyStore(r -> r.customKeyStoreId(id).xksProxyVpcEndpointServiceOwner("123456789012")))) {
            assertThatThrownBy(attempt::run).isInstanceOf(CustomKeyStoreInvalidStateException.class);
        }
    }

    @Test
    void deleteNeedsDisconnectedAndNoKeys() {
        String id = emu.seedStore(StoreSpec.cloudHsm("hsm").state(ConnectionState.CONNECTED).keyCount(2));
        assertThatThrownBy(() -> kms.deleteCustomKeyStore(r -> r.customKeyStoreId(id)))
                .isInstanceOf(CustomKeyStoreInvalidStateException.class);
        kms.disconnectCustomKeyStore(r -> r.customKeyStoreId(id));
        clock.advance(Duration.ofSeconds(5));
        assertThatThrownBy(() -> kms.deleteCustomKeyStore(r -> r.customKeyStoreId(id)))
                .isInstanceOf(CustomKeyStoreHasCmKsException.class);
        emu.keyCount(id, 0);
        kms.deleteCustomKeyStore(r -> r.customKeyStoreId(id));
        assertThatThrownBy(() -> describe(id)).isInstanceOf(CustomKeyStoreNotFoundException.class);
    }

    @Test
    void validatesMembersAsTheModelSays() {
        assertValidation(() -> kms.createCustomKeyStore(r -> r.customKeyStoreName("x").cloudHsmClusterId("bad")
                .trustAnchorCertificate(TRUST_ANCHOR).keyStorePassword("short")),
                "3 validation errors detected", "cloudHsmClusterId", "regular expression pattern",
                "Sensitive Data Redacted");
        assertValidation(() -> kms.createCustomKeyStore(r -> r.customKeyStoreName("x")), "CloudHsmClusterId");
        assertValidation(() -> kms.createCustomKeyStore(r -> r.customKeyStoreName("")), "customKeyStoreName");
        assertValidation(() -> kms.createCustomKeyStore(r -> r.customKeyStoreName("x")
                .customKeyStoreType(CustomKeyStoreType.EXTERNAL_KEY_STORE).xksProxyUriEndpoint("http://plain")
                .xksProxyUriPath("/kms/xks/v1").xksProxyConnectivity(XksProxyConnectivityType.PUBLIC_ENDPOINT)
                .xksProxyAuthenticationCredential(c -> c.accessKeyId("lower").rawSecretAccessKey("s"))),
                "xksProxyUriEndpoint", "xksProxyAuthenticationCredential.accessKeyId");
        assertValidation(() -> kms.createCustomKeyStore(r -> r.customKeyStoreName("x")
                .customKeyStoreType(CustomKeyStoreType.EXTERNAL_KEY_STORE).xksProxyUriEndpoint("https://a.example")
                .xksProxyUriPath("/kms/xks/v1").xksProxyConnectivity(XksProxyConnectivityType.VPC_ENDPOINT_SERVICE)
                .xksProxyAuthenticationCredential(c -> c.accessKeyId("ABCDEFGHIJKLMNOPQRST")
                        .rawSecretAccessKey("a".repeat(43)))), "XksProxyVpcEndpointServiceName");
        assertValidation(() -> kms.connectCustomKeyStore(r -> r.customKeyStoreId("x".repeat(65))),
                "length less than or equal to 64");
    }

    @Test
    void creationDateIsEpochSecondsOnTheClock() {
        clock.advance(Duration.ofMillis(1500));
        String id = createCloudHsm("dated");
        assertThat(describe(id).creationDate()).isEqualTo(Instant.parse("2025-01-01T00:00:01.500Z"));
    }

    private static void assertValidation(Runnable call, String... fragments) {
        assertThatThrownBy(call::run).isInstanceOf(KmsException.class).satisfies(e -> {
            KmsException k = (KmsException) e;
            assertThat(k.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
            assertThat(k.statusCode()).isEqualTo(400);
            assertThat(k.awsErrorDetails().errorMessage()).contains(fragments);
        });
    }
}
