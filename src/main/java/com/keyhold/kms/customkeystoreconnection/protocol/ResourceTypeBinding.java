package com.keyhold.kms.customkeystoreconnection.protocol;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.json.JSONObject;
import software.amazon.cloudformation.Action;
import software.amazon.cloudformation.proxy.AmazonWebServicesClientProxy;
import software.amazon.cloudformation.proxy.Logger;
import software.amazon.cloudformation.proxy.ProgressEvent;
import software.amazon.cloudformation.proxy.ResourceHandlerRequest;

/**
 * Everything the resource-provider protocol ({@link Protocol}, {@link TypeEntryPoints}) needs to know of one resource
 * type, so that a second type binds to the same protocol code instead of copying it.
 *
 * @param typeName   the type's name, e.g. Keyhold::KMS::CustomKeyStoreConnection
 * @param schema     loads the type's schema (validation of CREATE and UPDATE, write-only properties); called at most
 *                   once, and only when needed
 * @param models     the model's JSON form
 * @param contexts   the callback context's JSON form
 * @param inputCheck the type's own rules on a raw request's resource properties, whose messages say what is allowed:
 *                   what is wrong, or null to proceed
 * @param handlers   the handler of each action the type supports
 * @param <M>        the model class
 * @param <C>        the callback context class
 */
public record ResourceTypeBinding<M, C>(String typeName, Supplier<JSONObject> schema, ModelCodec<M> models,
                                 ContextCodec<C> contexts, Function<JSONObject, String> inputCheck,
                                 Map<Action, ActionHandler<M, C>> handlers) {
    public ResourceTypeBinding {
        handlers = new EnumMap<>(handlers);
    }

    /** One action's handler, as the plugin's generated {@code BaseHandler} declares it. */
    @FunctionalInterface
    public interface ActionHandler<M, C> {
        ProgressEvent<M, C> handleRequest(AmazonWebServicesClientProxy proxy, ResourceHandlerRequest<M> request,
                                          C callbackContext, Logger logger);
    }
}
