package com.keyhold.kms.customkeystoreconnection.local.runner;

import java.util.LinkedHashMap;
import java.util.Map;

/** Which resource types this build of the runner can deploy, and why the others cannot be. */
public final class ProviderRegistry {
    public static final String CUSTOM_RESOURCE_TYPE = "AWS::CloudFormation::CustomResource";

    private final Map<String, ResourceProvider> providers = new LinkedHashMap<>();
    private ResourceProvider customResources;
    private DynamicReferences references = new DynamicReferences(DynamicReferences.Source.OFFLINE);

    public ProviderRegistry register(final String type, final ResourceProvider provider) {
        providers.put(type, provider);
        return this;
    }

    public ProviderRegistry customResources(final ResourceProvider provider) {
        this.customResources = provider;
        return this;
    }

    /** Where this registry's target reads dynamic reference values (SSM, Secrets Manager). */
    ProviderRegistry references(final DynamicReferences.Source source) {
        this.references = new DynamicReferences(source);
        return this;
    }

    DynamicReferences references() {
        return references;
    }

    public static boolean isCustomResource(final String type) {
        return type.startsWith("Custom::") || CUSTOM_RESOURCE_TYPE.equals(type);
    }

    /** The provider, or null when the type is not supported (see {@link #unsupportedReason}). */
    public ResourceProvider find(final String type) {
        return isCustomResource(type) ? customResources : providers.get(type);
    }

    public String unsupportedReason(final String type) {
        if (isCustomResource(type)) {
            return "custom resources (" + type + ") cannot run here: no custom-resource handler is registered. "
                + "Declare the key store with " + String.join(" or ", providers.keySet()) + " instead";
        }
        return type + " is not supported by keyhold: it runs only " + String.join(", ", providers.keySet())
            + " and custom resources (Custom::*, " + CUSTOM_RESOURCE_TYPE + ", served by Keyhold's custom-resource "
            + "handler). Deploy this template with AWS CloudFormation, or move the other resources to another stack";
    }
}
