package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.packaging.TelemetrySink;
import com.keyhold.kms.customkeystoreconnection.testsupport.TemporarySystemProperties;
import org.junit.jupiter.params.provider.Arguments;
import com.keyhold.kms.customkeystoreconnection.protocol.TempDirectoryGuard;
import com.keyhold.kms.customkeystoreconnection.protocol.LocalLambdaContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.mockito.ArgumentCaptor;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.cloudformation.Action;
import software.amazon.cloudformation.exceptions.CfnServiceLimitExceededException;
import software.amazon.cloudformation.proxy.OperationStatus;
import software.amazon.cloudformation.proxy.ProgressEvent;
import software.amazon.cloudformation.proxy.ResourceHandlerRequest;

/** What the wrapper does around a handler that misbehaves, and with input no handler should see. */
class HandlerWrapperEdgesTest {
    @SuppressWarnings("unchecked")
    private final BaseHandler<CallbackContext> handler = mock(BaseHandler.class);
    private final List<String> log = new ArrayList<>();
    private final HandlerWrapper wrapper = wrapper(TempDirectoryGuard.never());

    private Map<Action, BaseHandler<CallbackContext>> handlers() {
        final Map<Action, BaseHandler<CallbackContext>> handlers = new EnumMap<>(Action.class);
        for (Action action : List.of(Action.CREATE, Action.READ, Action.UPDATE, Action.DELETE, Action.LIST)) {
            handlers.put(action, handler);
        }
        return handlers;
    }

    private HandlerWrapper wrapper(final TempDirectoryGuard guard) {
        return new HandlerWrapper(handlers(), guard);
    }

