package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.core.DisconnectGuard;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreChange;
import com.keyhold.kms.customkeystoreconnection.core.KeyStoreSettings;
import com.keyhold.kms.customkeystoreconnection.core.StoreProperty;
import com.keyhold.kms.customkeystoreconnection.core.StoreType;
import java.util.Map;

/**
 * For a change set's Modify of a {@code Keyhold::KMS::CustomKeyStore}: whether each changed property makes the update
 * disconnect the key store. The answer comes from the handlers' own rule ({@link KeyStoreChange#between} and
 * {@link StoreProperty#rule}), so the change set cannot promise what the update does not do.
 */
final class KeyStoreDisconnects {
    static final String TYPE = "Keyhold::KMS::CustomKeyStore";
    static final String YES = "yes";
    static final String NO = "no";
    /**
     * KMS's texts disagree for these (a CloudHSM rename: the API reference's parameter text says DISCONNECTED, its
     * error text says it may be CONNECTED): the update tries in place and disconnects only if KMS refuses.
     */
    static final String TRY_IN_PLACE = "maybe (tried in place first; disconnects, updates and reconnects only if KMS "
        + "refuses the change while connected)";

    /** A secret whose version did not change: the update does not send it (and says so in an event). */
    static final String NOT_SENT_PASSWORD = "no (not sent to KMS: KeyStorePasswordVersion did not change; change it "
        + "too to send the new value)";
    static final String NOT_SENT_CREDENTIAL = "no (not sent to KMS: XksProxyAuthenticationCredentialVersion and "
        + "AccessKeyId did not change; change the version too to send the new secret)";

    /** Added to the answer when RefuseDisconnectingUpdates guards the update. */
    static final String REFUSED = "; the update will be REFUSED unless the key store is DISCONNECTED "
        + "(RefuseDisconnectingUpdates is true)";

    /** The version properties that decide whether their secret is sent again. */
    private static final Map<String, StoreProperty> VERSIONS = Map.of(
        "KeyStorePasswordVersion", StoreProperty.KEY_STORE_PASSWORD,
        "XksProxyAuthenticationCredentialVersion", StoreProperty.XKS_PROXY_AUTHENTICATION_CREDENTIAL);

    private KeyStoreDisconnects() {
    }

    /**
     * The answer for one changed property, given the properties before and after; null when the key store is
     * replaced instead (its type changes) or a value is known only at execution.
     */
    static String forProperty(final String property, final JsonNode before, final JsonNode after) {
        final StoreType type = type(after);
        if (type != type(before) || Intrinsics.isUnresolved(after)) {
            return null;
        }
        final KeyStoreChange change = KeyStoreChange.between(settings(before), settings(after));
        StoreProperty changed = VERSIONS.get(property);
        for (StoreProperty p : StoreProperty.values()) {
            if (p.propertyName().equals(property)) {
                changed = p;
            }
        }
        if (changed == null || !change.properties().contains(changed)) {
            // Not sent to KMS (a secret without its version bumped, a property of the other type): no call at all.
            if (property.equals(StoreProperty.KEY_STORE_PASSWORD.propertyName()) && type == StoreType.AWS_CLOUDHSM) {
                return NOT_SENT_PASSWORD;
            }
            if (property.equals(StoreProperty.XKS_PROXY_AUTHENTICATION_CREDENTIAL.propertyName())
                && type == StoreType.EXTERNAL_KEY_STORE) {
                return NOT_SENT_CREDENTIAL;
            }
            return NO;
        }
        final String answer = switch (changed.rule(type)) {
            case NEEDS_DISCONNECTED -> YES;
            case TRY_IN_PLACE -> TRY_IN_PLACE;
            case IN_PLACE -> NO;
        };
        // The handler's guard, by the same rule (DisconnectGuard): it cannot see the state here, so it says when.
        return answer.equals(NO) || !DisconnectGuard.on(flag(before), flag(after)) ? answer : answer + REFUSED;
    }

    /** RefuseDisconnectingUpdates as the template gives it: a boolean, or its text from a parameter. */
    private static Boolean flag(final JsonNode properties) {
        final JsonNode value = properties == null ? null : properties.get(DisconnectGuard.PROPERTY);
        return value != null && (value.asBoolean(false) || "true".equals(value.asText())) ? Boolean.TRUE : null;
    }

    private static StoreType type(final JsonNode properties) {
        return "EXTERNAL_KEY_STORE".equals(text(properties, "CustomKeyStoreType")) ? StoreType.EXTERNAL_KEY_STORE
            : StoreType.AWS_CLOUDHSM;
    }

    private static KeyStoreSettings settings(final JsonNode p) {
        if (type(p) == StoreType.AWS_CLOUDHSM) {
            return KeyStoreSettings.cloudHsm(text(p, "CustomKeyStoreName"), text(p, "CloudHsmClusterId"),
                text(p, "KeyStorePasswordVersion"));
        }
        return KeyStoreSettings.external(text(p, "CustomKeyStoreName"), text(p, "XksProxyConnectivity"),
            text(p, "XksProxyUriEndpoint"), text(p, "XksProxyUriPath"), text(p, "XksProxyVpcEndpointServiceName"),
            text(p, "XksProxyVpcEndpointServiceOwner"),
            text(p == null ? null : p.get("XksProxyAuthenticationCredential"), "AccessKeyId"),
            text(p, "XksProxyAuthenticationCredentialVersion"));
    }

    private static String text(final JsonNode node, final String field) {
        return node == null || !node.hasNonNull(field) ? null : node.get(field).asText();
    }
}
