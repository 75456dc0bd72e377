package com.keyhold.kms.customkeystore;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.keyhold.kms.customkeystoreconnection.protocol.ResourceTypeBinding;
import com.keyhold.kms.customkeystoreconnection.protocol.TempDirectoryGuard;
import com.keyhold.kms.customkeystoreconnection.protocol.TypeEntryPoints;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.EnumMap;
import java.util.Map;
import software.amazon.cloudformation.Action;

/**
 * The key store type's Lambda entry point ({@code handleRequest}) and contract-test entry point
 * ({@code testEntrypoint}), named in custom-key-store/.rpdk-config: the type bound to the same protocol code as the
 * connection type ({@link TypeEntryPoints}). How the two types share the code and a key store: guides/DESIGN.md.
 */
public class HandlerWrapper implements RequestStreamHandler {
    private final TypeEntryPoints<ResourceModel, CallbackContext> entryPoints;

    /** Used by Lambda. */
    public HandlerWrapper() {
        this(HandlerConfig.defaults(), TempDirectoryGuard.forEnvironment());
    }

    /** Used by tests and local tools: injected clock and clients, and a guard for the temporary directory. */
    public HandlerWrapper(final HandlerConfig config, final TempDirectoryGuard tempDirectoryGuard) {
        this.entryPoints = new TypeEntryPoints<>(binding(config), tempDirectoryGuard);
    }

    /** What the protocol needs to know of the key store type. */
    static ResourceTypeBinding<ResourceModel, CallbackContext> binding(final HandlerConfig config) {
        final Map<Action, ResourceTypeBinding.ActionHandler<ResourceModel, CallbackContext>> handlers =
            new EnumMap<>(Action.class);
        handlers.put(Action.CREATE, new CreateHandler(config));
        handlers.put(Action.READ, new ReadHandler(config));
        handlers.put(Action.UPDATE, new UpdateHandler(config));
        handlers.put(Action.DELETE, new DeleteHandler(config));
        handlers.put(Action.LIST, new ListHandler(config));
        return new ResourceTypeBinding<>(ResourceModel.TYPE_NAME, Configuration::resourceSchema,
            ResourceModelJson.CODEC, CallbackContextJson.CODEC, InputCheck::problem, handlers);
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
