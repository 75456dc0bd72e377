package com.keyhold.kms.customkeystoreconnection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
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
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            HandlerWrapperExecutable.main(new String[] {request});
        } finally {
            System.setOut(original);
        }
        final String printed = captured.toString(StandardCharsets.UTF_8).trim();
        final String body = printed.substring(printed.indexOf(HandlerWrapperExecutable.START)
            + HandlerWrapperExecutable.START.length(), printed.indexOf(HandlerWrapperExecutable.END));
        final JsonNode response = WrapperDriver.JSON.readTree(body);
        assertThat(response.path("errorCode").asText()).isEqualTo("InvalidRequest");
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
