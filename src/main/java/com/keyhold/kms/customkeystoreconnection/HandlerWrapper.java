package com.keyhold.kms.customkeystoreconnection;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.core.type.TypeReference;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import org.apache.commons.io.IOUtils;
import org.json.JSONArray;
import org.json.JSONObject;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.cloudformation.Action;
import software.amazon.cloudformation.LambdaWrapper;
import software.amazon.cloudformation.exceptions.BaseHandlerException;
import software.amazon.cloudformation.loggers.LambdaLogPublisher;
import software.amazon.cloudformation.proxy.AmazonWebServicesClientProxy;
import software.amazon.cloudformation.proxy.HandlerErrorCode;
import software.amazon.cloudformation.proxy.HandlerRequest;
import software.amazon.cloudformation.proxy.LoggerProxy;
import software.amazon.cloudformation.proxy.ProgressEvent;
import software.amazon.cloudformation.proxy.RequestData;
import software.amazon.cloudformation.proxy.ResourceHandlerRequest;
import software.amazon.cloudformation.proxy.ResourceHandlerTestPayload;

/**
 * The Lambda entry point CloudFormation invokes ({@code handleRequest}) and the contract-test entry point
 * ({@code testEntrypoint}), as {@code cfn generate} writes them.
 */
public class HandlerWrapper extends LambdaWrapper<ResourceModel, CallbackContext, TypeConfigurationModel> {
    private static final TypeReference<HandlerRequest<ResourceModel, CallbackContext, TypeConfigurationModel>>
        REQUEST_REFERENCE = new TypeReference<>() {
        };
    private static final TypeReference<ResourceModel> TYPE_REFERENCE = new TypeReference<>() {
    };
    private static final TypeReference<ResourceHandlerTestPayload<ResourceModel, CallbackContext, TypeConfigurationModel>>
        TEST_ENTRY_TYPE_REFERENCE = new TypeReference<>() {
        };

    private final Configuration configuration = new Configuration();
    private final Map<Action, BaseHandler<CallbackContext>> handlers = new EnumMap<>(Action.class);
    private final TempDirectoryGuard tempDirectoryGuard;
    private JSONObject resourceSchema;

    /** Used by Lambda. */
    public HandlerWrapper() {
        this(HandlerConfig.defaults(), TempDirectoryGuard.forEnvironment());
    }

    /** Used by tests and local tools: injected clock and clients, and a guard for the temporary directory. */
    public HandlerWrapper(final HandlerConfig config, final TempDirectoryGuard tempDirectoryGuard) {
        this.tempDirectoryGuard = tempDirectoryGuard;
        handlers.put(Action.CREATE, new CreateHandler(config));
        handlers.put(Action.READ, new ReadHandler(config));
        handlers.put(Action.UPDATE, new UpdateHandler(config));
        handlers.put(Action.DELETE, new DeleteHandler(config));
        handlers.put(Action.LIST, new ListHandler(config));
    }

    /**
     * Checks the resource properties with Keyhold's own rules before the plugin's schema validation, whose messages
     * name the property but not what is allowed, and answers a mutating request without properties InvalidRequest
     * (the plugin would call it an InternalFailure).
     */
    @Override
    public void handleRequest(final InputStream inputStream, final OutputStream outputStream, final Context context)
        throws IOException {
        final byte[] input = inputStream == null ? null : IOUtils.toByteArray(inputStream);
        final String problem = input == null ? null : InputCheck.problem(input);
        if (problem != null) {
            writeResponse(outputStream, ProgressEvent.failed(null, null, HandlerErrorCode.InvalidRequest, problem));
            outputStream.close();
            return;
        }
        super.handleRequest(input == null ? null : new ByteArrayInputStream(input), outputStream, context);
    }

    @Override
    public ProgressEvent<ResourceModel, CallbackContext> invokeHandler(
        final AmazonWebServicesClientProxy proxy,
        final ResourceHandlerRequest<ResourceModel> request,
        final Action action,
        final CallbackContext callbackContext,
        final TypeConfigurationModel typeConfiguration) {
        final BaseHandler<CallbackContext> handler = handlers.get(action);
        if (handler == null) {
            throw new IllegalArgumentException("Unknown action " + action);
        }
        loggerProxy.log(String.format("[%s] invoking handler...", action));
        final ProgressEvent<ResourceModel, CallbackContext> result = handler.handleRequest(proxy, request,
            callbackContext, loggerProxy);
        loggerProxy.log(String.format("[%s] handler invoked", action));
        return result;
    }

