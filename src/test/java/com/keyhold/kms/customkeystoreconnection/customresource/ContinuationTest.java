package com.keyhold.kms.customkeystoreconnection.customresource;

import com.keyhold.kms.customkeystoreconnection.core.Durations;
import static com.keyhold.kms.customkeystoreconnection.customresource.Rig.HSM;
import static com.keyhold.kms.customkeystoreconnection.customresource.Rig.props;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Transitions longer than an invocation: the handler re-invokes itself with its progress, a new handler instance
 * resumes from it, and only the last invocation answers. Also a second delivery of the same event.
 */
class ContinuationTest {
    /** A CloudHSM connect of 20 minutes (the documented worst case); invocations with 5 minutes left. */
    private final Rig rig = new Rig(Duration.ofMinutes(20));
    private static final Duration SHORT = Duration.ofMinutes(5);

    @AfterEach
    void close() {
        rig.close();
    }

    private static JsonNode json(final byte[] payload) throws Exception {
        return Rig.JSON.readTree(payload);
    }

    @Test
    void longConnectContinuesInNewInvocationsWithItsProgressAndAnswersOnceAtTheEnd() throws Exception {
        final Instant start = rig.clock.instant();
        final String event = rig.event("Create", "create-1", null, props(HSM, "CONNECTED"), null);
        rig.invoke(rig.handler(), event, SHORT);

        assertThat(rig.server.received()).as("no answer while the connect runs").isEmpty();
        assertThat(rig.invoked).hasSize(1);
        assertThat(rig.invokedArns).containsExactly(Rig.FUNCTION_ARN);
        final JsonNode first = json(rig.invoked.get(0));
        assertThat(first.path("event")).isEqualTo(Rig.JSON.readTree(event));
        final JsonNode continuation = first.path("keyholdContinuation");
        assertThat(continuation.path("phase").asText()).isEqualTo(Continuation.PHASE_DRIVE);
        assertThat(continuation.path("attempts").asInt()).isEqualTo(1);
        assertThat(continuation.path("startedAtMillis").asLong()).isEqualTo(start.toEpochMilli());
        assertThat(continuation.path("progress").path("lastCall").asText()).isEqualTo("CONNECT");
        assertThat(continuation.path("progress").path("target").asText()).isEqualTo("CONNECTED");
        assertThat(continuation.path("nextStepAtMillis").asLong()).isGreaterThan(rig.clock.millis() - 60_000);
        assertThat(rig.emulator.requestCount("ConnectCustomKeyStore")).isEqualTo(1);
        // The log says which request this is, each wait, and how far the continuation has come.
        assertThat(rig.log).contains("Create Custom::KeyholdConnection for KeyStoreConnection (null), RequestId "
            + "create-1, invocation 1", String.format("%s: continuing in invocation 2 (phase %s, %s since the request "
                + "started)", HSM, Continuation.PHASE_DRIVE, Durations.human(Duration.between(start,
                rig.clock.instant()))));
        assertThat(rig.log).anyMatch(line -> line.startsWith(HSM + ": CONNECTING for "));

        // Each continuation in a fresh handler instance, as after a cold start.
        while (!rig.continuations.isEmpty()) {
            rig.invoke(rig.handler(), rig.continuations.poll(), SHORT);
        }
        assertThat(rig.invoked).as("20 minutes in 5-minute invocations").hasSizeGreaterThanOrEqualTo(4);
        assertThat(json(rig.invoked.get(rig.invoked.size() - 1)).path("keyholdContinuation").path("attempts").asInt())
            .isEqualTo(rig.invoked.size());
        assertThat(rig.emulator.requestCount("ConnectCustomKeyStore")).as("never repeated").isEqualTo(1);
        assertThat(rig.emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(rig.server.received()).hasSize(1);
        assertThat(rig.server.received().get(0).json().path("Status").asText()).isEqualTo("SUCCESS");
        assertThat(Duration.between(start, rig.clock.instant())).isBetween(Duration.ofMinutes(20),
            Duration.ofMinutes(21));
        assertThat(rig.log).anyMatch(line -> line.contains("continuing in invocation 2"));
        // Poll cost: at most 6 + T/30 describes for the transition (one more for the existence check).
        assertThat(rig.emulator.requestCount("DescribeCustomKeyStores")).isLessThanOrEqualTo(6 + 1200 / 30 + 1);
    }

    @Test
    void transientErrorsDuringTheExistenceCheckContinueInTheCheckPhase() throws Exception {
        rig.emulator.faults().throttleNext("DescribeCustomKeyStores", 3);
        rig.invoke(rig.handler(), rig.event("Create", "create-1", null, props(HSM, "DISCONNECTED"), null),
            Duration.ofSeconds(63));
        assertThat(rig.invoked).hasSize(1);
        assertThat(json(rig.invoked.get(0)).path("keyholdContinuation").path("phase").asText())
            .isEqualTo(Continuation.PHASE_CHECK);
        assertThat(rig.emulator.parameterValue("/keyhold/kms/custom-key-store-connection/" + HSM)).isEmpty();
        while (!rig.continuations.isEmpty()) {
            rig.invoke(rig.handler(), rig.continuations.poll(), SHORT);
        }
        assertThat(rig.server.received()).hasSize(1);
        assertThat(rig.server.received().get(0).json().path("Status").asText()).isEqualTo("SUCCESS");
        assertThat(rig.emulator.parameterValue("/keyhold/kms/custom-key-store-connection/" + HSM)).isPresent();
    }

    @Test
    void secondDeliveryOfTheSameEventMakesNoCallAndSendsNoAnswer() {
        final String event = rig.event("Create", "create-1", null, props(HSM, "CONNECTED"), null);
        rig.invoke(rig.handler(), event, SHORT);
        assertThat(rig.continuations).hasSize(1);

        // Lambda delivers CloudFormation's event again while the first delivery's chain is running.
        rig.invoke(rig.handler(), event, SHORT);
        assertThat(rig.continuations).as("the duplicate does not start a second chain").hasSize(1);
        assertThat(rig.server.received()).isEmpty();
        assertThat(rig.log).anyMatch(line -> line.contains("second delivery of the same event"));

        while (!rig.continuations.isEmpty()) {
            rig.invoke(rig.handler(), rig.continuations.poll(), SHORT);
        }
        // And once more after the answer.
        rig.invoke(rig.handler(), event, SHORT);

        assertThat(rig.emulator.requestCount("ConnectCustomKeyStore")).isEqualTo(1);
        assertThat(rig.emulator.requestCount("DisconnectCustomKeyStore")).isZero();
        assertThat(rig.server.receivedFor("create-1")).hasSize(1);
        assertThat(rig.server.receivedFor("create-1").get(0).json().path("Status").asText()).isEqualTo("SUCCESS");
    }

    @Test
    void secondDeliveryOfAnUpdateOrDeleteInFlightIsRecognisedByTheRecord() {
        rig.runToEnd(rig.event("Create", "create-1", null, props(HSM, "CONNECTED", "DISCONNECTED"), null));
        final String update = rig.event("Update", "update-1", HSM, props(HSM, "DISCONNECTED", "DISCONNECTED"),
            props(HSM, "CONNECTED", "DISCONNECTED"));
        rig.runToEnd(update);
        rig.runToEnd(update);
        assertThat(rig.server.receivedFor("update-1")).hasSize(1);
        assertThat(rig.emulator.requestCount("DisconnectCustomKeyStore")).isEqualTo(1);

        rig.runToEnd(rig.event("Update", "update-2", HSM, props(HSM, "CONNECTED", "DISCONNECTED"),
            props(HSM, "DISCONNECTED", "DISCONNECTED")), SHORT);
        final String delete = rig.event("Delete", "delete-1", HSM, props(HSM, "CONNECTED", "DISCONNECTED"), null);
        rig.invoke(rig.handler(), delete, Duration.ofSeconds(61));
        assertThat(rig.continuations).as("the delete's disconnect is still running").hasSize(1);
        rig.invoke(rig.handler(), delete, SHORT);
        assertThat(rig.continuations).hasSize(1);
        while (!rig.continuations.isEmpty()) {
            rig.invoke(rig.handler(), rig.continuations.poll(), SHORT);
        }
        assertThat(rig.server.receivedFor("delete-1")).hasSize(1);
        assertThat(rig.emulator.requestCount("DisconnectCustomKeyStore")).isEqualTo(2);
        assertThat(rig.emulator.state(HSM)).isEqualTo(ConnectionState.DISCONNECTED);
    }

    @Test
    void overallBudgetExhaustedIsAnsweredFailedOnce() {
        try (Rig slow = new Rig(Duration.ofHours(3))) {
            final CustomResourceHandler handler = slow.handler(
                CustomResourceSettings.forTestsWithLocalResponseUrl().withBudget(Duration.ofMinutes(30)));
            slow.invoke(handler, slow.event("Create", "create-1", null, props(HSM, "CONNECTED"), null), SHORT);
            while (!slow.continuations.isEmpty()) {
                slow.invoke(handler, slow.continuations.poll(), SHORT);
            }
            assertThat(slow.server.received()).hasSize(1);
            final JsonNode body = slow.server.received().get(0).json();
            assertThat(body.path("Status").asText()).isEqualTo("FAILED");
            assertThat(body.path("Reason").asText()).startsWith("NotStabilized: ").contains(HSM, "30m")
                .containsPattern("not finished 3[0-4]m\\d\\ds after the request started \\(budget 30m00s; last seen "
                    + "CONNECTING, target CONNECTED\\)");
            assertThat(body.path("PhysicalResourceId").asText()).isEqualTo(HSM);
        }
    }

    @Test
    void failingSelfInvocationIsAnsweredFailedNamingThePermission() {
        final CustomResourceHandler handler = new CustomResourceHandler(rig.clock,
            new com.keyhold.kms.customkeystoreconnection.testsupport.FixedClients(rig.kms, rig.ssm),
            new HttpResponseSender(rig.http, rig::sleep, 1, Duration.ofSeconds(1), Duration.ofSeconds(5)),
            (arn, payload) -> {
                throw new IllegalStateException("AccessDeniedException");
            }, rig::sleep, CustomResourceSettings.forTestsWithLocalResponseUrl());
        rig.invoke(handler, rig.event("Create", "create-1", null, props(HSM, "CONNECTED"), null), SHORT);
        assertThat(rig.server.received()).hasSize(1);
        assertThat(rig.server.received().get(0).json().path("Reason").asText()).startsWith("InternalFailure: ")
            .contains("lambda:InvokeFunction", Rig.FUNCTION_ARN, "AccessDeniedException");
    }

    @Test
    void interruptedWaitContinuesInANewInvocation() {
        final CustomResourceHandler handler = rig.handler(CustomResourceSettings.forTestsWithLocalResponseUrl(),
            (url, body, log) -> true);
        final CustomResourceHandler interrupted = new CustomResourceHandler(rig.clock,
            new com.keyhold.kms.customkeystoreconnection.testsupport.FixedClients(rig.kms, rig.ssm),
            (url, body, log) -> true, (arn, payload) -> rig.continuations.add(payload), d -> {
                throw new InterruptedException("shutdown");
            }, CustomResourceSettings.forTestsWithLocalResponseUrl());
        rig.invoke(interrupted, rig.event("Create", "create-1", null, props(HSM, "CONNECTED"), null), SHORT);
        assertThat(Thread.interrupted()).as("the interrupt is preserved").isTrue();
        assertThat(rig.continuations).hasSize(1);
        rig.invoke(handler, rig.continuations.poll(), SHORT);
        assertThat(rig.continuations).hasSize(1);
        assertThat(rig.emulator.requestCount("ConnectCustomKeyStore")).isEqualTo(1);
    }
}
