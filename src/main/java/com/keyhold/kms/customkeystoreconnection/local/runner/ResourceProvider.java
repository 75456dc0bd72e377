package com.keyhold.kms.customkeystoreconnection.local.runner;

/**
 * Runs one resource type's operations for the runner. The Keyhold registry type goes through its Lambda wrapper
 * ({@link KeyholdProvider}); custom resources ({@code Custom::*}, {@code AWS::CloudFormation::CustomResource}) go
 * to Keyhold's custom-resource handler ({@link CustomResourceProvider}).
 */
public interface ResourceProvider {
    /** The schema for property checks, change sets and GetAtt; null when any property is accepted (custom). */
    ResourceSchema schema();

    /**
     * Runs CREATE, READ, UPDATE or DELETE until it is no longer in progress, reporting every in-progress answer
     * (with the updated {@code call.callbackContext}) to {@code listener} before waiting for the next callback.
     */
    ProviderResult run(ProviderCall call, ProgressListener listener) throws InterruptedException;

    /** The physical id (what Ref returns) of a resource with these properties and handler model. */
    default String physicalId(final com.fasterxml.jackson.databind.node.ObjectNode properties,
                              final com.fasterxml.jackson.databind.node.ObjectNode model) {
        final String id = schema() == null ? "PhysicalResourceId" : schema().primaryIdentifier();
        if (model != null && model.hasNonNull(id)) {
            return model.get(id).asText();
        }
        return properties != null && properties.hasNonNull(id) ? properties.get(id).asText() : null;
    }

    @FunctionalInterface
    interface ProgressListener {
        ProgressListener NONE = (call, message) -> {
        };

        void inProgress(ProviderCall call, String message);
    }
}
