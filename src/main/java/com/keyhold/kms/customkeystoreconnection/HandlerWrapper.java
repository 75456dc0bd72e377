package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.protocol.TypeEntryPoints;
import com.keyhold.kms.customkeystoreconnection.protocol.ResourceTypeBinding;
import com.keyhold.kms.customkeystoreconnection.protocol.TempDirectoryGuard;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import org.json.JSONObject;
import software.amazon.cloudformation.Action;

/**
 * The Lambda entry point CloudFormation invokes ({@code handleRequest}) and the contract-test entry point
 * ({@code testEntrypoint}), named in .rpdk-config as {@code cfn generate} names them: the connection type bound to the
 * resource-provider protocol ({@link #binding}).
 *
 * <p>Keyhold speaks CloudFormation's resource-provider protocol itself ({@link TypeEntryPoints}, {@link Protocol})
 * rather than extending the plugin's {@code LambdaWrapper}, whose class initialisation builds an Apache HTTP client
 * with its TLS context and whose serializer builds two Jackson mappers: most of a cold start, paid on nearly every
 * invocation of a long transition (guides/PERFORMANCE.md).
 */
public class HandlerWrapper implements RequestStreamHandler {
    private final TypeEntryPoints<ResourceModel, CallbackContext> entryPoints;

    /** Used by Lambda. */
    public HandlerWrapper() {
        this(HandlerConfig.defaults(), TempDirectoryGuard.forEnvironment());
    }

    /** Used by tests and local tools: injected clock and clients, and a guard for the temporary directory. */
    public HandlerWrapper(final HandlerConfig config, final TempDirectoryGuard tempDirectoryGuard) {
        this(handlers(config), tempDirectoryGuard);
    }

    HandlerWrapper(final Map<Action, BaseHandler<CallbackContext>> handlers,
                   final TempDirectoryGuard tempDirectoryGuard) {
        this(handlers, tempDirectoryGuard, new Configuration()::resourceSchemaJSONObject);
    }

    /** Used by tests: another schema than the one in the jar (one with nested write-only properties, say). */
    HandlerWrapper(final Map<Action, BaseHandler<CallbackContext>> handlers,
                   final TempDirectoryGuard tempDirectoryGuard, final Supplier<JSONObject> schema) {
        this.entryPoints = new TypeEntryPoints<>(binding(handlers, schema), tempDirectoryGuard);
    }

    private static Map<Action, BaseHandler<CallbackContext>> handlers(final HandlerConfig config) {
        final Map<Action, BaseHandler<CallbackContext>> handlers = new EnumMap<>(Action.class);
        handlers.put(Action.CREATE, new CreateHandler(config));
        handlers.put(Action.READ, new ReadHandler(config));
        handlers.put(Action.UPDATE, new UpdateHandler(config));
        handlers.put(Action.DELETE, new DeleteHandler(config));
        handlers.put(Action.LIST, new ListHandler(config));
        return handlers;
    }

    /** What the protocol needs to know of the connection type. */
    static ResourceTypeBinding<ResourceModel, CallbackContext> binding(
        final Map<Action, BaseHandler<CallbackContext>> handlers, final Supplier<JSONObject> schema) {
        final Map<Action, ResourceTypeBinding.ActionHandler<ResourceModel, CallbackContext>> bound =
            new EnumMap<>(Action.class);
        handlers.forEach((action, handler) -> bound.put(action, handler::handleRequest));
        return new ResourceTypeBinding<>(ResourceModel.TYPE_NAME, schema, ResourceModelJson.CODEC,
            CallbackContextJson.CODEC, InputCheck::problem, bound);
    }

    @Override
    public void handleRequest(final InputStream input, final OutputStream output, final Context context)
        throws IOException {
        entryPoints.handleRequest(input, output, context);
    }

    /** Runs one handler as the CloudFormation CLI's contract tests do: no schema check, the payload's credentials. */
    public void testEntrypoint(final InputStream input, final OutputStream output, final Context context)
        throws IOException {
        entryPoints.testEntrypoint(input, output, context);
    }
}
