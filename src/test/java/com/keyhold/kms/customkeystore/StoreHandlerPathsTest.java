package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.core.PollSchedule;
import com.keyhold.kms.customkeystoreconnection.core.RetryPolicy;
import com.keyhold.kms.customkeystoreconnection.core.TransitionPlanner;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.protocol.LocalLambdaContext;
import com.keyhold.kms.customkeystoreconnection.protocol.TempDirectoryGuard;
import com.keyhold.kms.customkeystoreconnection.testsupport.EmulatorClients;
import com.keyhold.kms.customkeystoreconnection.testsupport.FixedClients;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;
import software.amazon.awssdk.services.kms.model.DescribeCustomKeyStoresRequest;
import software.amazon.awssdk.services.kms.model.DescribeCustomKeyStoresResponse;

/**
 * The key store type's handlers on the paths the lifecycle tests pass without looking: what the log and the callback
 * context say at each step, the failures of the dance's waits, the retry budget of each step, and LIST's pages.
 * Through the wrapper against the emulator (StoreTestBase); each test fails on a line mutation testing changed
 * (guides/TESTING.md).
 */
class StoreHandlerPathsTest extends StoreTestBase {
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private PrintStream before;

    /** The handlers log through the Lambda context to standard error: keep a copy to read. */
    @BeforeEach
    void captureTheLog() {
        before = System.err;
        final PrintStream previous = before;
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(final int b) {
                previous.write(b);
                log.write(b);
            }
        }, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreTheLog() {
        System.setErr(before);
    }

    private String log() {
        return log.toString(StandardCharsets.UTF_8);
    }

    private static List<String> phases(final List<JsonNode> responses) {
        final List<String> phases = new ArrayList<>();
        for (JsonNode response : responses) {
            final String phase = response.path("callbackContext").path("phase").asText(null);
            if (phase != null && (phases.isEmpty() || !phases.get(phases.size() - 1).equals(phase))) {
                phases.add(phase);
            }
        }
        return phases;
    }

    @Test
    void theLogNamesEachStepOfALifecycle() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        final Map<String, Object> v2 = xks("https://xks-b.example.com", ACCESS_KEY_ID, XKS_SECRET);
        assertThat(driver.run("UPDATE", with(v2, id), with(v1, id)).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(driver.run("DELETE", with(v2, id), null).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(log()).contains(id + ": created; waiting until DescribeCustomKeyStores shows it")
            .contains(id + ": changing XksProxyUriEndpoint; the key store is CONNECTED and will be CONNECTED afterwards")
            .contains(id + ": disconnecting to change XksProxyUriEndpoint")
            .contains(id + ": deleted");
        assertNoSecretAnywhere();
    }

    @Test
    void eachPhaseOfTheDanceReachesTheCallbackContextAfterItsCall() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        final JsonNode moved = driver.run("UPDATE", with(xks("https://xks-b.example.com", ACCESS_KEY_ID, XKS_SECRET),
            id), with(v1, id));
        assertThat(moved.path("status").asText()).as(moved.toString()).isEqualTo("SUCCESS");
        assertThat(phases(driver.responses()))
            .containsExactly("NOT_STARTED", "DISCONNECT_SENT", "UPDATE_SENT", "RECONNECT_SENT");
        assertThat(driver.responses()).anySatisfy(r -> assertThat(r.path("callbackContext").path("statusMessage")
            .asText()).isEqualTo(id + ": disconnecting to change XksProxyUriEndpoint (KMS changes it only while "
                + "DISCONNECTED); will reconnect"));
    }

