package com.keyhold.kms.customkeystore;

import com.keyhold.kms.customkeystoreconnection.core.DisconnectGuard;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreChange;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreSettings;
import com.keyhold.kms.customkeystoreconnection.core.StoreProperty;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.core.StoreType;
import software.amazon.awssdk.services.kms.model.CreateCustomKeyStoreRequest;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;
import software.amazon.awssdk.services.kms.model.UpdateCustomKeyStoreRequest;
import software.amazon.awssdk.services.kms.model.XksProxyAuthenticationCredentialType;
import software.amazon.awssdk.services.kms.model.XksProxyConfigurationType;

/** Between the resource model and KMS: the requests (the only place secrets leave the model) and what KMS reports. */
final class KeyStoreModels {
    private KeyStoreModels() {
    }

    static StoreType type(final ResourceModel model) {
        return StoreType.fromKms(model.getCustomKeyStoreType());
    }

    /** CreateCustomKeyStore for the model's type, its secrets included (create always sends them). */
    static CreateCustomKeyStoreRequest createRequest(final ResourceModel model) {
        final CreateCustomKeyStoreRequest.Builder request = CreateCustomKeyStoreRequest.builder()
            .customKeyStoreName(model.getCustomKeyStoreName()).customKeyStoreType(type(model).name());
        if (type(model) == StoreType.AWS_CLOUDHSM) {
            return request.cloudHsmClusterId(model.getCloudHsmClusterId())
                .trustAnchorCertificate(model.getTrustAnchorCertificate())
                .keyStorePassword(model.getKeyStorePassword()).build();
        }
        return request.xksProxyConnectivity(model.getXksProxyConnectivity())
            .xksProxyUriEndpoint(model.getXksProxyUriEndpoint()).xksProxyUriPath(model.getXksProxyUriPath())
            .xksProxyVpcEndpointServiceName(model.getXksProxyVpcEndpointServiceName())
            .xksProxyVpcEndpointServiceOwner(model.getXksProxyVpcEndpointServiceOwner())
            .xksProxyAuthenticationCredential(credential(model)).build();
    }

    /**
     * UpdateCustomKeyStore with the changed properties only; the password and the credential only when the change
     * holds them (their version changed, or the AccessKeyId differs from KMS's), the credential's two members together.
     */
    static UpdateCustomKeyStoreRequest updateRequest(final String id, final ResourceModel model,
                                                     final KeyStoreChange change) {
        final UpdateCustomKeyStoreRequest.Builder request = UpdateCustomKeyStoreRequest.builder().customKeyStoreId(id);
        for (StoreProperty property : change.properties()) {
            switch (property) {
                case CUSTOM_KEY_STORE_NAME -> request.newCustomKeyStoreName(model.getCustomKeyStoreName());
                case CLOUD_HSM_CLUSTER_ID -> request.cloudHsmClusterId(model.getCloudHsmClusterId());
                case KEY_STORE_PASSWORD -> request.keyStorePassword(model.getKeyStorePassword());
                case XKS_PROXY_CONNECTIVITY -> request.xksProxyConnectivity(model.getXksProxyConnectivity());
                case XKS_PROXY_URI_ENDPOINT -> request.xksProxyUriEndpoint(model.getXksProxyUriEndpoint());
                case XKS_PROXY_URI_PATH -> request.xksProxyUriPath(model.getXksProxyUriPath());
                // In the change without a value only when a move to PUBLIC_ENDPOINT clears it: KMS takes "" for that.
                case XKS_PROXY_VPC_ENDPOINT_SERVICE_NAME -> request.xksProxyVpcEndpointServiceName(
                    model.getXksProxyVpcEndpointServiceName() == null ? "" : model.getXksProxyVpcEndpointServiceName());
                case XKS_PROXY_VPC_ENDPOINT_SERVICE_OWNER ->
                    request.xksProxyVpcEndpointServiceOwner(model.getXksProxyVpcEndpointServiceOwner());
                default -> request.xksProxyAuthenticationCredential(credential(model));
            }
        }
        return request.build();
    }

    private static XksProxyAuthenticationCredentialType credential(final ResourceModel model) {
        final XksProxyAuthenticationCredential credential = model.getXksProxyAuthenticationCredential();
        return credential == null ? null : XksProxyAuthenticationCredentialType.builder()
            .accessKeyId(credential.getAccessKeyId()).rawSecretAccessKey(credential.getRawSecretAccessKey()).build();
    }

    /**
     * Why a key store found by name is not what a create asks for: another type, cluster or XKS proxy address; null
     * when it is.
     */
    static String createMismatch(final CustomKeyStoresListEntry found, final ResourceModel model) {
        final StoreType type = StoreType.fromKms(found.customKeyStoreTypeAsString());
        if (type != type(model)) {
            return "it is " + type + ", this create asks for " + type(model);
        }
        if (type == StoreType.AWS_CLOUDHSM) {
            return java.util.Objects.equals(found.cloudHsmClusterId(), model.getCloudHsmClusterId()) ? null
                : "it is on CloudHSM cluster " + found.cloudHsmClusterId() + ", this create asks for "
                    + model.getCloudHsmClusterId();
        }
        final XksProxyConfigurationType xks = found.xksProxyConfiguration();
        final String foundProxy = xks == null ? null : xks.uriEndpoint() + xks.uriPath();
        final String askedProxy = model.getXksProxyUriEndpoint() + model.getXksProxyUriPath();
        return askedProxy.equals(foundProxy) ? null
            : "its XKS proxy is " + foundProxy + ", this create asks for " + askedProxy;
    }