    public void testEntrypoint(final InputStream inputStream, final OutputStream outputStream, final Context context)
        throws IOException {
        this.loggerProxy = new LoggerProxy();
        this.loggerProxy.addLogPublisher(new LambdaLogPublisher(context.getLogger()));
        ProgressEvent<ResourceModel, CallbackContext> response;
        try {
            final String input = IOUtils.toString(inputStream, StandardCharsets.UTF_8);
            final ResourceHandlerTestPayload<ResourceModel, CallbackContext, TypeConfigurationModel> payload = this.serializer
                .deserialize(input, TEST_ENTRY_TYPE_REFERENCE);
            final AmazonWebServicesClientProxy proxy = new AmazonWebServicesClientProxy(loggerProxy,
                payload.getCredentials(), () -> (long) context.getRemainingTimeInMillis());
            response = invokeHandler(proxy, payload.getRequest(), payload.getAction(), payload.getCallbackContext(),
                payload.getTypeConfiguration());
        } catch (final IOException e) {
            response = ProgressEvent.defaultFailureHandler(e, HandlerErrorCode.InvalidRequest);
        } catch (final BaseHandlerException e) {
            response = ProgressEvent.defaultFailureHandler(e, e.getErrorCode());
        } catch (final AwsServiceException e) {
            response = ProgressEvent.defaultFailureHandler(e, HandlerErrorCode.GeneralServiceException);
        } catch (final RuntimeException e) {
            response = ProgressEvent.defaultFailureHandler(e, HandlerErrorCode.InternalFailure);
        }
        writeResponse(outputStream, response);
        outputStream.close();
    }

    @Override
    public JSONObject provideResourceSchemaJSONObject() {
        if (resourceSchema == null) {
            resourceSchema = configuration.resourceSchemaJSONObject();
        }
        return resourceSchema;
    }

    /**
     * The plugin strips write-only properties from every final response by loading the schema into a JSON-schema
     * validator: several hundred classes and a schema parse on each cold start (docs/PERFORMANCE.md). The schema
     * declares no write-only property, so the model goes back as the handler built it, which is what the stripping
     * would produce; should the schema ever declare one, the plugin's stripping applies again.
     */
    @Override
    protected ResourceModel sanitizeModel(final ResourceModel model) throws IOException {
        final JSONArray writeOnly = provideResourceSchemaJSONObject().optJSONArray("writeOnlyProperties");
        return writeOnly == null || writeOnly.isEmpty() ? model : super.sanitizeModel(model);
    }

    @Override
    public Map<String, String> provideResourceDefinedTags(final ResourceModel resourceModel) {
        return configuration.resourceDefinedTags(resourceModel);
    }

    @Override
    protected ResourceHandlerRequest<ResourceModel> transform(
        final HandlerRequest<ResourceModel, CallbackContext, TypeConfigurationModel> request) {
        final RequestData<ResourceModel, TypeConfigurationModel> requestData = request.getRequestData();
        return ResourceHandlerRequest.<ResourceModel>builder()
            .clientRequestToken(request.getBearerToken())
            .desiredResourceState(requestData.getResourceProperties())
            .previousResourceState(requestData.getPreviousResourceProperties())
            .desiredResourceTags(getDesiredResourceTags(request))
            .previousResourceTags(getPreviousResourceTags(request))
            .systemTags(requestData.getSystemTags())
            .awsAccountId(request.getAwsAccountId())
            .logicalResourceIdentifier(requestData.getLogicalResourceId())
            .nextToken(request.getNextToken())
            .maxResults(request.getMaxResults())
            .region(request.getRegion())
            .stackId(request.getStackId())
            .build();
    }

    @Override
    protected TypeReference<HandlerRequest<ResourceModel, CallbackContext, TypeConfigurationModel>> getTypeReference() {
        return REQUEST_REFERENCE;
    }

    @Override
    protected TypeReference<ResourceModel> getModelTypeReference() {
        return TYPE_REFERENCE;
    }

    /** The plugin empties java.io.tmpdir on every request; outside Lambda that must never be a shared directory. */
    @Override
    protected void scrubFiles() {
        if (tempDirectoryGuard.mayScrub()) {
            super.scrubFiles();
        }
    }
}