    @Test
    void anInPlaceUpdateReportsItsPhaseBeforeItAnswers() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        connect(id);
        final JsonNode renamed = driver.run("UPDATE", with(hsm("payments-hsm-2", PASSWORD, "1"), id), with(v1, id));
        assertThat(renamed.path("status").asText()).as(renamed.toString()).isEqualTo("SUCCESS");
        assertThat(phases(driver.responses())).containsExactly("NOT_STARTED", "UPDATED_IN_PLACE");
        assertThat(driver.responses()).anySatisfy(r -> {
            assertThat(r.path("status").asText()).isEqualTo("IN_PROGRESS");
            assertThat(r.path("callbackContext").path("phase").asText()).isEqualTo("UPDATED_IN_PLACE");
        });
    }

    @Test
    void aKeyStoreSomeoneElseDisconnectsIsWaitedForWithoutClaimingTheDisconnect() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        emulator.outOfBandDisconnect(id);
        final JsonNode moved = driver.run("UPDATE", with(xks("https://xks-b.example.com", ACCESS_KEY_ID, XKS_SECRET),
            id), with(v1, id));
        assertThat(moved.path("status").asText()).as(moved.toString()).isEqualTo("SUCCESS");
        assertThat(calls("DisconnectCustomKeyStore")).isZero();
        assertThat(phases(driver.responses())).doesNotContain("DISCONNECT_SENT");
    }

    @Test
    void aFallBackToTheDanceIsLogged() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        emulator.faults().errorNext("UpdateCustomKeyStore", id, "CustomKeyStoreInvalidStateException", 1);
        final Map<String, Object> v2 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        v2.put("XksProxyUriPath", "/other/kms/xks/v1");
        assertThat(driver.run("UPDATE", with(v2, id), with(v1, id)).path("status").asText()).isEqualTo("SUCCESS");
        // The in-place attempt's announcement is in no answer (the invocation goes on to disconnect): only the log.
        assertThat(log()).contains(id + ": updating XksProxyUriPath in place (the connection is not touched)")
            .contains(id + ": KMS refused to change XksProxyUriPath while connected; disconnecting to change it");
        assertThat(phases(driver.responses())).doesNotContain("FELL_BACK");
    }

    @Test
    void aRefusedDisconnectFailsTheUpdateAndSaysNothingChanged() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        emulator.faults().errorNext("DisconnectCustomKeyStore", id, "AccessDeniedException", 1);
        final JsonNode failed = driver.run("UPDATE", with(xks("https://xks-b.example.com", ACCESS_KEY_ID, XKS_SECRET),
            id), with(v1, id));
        assertThat(failed.path("errorCode").asText()).as(failed.toString()).isEqualTo("AccessDenied");
        assertThat(failed.path("message").asText()).endsWith("KMS did not change XksProxyUriEndpoint.");
        assertThat(calls("UpdateCustomKeyStore")).isZero();
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void aRefusedReconnectSaysTheChangeIsMadeAndHowToReconnect() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        emulator.faults().errorNext("ConnectCustomKeyStore", id, "AccessDeniedException", 1);
        final JsonNode failed = driver.run("UPDATE", with(xks("https://xks-b.example.com", ACCESS_KEY_ID, XKS_SECRET),
            id), with(v1, id));
        assertThat(failed.path("errorCode").asText()).as(failed.toString()).isEqualTo("AccessDenied");
        assertThat(failed.path("message").asText())
            .startsWith(id + ": KMS accepted the change of XksProxyUriEndpoint, but the key store did not reconnect: ")
            .endsWith("to put it back run 'aws kms connect-custom-key-store --custom-key-store-id " + id + "', or "
                + "update the stack again.");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.DISCONNECTED);
    }

    @Test
    void eachStepHasItsOwnRetryBudget() {
        final Map<String, Object> v1 = xks("https://xks-a.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final String id = create(v1);
        connect(id);
        // The update uses all of its retries but the last; the reconnect's first look is throttled once more.
        emulator.faults().throttleNext("UpdateCustomKeyStore", RetryPolicy.DEFAULT.maxAttempts());
        final ObjectNode request = driver.request("UPDATE", with(xks("https://xks-b.example.com", ACCESS_KEY_ID,
            XKS_SECRET), id), with(v1, id));
        resumeUntilPhase(request, "UPDATE_SENT");
        emulator.faults().throttleNext("DescribeCustomKeyStores", 1);
        final JsonNode moved = driver.resume(request, 1000);
        assertThat(moved.path("status").asText()).as(moved.toString()).isEqualTo("SUCCESS");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(driver.responses()).anySatisfy(r -> assertThat(r.path("message").asText())
            .contains(id + ": UpdateCustomKeyStore hit Throttling; retrying in 2s (attempt 1 of 9)"));
    }

    /** Invokes until the callback context reaches {@code phase}; at most 100 invocations. */
    private void resumeUntilPhase(final ObjectNode request, final String phase) {
        for (int i = 0; i < 100; i++) {
            final JsonNode response = driver.resume(request, 1);
            assertThat(response.path("status").asText()).as(response.toString()).isEqualTo("IN_PROGRESS");
            clock.advanceSeconds(response.path("callbackDelaySeconds").asLong());
            request.set("callbackContext", response.get("callbackContext"));
            if (phase.equals(response.path("callbackContext").path("phase").asText())) {
                return;
            }
        }
        throw new AssertionError("the update never reached " + phase);
    }

    @Test
    void aFailedReconnectThatCannotBeDisconnectedSaysSoInTheLog() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        connect(id);
        // The version bumped without resetting kmsuser: the reconnect ends FAILED (INVALID_CREDENTIALS).
        final ObjectNode request = driver.request("UPDATE", with(hsm("payments-hsm", "wrongPw99", "2"), id),
            with(v1, id));
        resumeUntilPhase(request, "UPDATE_SENT");
        emulator.faults().errorNext("DisconnectCustomKeyStore", id, "AccessDeniedException", 1);
        final JsonNode failed = driver.resume(request, 1000);
        assertThat(failed.path("status").asText()).as(failed.toString()).isEqualTo("FAILED");
        // The message says what is true of the key store: the disconnect was refused, so it is still FAILED.
        assertThat(failed.path("message").asText()).contains("INVALID_CREDENTIALS")
            .contains("Keyhold tried to disconnect the FAILED key store and KMS refused, so it is still FAILED")
            .doesNotContain("DISCONNECTED now");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.FAILED);
        // The log tells the same story: the disconnect was tried, refused with KMS's own code, and never claims success.
        assertThat(log()).contains(id + ": could not disconnect the FAILED key store (KMS answered "
            + "AccessDeniedException); it is still FAILED").doesNotContain("DISCONNECTED now")
            .doesNotContain(id + ": DISCONNECTED");
    }

    @Test
    void aNonRetryableErrorFailsAtOnceNamingTheType() {
        emulator.faults().throttleNext("CreateCustomKeyStore", 1);
        emulator.faults().errorNext("CreateCustomKeyStore", "*", "AccessDeniedException", 1);
        final JsonNode failed = driver.run("CREATE", hsm("payments-hsm", PASSWORD, null), null);
        assertThat(failed.path("errorCode").asText()).as(failed.toString()).isEqualTo("AccessDenied");
        assertThat(calls("CreateCustomKeyStore")).as("one throttled call, one refused").isEqualTo(2);
        assertThat(driver.responses().get(0).path("message").asText())
            .startsWith(ResourceModel.TYPE_NAME + ": CreateCustomKeyStore hit Throttling; retrying in 2s");
        assertThat(log()).contains(ResourceModel.TYPE_NAME + ": CreateCustomKeyStore hit Throttling");
    }

    @Test
    void createWaitsTheWholeDescribeGraceBeforeItGivesUp() {
        emulator.faults().errorNext("DescribeCustomKeyStores", "*", "CustomKeyStoreNotFoundException", 1000);
        final Instant start = clock.instant();
        final JsonNode failed = driver.run("CREATE", hsm("payments-hsm", PASSWORD, null), null);
        assertThat(failed.path("errorCode").asText()).isEqualTo("NotStabilized");
        assertThat(Duration.between(start, clock.instant())).isGreaterThan(TransitionPlanner.DESCRIBE_LAG_GRACE
            .multipliedBy(3));
    }

    @Test
    void updateTakesTheIdFromThePreviousModelWhenTheNewOneLacksIt() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        final JsonNode renamed = driver.run("UPDATE", hsm("payments-hsm-2", PASSWORD, "1"), with(v1, id));
        assertThat(renamed.path("status").asText()).as(renamed.toString()).isEqualTo("SUCCESS");
        assertThat(renamed.path("resourceModel").path("CustomKeyStoreId").asText()).isEqualTo(id);
    }

    @Test
    void deleteChecksKeysAndOwnershipOnceThenDisconnectsAndDeletes() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        connect(id);
        final JsonNode deleted = driver.run("DELETE", with(v1, id), null);
        assertThat(deleted.path("status").asText()).as(deleted.toString()).isEqualTo("SUCCESS");
        assertThat(driver.responses().size()).as("the disconnect is waited for").isGreaterThan(2);
        assertThat(calls("ListKeys")).isEqualTo(1);
        assertThat(emulator.storeIds()).doesNotContain(id);
    }

    @Test
    void aRefusedDisconnectFailsTheDeleteAndDeletesNothing() {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        final String id = create(v1);
        connect(id);
        emulator.faults().errorNext("DisconnectCustomKeyStore", id, "AccessDeniedException", 1);
        final JsonNode failed = driver.run("DELETE", with(v1, id), null);
        assertThat(failed.path("errorCode").asText()).as(failed.toString()).isEqualTo("AccessDenied");
        assertThat(failed.path("message").asText()).endsWith(" Nothing was deleted; the key store and its "
            + "configuration are as they were.");
        assertThat(emulator.storeIds()).contains(id);
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
    }

    @Test
    void readNeedsPropertiesAndNamesTheRegionOfAMissingKeyStore() {
        final JsonNode noModel = driver.run("READ", null, null);
        assertThat(noModel.path("errorCode").asText()).as(noModel.toString()).isEqualTo("InvalidRequest");
        assertThat(noModel.path("message").asText()).contains("carries no resource properties");
        final JsonNode missing = driver.run("READ", Map.of("CustomKeyStoreId", "cks-0000000000000000f"), null);
        assertThat(missing.path("errorCode").asText()).isEqualTo("NotFound");
        assertThat(missing.path("message").asText()).isEqualTo("cks-0000000000000000f: KMS has no custom key store "
            + "with this id in us-east-1.");
    }

    @Test
    void listAnswersAtOnceAndHandsOnKmsMarkerOnlyWhileThereIsMore() {
        emulator.faults().throttleNext("DescribeCustomKeyStores", 1);
        assertThat(driver.run("LIST", null, null).path("errorCode").asText()).isEqualTo("Throttling");
        assertThat(calls("DescribeCustomKeyStores")).isEqualTo(1);
        // The emulator, like KMS by default, holds at most 10 key stores, fewer than a page: a client that pages.
        final KmsClient paging = new KmsClient() {
            @Override
            public DescribeCustomKeyStoresResponse describeCustomKeyStores(final DescribeCustomKeyStoresRequest call) {
                final CustomKeyStoresListEntry entry = CustomKeyStoresListEntry.builder()
                    .customKeyStoreId(call.marker() == null ? "cks-1" : "cks-2").customKeyStoreType("AWS_CLOUDHSM")
                    .build();
                return call.marker() == null
                    ? DescribeCustomKeyStoresResponse.builder().customKeyStores(entry).truncated(true)
                        .nextMarker("page-2").build()
                    : DescribeCustomKeyStoresResponse.builder().customKeyStores(entry).truncated(false)
                        .nextMarker("stale").build();
            }

            @Override
            public String serviceName() {
                return "kms";
            }

            @Override
            public void close() {
            }
        };
        final WrapperDriver lister = new WrapperDriver(clock, new HandlerWrapper(new HandlerConfig(clock,
            new FixedClients(paging, null), PollSchedule.DEFAULT, RetryPolicy.DEFAULT), WrapperDriver.tmp()),
            ResourceModel.TYPE_NAME);
        final JsonNode first = lister.run("LIST", null, null);
        assertThat(first.path("resourceModels").get(0).path("CustomKeyStoreId").asText()).isEqualTo("cks-1");
        assertThat(first.path("nextToken").asText()).isEqualTo("page-2");
        final ObjectNode next = lister.request("LIST", null, null);
        next.put("nextToken", "page-2");
        final JsonNode last = lister.invoke(next);
        assertThat(last.path("resourceModels").get(0).path("CustomKeyStoreId").asText()).isEqualTo("cks-2");
        assertThat(last.path("nextToken").isMissingNode() || last.path("nextToken").isNull()).as(last.toString())
            .isTrue();
    }

    @Test
    void theContractTestEntryPointRunsTheKeyStoreHandlers() throws Exception {
        final String id = create(hsm("payments-hsm", PASSWORD, null));
        final ObjectNode payload = WrapperDriver.JSON.createObjectNode();
        final ObjectNode credentials = payload.putObject("credentials");
        credentials.put("accessKeyId", "AKIAIOSFODNN7EXAMPLE");
        credentials.put("secretAccessKey", "secret");
        credentials.put("sessionToken", "token");
        payload.put("action", "READ");
        final ObjectNode request = payload.putObject("request");
        request.put("clientRequestToken", "4b90a7e4-b790-456b-a937-0cfdfa211dfe");
        request.set("desiredResourceState", WrapperDriver.JSON.valueToTree(Map.of("CustomKeyStoreId", id)));
        request.put("logicalResourceIdentifier", "Contract");
        request.put("region", "us-east-1");
        request.put("awsAccountId", "123456789012");
        payload.putNull("callbackContext");
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        new HandlerWrapper(new HandlerConfig(clock, EmulatorClients.at(emulator.endpoint()), PollSchedule.DEFAULT,
            RetryPolicy.DEFAULT), TempDirectoryGuard.never()).testEntrypoint(new ByteArrayInputStream(
                WrapperDriver.JSON.writeValueAsBytes(payload)), out, LocalLambdaContext.standardError("keyhold-local"));
        final JsonNode read = WrapperDriver.JSON.readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(read.path("status").asText()).as(read.toString()).isEqualTo("SUCCESS");
        assertThat(read.path("resourceModel").path("CustomKeyStoreName").asText()).isEqualTo("payments-hsm");
    }
}
