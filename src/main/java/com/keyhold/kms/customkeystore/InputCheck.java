package com.keyhold.kms.customkeystore;

import com.keyhold.kms.customkeystoreconnection.core.ModelRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.json.JSONObject;

/**
 * The first look at a raw request of the key store type, ahead of the schema validator: the combination of
 * properties each store type accepts, with messages that say which type accepts a refused property and what is
 * required.
 */
final class InputCheck {
    static final String CLOUDHSM = "AWS_CLOUDHSM";
    static final String EXTERNAL = "EXTERNAL_KEY_STORE";
    private static final Set<String> VALIDATED = Set.of("CREATE", "UPDATE");
    /** The actions whose request names the one key store they act on. */
    private static final Set<String> NAMED = Set.of("READ", "UPDATE", "DELETE");
    private static final Set<String> MUTATING = Set.of("CREATE", "UPDATE", "DELETE");

    /** Each type's own properties; the others' are refused. */
    private static final Map<String, List<String>> OWN = Map.of(
        CLOUDHSM, List.of("CloudHsmClusterId", "TrustAnchorCertificate", "KeyStorePassword", "KeyStorePasswordVersion"),
        EXTERNAL, List.of("XksProxyConnectivity", "XksProxyUriEndpoint", "XksProxyUriPath",
            "XksProxyVpcEndpointServiceName", "XksProxyVpcEndpointServiceOwner", "XksProxyAuthenticationCredential",
            "XksProxyAuthenticationCredentialVersion"));

    private InputCheck() {
    }

    /** What is wrong with the request's resource properties, or null to let the wrapper proceed. */
    static String problem(final JSONObject request) {
        final String action = request.optString("action");
        final JSONObject data = request.optJSONObject("requestData");
        final JSONObject properties = data == null ? null : data.optJSONObject("resourceProperties");
        if (MUTATING.contains(action) && properties == null) {
            return String.format("The %s request carries no resource properties; CustomKeyStoreName is required.",
                action);
        }
        if (NAMED.contains(action) && properties != null) {
            // Before the schema check: a request that names no key store is NotFound, whatever else it carries.
            ModelRules.namedKeyStore(action, text(properties, "CustomKeyStoreId"),
                text(data.optJSONObject("previousResourceProperties"), "CustomKeyStoreId"));
        }
        final boolean firstInvocation = !request.has("callbackContext") || request.isNull("callbackContext");
        if (!VALIDATED.contains(action) || !firstInvocation) {
            return null;
        }
        final List<String> problems = problems(properties, "CREATE".equals(action));
        return problems.isEmpty() ? null : String.join(" ", problems);
    }

    /** The combination rules on a model's properties, by their template names; empty when they hold. */
    static List<String> problems(final JSONObject properties, final boolean create) {
        final List<String> problems = new ArrayList<>();
        final String type = properties.has("CustomKeyStoreType") && !properties.isNull("CustomKeyStoreType")
            ? String.valueOf(properties.get("CustomKeyStoreType")) : CLOUDHSM;
        if (!OWN.containsKey(type)) {
            problems.add(String.format("CustomKeyStoreType %s is not a key store type; use AWS_CLOUDHSM (the default) "
                + "or EXTERNAL_KEY_STORE.", type));
            return problems;
        }
        final String other = CLOUDHSM.equals(type) ? EXTERNAL : CLOUDHSM;
        for (String name : OWN.get(other)) {
            if (given(properties, name)) {
                problems.add(String.format("%s is a property of %s key stores only; this one is %s. Remove it, or set "
                    + "CustomKeyStoreType: %s (which replaces the key store).", name, other, type, other));
            }
        }
        if (CLOUDHSM.equals(type)) {
            require(properties, problems, type, "CloudHsmClusterId", "TrustAnchorCertificate");
            if (create) {
                require(properties, problems, type, "KeyStorePassword");
            }
            return problems;
        }
        require(properties, problems, type, "XksProxyConnectivity", "XksProxyUriEndpoint", "XksProxyUriPath");
        if (create) {
            require(properties, problems, type, "XksProxyAuthenticationCredential");
        }
        final boolean vpc = "VPC_ENDPOINT_SERVICE".equals(properties.opt("XksProxyConnectivity"));
        if (vpc) {
            require(properties, problems, "EXTERNAL_KEY_STORE with XksProxyConnectivity VPC_ENDPOINT_SERVICE",
                "XksProxyVpcEndpointServiceName");
        } else {
            for (String name : List.of("XksProxyVpcEndpointServiceName", "XksProxyVpcEndpointServiceOwner")) {
                if (given(properties, name)) {
                    problems.add(String.format("%s applies only with XksProxyConnectivity VPC_ENDPOINT_SERVICE; remove "
                        + "it for PUBLIC_ENDPOINT.", name));
                }
            }
        }
        return problems;
    }

    private static void require(final JSONObject properties, final List<String> problems, final String type,
                                final String... names) {
        for (String name : names) {
            if (!given(properties, name)) {
                problems.add(String.format("%s is required for %s key stores.", name, type));
            }
        }
    }

    /** The value as given (a number or an object as the template wrote it); null when absent or null. */
    private static String text(final JSONObject properties, final String name) {
        return properties != null && properties.has(name) && !properties.isNull(name)
            ? String.valueOf(properties.get(name)) : null;
    }

    private static boolean given(final JSONObject properties, final String name) {
        return properties.has(name) && !properties.isNull(name);
    }
}
