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
            if (clearsVpcEndpointServiceName(before, desired)) {
                changed.add(StoreProperty.XKS_PROXY_VPC_ENDPOINT_SERVICE_NAME);
            }
            if (KeyStoreUpdatePlanner.sendCredential(before.xksProxyAccessKeyId(), desired.xksProxyAccessKeyId(),
                before.xksProxyAuthenticationCredentialVersion(), desired.xksProxyAuthenticationCredentialVersion())) {
                changed.add(StoreProperty.XKS_PROXY_AUTHENTICATION_CREDENTIAL);
            }
        }
        return new KeyStoreChange(desired.type(), changed);
    }

    /** The connectivity the key store will have: the template's, or KMS's when the template leaves it out. */
    private static String connectivityAfter(final KeyStoreSettings before, final KeyStoreSettings desired) {
        return desired.xksProxyConnectivity() != null ? desired.xksProxyConnectivity() : before.xksProxyConnectivity();
    }

    /**
     * A move to PUBLIC_ENDPOINT clears the VPC endpoint service name KMS holds (the API reference: with
     * XksProxyConnectivity PUBLIC_ENDPOINT, XksProxyVpcEndpointServiceName is null or empty); the template has dropped
     * it, and the update sends it as "".
     */
    public static boolean clearsVpcEndpointServiceName(final KeyStoreSettings before, final KeyStoreSettings desired) {
        return desired.type() == StoreType.EXTERNAL_KEY_STORE && desired.xksProxyVpcEndpointServiceName() == null
            && before.xksProxyVpcEndpointServiceName() != null
            && "PUBLIC_ENDPOINT".equals(connectivityAfter(before, desired));
    }

    /**
     * A property KMS holds that the template dropped and the API cannot clear: why the update is refused before any
     * call, or empty. XksProxyVpcEndpointServiceOwner takes a 12-digit account id and no empty value, so it stays
     * while the key store keeps VPC_ENDPOINT_SERVICE connectivity (a move to PUBLIC_ENDPOINT leaves it meaningless,
     * and DescribeCustomKeyStores reports the VPC members only for VPC_ENDPOINT_SERVICE).
     */
    public static java.util.Optional<String> cannotClear(final String keyStoreId, final KeyStoreSettings before,
                                                         final KeyStoreSettings desired) {
        if (desired.type() != StoreType.EXTERNAL_KEY_STORE || desired.xksProxyVpcEndpointServiceOwner() != null
            || before.xksProxyVpcEndpointServiceOwner() == null
            || !"VPC_ENDPOINT_SERVICE".equals(connectivityAfter(before, desired))) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(String.format("%s: the template no longer sets XksProxyVpcEndpointServiceOwner, "
            + "but KMS holds %s for this key store and UpdateCustomKeyStore cannot clear it (it takes a 12-digit "
            + "account id, never an empty value). Nothing was changed. Set XksProxyVpcEndpointServiceOwner to the "
            + "account that owns the VPC endpoint service (%s, or this account's id if the service is this "
            + "account's), or move the key store to PUBLIC_ENDPOINT.", keyStoreId,
            before.xksProxyVpcEndpointServiceOwner(), before.xksProxyVpcEndpointServiceOwner()));
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
