package com.keyhold.kms.customkeystore;

import com.keyhold.kms.customkeystoreconnection.protocol.JsonType;
import com.keyhold.kms.customkeystoreconnection.protocol.ModelCodec;

/**
 * The resource model's JSON form: one entry per schema property, the credential a nested object
 * (ResourceModelSchemaTest keeps this table and custom-key-store/schema.json in step). Unknown names are refused or
 * ignored where the protocol says (ModelCodec), as for the connection type.
 */
final class ResourceModelJson {
    static final ModelCodec<XksProxyAuthenticationCredential> CREDENTIAL = ModelCodec
        .builder("XksProxyAuthenticationCredential", XksProxyAuthenticationCredential::new)
        .string("AccessKeyId", XksProxyAuthenticationCredential::getAccessKeyId,
            XksProxyAuthenticationCredential::setAccessKeyId)
        .string("RawSecretAccessKey", XksProxyAuthenticationCredential::getRawSecretAccessKey,
            XksProxyAuthenticationCredential::setRawSecretAccessKey)
        .build();

    static final ModelCodec<ResourceModel> CODEC = ModelCodec.builder(ResourceModel.TYPE_NAME, ResourceModel::new)
        .string("CustomKeyStoreId", ResourceModel::getCustomKeyStoreId, ResourceModel::setCustomKeyStoreId)
        .string("CustomKeyStoreName", ResourceModel::getCustomKeyStoreName, ResourceModel::setCustomKeyStoreName)
        .string("CustomKeyStoreType", ResourceModel::getCustomKeyStoreType, ResourceModel::setCustomKeyStoreType)
        .string("CloudHsmClusterId", ResourceModel::getCloudHsmClusterId, ResourceModel::setCloudHsmClusterId)
        .string("TrustAnchorCertificate", ResourceModel::getTrustAnchorCertificate,
            ResourceModel::setTrustAnchorCertificate)
        .string("KeyStorePassword", ResourceModel::getKeyStorePassword, ResourceModel::setKeyStorePassword)
        .string("KeyStorePasswordVersion", ResourceModel::getKeyStorePasswordVersion,
            ResourceModel::setKeyStorePasswordVersion)
        .string("XksProxyConnectivity", ResourceModel::getXksProxyConnectivity, ResourceModel::setXksProxyConnectivity)
        .string("XksProxyUriEndpoint", ResourceModel::getXksProxyUriEndpoint, ResourceModel::setXksProxyUriEndpoint)
        .string("XksProxyUriPath", ResourceModel::getXksProxyUriPath, ResourceModel::setXksProxyUriPath)
        .string("XksProxyVpcEndpointServiceName", ResourceModel::getXksProxyVpcEndpointServiceName,
            ResourceModel::setXksProxyVpcEndpointServiceName)
        .string("XksProxyVpcEndpointServiceOwner", ResourceModel::getXksProxyVpcEndpointServiceOwner,
            ResourceModel::setXksProxyVpcEndpointServiceOwner)
        .property("XksProxyAuthenticationCredential", CREDENTIAL, ResourceModel::getXksProxyAuthenticationCredential,
            ResourceModel::setXksProxyAuthenticationCredential)
        .string("XksProxyAuthenticationCredentialVersion", ResourceModel::getXksProxyAuthenticationCredentialVersion,
            ResourceModel::setXksProxyAuthenticationCredentialVersion)
        .property("RefuseDisconnectingUpdates", JsonType.BOOLEAN, ResourceModel::getRefuseDisconnectingUpdates,
            ResourceModel::setRefuseDisconnectingUpdates)
        .string("ObservedConnectionState", ResourceModel::getObservedConnectionState,
            ResourceModel::setObservedConnectionState)
        .string("ConnectionErrorCode", ResourceModel::getConnectionErrorCode, ResourceModel::setConnectionErrorCode)
        .string("CreationDate", ResourceModel::getCreationDate, ResourceModel::setCreationDate)
        .build();

    private ResourceModelJson() {
    }
}
