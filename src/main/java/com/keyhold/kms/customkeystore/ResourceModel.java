package com.keyhold.kms.customkeystore;

import java.util.List;
import org.json.JSONObject;

/**
 * The resource's properties, as {@code cfn generate} would write them from custom-key-store/schema.json (by hand,
 * since the build must not need the CloudFormation CLI). Their JSON names are in {@link ResourceModelJson};
 * ResourceModelSchemaTest keeps both in step with the schema. No toString: the model carries write-only secrets
 * (KeyStorePassword, the XKS RawSecretAccessKey), and an object's default text never shows them in a log.
 */
public class ResourceModel {
    public static final String TYPE_NAME = "Keyhold::KMS::CustomKeyStore";

    public static final String IDENTIFIER_KEY_CUSTOMKEYSTOREID = "/properties/CustomKeyStoreId";

    private String customKeyStoreId;

    private String customKeyStoreName;

    private String customKeyStoreType;

    private String cloudHsmClusterId;

    private String trustAnchorCertificate;

    private String keyStorePassword;

    private String keyStorePasswordVersion;

    private String xksProxyConnectivity;

    private String xksProxyUriEndpoint;

    private String xksProxyUriPath;

    private String xksProxyVpcEndpointServiceName;

    private String xksProxyVpcEndpointServiceOwner;

    private XksProxyAuthenticationCredential xksProxyAuthenticationCredential;

    private String xksProxyAuthenticationCredentialVersion;

    private Boolean refuseDisconnectingUpdates;

    private String observedConnectionState;

    private String connectionErrorCode;

    private String creationDate;

    public ResourceModel() {
    }

    /** A copy (the credential copied too), for answers built from the request's model without changing it. */
    public ResourceModel copy() {
        final ResourceModel copy = new ResourceModel();
        copy.customKeyStoreId = customKeyStoreId;
        copy.customKeyStoreName = customKeyStoreName;
        copy.customKeyStoreType = customKeyStoreType;
        copy.cloudHsmClusterId = cloudHsmClusterId;
        copy.trustAnchorCertificate = trustAnchorCertificate;
        copy.keyStorePassword = keyStorePassword;
        copy.keyStorePasswordVersion = keyStorePasswordVersion;
        copy.xksProxyConnectivity = xksProxyConnectivity;
        copy.xksProxyUriEndpoint = xksProxyUriEndpoint;
        copy.xksProxyUriPath = xksProxyUriPath;
        copy.xksProxyVpcEndpointServiceName = xksProxyVpcEndpointServiceName;
        copy.xksProxyVpcEndpointServiceOwner = xksProxyVpcEndpointServiceOwner;
        copy.xksProxyAuthenticationCredentialVersion = xksProxyAuthenticationCredentialVersion;
        copy.refuseDisconnectingUpdates = refuseDisconnectingUpdates;
        copy.observedConnectionState = observedConnectionState;
        copy.connectionErrorCode = connectionErrorCode;
        copy.creationDate = creationDate;
        copy.xksProxyAuthenticationCredential = xksProxyAuthenticationCredential == null ? null
            : xksProxyAuthenticationCredential.copy();
        return copy;
    }

    public JSONObject getPrimaryIdentifier() {
        if (customKeyStoreId == null) {
            return null;
        }
        final JSONObject identifier = new JSONObject();
        identifier.put(IDENTIFIER_KEY_CUSTOMKEYSTOREID, customKeyStoreId);
        return identifier;
    }

    public List<Object> getAdditionalIdentifiers() {
        return null;
    }

    public String getCustomKeyStoreId() {
        return customKeyStoreId;
    }

    public void setCustomKeyStoreId(final String customKeyStoreId) {
        this.customKeyStoreId = customKeyStoreId;
    }

    public String getCustomKeyStoreName() {
        return customKeyStoreName;
    }

    public void setCustomKeyStoreName(final String customKeyStoreName) {
        this.customKeyStoreName = customKeyStoreName;
    }

    public String getCustomKeyStoreType() {
        return customKeyStoreType;
    }

    public void setCustomKeyStoreType(final String customKeyStoreType) {
        this.customKeyStoreType = customKeyStoreType;
    }

    public String getCloudHsmClusterId() {
        return cloudHsmClusterId;
    }

