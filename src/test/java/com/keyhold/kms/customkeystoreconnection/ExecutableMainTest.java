package com.keyhold.kms.customkeystoreconnection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import com.keyhold.kms.customkeystoreconnection.testsupport.TemporarySystemProperties;
import com.keyhold.kms.customkeystoreconnection.protocol.ExecutableEntryPoint;
import com.keyhold.kms.customkeystoreconnection.protocol.LocalLambdaContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CloudFormation CLI runs the executable with the request as its only argument. */
class ExecutableMainTest {
    @Test
    void mainPrintsOneMarkedResponseWithProductionWiring() throws Exception {
        final WrapperDriver driver = new WrapperDriver(new VirtualClock(), (HandlerConfig) null);
        final String request = WrapperDriver.JSON.writeValueAsString(
            driver.request("READ", Map.of("CustomKeyStoreId", "Production store"), null));
        final PrintStream original = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        // Production wiring reads its endpoints from the SDK's settings: an emulator on loopback, so a regression
        // that lets the bad id through reaches the emulator's log instead of AWS. main() moves java.io.tmpdir to a
        // private directory, as it should in its own process; this JVM gets it back.
        try (KmsEmulator emulator = KmsEmulator.builder().build().start();
             TemporarySystemProperties properties = TemporarySystemProperties
                 .set(Map.of("aws.endpointUrl", emulator.endpoint().toString())).keep("java.io.tmpdir")) {
            System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
            try {
                HandlerWrapperExecutable.main(new String[] {request});
            } finally {
                System.setOut(original);
            }
            assertThat(emulator.requestLog().entries()).as("validation answers before any AWS call").isEmpty();
        }
        final String printed = captured.toString(StandardCharsets.UTF_8).trim();
        assertThat(printed).startsWith(ExecutableEntryPoint.START).endsWith(ExecutableEntryPoint.END);
        final JsonNode response = WrapperDriver.JSON.readTree(printed.substring(ExecutableEntryPoint.START.length(),
            printed.length() - ExecutableEntryPoint.END.length()));
        assertThat(response.path("status").asText()).isEqualTo("FAILED");
        // No key store can have that id: the contract's NotFound, saying why.
        assertThat(response.path("errorCode").asText()).isEqualTo("NotFound");
        assertThat(response.path("message").asText()).contains("Production store");
    }

    @Test
    void theLocalContextLogsToStandardErrorOnly() {
        final LocalLambdaContext context = LocalLambdaContext.standardError("keyhold-local");
        final PrintStream original = System.err;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            context.getLogger().log("one");
            context.getLogger().log("two\n".getBytes(StandardCharsets.UTF_8));
        } finally {
            System.setErr(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualTo("one\ntwo\n");
        assertThat(context.getRemainingTimeInMillis()).isBetween(14 * 60 * 1000, 15 * 60 * 1000);
        assertThat(context.getFunctionName()).isEqualTo("keyhold-local");
        assertThat(context.getAwsRequestId()).isEqualTo("local");
        assertThat(context.getFunctionVersion()).isEqualTo("$LATEST");
        assertThat(context.getLogGroupName()).isNull();
        assertThat(context.getLogStreamName()).isNull();
        assertThat(context.getInvokedFunctionArn()).isNull();
        assertThat(context.getIdentity()).isNull();
        assertThat(context.getClientContext()).isNull();
        assertThat(context.getMemoryLimitInMB()).isEqualTo(1024);
    }
}
