package com.keyhold.kms.customkeystoreconnection.core;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an update changes on one key store, and therefore what KMS needs for it ({@link Mode}). The secrets are part
 * of the change only by the rules of {@link KeyStoreUpdatePlanner#sendPassword} and
 * {@link KeyStoreUpdatePlanner#sendCredential}.
 */
public record KeyStoreChange(StoreType type, Set<StoreProperty> properties) {

    /** What the whole change needs, the most disruptive of its properties' rules. */
    public enum Mode {
        /** Nothing to send to KMS. */
        NOTHING,
        /** One UpdateCustomKeyStore in any state; the connection is not touched. */
        IN_PLACE,
        /** In place first; on CustomKeyStoreInvalidStateException, the dance. */
        TRY_IN_PLACE,
        /** Disconnect, update, reconnect when the key store should be connected. */
        DANCE
    }

    public KeyStoreChange {
        Objects.requireNonNull(type, "type");
        properties = properties.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(properties));
        for (StoreProperty p : properties) {
            p.rule(type); // refuses a property of the other type
        }
    }

    public static KeyStoreChange of(final StoreType type, final StoreProperty... properties) {
        return new KeyStoreChange(type, properties.length == 0 ? Set.of() : EnumSet.of(properties[0], properties));
    }

    /**
     * The change from {@code before} to {@code desired} (see {@link KeyStoreSettings} for what "before" holds).
     * A desired member that is null changes nothing.
     */
    public static KeyStoreChange between(final KeyStoreSettings before, final KeyStoreSettings desired) {
        if (before.type() != desired.type()) {
            throw new IllegalArgumentException("CustomKeyStoreType cannot change (" + before.type() + " to "
                + desired.type() + "); it is create-only");
        }
        final EnumSet<StoreProperty> changed = EnumSet.noneOf(StoreProperty.class);
        differs(changed, StoreProperty.CUSTOM_KEY_STORE_NAME, before.customKeyStoreName(), desired.customKeyStoreName());
        if (desired.type() == StoreType.AWS_CLOUDHSM) {
            differs(changed, StoreProperty.CLOUD_HSM_CLUSTER_ID, before.cloudHsmClusterId(), desired.cloudHsmClusterId());
            if (KeyStoreUpdatePlanner.sendPassword(before.keyStorePasswordVersion(), desired.keyStorePasswordVersion())) {
                changed.add(StoreProperty.KEY_STORE_PASSWORD);
            }
        } else {
            differs(changed, StoreProperty.XKS_PROXY_CONNECTIVITY, before.xksProxyConnectivity(),
                desired.xksProxyConnectivity());
            differs(changed, StoreProperty.XKS_PROXY_URI_ENDPOINT, before.xksProxyUriEndpoint(),
                desired.xksProxyUriEndpoint());
            differs(changed, StoreProperty.XKS_PROXY_URI_PATH, before.xksProxyUriPath(), desired.xksProxyUriPath());
            differs(changed, StoreProperty.XKS_PROXY_VPC_ENDPOINT_SERVICE_NAME, before.xksProxyVpcEndpointServiceName(),
                desired.xksProxyVpcEndpointServiceName());
            differs(changed, StoreProperty.XKS_PROXY_VPC_ENDPOINT_SERVICE_OWNER, before.xksProxyVpcEndpointServiceOwner(),
                desired.xksProxyVpcEndpointServiceOwner());
            if (KeyStoreUpdatePlanner.sendCredential(before.xksProxyAccessKeyId(), desired.xksProxyAccessKeyId(),
                before.xksProxyAuthenticationCredentialVersion(), desired.xksProxyAuthenticationCredentialVersion())) {
                changed.add(StoreProperty.XKS_PROXY_AUTHENTICATION_CREDENTIAL);
            }
        }
        return new KeyStoreChange(desired.type(), changed);
    }

    private static void differs(final Set<StoreProperty> changed, final StoreProperty property, final String before,
                                final String desired) {
        if (desired != null && !desired.equals(before)) {
            changed.add(property);
        }
    }

    public Mode mode() {
        StoreProperty.Rule most = null;
        for (StoreProperty p : properties) {
            final StoreProperty.Rule rule = p.rule(type);
            if (most == null || rule.compareTo(most) > 0) {
                most = rule;
            }
        }
        if (most == null) {
            return Mode.NOTHING;
        }
        switch (most) {
            case IN_PLACE:
                return Mode.IN_PLACE;
            case TRY_IN_PLACE:
                return Mode.TRY_IN_PLACE;
            default:
                return Mode.DANCE;
        }
    }

    /** The properties that need DISCONNECTED, by their template names in a stable order ("" when none). */
    public String namesNeedingDisconnected() {
        return names(true);
    }

    /** Every changed property by its template name, in a stable order. */
    public String names() {
        return names(false);
    }

    private String names(final boolean onlyDisconnected) {
        return properties.stream().sorted()
            .filter(p -> !onlyDisconnected || p.rule(type) == StoreProperty.Rule.NEEDS_DISCONNECTED)
            .map(StoreProperty::propertyName).collect(Collectors.joining(", "));
    }
}