    private JSONObject invoke(final HandlerWrapper target, final InputStream input) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final Clock clock = Clock.systemUTC();
        target.handleRequest(input, out, new LocalLambdaContext("edges", null, clock,
            clock.instant().plusSeconds(60), log::add));
        return new JSONObject(out.toString(StandardCharsets.UTF_8));
    }

    /** A request with every member the wrapper requires, as the contract tests send it (no stack). */
    private static JSONObject request(final String action) {
        return new JSONObject("""
            {"awsAccountId": "123456789012", "region": "us-east-1", "requestData": {
              "callerCredentials": {"accessKeyId": "AK", "secretAccessKey": "SK", "sessionToken": "ST"},
              "logicalResourceId": "Conn",
              "resourceProperties": {"CustomKeyStoreId": "cks-1", "ConnectionState": "CONNECTED"}},
             "callbackContext": {"preconditionsChecked": true}}""").put("action", action);
    }

    private JSONObject invoke(final HandlerWrapper target, final JSONObject request) throws IOException {
        return invoke(target, new ByteArrayInputStream(request.toString().getBytes(StandardCharsets.UTF_8)));
    }

    private JSONObject invoke(final String action) throws IOException {
        return invoke(wrapper, request(action));
    }

    private static AwsServiceException awsError(final String code, final int status) {
        return AwsServiceException.builder().statusCode(status).message(code + " happened")
            .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code + " happened").build()).build();
    }

    @Test
    void aHandlerExceptionOfThePluginKeepsItsErrorCode() throws IOException {
        when(handler.handleRequest(any(), any(), any(), any()))
            .thenThrow(new CfnServiceLimitExceededException("CustomKeyStore", "too many"));
        final JSONObject response = invoke("UPDATE");
        assertThat(response.getString("errorCode")).isEqualTo("ServiceLimitExceeded");
        assertThat(response.getString("message")).contains("too many");
    }

    @Test
    void serviceErrorsThatEscapeAHandlerAreThrottlingOrGeneralServiceErrors() throws IOException {
        when(handler.handleRequest(any(), any(), any(), any())).thenThrow(awsError("ThrottlingException", 400));
        assertThat(invoke("UPDATE").getString("errorCode")).isEqualTo("Throttling");
        doThrow(awsError("KMSInternalException", 500)).when(handler).handleRequest(any(), any(), any(), any());
        final JSONObject general = invoke("READ");
        assertThat(general.getString("errorCode")).isEqualTo("GeneralServiceException");
        assertThat(general.getString("message")).contains("KMSInternalException happened");
    }

    @Test
    void aDefectInAHandlerIsAnInternalFailureThatSaysWhat() throws IOException {
        when(handler.handleRequest(any(), any(), any(), any())).thenThrow(new IllegalStateException("state lost"));
        final JSONObject response = invoke("DELETE");
        assertThat(response.getString("errorCode")).isEqualTo("InternalFailure");
        assertThat(response.getString("message")).isEqualTo("Keyhold failed unexpectedly: "
            + "java.lang.IllegalStateException: state lost. This is a Keyhold defect; report it with the stack events.");
        assertThat(log).anyMatch(line -> line.contains("[DELETE] handler failed") && line.contains("state lost"));
    }

    @Test
    void aMissingClassStillGetsAnAnswerWithTheRequestsModel() throws IOException {
        // The shaded jar is minimised: should it ever miss a class, CloudFormation must still get an answer.
        when(handler.handleRequest(any(), any(), any(), any())).thenThrow(new NoClassDefFoundError("some/Model"));
        final JSONObject response = invoke("UPDATE");
        assertThat(response.getString("errorCode")).isEqualTo("InternalFailure");
        assertThat(response.getString("message")).contains("NoClassDefFoundError: some/Model", "Keyhold defect");
        assertThat(response.getJSONObject("resourceModel").getString("CustomKeyStoreId")).isEqualTo("cks-1");
        assertThat(invoke("READ").has("resourceModel")).as("READ is not mutating").isFalse();
    }

    static Stream<Arguments> escapes() {
        return Stream.of(Arguments.of(new CfnServiceLimitExceededException("CustomKeyStore", "too many"),
                "ServiceLimitExceeded"), Arguments.of(awsError("ThrottlingException", 400), "Throttling"),
            Arguments.of(new IllegalStateException("state lost"), "InternalFailure"));
    }

    /** The owner's HandlerException metric (a registered type's dashboard) names what escaped the handler. */
    @ParameterizedTest
    @MethodSource("escapes")
    void whatEscapesAHandlerIsCountedInTheOwnersMetrics(final RuntimeException escaped, final String errorCode)
        throws IOException {
        when(handler.handleRequest(any(), any(), any(), any())).thenThrow(escaped);
        final JSONObject request = request("UPDATE").put("resourceType", ResourceModel.TYPE_NAME);
        request.getJSONObject("requestData").put("providerCredentials", new JSONObject(Map.of("accessKeyId", "AK",
            "secretAccessKey", "SK", "sessionToken", "ST"))).put("providerLogGroupName", "keyhold-provider-logs");
        try (TelemetrySink telemetry = new TelemetrySink();
             TemporarySystemProperties endpoints = TemporarySystemProperties.set(Map.of(
                 "aws.endpointUrl", telemetry.endpoint().toString(), "aws.region", "us-east-1"))) {
            final JSONObject response = invoke(wrapper, request);
            assertThat(response.getString("errorCode")).as(response.toString()).isEqualTo(errorCode);
            assertThat(telemetry.calls("PutMetricData")).as(telemetry.operations().toString())
                .anySatisfy(call -> assertThat(call.body()).contains("HandlerException", escaped.getClass().getName(),
                    errorCode));
        }
    }

    static Stream<Throwable> errors() {
        return Stream.of(new AssertionError("invariant broken"), new StackOverflowError(),
            new ExceptionInInitializerError("static state"), new OutOfMemoryError("Java heap space"));
    }

    @ParameterizedTest
    @MethodSource("errors")
    void anErrorInAHandlerIsAnsweredAndLoggedNotACrash(final Throwable error) throws IOException {
        when(handler.handleRequest(any(), any(), any(), any())).thenThrow(error);
        final JSONObject response = invoke("UPDATE");
        assertThat(response.getString("status")).isEqualTo("FAILED");
        assertThat(response.getString("errorCode")).isEqualTo("InternalFailure");
        assertThat(response.getString("message")).contains(error.getClass().getName(), "Keyhold defect");
        assertThat(log).anyMatch(line -> line.contains("[UPDATE] handler failed: " + error.getClass().getName())
            && line.contains("\tat "));
    }

    @Test
    void aHandlerThatAnswersNothingIsAnInternalFailure() throws IOException {
        when(handler.handleRequest(any(), any(), any(), any())).thenReturn(null);
        final JSONObject response = invoke("DELETE");
        assertThat(response.getString("errorCode")).isEqualTo("InternalFailure");
        assertThat(response.getString("message")).contains("DELETE handler returned no answer");
    }

    @ParameterizedTest
    @ValueSource(strings = {"READ", "LIST"})
    void readAndListMustAnswerAtOnce(final String action) throws IOException {
        when(handler.handleRequest(any(), any(), any(), any())).thenReturn(ProgressEvent.defaultInProgressHandler(
            new CallbackContext(), 5, ResourceModel.builder().customKeyStoreId("cks-1").build()));
        final JSONObject response = invoke(action);
        assertThat(response.getString("status")).isEqualTo("FAILED");
        assertThat(response.getString("errorCode")).isEqualTo("InternalFailure");
        assertThat(response.getString("message")).startsWith("READ and LIST handlers must return synchronously")
            .contains("the " + action + " handler answered IN_PROGRESS");
        assertThat(response.has("callbackContext")).isFalse();
        assertThat(invoke("UPDATE").getString("status")).as("mutating actions may go on").isEqualTo("IN_PROGRESS");
    }

    @Test
    void theHandlersGetThePartitionAndTheTagMapsThePluginGives() throws IOException {
        final ArgumentCaptor<ResourceHandlerRequest<ResourceModel>> requests = requestCaptor();
        when(handler.handleRequest(any(), requests.capture(), any(), any()))
            .thenReturn(ProgressEvent.defaultSuccessHandler(null));
        for (String region : List.of("us-east-1", "cn-north-1", "us-gov-east-1", "us-iso-east-1", "us-isob-east-1")) {
            invoke(wrapper, request("READ").put("region", region));
        }
        assertThat(requests.getAllValues()).extracting(ResourceHandlerRequest::getAwsPartition)
            .containsExactly("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b");
        assertThat(requests.getValue().getDesiredResourceTags()).isEmpty();
        assertThat(requests.getValue().getPreviousResourceTags()).isEmpty();
        final JSONObject tagged = request("UPDATE");
        tagged.getJSONObject("requestData").put("stackTags", Map.of("team", "crypto"));
        invoke(wrapper, tagged);
        assertThat(requests.getValue().getDesiredResourceTags()).containsExactly(Map.entry("team", "crypto"));
        assertThat(requests.getValue().getPreviousResourceTags()).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static ArgumentCaptor<ResourceHandlerRequest<ResourceModel>> requestCaptor() {
        return ArgumentCaptor.forClass(ResourceHandlerRequest.class);
    }

    @Test
    void writeOnlyPropertiesAreLeftOutOfFinalAnswersAtAnyDepth() throws IOException {
        // The key store type will declare nested write-only properties; today's schema declares none.
        final JSONObject schema = new JSONObject().put("writeOnlyProperties", List.of(
            "/properties/XksProxyAuthenticationCredential/RawSecretAccessKey", "/properties/ConnectionErrorCode"));
        final HandlerWrapper nested = new HandlerWrapper(handlers(), TempDirectoryGuard.never(), () -> schema);
        final ResourceModel model = ResourceModel.builder().customKeyStoreId("cks-1").connectionErrorCode("secret")
            .build();
        when(handler.handleRequest(any(), any(), any(), any())).thenReturn(ProgressEvent.defaultSuccessHandler(model));
        assertThat(invoke(nested, request("CREATE")).getJSONObject("resourceModel").toMap())
            .isEqualTo(Map.of("CustomKeyStoreId", "cks-1"));
        when(handler.handleRequest(any(), any(), any(), any())).thenReturn(ProgressEvent.<ResourceModel,
            CallbackContext>builder().status(OperationStatus.SUCCESS).resourceModels(List.of(model)).build());
        assertThat(invoke(nested, request("LIST")).getJSONArray("resourceModels").getJSONObject(0).toMap())
            .isEqualTo(Map.of("CustomKeyStoreId", "cks-1"));
        when(handler.handleRequest(any(), any(), any(), any())).thenReturn(ProgressEvent.defaultInProgressHandler(
            new CallbackContext(), 5, model));
        assertThat(invoke(nested, request("CREATE")).getJSONObject("resourceModel").toMap())
            .as("the next invocation needs the whole model").containsEntry("ConnectionErrorCode", "secret");
    }

    @Test
    void anAnswerThatCannotBeWrittenIsStillAnAnswer() throws IOException {
        final JSONObject schema = new JSONObject().put("writeOnlyProperties", List.of("/definitions/Broken"));
        final HandlerWrapper broken = new HandlerWrapper(handlers(), TempDirectoryGuard.never(), () -> schema);
        when(handler.handleRequest(any(), any(), any(), any())).thenReturn(ProgressEvent.defaultSuccessHandler(
            ResourceModel.builder().customKeyStoreId("cks-1").build()));
        final JSONObject response = invoke(broken, request("READ"));
        assertThat(response.getString("errorCode")).isEqualTo("InternalFailure");
        assertThat(response.getString("message")).contains("/definitions/Broken", "Keyhold defect");
        assertThat(log).anyMatch(line -> line.startsWith("Keyhold could not write its answer"));
    }

    @Test
    void aHandlerAnswerIsPassedOnAsItIs() throws IOException {
        when(handler.handleRequest(any(), any(), any(), any())).thenReturn(ProgressEvent.defaultSuccessHandler(
            ResourceModel.builder().customKeyStoreId("cks-1").build()));
        assertThat(invoke("READ").toMap()).isEqualTo(Map.of("status", "SUCCESS", "callbackDelaySeconds", 0,
            "resourceModel", Map.of("CustomKeyStoreId", "cks-1")));
        assertThat(log).contains("[READ] invoking handler...", "[READ] handler returned SUCCESS");
    }

    @Test
    void noInputAndUnreadableInputAreAnsweredWithoutCallingAHandler() throws IOException {
        assertThat(invoke(wrapper, (InputStream) null).getString("message")).isEqualTo("No request was received.");
        final JSONObject broken = invoke(wrapper, new InputStream() {
            @Override
            public int read() throws IOException {
                throw new IOException("connection reset");
            }
        });
        assertThat(broken.getString("errorCode")).isEqualTo("InternalFailure");
        assertThat(broken.getString("message")).isEqualTo("The request could not be read: java.io.IOException: "
            + "connection reset");
        final JSONObject mistyped = invoke(wrapper, request("READ").put("maxResults", "ten"));
        assertThat(mistyped.getString("errorCode")).isEqualTo("InvalidRequest");
        assertThat(mistyped.getString("message")).startsWith("The request is malformed:").contains("maxResults");
        verifyNoInteractions(handler);
    }

    @Test
    void aTemporaryDirectoryThatCannotBeEmptiedDoesNotFailTheRequest() throws IOException {
        final String before = System.getProperty("java.io.tmpdir");
        try {
            final TempDirectoryGuard guard = TempDirectoryGuard.privateDirectory();
            Files.delete(Path.of(System.getProperty("java.io.tmpdir")));
            when(handler.handleRequest(any(), any(), any(), any())).thenReturn(ProgressEvent.defaultSuccessHandler(null));
            final JSONObject response = invoke(wrapper(guard), request("LIST"));
            assertThat(response.getString("status")).isEqualTo("SUCCESS");
            assertThat(log).anyMatch(line -> line.startsWith("Could not empty the temporary directory"));
        } finally {
            System.setProperty("java.io.tmpdir", before);
        }
    }

    @Test
    void theScrubEmptiesNestedDirectoriesButKeepsTheRoot() throws IOException {
        final String before = System.getProperty("java.io.tmpdir");
        try {
            final TempDirectoryGuard guard = TempDirectoryGuard.privateDirectory();
            final Path root = Path.of(System.getProperty("java.io.tmpdir"));
            Files.writeString(Files.createDirectories(root.resolve("a/b")).resolve("left-over.txt"), "caller data");
            Files.writeString(root.resolve("top.txt"), "caller data");
            guard.scrub();
            assertThat(root).isEmptyDirectory();
        } finally {
            System.setProperty("java.io.tmpdir", before);
        }
    }
}
