package com.keyhold.kms.customkeystoreconnection.e2e;

import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StoreSpec;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import com.keyhold.kms.customkeystoreconnection.testsupport.EmulatorClients;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The real handlers behind {@link com.keyhold.kms.customkeystoreconnection.HandlerWrapper}, their SDK clients talking
 * HTTP to the emulator, CloudFormation's callback loop run on the emulator's virtual clock.
 */
abstract class EmulatorTestBase {
    static final String HSM = "cks-1234567890abcdef0";
    static final String XKS = "cks-0fedcba9876543210";

    final VirtualClock clock = new VirtualClock();
    KmsEmulator emulator;
    WrapperDriver driver;

    @BeforeEach
    void startEmulator() {
        emulator = KmsEmulator.builder().clock(clock).build().start();
        emulator.seedStore(StoreSpec.cloudHsm("production-hsm").id(HSM).state(ConnectionState.DISCONNECTED));
        emulator.seedStore(StoreSpec.external("production-xks").id(XKS).state(ConnectionState.DISCONNECTED));
        driver = newDriver();
    }

    @AfterEach
    void stopEmulator() {
        emulator.close();
    }

    /** A second, independent handler process against the same emulator and clock. */
    WrapperDriver newDriver() {
        return new WrapperDriver(clock, EmulatorClients.at(emulator.endpoint()));
    }

    static Map<String, Object> props(final String id, final String state) {
        final Map<String, Object> props = new HashMap<>();
        props.put("CustomKeyStoreId", id);
        props.put("ConnectionState", state);
        return props;
    }

    long calls(final String operation) {
        return emulator.requestCount(operation);
    }
}
