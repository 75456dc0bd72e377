package com.keyhold.kms.customkeystoreconnection.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StoreSpec;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;
import software.amazon.awssdk.services.lambda.model.ResourceNotFoundException;

/**
 * {@code keyhold lambda-invoke} as {@code cfn test} uses it (it invokes TypeFunction, the Lambda entry point): the SDK's Lambda client over HTTP, the shaded handler
 * jar that {@code mvn package} wrote (template.yml's CodeUri) on a class loader of its own, its KMS and SSM calls
 * reaching the emulator. Runs after the package phase ({@code mvn verify}).
 */
class LambdaInvokeIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STORE = "cks-1234567890abcdef0";

    private final Map<String, String> saved = new HashMap<>();
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();
    private KmsEmulator emulator;
    private LambdaInvokeCommand.Serving serving;
    private LambdaClient lambda;

    @BeforeEach
    void start() throws Exception {
        for (String property : new String[] {"aws.endpointUrl", "aws.endpointUrlKms", "aws.endpointUrlSsm",
            "aws.endpointUrlCloudHsmV2"}) {
            saved.put(property, System.getProperty(property));
        }
        emulator = KmsEmulator.builder().build().start();
        emulator.seedStore(StoreSpec.external("contract").id(STORE).state(ConnectionState.DISCONNECTED));
        serving = LambdaInvokeCommand.start(ROOT.resolve("template.yml"), emulator.endpoint().toString(), 0,
            new PrintStream(log, true, StandardCharsets.UTF_8));
        lambda = LambdaClient.builder().endpointOverride(URI.create(serving.url())).region(Region.US_EAST_1)
            .credentialsProvider(AnonymousCredentialsProvider.create())
            .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterEach
    void stop() {
        lambda.close();
        serving.server().stop(0);
        emulator.close();
        saved.forEach((property, value) -> {
            if (value == null) {
                System.clearProperty(property);
            } else {
                System.setProperty(property, value);
            }
        });
    }

    /** The request cfn test 0.2.39 sends to TypeFunction, its default (rpdk.core.contract.resource_client.make_request). */
    private static String request(final String action, final String state) {
        return """
            {"requestData": {"callerCredentials": {"accessKeyId": "AKIAOFFLINEEXAMPLE00",
                                                   "secretAccessKey": "placeholder", "sessionToken": "placeholder"},
                             "resourceProperties": {"CustomKeyStoreId": "%s", "ConnectionState": "%s",
                                                    "ConnectionStateOnDelete": "DISCONNECTED"},
                             "previousResourceProperties": null,
                             "logicalResourceId": "6b3c5a52-3d3e-4a21-9a3b-1f0e7b7c0d11",
                             "typeConfiguration": null},
             "region": "us-east-1", "awsAccountId": "123456789012", "action": "%s", "callbackContext": null,
             "bearerToken": "6b3c5a52-3d3e-4a21-9a3b-1f0e7b7c0d11",
             "resourceType": "Keyhold::KMS::CustomKeyStoreConnection"}
            """.formatted(STORE, state, action);
    }

    @Test
    void servesTheTemplatesFunctionsFromTheHandlerJar() {
        assertThat(serving.functions()).containsExactly("TypeFunction", "TestEntrypoint");
    }

    @Test
    void aCreateThroughTypeFunctionConnectsTheEmulatorsKeyStore() throws Exception {
        final InvokeResponse response = lambda.invoke(b -> b.functionName("TypeFunction")
            .payload(SdkBytes.fromUtf8String(request("CREATE", "CONNECTED"))));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.functionError()).isNull();
        final JsonNode event = JSON.readTree(response.payload().asUtf8String());
        assertThat(event.path("status").asText()).as(event.toString()).isIn("IN_PROGRESS", "SUCCESS");
        // The handler's calls reached the emulator, not AWS: it asked KMS to connect the key store.
        assertThat(emulator.requestCount("ConnectCustomKeyStore")).isEqualTo(1);
        assertThat(emulator.state(STORE)).isIn(ConnectionState.CONNECTING, ConnectionState.CONNECTED);
        assertThat(emulator.parameterValue("/keyhold/kms/custom-key-store-connection/" + STORE)).isPresent();
    }

    @Test
    void aReadOfAStoreKeyholdDoesNotOwnIsNotFoundAndChangesNothing() throws Exception {
        final InvokeResponse response = lambda.invoke(b -> b.functionName("TypeFunction")
            .payload(SdkBytes.fromUtf8String(request("READ", "CONNECTED"))));

        final JsonNode event = JSON.readTree(response.payload().asUtf8String());
        assertThat(event.path("status").asText()).isEqualTo("FAILED");
        assertThat(event.path("errorCode").asText()).isEqualTo("NotFound");
        assertThat(emulator.state(STORE)).isEqualTo(ConnectionState.DISCONNECTED);
        assertThat(emulator.requestCount("ConnectCustomKeyStore")).isZero();
        assertThat(emulator.requestCount("DisconnectCustomKeyStore")).isZero();
    }

    @Test
    void anUnknownFunctionIsLambdasResourceNotFound() {
        assertThatThrownBy(() -> lambda.invoke(b -> b.functionName("NoSuchFunction")
            .payload(SdkBytes.fromUtf8String("{}"))))
            .isInstanceOf(ResourceNotFoundException.class)
            .hasMessageContaining("NoSuchFunction").hasMessageContaining("TestEntrypoint");
        assertThat(emulator.requestCount("DescribeCustomKeyStores")).isZero();
    }
}
