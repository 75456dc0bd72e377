package com.keyhold.kms.customkeystoreconnection.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StoreSpec;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import com.keyhold.kms.customkeystoreconnection.testsupport.FreshJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The unit and end-to-end tests run on the unshaded class path, so they cannot see what shading removed from the
 * handler jar. This drives the shipped jar itself, one fresh JVM per invocation as Lambda would, through the Lambda
 * entry point .rpdk-config declares (made with its no-argument constructor, as Lambda's runtime does), through create
 * (with its callbacks), read, update, list and delete against the emulator: a class the trimming dropped by mistake
 * shows up here as a NoClassDefFoundError, a wrong entry point as a failed start. The executable entry point gets one
 * request of its own.
 */
class ShadedHandlerJarIT {
    private static final Path JAR = Path.of("target/keyhold-kms-customkeystoreconnection-handler-1.0.0.jar");
    private static final String ID = "cks-1234567890abcdef0";
    private static final VirtualClock CLOCK = new VirtualClock();
    private static KmsEmulator emulator;
    private static TelemetrySink telemetry;
    private static Path tmp;
    private static FreshJvm jvm;

    @BeforeAll
    static void start() throws IOException {
        emulator = KmsEmulator.builder().clock(CLOCK).connectSeconds(10).build().start();
        emulator.seedStore(StoreSpec.cloudHsm("shaded-jar").id(ID).state(ConnectionState.DISCONNECTED));
        telemetry = new TelemetrySink();
        tmp = Files.createTempDirectory(Path.of("target"), "shaded-it-");
        // The owner's metrics and logs (providerCredentials) go to a loopback stand-in that keeps what it was sent.
        jvm = new FreshJvm(JAR, FreshJvm.lambdaEntryPoint(Path.of(".")), Map.of(
            "AWS_ENDPOINT_URL_KMS", emulator.endpoint().toString(),
            "AWS_ENDPOINT_URL_SSM", emulator.endpoint().toString(),
            "AWS_ENDPOINT_URL_CLOUDWATCH", telemetry.endpoint().toString(),
            "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", telemetry.endpoint().toString()), tmp);
    }

    @AfterAll
    static void stop() {
        emulator.close();
        telemetry.close();
    }

    private static ObjectNode request(final String action, final Map<String, String> properties,
                                      final Map<String, String> previous) {
        return FreshJvm.request("Keyhold::KMS::CustomKeyStoreConnection", action, properties, previous);
    }

    private static JsonNode invoke(final ObjectNode request) throws Exception {
        return jvm.invoke(request);
    }

    private static JsonNode run(final ObjectNode request) throws Exception {
        return jvm.run(request, CLOCK);
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
    void theExecutableEntryPointAnswersTheSame() throws Exception {
        final FreshJvm executable = new FreshJvm(JAR, "com.keyhold.kms.customkeystoreconnection.HandlerWrapperExecutable",
            jvm.environment(), tmp);
        assertThat(executable.invoke(request("READ", Map.of("CustomKeyStoreId", "cks-00000000000000000"), null))
            .path("errorCode").asText()).isEqualTo("NotFound");
        assertThat(emulator.requestLog().entries()).anySatisfy(e -> assertThat(e.operation())
            .isEqualTo("DescribeCustomKeyStores"));
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
