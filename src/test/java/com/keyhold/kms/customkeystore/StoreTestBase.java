package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.core.PollSchedule;
import com.keyhold.kms.customkeystoreconnection.core.RetryPolicy;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.local.emulator.RequestLog;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StoreSpec;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import com.keyhold.kms.customkeystoreconnection.testsupport.EmulatorClients;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The key store type's end-to-end rig: real request JSON through its HandlerWrapper, the handlers' SDK clients
 * talking HTTP to the emulator, CloudFormation's callback loop on the emulator's virtual clock, and every log line
 * captured for the secrets check.
 */
abstract class StoreTestBase {
    static final String CLUSTER = "cluster-234567abcdefg";
    static final String TRUST_ANCHOR = "-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----";
    static final String PASSWORD = "kmsPswd1";
    static final String NEW_PASSWORD = "resetPw22";
    static final String ACCESS_KEY_ID = "ABCDEFGHIJKLMNOPQRST";
    static final String NEW_ACCESS_KEY_ID = "QRSTABCDEFGHIJKLMNOP";
    static final String XKS_SECRET = "s3cretXksProxyKeyThatIsLongEnough0123456789+/=";
    static final String NEW_XKS_SECRET = "an0therXksProxyKeyThatIsLongEnough0123456789+/";
    static final List<String> SECRETS = List.of(PASSWORD, NEW_PASSWORD, XKS_SECRET, NEW_XKS_SECRET);

    final VirtualClock clock = new VirtualClock();
    KmsEmulator emulator;
    WrapperDriver driver;
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();
    private PrintStream standardError;

    @BeforeEach
    void start() {
        standardError = System.err;
        System.setErr(new PrintStream(new TeeStream(standardError, logs), true, StandardCharsets.UTF_8));
        emulator = KmsEmulator.builder().clock(clock).build().start();
        driver = newDriver();
    }

    @AfterEach
    void stop() {
        System.setErr(standardError);
        emulator.close();
    }

    WrapperDriver newDriver() {
        final HandlerConfig config = new HandlerConfig(clock, EmulatorClients.at(emulator.endpoint()),
            PollSchedule.DEFAULT, RetryPolicy.DEFAULT);
        return new WrapperDriver(clock, new HandlerWrapper(config, WrapperDriver.tmp()), ResourceModel.TYPE_NAME)
            .as(WrapperDriver.STACK_ID, "Store");
    }

    static Map<String, Object> hsm(final String name, final String password, final String version) {
        final Map<String, Object> props = new LinkedHashMap<>();
        props.put("CustomKeyStoreName", name);
        props.put("CloudHsmClusterId", CLUSTER);
        props.put("TrustAnchorCertificate", TRUST_ANCHOR);
        props.put("KeyStorePassword", password);
        if (version != null) {
            props.put("KeyStorePasswordVersion", version);
        }
        return props;
    }

    static Map<String, Object> xks(final String endpoint, final String accessKeyId, final String secret) {
        final Map<String, Object> props = new LinkedHashMap<>();
        props.put("CustomKeyStoreName", "payments-xks");
        props.put("CustomKeyStoreType", "EXTERNAL_KEY_STORE");
        props.put("XksProxyConnectivity", "PUBLIC_ENDPOINT");
        props.put("XksProxyUriEndpoint", endpoint);
        props.put("XksProxyUriPath", "/example/kms/xks/v1");
        props.put("XksProxyAuthenticationCredential", Map.of("AccessKeyId", accessKeyId, "RawSecretAccessKey", secret));
        return props;
    }

    static Map<String, Object> with(final Map<String, Object> props, final String id) {
        final Map<String, Object> copy = new LinkedHashMap<>(props);
        copy.put("CustomKeyStoreId", id);
        return copy;
    }

    String create(final Map<String, Object> props) {
        final JsonNode created = driver.run("CREATE", props, null);
        assertThat(created.path("status").asText()).as(created.toString()).isEqualTo("SUCCESS");
        return created.path("resourceModel").path("CustomKeyStoreId").asText();
    }

    /** What the connection type does after the store's create: connect, and wait on the virtual clock. */
    void connect(final String id) {
        emulator.outOfBandConnect(id);
        clock.advanceSeconds(60);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
    }

    long calls(final String operation) {
        return emulator.requestCount(operation);
    }

    /** Every output of every path: final answers, messages, callback contexts, logs, the emulator's log and state. */
    void assertNoSecretAnywhere() {
        final List<String> outputs = new ArrayList<>();
        for (JsonNode response : driver.responses()) {
            outputs.add(response.path("message").asText());
            outputs.add(response.path("callbackContext").toString());
            if (!"IN_PROGRESS".equals(response.path("status").asText())) {
                outputs.add(response.toString());
            }
        }
        outputs.add(logs.toString(StandardCharsets.UTF_8));
        emulator.requestLog().entries().forEach(entry -> outputs.add(entry.toString()));
        outputs.add(emulator.stateJson());
        for (String secret : SECRETS) {
            assertThat(outputs).allSatisfy(output -> assertThat(output).doesNotContain(secret));
        }
    }

    /** Writes to both streams: the test sees the logs, and so does the console. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream first;
        private final java.io.OutputStream second;

        TeeStream(final java.io.OutputStream first, final java.io.OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(final int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }
    }
}
