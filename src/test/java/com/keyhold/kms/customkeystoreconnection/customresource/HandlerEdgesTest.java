package com.keyhold.kms.customkeystoreconnection.customresource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.testsupport.TemporarySystemProperties;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.InvocationType;
import software.amazon.awssdk.services.lambda.model.InvokeRequest;
import software.amazon.awssdk.services.lambda.model.InvokeResponse;

/** Inputs that are not events, the production wiring, the Lambda invoker. */
class HandlerEdgesTest {
    private final List<String> log = new ArrayList<>();

    private void invoke(final CustomResourceHandler handler, final String input) {
        handler.handleRequest(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
            new ByteArrayOutputStream(), Rig.context(Clock.systemUTC(), Duration.ofMinutes(5), log));
    }

    @Test
    void inputsThatAreNotEventsAreLoggedAndNothingIsSent() {
        final List<String> sent = new ArrayList<>();
        final CustomResourceHandler handler = new CustomResourceHandler(Clock.systemUTC(), null,
            (url, body, l) -> sent.add(body), (arn, payload) -> { }, d -> { },
            CustomResourceSettings.forTestsWithLocalResponseUrl());
        invoke(handler, "not json");
        invoke(handler, "[1, 2]");
        invoke(handler, "{\"keyholdContinuation\": {}}");
        invoke(handler, "{\"keyholdContinuation\": {}, \"event\": 3}");
        assertThat(sent).isEmpty();
        assertThat(log).hasSize(4).allMatch(l -> l.contains("not a CloudFormation custom resource event"));
    }

    @Test
    void productionConstructorRefusesANonS3ResponseUrlBeforeAnyAwsCall() {
        // The production wiring takes its endpoints from the SDK's settings: here an emulator on loopback, so a
        // regression that calls AWS before checking the URL shows up in the emulator's log, not in a real account.
        try (KmsEmulator emulator = KmsEmulator.builder().build().start();
             TemporarySystemProperties aws = TemporarySystemProperties.set(Map.of(
                 "aws.endpointUrl", emulator.endpoint().toString(),
                 "aws.accessKeyId", "AKIAIOSFODNN7EXAMPLE", "aws.secretAccessKey", "not-a-secret"))) {
            final CustomResourceHandler production = new CustomResourceHandler();
            invoke(production, "{\"RequestType\": \"Create\", \"ResponseURL\": \"http://127.0.0.1:1/x\", "
                + "\"RequestId\": \"r\", \"ResourceType\": \"Custom::KeyholdConnection\", "
                + "\"StackId\": \"arn:aws:cloudformation:us-east-1:123456789012:stack/a/b\", "
                + "\"LogicalResourceId\": \"Conn\", \"ResourceProperties\": {\"CustomKeyStoreId\": "
                + "\"cks-1234567890abcdef0\", \"ConnectionState\": \"CONNECTED\"}}");
            assertThat(log).singleElement().satisfies(l -> assertThat(l).contains("only https is accepted"));
            assertThat(emulator.requestLog().entries()).as("no AWS call before the URL check").isEmpty();
        }
    }

