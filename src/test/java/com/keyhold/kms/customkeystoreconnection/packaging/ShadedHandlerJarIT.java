package com.keyhold.kms.customkeystoreconnection.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StoreSpec;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The unit and end-to-end tests run on the unshaded class path, so they cannot see what shading removed from the
 * handler jar. This drives the shipped jar itself, one fresh JVM per invocation as Lambda would, through create
 * (with its callbacks), read, update, list and delete against the emulator: a class the trimming dropped by mistake
 * shows up here as a NoClassDefFoundError.
 */
class ShadedHandlerJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of("target/keyhold-kms-customkeystoreconnection-handler-1.0.0.jar");
    private static final String ID = "cks-1234567890abcdef0";
    private static final VirtualClock CLOCK = new VirtualClock();
    private static KmsEmulator emulator;
    private static TelemetrySink telemetry;
    private static Path tmp;

    @BeforeAll
    static void start() throws IOException {
        emulator = KmsEmulator.builder().clock(CLOCK).connectSeconds(10).build().start();
        emulator.seedStore(StoreSpec.cloudHsm("shaded-jar").id(ID).state(ConnectionState.DISCONNECTED));
        telemetry = new TelemetrySink();
        tmp = Files.createTempDirectory(Path.of("target"), "shaded-it-");
    }

    @AfterAll
    static void stop() {
        emulator.close();
        telemetry.close();
    }

    private static ObjectNode request(final String action, final Map<String, String> properties,
                                      final Map<String, String> previous) {
        final ObjectNode request = JSON.createObjectNode();
        request.put("awsAccountId", "123456789012");
        request.put("bearerToken", "5b1e2f7c-shaded-" + action);
        request.put("region", "us-east-1");
        request.put("action", action);
        request.put("resourceType", "Keyhold::KMS::CustomKeyStoreConnection");
        request.put("stackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/shaded/1");
        final ObjectNode data = request.putObject("requestData");
        final ObjectNode credentials = data.putObject("callerCredentials");
        credentials.put("accessKeyId", "AKIAIOSFODNN7EXAMPLE");
        credentials.put("secretAccessKey", "secret");
        credentials.put("sessionToken", "token");
        data.put("logicalResourceId", "Shaded");
        if (properties != null) {
            data.set("resourceProperties", JSON.valueToTree(properties));
        }
        if (previous != null) {
            data.set("previousResourceProperties", JSON.valueToTree(previous));
        }
        request.putNull("callbackContext");
        return request;
    }

    /** One invocation in a fresh JVM on the shaded jar alone. */
    private static JsonNode invoke(final ObjectNode request) throws Exception {
        final Path stderr = tmp.resolve("stderr.txt");
        final ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-Djava.io.tmpdir=" + tmp, "-cp", JAR.toString(),
            "com.keyhold.kms.customkeystoreconnection.HandlerWrapperExecutable", JSON.writeValueAsString(request))
            .redirectError(stderr.toFile());
        builder.environment().put("AWS_ENDPOINT_URL_KMS", emulator.endpoint().toString());
        builder.environment().put("AWS_ENDPOINT_URL_SSM", emulator.endpoint().toString());
        // The owner's metrics and logs (providerCredentials) go to a loopback stand-in that keeps what it was sent.
        builder.environment().put("AWS_ENDPOINT_URL_CLOUDWATCH", telemetry.endpoint().toString());
        builder.environment().put("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", telemetry.endpoint().toString());
        builder.environment().put("AWS_REGION", "us-east-1");
        builder.environment().remove("AWS_LAMBDA_FUNCTION_NAME");
        final Process process = builder.start();
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        final String errors = Files.readString(stderr);
        assertThat(errors).doesNotContain("NoClassDefFoundError", "ClassNotFoundException", "NoSuchMethodError");
        assertThat(errors).as("SLF4J finds its (NOP) binding: no warning on every cold start").doesNotContain("SLF4J:");
        assertThat(process.exitValue()).as(errors).isZero();
        return JSON.readTree(out.substring(out.indexOf("__CFN_RESOURCE_START_RESPONSE__") + 31,
            out.indexOf("__CFN_RESOURCE_END_RESPONSE__")));
    }

    /** CloudFormation's callback loop, on the emulator's clock. */
    private static JsonNode run(final ObjectNode request) throws Exception {
        for (int i = 0; i < 30; i++) {
            final JsonNode response = invoke(request);
            if (!"IN_PROGRESS".equals(response.path("status").asText())) {
                return response;
            }
            CLOCK.advanceSeconds(response.path("callbackDelaySeconds").asLong());
            request.set("callbackContext", response.get("callbackContext"));
        }
        throw new AssertionError("no answer after 30 invocations");
    }

    @Test
    void theShippedJarRunsEveryAction() throws Exception {
        final Map<String, String> connected = Map.of("CustomKeyStoreId", ID, "ConnectionState", "CONNECTED");
        final Map<String, String> disconnected = Map.of("CustomKeyStoreId", ID, "ConnectionState", "DISCONNECTED");

        assertThat(run(request("CREATE", connected, null)).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(emulator.state(ID)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(run(request("READ", Map.of("CustomKeyStoreId", ID), null)).path("resourceModel")
            .path("ObservedConnectionState").asText()).isEqualTo("CONNECTED");
        assertThat(run(request("UPDATE", disconnected, connected)).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(emulator.state(ID)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(run(request("LIST", null, null)).path("resourceModels").findValuesAsText("CustomKeyStoreId"))
            .containsExactly(ID);
        assertThat(run(request("DELETE", disconnected, null)).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(run(request("READ", Map.of("CustomKeyStoreId", ID), null)).path("errorCode").asText())
            .isEqualTo("NotFound");
        assertThat(run(request("CREATE", Map.of("CustomKeyStoreId", "my store", "ConnectionState", "UP"), null))
            .path("errorCode").asText()).isEqualTo("InvalidRequest");
    }

    @Test
    void theOwnersMetricsAndLogsGoThroughTheShippedJar() throws Exception {
        // What CloudFormation sends when the type is registered with a logging configuration.
        final ObjectNode request = request("READ", Map.of("CustomKeyStoreId", "cks-00000000000000000"), null);
        final ObjectNode provider = ((ObjectNode) request.get("requestData")).putObject("providerCredentials");
        provider.put("accessKeyId", "AKIAIOSFODNN7PROVIDER");
        provider.put("secretAccessKey", "secret");
        provider.put("sessionToken", "token");
        ((ObjectNode) request.get("requestData")).put("providerLogGroupName", "keyhold-provider-logs");
        assertThat(invoke(request).path("errorCode").asText()).isEqualTo("NotFound");
        final String published = Files.readString(tmp.resolve("stderr.txt"));
        assertThat(telemetry.calls("PutMetricData")).as(telemetry.operations() + "\n" + published).isNotEmpty()
            .allSatisfy(call -> assertThat(call.body()).contains("Keyhold/KMS/CustomKeyStoreConnection"))
            .anySatisfy(call -> assertThat(call.body()).contains("HandlerInvocationCount", "READ"));
        assertThat(telemetry.calls("PutLogEvents")).as(telemetry.operations() + "\n" + published).isNotEmpty()
            .allSatisfy(call -> assertThat(call.body()).contains("keyhold-provider-logs"))
            .anySatisfy(call -> assertThat(call.body()).contains("cks-00000000000000000"));
    }
}