    public void setCloudHsmClusterId(final String cloudHsmClusterId) {
        this.cloudHsmClusterId = cloudHsmClusterId;
    }

    public String getTrustAnchorCertificate() {
        return trustAnchorCertificate;
    }

    public void setTrustAnchorCertificate(final String trustAnchorCertificate) {
        this.trustAnchorCertificate = trustAnchorCertificate;
    }

    public String getKeyStorePassword() {
        return keyStorePassword;
    }

    public void setKeyStorePassword(final String keyStorePassword) {
        this.keyStorePassword = keyStorePassword;
    }

    public String getKeyStorePasswordVersion() {
        return keyStorePasswordVersion;
    }

    public void setKeyStorePasswordVersion(final String keyStorePasswordVersion) {
        this.keyStorePasswordVersion = keyStorePasswordVersion;
    }

    public String getXksProxyConnectivity() {
        return xksProxyConnectivity;
    }

    public void setXksProxyConnectivity(final String xksProxyConnectivity) {
        this.xksProxyConnectivity = xksProxyConnectivity;
    }

    public String getXksProxyUriEndpoint() {
        return xksProxyUriEndpoint;
    }

    public void setXksProxyUriEndpoint(final String xksProxyUriEndpoint) {
        this.xksProxyUriEndpoint = xksProxyUriEndpoint;
    }

    public String getXksProxyUriPath() {
        return xksProxyUriPath;
    }

    public void setXksProxyUriPath(final String xksProxyUriPath) {
        this.xksProxyUriPath = xksProxyUriPath;
    }

    public String getXksProxyVpcEndpointServiceName() {
        return xksProxyVpcEndpointServiceName;
    }

    public void setXksProxyVpcEndpointServiceName(final String xksProxyVpcEndpointServiceName) {
        this.xksProxyVpcEndpointServiceName = xksProxyVpcEndpointServiceName;
    }

    public String getXksProxyVpcEndpointServiceOwner() {
        return xksProxyVpcEndpointServiceOwner;
    }

    public void setXksProxyVpcEndpointServiceOwner(final String xksProxyVpcEndpointServiceOwner) {
        this.xksProxyVpcEndpointServiceOwner = xksProxyVpcEndpointServiceOwner;
    }

    public XksProxyAuthenticationCredential getXksProxyAuthenticationCredential() {
        return xksProxyAuthenticationCredential;
    }

    public void setXksProxyAuthenticationCredential(final XksProxyAuthenticationCredential xksProxyAuthenticationCredential) {
        this.xksProxyAuthenticationCredential = xksProxyAuthenticationCredential;
    }

    public String getXksProxyAuthenticationCredentialVersion() {
        return xksProxyAuthenticationCredentialVersion;
    }

    public void setXksProxyAuthenticationCredentialVersion(final String xksProxyAuthenticationCredentialVersion) {
        this.xksProxyAuthenticationCredentialVersion = xksProxyAuthenticationCredentialVersion;
    }

    public Boolean getRefuseDisconnectingUpdates() {
        return refuseDisconnectingUpdates;
    }

    public void setRefuseDisconnectingUpdates(final Boolean refuseDisconnectingUpdates) {
        this.refuseDisconnectingUpdates = refuseDisconnectingUpdates;
    }

    public String getObservedConnectionState() {
        return observedConnectionState;
    }

    public void setObservedConnectionState(final String observedConnectionState) {
        this.observedConnectionState = observedConnectionState;
    }

    public String getConnectionErrorCode() {
        return connectionErrorCode;
    }

    public void setConnectionErrorCode(final String connectionErrorCode) {
        this.connectionErrorCode = connectionErrorCode;
    }

    public String getCreationDate() {
        return creationDate;
    }

    public void setCreationDate(final String creationDate) {
        this.creationDate = creationDate;
    }

    /** By value, as the JSON CloudFormation exchanges compares: every property, the credential's members too. */
    @Override
    public boolean equals(final Object other) {
        return other instanceof ResourceModel that
            && ResourceModelJson.CODEC.write(this).equals(ResourceModelJson.CODEC.write(that));
    }

    @Override
    public int hashCode() {
        return ResourceModelJson.CODEC.write(this).hashCode();
    }
}
