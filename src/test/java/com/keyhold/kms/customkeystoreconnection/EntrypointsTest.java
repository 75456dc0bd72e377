package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.protocol.TempDirectoryGuard;
import static com.keyhold.kms.customkeystoreconnection.HandlerWrapperTest.XKS;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.core.PollSchedule;
import com.keyhold.kms.customkeystoreconnection.core.RetryPolicy;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeKms;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeSsm;
import com.keyhold.kms.customkeystoreconnection.testsupport.FixedClients;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import com.keyhold.kms.customkeystoreconnection.protocol.ExecutableEntryPoint;
import com.keyhold.kms.customkeystoreconnection.protocol.LocalLambdaContext;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.ConnectionStateType;

/** The contract-test entry point and the executable entry point the CloudFormation CLI runs. */
class EntrypointsTest {
    private final VirtualClock clock = new VirtualClock();
    private final FakeKms kms = new FakeKms(clock).store(XKS, "EXTERNAL_KEY_STORE", ConnectionStateType.CONNECTED);
    private final FakeSsm ssm = new FakeSsm();
    private final HandlerConfig config = new HandlerConfig(clock, new FixedClients(kms, ssm), PollSchedule.DEFAULT,
        RetryPolicy.DEFAULT);

    private JsonNode testEntrypoint(final String action, final Map<String, ?> model) throws Exception {
        final ObjectNode payload = WrapperDriver.JSON.createObjectNode();
        final ObjectNode credentials = payload.putObject("credentials");
        credentials.put("accessKeyId", "AKIAIOSFODNN7EXAMPLE");
        credentials.put("secretAccessKey", "secret");
        credentials.put("sessionToken", "token");
        payload.put("action", action);
        final ObjectNode request = payload.putObject("request");
        request.put("clientRequestToken", "4b90a7e4-b790-456b-a937-0cfdfa211dfe");
        request.set("desiredResourceState", WrapperDriver.JSON.valueToTree(model));
        request.put("logicalResourceIdentifier", "Contract");
        request.put("region", "us-east-1");
        request.put("awsAccountId", "123456789012");
        payload.putNull("callbackContext");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        new HandlerWrapper(config, TempDirectoryGuard.never()).testEntrypoint(
            new ByteArrayInputStream(WrapperDriver.JSON.writeValueAsBytes(payload)), out, LocalLambdaContext.standardError("keyhold-local"));
        return WrapperDriver.JSON.readTree(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void testEntrypointRunsTheHandlersTheContractTestsCall() throws Exception {
        final JsonNode created = testEntrypoint("CREATE", Map.of("CustomKeyStoreId", XKS, "ConnectionState", "CONNECTED"));
        assertThat(created.path("status").asText()).isEqualTo("SUCCESS");
        final JsonNode read = testEntrypoint("READ", Map.of("CustomKeyStoreId", XKS));
        assertThat(read.path("resourceModel").path("ObservedConnectionState").asText()).isEqualTo("CONNECTED");
        final JsonNode bad = testEntrypoint("READ", Map.of("CustomKeyStoreId", "not-an-id"));
        assertThat(bad.path("errorCode").asText()).isEqualTo("NotFound");
    }

    @Test
    void testEntrypointReportsAnUnreadablePayload() throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        new HandlerWrapper(config, TempDirectoryGuard.never()).testEntrypoint(
            new ByteArrayInputStream("{\"action\": \"EXPLODE\"}".getBytes(StandardCharsets.UTF_8)), out,
            LocalLambdaContext.standardError("keyhold-local"));
        assertThat(WrapperDriver.JSON.readTree(out.toString(StandardCharsets.UTF_8)).path("status").asText())
            .isEqualTo("FAILED");
    }

    @Test
    void executablePrintsTheResponseBetweenTheCliMarkers() throws Exception {
        final WrapperDriver driver = new WrapperDriver(clock, config);
        final String request = WrapperDriver.JSON.writeValueAsString(
            driver.request("READ", Map.of("CustomKeyStoreId", "cks-1"), null));
        final String printed = ExecutableEntryPoint.run(new HandlerWrapper(config, TempDirectoryGuard.never()),
            request);
        assertThat(printed).startsWith(ExecutableEntryPoint.START).endsWith(ExecutableEntryPoint.END);
        final JsonNode response = WrapperDriver.JSON.readTree(printed.substring(ExecutableEntryPoint.START.length(),
            printed.length() - ExecutableEntryPoint.END.length()));
        assertThat(response.path("errorCode").asText()).isEqualTo("NotFound");
        assertThat(ExecutableEntryPoint.START).isEqualTo("__CFN_RESOURCE_START_RESPONSE__");
        assertThat(ExecutableEntryPoint.END).isEqualTo("__CFN_RESOURCE_END_RESPONSE__");
    }
}