    @Test
    void withoutAContextTheLogGoesToStandardOutput() {
        final CustomResourceHandler handler = new CustomResourceHandler(Clock.systemUTC(), null,
            (url, body, l) -> true, (arn, payload) -> { }, d -> { }, CustomResourceSettings.defaults());
        final PrintStream original = System.out;
        final ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            handler.handleRequest(new ByteArrayInputStream("not json".getBytes(StandardCharsets.UTF_8)),
                new ByteArrayOutputStream(), null);
        } finally {
            System.setOut(original);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8))
            .contains("not a CloudFormation custom resource event").endsWith(System.lineSeparator());
    }

    @Test
    void regionComesFromTheStackArn() {
        assertThat(CustomResourceHandler.regionOf("arn:aws-cn:cloudformation:cn-north-1:1:stack/a/b"))
            .isEqualTo("cn-north-1");
        assertThatThrownBy(() -> CustomResourceHandler.regionOf(null)).isInstanceOf(KeyholdFailureException.class);
        assertThatThrownBy(() -> CustomResourceHandler.regionOf("arn:aws:cloudformation::1:stack/a/b"))
            .isInstanceOf(KeyholdFailureException.class);
        assertThatThrownBy(() -> CustomResourceHandler.regionOf("urn:aws:cloudformation:r:1:stack/a/b"))
            .isInstanceOf(KeyholdFailureException.class);
    }

    @Test
    void lambdaInvokerSendsAnAsynchronousInvokeOfTheGivenArn() {
        final LambdaClient lambda = mock(LambdaClient.class);
        when(lambda.invoke(any(InvokeRequest.class))).thenReturn(
            (InvokeResponse) InvokeResponse.builder().statusCode(202).build());
        final LambdaSelfInvoker invoker = new LambdaSelfInvoker(() -> lambda);
        invoker.invokeAsync(Rig.FUNCTION_ARN, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        invoker.invokeAsync(Rig.FUNCTION_ARN, "{}".getBytes(StandardCharsets.UTF_8));
        final ArgumentCaptor<InvokeRequest> request = ArgumentCaptor.forClass(InvokeRequest.class);
        verify(lambda, org.mockito.Mockito.times(2)).invoke(request.capture());
        assertThat(request.getAllValues().get(0).functionName()).isEqualTo(Rig.FUNCTION_ARN);
        assertThat(request.getAllValues().get(0).invocationType()).isEqualTo(InvocationType.EVENT);
        assertThat(request.getAllValues().get(0).payload()).isEqualTo(SdkBytes.fromUtf8String("{\"a\":1}"));
    }

    @Test
    void lambdaInvokerFailsWhenTheInvocationIsNotAccepted() {
        final LambdaClient lambda = mock(LambdaClient.class);
        when(lambda.invoke(any(InvokeRequest.class))).thenReturn(
            (InvokeResponse) InvokeResponse.builder().statusCode(200).build(),
            (InvokeResponse) InvokeResponse.builder().build());
        final LambdaSelfInvoker invoker = new LambdaSelfInvoker(() -> lambda);
        assertThatThrownBy(() -> invoker.invokeAsync("arn", new byte[0])).hasMessageContaining("status 200");
        assertThatThrownBy(() -> invoker.invokeAsync("arn", new byte[0])).hasMessageContaining("status null");
    }

    @Test
    void unexpectedErrorsAreAnsweredAsKeyholdDefects() {
        final List<String> sent = new ArrayList<>();
        final CustomResourceHandler handler = new CustomResourceHandler(Clock.systemUTC(),
            new com.keyhold.kms.customkeystoreconnection.aws.ClientFactory(null, null) {
                @Override
                public software.amazon.awssdk.services.kms.KmsClient kms(final String region) {
                    throw new IllegalStateException("boom");
                }

                @Override
                public software.amazon.awssdk.services.ssm.SsmClient ssm(final String region) {
                    throw new IllegalStateException("boom");
                }
            }, (url, body, l) -> sent.add(body), (arn, payload) -> { }, d -> { },
            CustomResourceSettings.forTestsWithLocalResponseUrl());
        invoke(handler, "{\"RequestType\": \"Create\", \"ResponseURL\": \"http://127.0.0.1:1/x\", \"RequestId\": \"r\", "
            + "\"StackId\": \"arn:aws:cloudformation:us-east-1:1:stack/a/b\", \"ResourceType\": \"Custom::X\", "
            + "\"LogicalResourceId\": \"Conn\", \"ResourceProperties\": {\"CustomKeyStoreId\": \"cks-1\", "
            + "\"ConnectionState\": \"CONNECTED\"}}");
        assertThat(sent).as(String.join("\n", log)).singleElement().satisfies(body -> assertThat(body).contains("\"Status\":\"FAILED\"",
            "InternalFailure", "boom", "defect"));
    }
}
