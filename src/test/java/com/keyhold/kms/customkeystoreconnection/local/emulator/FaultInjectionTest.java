package com.keyhold.kms.customkeystoreconnection.local.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CloudHsmClusterNotActiveException;
import software.amazon.awssdk.services.kms.model.ConnectionStateType;
import software.amazon.awssdk.services.kms.model.DependencyTimeoutException;
import software.amazon.awssdk.services.kms.model.KmsException;
import software.amazon.awssdk.services.kms.model.KmsInternalException;

/** Fault injection seen through the AWS SDK for Java v2. */
class FaultInjectionTest {
    private final VirtualClock clock = new VirtualClock();
    private KmsEmulator emu;
    private KmsClient kms;
    private String id;

    @BeforeEach
    void start() {
        emu = KmsEmulator.builder().clock(clock).build().start();
        kms = EmulatorTestSupport.kms(emu.endpoint());
        id = emu.seedStore(StoreSpec.cloudHsm("hsm").id("cks-1234567890abcdef0"));
    }

    @AfterEach
    void stop() {
        kms.close();
        emu.close();
    }

    private ConnectionStateType described() {
        return kms.describeCustomKeyStores(r -> r.customKeyStoreId(id)).customKeyStores().get(0).connectionState();
    }

    @Test
    void describeLagShowsThePreviousStateUntilTheLagPasses() {
        emu.faults().describeLag(Duration.ofSeconds(10));
        kms.connectCustomKeyStore(r -> r.customKeyStoreId(id));
        assertThat(emu.state(id)).isEqualTo(ConnectionState.CONNECTING);
        assertThat(described()).isEqualTo(ConnectionStateType.DISCONNECTED);
        clock.advance(Duration.ofSeconds(10));
        assertThat(described()).isEqualTo(ConnectionStateType.CONNECTING);
        clock.advance(Duration.ofSeconds(10)); // CONNECTED at t=20, visible at t=30
        assertThat(emu.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(described()).isEqualTo(ConnectionStateType.CONNECTING);
        clock.advance(Duration.ofSeconds(10));
        assertThat(described()).isEqualTo(ConnectionStateType.CONNECTED);
    }

    @Test
    void perStoreDescribeLagOverridesTheGlobalOne() {
        String other = emu.seedStore(StoreSpec.external("xks"));
        emu.faults().describeLag(Duration.ofSeconds(30)).describeLag(other, Duration.ZERO);
        emu.outOfBandConnect(id);
        emu.outOfBandConnect(other);
        assertThat(emu.describedState(id)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(emu.describedState(other)).isEqualTo(ConnectionState.CONNECTING);
    }

    @Test
    void throttlesTheSixthRequestInOneSecondPerOperation() {
        emu.faults().quotaThrottling(true);
        for (int i = 0; i < 5; i++) {
            described();
        }
        assertThatThrownBy(this::described).isInstanceOf(KmsException.class).satisfies(e -> {
            KmsException k = (KmsException) e;
            assertThat(k.isThrottlingException()).isTrue();
            assertThat(k.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
            assertThat(k.statusCode()).isEqualTo(400);
        });
        // Another operation has its own quota.
        kms.connectCustomKeyStore(r -> r.customKeyStoreId(id));
        clock.advance(Duration.ofMillis(200)); // one token back
        described();
        assertThatThrownBy(this::described).isInstanceOf(KmsException.class);
        clock.advance(Duration.ofSeconds(1));
        for (int i = 0; i < 5; i++) {
            described();
        }
        assertThat(emu.requestLog().count("DescribeCustomKeyStores", "ThrottlingException")).isEqualTo(2);
    }

    @Test
    void forcedThrottlingForTheNextRequests() {
        emu.faults().throttleNext("ConnectCustomKeyStore", 2);
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> kms.connectCustomKeyStore(r -> r.customKeyStoreId(id)))
                    .isInstanceOf(KmsException.class)
                    .satisfies(e -> assertThat(((KmsException) e).isThrottlingException()).isTrue());
        }
        described(); // other operations are not affected
        kms.connectCustomKeyStore(r -> r.customKeyStoreId(id));
        assertThat(emu.state(id)).isEqualTo(ConnectionState.CONNECTING);
        assertThat(emu.requestCount("ConnectCustomKeyStore")).isEqualTo(3);
    }

    @Test
    void internalErrorsAre500() {
        emu.faults().internalErrorNext(Faults.ANY, 1);
        assertThatThrownBy(this::described).isInstanceOf(KmsInternalException.class)
                .satisfies(e -> assertThat(((KmsException) e).statusCode()).isEqualTo(500));
        assertThat(described()).isEqualTo(ConnectionStateType.DISCONNECTED);
    }

    @Test
    void internalErrorRateIsSeededAndRoughlyRight() {
        emu.faults().internalErrorRate(0.5);
        int failures = 0;
        for (int i = 0; i < 40; i++) {
            try {
                described();
            } catch (KmsInternalException e) {
                failures++;
            }
        }
        assertThat(failures).isBetween(10, 30);
        assertThat(emu.requestLog().count("DescribeCustomKeyStores", "KMSInternalException")).isEqualTo(failures);
    }

    @Test
    void anyModelledErrorCanBeInjectedPerStore() {
        String other = emu.seedStore(StoreSpec.cloudHsm("other").cloudHsmClusterId("cluster-765432abcdefg"));
        emu.faults().errorNext("ConnectCustomKeyStore", id, "CloudHsmClusterNotActiveException", 1)
                .errorNext("DescribeCustomKeyStores", Faults.ANY, "DependencyTimeoutException", 1);
        kms.connectCustomKeyStore(r -> r.customKeyStoreId(other)); // the rule names another store
        assertThatThrownBy(() -> kms.connectCustomKeyStore(r -> r.customKeyStoreId(id)))
                .isInstanceOf(CloudHsmClusterNotActiveException.class);
        assertThatThrownBy(this::described).isInstanceOf(DependencyTimeoutException.class)
                .satisfies(e -> assertThat(((KmsException) e).statusCode()).isEqualTo(500));
        kms.connectCustomKeyStore(r -> r.customKeyStoreId(id));
        assertThat(emu.state(id)).isEqualTo(ConnectionState.CONNECTING);
    }

    @Test
    void connectionResetSurfacesAsAnSdkClientError() {
        emu.faults().resetConnectionNext("DisconnectCustomKeyStore", 1);
        emu.forceState(id, ConnectionState.CONNECTED, null);
        assertThatThrownBy(() -> kms.disconnectCustomKeyStore(r -> r.customKeyStoreId(id)))
                .isInstanceOf(SdkClientException.class);
        assertThat(emu.state(id)).isEqualTo(ConnectionState.CONNECTED);
        kms.disconnectCustomKeyStore(r -> r.customKeyStoreId(id));
        assertThat(emu.state(id)).isEqualTo(ConnectionState.DISCONNECTING);
        assertThat(emu.requestLog().count("DisconnectCustomKeyStore", RequestLog.RESET)).isEqualTo(1);
    }

    @Test
    void outOfBandChangesFollowTheSameRules() {
        emu.outOfBandConnect(id);
        clock.advance(Duration.ofSeconds(20));
        assertThat(described()).isEqualTo(ConnectionStateType.CONNECTED);
        emu.outOfBandDisconnect(id);
        assertThat(described()).isEqualTo(ConnectionStateType.DISCONNECTING);
        assertThatThrownBy(() -> emu.outOfBandDisconnect(id)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CustomKeyStoreInvalidStateException");
        assertThat(emu.requestCount("DisconnectCustomKeyStore")).isZero();
    }

    @Test
    void globalFailNextConnectAppliesToWhicheverStoreConnectsNext() {
        emu.faults().failNextConnect("NETWORK_ERRORS");
        kms.connectCustomKeyStore(r -> r.customKeyStoreId(id));
        clock.advance(Duration.ofSeconds(20));
        assertThat(emu.state(id)).isEqualTo(ConnectionState.FAILED);
        assertThat(emu.connectionErrorCode(id)).contains("NETWORK_ERRORS");
        assertThatThrownBy(() -> emu.faults().failNextConnect("NOT_A_CODE"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("XKS_PROXY_TIMED_OUT");
    }
}