    /** Whether RefuseDisconnectingUpdates guards an update from {@code previous} (null: none) to {@code desired}. */
    static boolean refusesDisconnecting(final ResourceModel previous, final ResourceModel desired) {
        return DisconnectGuard.on(previous == null ? null : previous.getRefuseDisconnectingUpdates(),
            desired.getRefuseDisconnectingUpdates());
    }

    /** The desired side of an update's comparison: the model, its secrets stood for by their versions. */
    static KeyStoreSettings desired(final ResourceModel model) {
        final XksProxyAuthenticationCredential credential = model.getXksProxyAuthenticationCredential();
        return type(model) == StoreType.AWS_CLOUDHSM
            ? KeyStoreSettings.cloudHsm(model.getCustomKeyStoreName(), model.getCloudHsmClusterId(),
                model.getKeyStorePasswordVersion())
            : KeyStoreSettings.external(model.getCustomKeyStoreName(), model.getXksProxyConnectivity(),
                model.getXksProxyUriEndpoint(), model.getXksProxyUriPath(), model.getXksProxyVpcEndpointServiceName(),
                model.getXksProxyVpcEndpointServiceOwner(), credential == null ? null : credential.getAccessKeyId(),
                model.getXksProxyAuthenticationCredentialVersion());
    }

    /**
     * The "before" side: what KMS reports now, with the versions the store record says KMS last got the secrets under
     * (the previous model's when there is no record: a key store imported, or created before records existed).
     */
    static KeyStoreSettings reported(final CustomKeyStoresListEntry entry, final StoreRecord record,
                                     final ResourceModel previous) {
        final StoreType type = StoreType.fromKms(entry.customKeyStoreTypeAsString());
        final String passwordVersion = record != null ? record.keyStorePasswordVersion()
            : previous == null ? null : previous.getKeyStorePasswordVersion();
        final String credentialVersion = record != null ? record.xksProxyAuthenticationCredentialVersion()
            : previous == null ? null : previous.getXksProxyAuthenticationCredentialVersion();
        if (type == StoreType.AWS_CLOUDHSM) {
            return KeyStoreSettings.cloudHsm(entry.customKeyStoreName(), entry.cloudHsmClusterId(), passwordVersion);
        }
        final XksProxyConfigurationType xks = entry.xksProxyConfiguration();
        return KeyStoreSettings.external(entry.customKeyStoreName(), xks.connectivityAsString(), xks.uriEndpoint(),
            xks.uriPath(), xks.vpcEndpointServiceName(), xks.vpcEndpointServiceOwner(), xks.accessKeyId(),
            credentialVersion);
    }

    /**
     * The model READ answers: everything KMS reports, the version properties from the store record (KMS keeps none;
     * without a record there are none), no secret (the XKS credential's AccessKeyId only, as KMS reports it).
     */
    static ResourceModel read(final CustomKeyStoresListEntry entry, final StoreRecord record) {
        final ResourceModel model = new ResourceModel();
        model.setCustomKeyStoreId(entry.customKeyStoreId());
        model.setCustomKeyStoreName(entry.customKeyStoreName());
        model.setCustomKeyStoreType(StoreType.fromKms(entry.customKeyStoreTypeAsString()).name());
        model.setObservedConnectionState(entry.connectionStateAsString());
        model.setConnectionErrorCode(entry.connectionErrorCodeAsString());
        model.setCreationDate(entry.creationDate() == null ? null : entry.creationDate().toString());
        if (record != null) {
            model.setKeyStorePasswordVersion(record.keyStorePasswordVersion());
            model.setXksProxyAuthenticationCredentialVersion(record.xksProxyAuthenticationCredentialVersion());
        }
        model.setCloudHsmClusterId(entry.cloudHsmClusterId());
        model.setTrustAnchorCertificate(entry.trustAnchorCertificate());
        final XksProxyConfigurationType xks = entry.xksProxyConfiguration();
        if (xks != null) {
            model.setXksProxyConnectivity(xks.connectivityAsString());
            model.setXksProxyUriEndpoint(xks.uriEndpoint());
            model.setXksProxyUriPath(xks.uriPath());
            model.setXksProxyVpcEndpointServiceName(xks.vpcEndpointServiceName());
            model.setXksProxyVpcEndpointServiceOwner(xks.vpcEndpointServiceOwner());
            if (xks.accessKeyId() != null) {
                model.setXksProxyAuthenticationCredential(new XksProxyAuthenticationCredential(xks.accessKeyId(), null));
            }
        }
        return model;
    }
}
