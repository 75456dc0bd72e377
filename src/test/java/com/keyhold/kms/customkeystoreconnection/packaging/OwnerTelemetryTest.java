package com.keyhold.kms.customkeystoreconnection.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.HandlerConfig;
import com.keyhold.kms.customkeystoreconnection.HandlerWrapper;
import com.keyhold.kms.customkeystoreconnection.ResourceModel;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.core.PollSchedule;
import com.keyhold.kms.customkeystoreconnection.core.RetryPolicy;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import com.keyhold.kms.customkeystoreconnection.protocol.TempDirectoryGuard;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeKms;
import com.keyhold.kms.customkeystoreconnection.testsupport.FakeSsm;
import com.keyhold.kms.customkeystoreconnection.testsupport.FixedClients;
import com.keyhold.kms.customkeystoreconnection.testsupport.TemporarySystemProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The type owner's metrics and logs in-process (ShadedHandlerJarIT proves the same through the shipped jar, which
 * mutation testing does not run): what the wrapper publishes for an invocation, to a loopback CloudWatch stand-in,
 * and that a warm execution environment sets its log stream up once.
 */
class OwnerTelemetryTest {
    @Test
    void eachInvocationPublishesItsMetricsAndLogsToTheOwnersAccount() {
        final VirtualClock clock = new VirtualClock();
        final HandlerConfig config = new HandlerConfig(clock, new FixedClients(new FakeKms(clock), new FakeSsm()),
            PollSchedule.DEFAULT, RetryPolicy.DEFAULT);
        final WrapperDriver driver = new WrapperDriver(clock, new HandlerWrapper(config, TempDirectoryGuard.never()),
            ResourceModel.TYPE_NAME);
        final ObjectNode request = driver.request("READ", Map.of("CustomKeyStoreId", "cks-00000000000000000"), null);
        // What CloudFormation sends when the type is registered with a logging configuration.
        final ObjectNode provider = ((ObjectNode) request.get("requestData")).putObject("providerCredentials");
        provider.put("accessKeyId", "AKIAIOSFODNN7PROVIDER");
        provider.put("secretAccessKey", "secret");
        provider.put("sessionToken", "token");
        ((ObjectNode) request.get("requestData")).put("providerLogGroupName", "keyhold-provider-logs");
        try (TelemetrySink telemetry = new TelemetrySink();
             TemporarySystemProperties endpoints = TemporarySystemProperties.set(Map.of(
                 "aws.endpointUrl", telemetry.endpoint().toString(), "aws.region", "us-east-1"))) {
            final JsonNode first = driver.invoke(request);
            final JsonNode second = driver.invoke(request);
            assertThat(first.path("errorCode").asText()).as(first.toString()).isEqualTo("NotFound");
            assertThat(second.path("errorCode").asText()).as(second.toString()).isEqualTo("NotFound");
            final String metrics = String.join("\n", telemetry.calls("PutMetricData").stream()
                .map(TelemetrySink.Call::body).toList());
            assertThat(metrics).as(telemetry.operations().toString()).contains("Keyhold/KMS/CustomKeyStoreConnection",
                "HandlerInvocationCount", "HandlerInvocationDuration", "HandlerExceptionByErrorCode", "NotFound",
                "READ");
            assertThat(telemetry.calls("PutLogEvents")).as(telemetry.operations().toString()).hasSizeGreaterThan(1)
                .allSatisfy(call -> assertThat(call.body()).contains("keyhold-provider-logs"))
                .anySatisfy(call -> assertThat(call.body()).contains("[READ] handler returned FAILED"));
            assertThat(telemetry.calls("CreateLogStream")).as("a warm environment keeps its log stream").hasSize(1);
        }
    }
}
