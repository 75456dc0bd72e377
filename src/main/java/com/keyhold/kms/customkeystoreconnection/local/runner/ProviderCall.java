package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One resource operation as CloudFormation sends it, including what survives between callbacks. Saved in the stack
 * state while it runs, so that a later command can resume it after a crash with the same token and callback context.
 */
public final class ProviderCall {
    public String action;
    public String logicalId;
    public String resourceType;
    public String stackId;
    /** The physical id for UPDATE, DELETE and READ (custom resources are addressed by it). */
    public String physicalId;
    public ObjectNode properties;
    public ObjectNode previousProperties;
    /** The same for every invocation of one operation, as CloudFormation's bearer token / client request token. */
    public String clientRequestToken;
    public JsonNode callbackContext;
    /** Emulated or real time (ISO-8601) of the first invocation, for the handler timeout and elapsed times. */
    public String startedAt;
    public int invocations;

    public ProviderCall() {
    }

    public ProviderCall(final String action, final String logicalId, final String resourceType,
                        final ObjectNode properties, final ObjectNode previousProperties, final String token) {
        this.action = action;
        this.logicalId = logicalId;
        this.resourceType = resourceType;
        this.properties = properties;
        this.previousProperties = previousProperties;
        this.clientRequestToken = token;
    }
}
