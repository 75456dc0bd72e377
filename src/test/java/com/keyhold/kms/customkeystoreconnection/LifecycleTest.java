package com.keyhold.kms.customkeystoreconnection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeKms;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeSsm;
import com.keyhold.kms.customkeystoreconnection.testsupport.FixedClients;
import com.keyhold.kms.customkeystoreconnection.testsupport.MutableClock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.ConnectionStateType;

/** The whole lifecycle through the wrapper's request JSON, on in-memory KMS and SSM. */
class LifecycleTest {
    private static final String ID = "cks-1234567890abcdef0";
    private final MutableClock clock = new MutableClock();
    private final FakeKms kms = new FakeKms(clock).store(ID, "AWS_CLOUDHSM", ConnectionStateType.DISCONNECTED);
    private final FakeSsm ssm = new FakeSsm();
    private final WrapperDriver driver = new WrapperDriver(clock, new FixedClients(kms, ssm));

    @Test
    void createReadUpdateDeleteDrivesTheKeyStore() {
        JsonNode created = driver.run("CREATE", Map.of("CustomKeyStoreId", ID, "ConnectionState", "CONNECTED"), null);
        System.out.println(created.toPrettyString());
        assertThat(created.path("status").asText()).isEqualTo("SUCCESS");
        assertThat(kms.state(ID)).isEqualTo(ConnectionStateType.CONNECTED);
        driver.responses().forEach(r -> System.out.println(r.path("message").asText() + " " + r.path("callbackDelaySeconds")));
    }
}
