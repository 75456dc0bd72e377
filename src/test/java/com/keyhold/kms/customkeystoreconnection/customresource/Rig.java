package com.keyhold.kms.customkeystoreconnection.customresource;

import com.keyhold.kms.customkeystoreconnection.protocol.LocalLambdaContext;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KeyStoreType;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StoreSpec;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import com.keyhold.kms.customkeystoreconnection.testsupport.FixedClients;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * The custom resource against the emulator over HTTP (real SDK clients, virtual clock), a local server standing in
 * for the ResponseURL, a fake Lambda invoker that queues continuations, and a sleeper that advances the clock.
 */
final class Rig implements AutoCloseable {
    static final String STACK_ID =
        "arn:aws:cloudformation:us-east-1:111122223333:stack/app/5b9a1c30-8f1e-11ef-9a5b-0a1b2c3d4e5f";
    static final String OTHER_STACK_ID =
        "arn:aws:cloudformation:us-east-1:111122223333:stack/other/7c0d2e40-8f1e-11ef-9a5b-0a1b2c3d4e5f";
    static final String HSM = "cks-1234567890abcdef0";
    static final String XKS = "cks-0fedcba0987654321";
    static final String FUNCTION_ARN =
        "arn:aws:lambda:us-east-1:111122223333:function:keyhold-kms-customkeystoreconnection:live";
    static final String SERVICE_TOKEN = FUNCTION_ARN;
    static final ObjectMapper JSON = new ObjectMapper();

    final VirtualClock clock = new VirtualClock();
    final KmsEmulator emulator;
    final KmsClient kms;
    final SsmClient ssm;
    final ResponseServer server = new ResponseServer();
    final Deque<byte[]> continuations = new ArrayDeque<>();
    final List<byte[]> invoked = new ArrayList<>();
    final List<String> invokedArns = new ArrayList<>();
    final List<String> log = new ArrayList<>();
    final List<Duration> sleeps = new ArrayList<>();
    /** One HTTP client for the SDK clients and the answer, as in the function. */
    final SdkHttpClient http = UrlConnectionHttpClient.builder().build();

    Rig() {
        this(Duration.ofSeconds(20));
    }

    /** @param hsmConnect how long a CloudHSM connect takes */
    Rig(final Duration hsmConnect) {
        emulator = KmsEmulator.builder().clock(clock).connectDuration(KeyStoreType.AWS_CLOUDHSM, hsmConnect).build()
            .start();
        emulator.seedStore(StoreSpec.cloudHsm("ops-hsm").id(HSM).state(ConnectionState.DISCONNECTED));
        emulator.seedStore(StoreSpec.external("ops-xks").id(XKS).state(ConnectionState.DISCONNECTED));
        final StaticCredentialsProvider credentials = StaticCredentialsProvider.create(
            AwsBasicCredentials.create("AKIAEMULATORTEST0001", "emulator-secret-key-for-tests"));
        kms = KmsClient.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1).httpClient(http)
            .credentialsProvider(credentials).overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
        ssm = SsmClient.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1).httpClient(http)
            .credentialsProvider(credentials).overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
            .build();
    }

    CustomResourceHandler handler() {
        return handler(CustomResourceSettings.forTestsWithLocalResponseUrl());
    }

    CustomResourceHandler handler(final CustomResourceSettings settings) {
        return handler(settings, new HttpResponseSender(http, this::sleep, 5, Duration.ofSeconds(1),
            Duration.ofSeconds(10)));
    }

    CustomResourceHandler handler(final CustomResourceSettings settings, final ResponseSender sender) {
        return new CustomResourceHandler(clock, new FixedClients(kms, ssm), sender, (arn, payload) -> {
            invokedArns.add(arn);
            invoked.add(payload);
            continuations.add(payload);
        }, this::sleep, settings);
    }

    void sleep(final Duration duration) {
        sleeps.add(duration);
        clock.advance(duration);
    }

    /** CloudFormation's event, as the JSON it sends. */
    String event(final String requestType, final String requestId, final String physicalId,
                 final Map<String, Object> properties, final Map<String, Object> oldProperties) {
        final ObjectNode event = JSON.createObjectNode();
        event.put("RequestType", requestType);
        event.put("ServiceToken", SERVICE_TOKEN);
        event.put("ResponseURL", server.url(requestId));
        event.put("StackId", STACK_ID);
        event.put("RequestId", requestId);
        event.put("LogicalResourceId", "KeyStoreConnection");
        if (physicalId != null) {
            event.put("PhysicalResourceId", physicalId);
        }
        event.put("ResourceType", "Custom::KeyholdConnection");
        event.set("ResourceProperties", JSON.valueToTree(withToken(properties)));
        if (oldProperties != null) {
            event.set("OldResourceProperties", JSON.valueToTree(withToken(oldProperties)));
        }
        return event.toString();
    }

    static Map<String, Object> props(final String id, final String state) {
        return Map.of("CustomKeyStoreId", id, "ConnectionState", state);
    }

    static Map<String, Object> props(final String id, final String state, final String onDelete) {
        return Map.of("CustomKeyStoreId", id, "ConnectionState", state, "ConnectionStateOnDelete", onDelete);
    }

    private static Map<String, Object> withToken(final Map<String, Object> properties) {
        final java.util.LinkedHashMap<String, Object> all = new java.util.LinkedHashMap<>();
        all.put("ServiceToken", SERVICE_TOKEN);
        all.putAll(properties);
        return all;
    }

    /** A Lambda context whose remaining time runs on the test's virtual clock; its log lines land in {@code log}. */
    static LocalLambdaContext context(final java.time.Clock clock, final Duration remaining, final List<String> log) {
        return new LocalLambdaContext("keyhold-kms-customkeystoreconnection", FUNCTION_ARN, clock,
            clock.instant().plus(remaining), line -> {
                synchronized (log) {
                    log.add(line.strip());
                }
            });
    }

    /** One invocation with {@code remaining} time left in it. */
    void invoke(final CustomResourceHandler handler, final byte[] payload, final Duration remaining) {
        handler.handleRequest(new ByteArrayInputStream(payload), new ByteArrayOutputStream(),
            context(clock, remaining, log));
    }

    void invoke(final CustomResourceHandler handler, final String json, final Duration remaining) {
        invoke(handler, json.getBytes(StandardCharsets.UTF_8), remaining);
    }

    /** The event, then every continuation it queues, each in a new handler instance (a cold start) as Lambda may. */
    void runToEnd(final String json, final Duration remainingPerInvocation) {
        invoke(handler(), json, remainingPerInvocation);
        while (!continuations.isEmpty()) {
            invoke(handler(), continuations.poll(), remainingPerInvocation);
        }
    }

    void runToEnd(final String json) {
        runToEnd(json, Duration.ofMinutes(15));
    }

    long mutatingCalls() {
        return emulator.requestCount("ConnectCustomKeyStore") + emulator.requestCount("DisconnectCustomKeyStore");
    }

    @Override
    public void close() {
        kms.close();
        ssm.close();
        http.close();
        emulator.close();
        server.close();
    }
}
