package com.keyhold.kms.customkeystoreconnection.core;

/**
 * A key store's configuration as the update decision compares it: no secrets, only the version properties that
 * stand for them. A null member is "not given": it changes nothing.
 *
 * <p>For the "before" side of a comparison, take the plain properties from what KMS reports now
 * (DescribeCustomKeyStores: the name, the cluster, the XKS proxy configuration with its AccessKeyId) and the two
 * version properties from the previous model: KMS reports no secret and no version, and CloudFormation need not put
 * write-only values into the previous state.
 */
public record KeyStoreSettings(StoreType type,
                               String customKeyStoreName,
                               String cloudHsmClusterId,
                               String keyStorePasswordVersion,
                               String xksProxyConnectivity,
                               String xksProxyUriEndpoint,
                               String xksProxyUriPath,
                               String xksProxyVpcEndpointServiceName,
                               String xksProxyVpcEndpointServiceOwner,
                               String xksProxyAccessKeyId,
                               String xksProxyAuthenticationCredentialVersion) {

    public static KeyStoreSettings cloudHsm(final String name, final String clusterId, final String passwordVersion) {
        return new KeyStoreSettings(StoreType.AWS_CLOUDHSM, name, clusterId, passwordVersion, null, null, null, null,
            null, null, null);
    }

    public static KeyStoreSettings external(final String name,
                                            final String connectivity,
                                            final String uriEndpoint,
                                            final String uriPath,
                                            final String vpcEndpointServiceName,
                                            final String vpcEndpointServiceOwner,
                                            final String accessKeyId,
                                            final String credentialVersion) {
        return new KeyStoreSettings(StoreType.EXTERNAL_KEY_STORE, name, null, null, connectivity, uriEndpoint, uriPath,
            vpcEndpointServiceName, vpcEndpointServiceOwner, accessKeyId, credentialVersion);
    }
}
