package com.keyhold.kms.customkeystoreconnection.core;

/**
 * The key store properties an update can change, with the connection state KMS needs to change each. The current
 * KMS API reference lets the name change in CONNECTED or DISCONNECTED for both types, and the XKS path and credential
 * too; older CloudHSM pages say the name needs DISCONNECTED. Where KMS's own texts disagree the rule is
 * {@link Rule#TRY_IN_PLACE}: update in place first, and fall back to the disconnect → update → reconnect dance on
 * {@code CustomKeyStoreInvalidStateException}.
 */
public enum StoreProperty {
    CUSTOM_KEY_STORE_NAME("CustomKeyStoreName", null, Rule.TRY_IN_PLACE, Rule.IN_PLACE),
    CLOUD_HSM_CLUSTER_ID("CloudHsmClusterId", StoreType.AWS_CLOUDHSM, Rule.NEEDS_DISCONNECTED, null),
    KEY_STORE_PASSWORD("KeyStorePassword", StoreType.AWS_CLOUDHSM, Rule.NEEDS_DISCONNECTED, null),
    XKS_PROXY_CONNECTIVITY("XksProxyConnectivity", StoreType.EXTERNAL_KEY_STORE, null, Rule.NEEDS_DISCONNECTED),
    XKS_PROXY_URI_ENDPOINT("XksProxyUriEndpoint", StoreType.EXTERNAL_KEY_STORE, null, Rule.NEEDS_DISCONNECTED),
    XKS_PROXY_URI_PATH("XksProxyUriPath", StoreType.EXTERNAL_KEY_STORE, null, Rule.TRY_IN_PLACE),
    XKS_PROXY_VPC_ENDPOINT_SERVICE_NAME("XksProxyVpcEndpointServiceName", StoreType.EXTERNAL_KEY_STORE, null,
        Rule.NEEDS_DISCONNECTED),
    XKS_PROXY_VPC_ENDPOINT_SERVICE_OWNER("XksProxyVpcEndpointServiceOwner", StoreType.EXTERNAL_KEY_STORE, null,
        Rule.NEEDS_DISCONNECTED),
    XKS_PROXY_AUTHENTICATION_CREDENTIAL("XksProxyAuthenticationCredential", StoreType.EXTERNAL_KEY_STORE, null,
        Rule.TRY_IN_PLACE);

    /** What KMS needs to change a property, from the least to the most disruptive. */
    public enum Rule {
        /** KMS changes it in CONNECTED and DISCONNECTED alike. */
        IN_PLACE,
        /** KMS's texts disagree: try in place, fall back to the dance on CustomKeyStoreInvalidStateException. */
        TRY_IN_PLACE,
        /** KMS changes it only while the key store is DISCONNECTED. */
        NEEDS_DISCONNECTED
    }

    private final String propertyName;
    private final StoreType onlyFor;
    private final Rule cloudHsmRule;
    private final Rule externalRule;

    StoreProperty(final String propertyName, final StoreType onlyFor, final Rule cloudHsmRule, final Rule externalRule) {
        this.propertyName = propertyName;
        this.onlyFor = onlyFor;
        this.cloudHsmRule = cloudHsmRule;
        this.externalRule = externalRule;
    }

    /** The resource property's name, as operators see it in the template and in messages. */
    public String propertyName() {
        return propertyName;
    }

    public boolean appliesTo(final StoreType type) {
        return onlyFor == null || onlyFor == type;
    }

    /** What KMS needs to change this property of a key store of {@code type}. */
    public Rule rule(final StoreType type) {
        if (!appliesTo(type)) {
            throw new IllegalArgumentException(propertyName + " is a property of " + onlyFor + " key stores only, not "
                + type);
        }
        return type == StoreType.AWS_CLOUDHSM ? cloudHsmRule : externalRule;
    }
}
