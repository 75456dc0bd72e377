package com.keyhold.kms.customkeystoreconnection.local.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.local.emulator.CustomKeyStore.StateChange;
import com.keyhold.kms.customkeystoreconnection.local.emulator.Validator.Str;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Objects;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The six KMS custom key store operations, and the key operations of {@link KmsKeys}. Not thread-safe: the emulator calls it under its lock.
 * Member constraints are those of the KMS service model (kms 2014-11-01 service-2.json).
 */
final class KmsService {
    static final Set<String> OPERATIONS = union(Set.of("CreateCustomKeyStore", "DescribeCustomKeyStores",
            "ConnectCustomKeyStore", "DisconnectCustomKeyStore", "UpdateCustomKeyStore", "DeleteCustomKeyStore"),
            KmsKeys.OPERATIONS);
    static final Set<String> MUTATING = union(Set.of("CreateCustomKeyStore", "ConnectCustomKeyStore",
            "DisconnectCustomKeyStore", "UpdateCustomKeyStore", "DeleteCustomKeyStore"), KmsKeys.MUTATING);

    /** KMS's quota: custom key stores per account and Region. */
    static final int MAX_STORES = 10;
    private static final int DEFAULT_LIMIT = 100;

    private static final Str ID = Str.of(1, 64);
    private static final Str NAME = Str.of(1, 256);
    private static final Str MARKER = Str.of(1, 1024, "[\\u0020-\\u00FF]*");
    private static final Str CLUSTER_ID = Str.of(19, 24, "cluster-[2-7a-zA-Z]{11,16}");
    private static final Str TRUST_ANCHOR = Str.of(1, 5000);
    private static final Str PASSWORD = Str.of(7, 32).redacted();
    private static final Str XKS_URI_ENDPOINT = Str.of(10, 128, "^https://[a-zA-Z0-9.-]+$");
    private static final Str XKS_URI_PATH = Str.of(10, 128, "^(/[a-zA-Z0-9\\/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$");
    private static final Str XKS_VPC_SERVICE = Str.of(20, 64,
            "^(com|eu)\\.amazonaws\\.vpce\\.([a-z]+-){2,3}\\d+\\.vpce-svc-[0-9a-z]+$");
    private static final Str ACCOUNT_ID = Str.of(12, 12, "[0-9]{12}");
    private static final Str XKS_ACCESS_KEY_ID = Str.of(20, 30, "^[A-Z2-7]+$").redacted();
    private static final Str XKS_SECRET = Str.of(43, 64, "^[a-zA-Z0-9\\/+=]+$").redacted();
    private static final List<String> TYPES = List.of("AWS_CLOUDHSM", "EXTERNAL_KEY_STORE");
    private static final List<String> CONNECTIVITY = List.of("PUBLIC_ENDPOINT", "VPC_ENDPOINT_SERVICE");
    private static final String MARKER_PREFIX = "keyhold-emulator-marker:";

    private final Map<String, CustomKeyStore> stores = new LinkedHashMap<>();
    private final Clock clock;
    private final Timing timing;
    private final Faults faults;
    private final Random random;
    private final KeyStoreBackends backends;
    private final KmsKeys keys;
    private long nextSeq = 1;

    KmsService(Clock clock, Timing timing, Faults faults, Random random, KeyStoreBackends backends, String accountId) {
        this.clock = clock;
        this.timing = timing;
        this.faults = faults;
        this.random = random;
        this.backends = backends;
        this.keys = new KmsKeys(this, backends, clock, random, accountId);
    }

    ObjectNode handle(String operation, JsonNode body, String region) {
        if (KmsKeys.OPERATIONS.contains(operation)) {
            return keys.handle(operation, body, region);
        }
        return switch (operation) {
            case "CreateCustomKeyStore" -> create(body);
            case "DescribeCustomKeyStores" -> describe(body);
            case "ConnectCustomKeyStore" -> connect(body);
            case "DisconnectCustomKeyStore" -> disconnect(body);
            case "UpdateCustomKeyStore" -> update(body);
            case "DeleteCustomKeyStore" -> delete(body);
            default -> throw new IllegalArgumentException("not a KMS operation: " + operation);
        };
    }

    // ---- operations --------------------------------------------------------------------------------------

    private ObjectNode create(JsonNode body) {
        Validator v = new Validator(body);
        String name = v.string("CustomKeyStoreName", NAME, true);
        String clusterId = v.string("CloudHsmClusterId", CLUSTER_ID, false);
        String trustAnchor = v.string("TrustAnchorCertificate", TRUST_ANCHOR, false);
        String password = v.string("KeyStorePassword", PASSWORD, false);
        String typeName = v.enumValue("CustomKeyStoreType", TYPES, false);
        String uriEndpoint = v.string("XksProxyUriEndpoint", XKS_URI_ENDPOINT, false);
        String uriPath = v.string("XksProxyUriPath", XKS_URI_PATH, false);
        String vpcService = v.string("XksProxyVpcEndpointServiceName", XKS_VPC_SERVICE, false);
        String vpcOwner = v.string("XksProxyVpcEndpointServiceOwner", ACCOUNT_ID, false);
        String accessKeyId = xksCredential(v);
        String connectivity = v.enumValue("XksProxyConnectivity", CONNECTIVITY, false);
        v.check();

        KeyStoreType type = typeName == null ? KeyStoreType.AWS_CLOUDHSM : KeyStoreType.valueOf(typeName);
        if (type == KeyStoreType.AWS_CLOUDHSM) {
            requireFor(body, type, "CloudHsmClusterId", "TrustAnchorCertificate", "KeyStorePassword");
            forbidFor(body, type, "XksProxyUriEndpoint", "XksProxyUriPath", "XksProxyVpcEndpointServiceName",
                    "XksProxyVpcEndpointServiceOwner", "XksProxyAuthenticationCredential", "XksProxyConnectivity");
        } else {
            requireFor(body, type, "XksProxyUriEndpoint", "XksProxyUriPath", "XksProxyAuthenticationCredential",
                    "XksProxyConnectivity");
            forbidFor(body, type, "CloudHsmClusterId", "TrustAnchorCertificate", "KeyStorePassword");
            checkVpcService(connectivity, vpcService);
        }
        if (type == KeyStoreType.AWS_CLOUDHSM) {
            // Developer guide, "Create an AWS CloudHSM key store": a create with all the property values of an
            // existing DISCONNECTED CloudHSM key store is taken for a retry and answered with that key store's id.
            String fingerprint = Secrets.fingerprint(password);
            for (CustomKeyStore s : stores.values()) {
                if (s.type == KeyStoreType.AWS_CLOUDHSM && s.name.equals(name)
                        && Objects.equals(s.cloudHsmClusterId, clusterId)
                        && Objects.equals(s.trustAnchorCertificate, trustAnchor)
                        && Objects.equals(s.kmsPasswordFingerprint, fingerprint)
                        && s.state(clock.instant()) == ConnectionState.DISCONNECTED) {
                    return object().put("CustomKeyStoreId", s.id);
                }
            }
        }
        checkNameFree(name, null);
        if (stores.size() >= MAX_STORES) {
            throw ApiException.client("LimitExceededException", "This account and Region already have "
                    + MAX_STORES + " custom key stores, the most KMS allows. Delete one before creating another.");
        }
        CustomKeyStore store = new CustomKeyStore(null, 0, type, name, clock.instant());
        store.cloudHsmClusterId = clusterId;
        store.trustAnchorCertificate = trustAnchor;
        store.xksUriEndpoint = uriEndpoint;
        store.xksUriPath = uriPath;
        store.xksConnectivity = connectivity;
        store.xksVpcEndpointServiceName = vpcService;
        store.xksVpcEndpointServiceOwner = vpcOwner;
        store.xksAccessKeyId = accessKeyId;
        store.kmsPasswordFingerprint = Secrets.fingerprint(password);
        String secret = xksSecret(body);
        store.xksSecretFingerprint = Secrets.fingerprint(secret);
        backends.checkCreate(store, secret, stores.values());
        CustomKeyStore created = newStore(null, type, name, store.creationDate);
        created.configureFrom(store);
        store = created;
        backends.created(store);
        store.schedule(clock.instant(), List.of(new StateChange(clock.instant(), ConnectionState.DISCONNECTED, null)));
        return object().put("CustomKeyStoreId", store.id);
    }

    private ObjectNode describe(JsonNode body) {
        Validator v = new Validator(body);
        String id = v.string("CustomKeyStoreId", ID, false);
        String name = v.string("CustomKeyStoreName", NAME, false);
        Integer limit = v.integer("Limit", 1, 1000);
        String marker = v.string("Marker", MARKER, false);
        v.check();
        if (id != null && name != null) {
            throw ApiException.client("ValidationException",
                    "Specify either CustomKeyStoreId or CustomKeyStoreName, not both.");
        }
        List<CustomKeyStore> matching = new ArrayList<>();
        if (id != null) {
            matching.add(find(id));
        } else if (name != null) {
            matching.add(stores.values().stream().filter(s -> s.name.equals(name)).findFirst()
                    .orElseThrow(() -> ApiException.client("CustomKeyStoreNotFoundException",
                            "No custom key store named '" + name + "' exists in this account and Region.")));
        } else {
            matching.addAll(stores.values());
        }
        long after = marker == null ? 0 : decodeMarker(marker);
        List<CustomKeyStore> page = matching.stream().filter(s -> s.seq > after).toList();
        int max = limit == null ? DEFAULT_LIMIT : limit;
        boolean truncated = page.size() > max;
        if (truncated) {
            page = page.subList(0, max);
        }
        ObjectNode out = object();
        var list = out.putArray("CustomKeyStores");
        page.forEach(s -> list.add(entry(s)));
        out.put("Truncated", truncated);
        if (truncated) {
            out.put("NextMarker", encodeMarker(page.get(page.size() - 1).seq));
        }
        return out;
    }

    private ObjectNode connect(JsonNode body) {
        connect(find(requiredId(body)));
        return object();
    }

    private ObjectNode disconnect(JsonNode body) {
        disconnect(find(requiredId(body)));
        return object();
    }

    private ObjectNode update(JsonNode body) {
        Validator v = new Validator(body);
        String id = v.string("CustomKeyStoreId", ID, true);
        String newName = v.string("NewCustomKeyStoreName", NAME, false);
        String password = v.string("KeyStorePassword", PASSWORD, false);
        String clusterId = v.string("CloudHsmClusterId", CLUSTER_ID, false);
        String uriEndpoint = v.string("XksProxyUriEndpoint", XKS_URI_ENDPOINT, false);
        String uriPath = v.string("XksProxyUriPath", XKS_URI_PATH, false);
        // The API reference: a move to PUBLIC_ENDPOINT takes "a null or empty string" for the service name.
        boolean emptyVpcService = body.path("XksProxyVpcEndpointServiceName").isTextual()
                && body.get("XksProxyVpcEndpointServiceName").asText().isEmpty();
        String vpcService = emptyVpcService ? ""
                : v.string("XksProxyVpcEndpointServiceName", XKS_VPC_SERVICE, false);
        String vpcOwner = v.string("XksProxyVpcEndpointServiceOwner", ACCOUNT_ID, false);
        String accessKeyId = xksCredential(v);
        String connectivity = v.enumValue("XksProxyConnectivity", CONNECTIVITY, false);
        v.check();

        CustomKeyStore store = find(id);
        String connectivityAfter = connectivity == null ? store.xksConnectivity : connectivity;
        boolean toPublic = "PUBLIC_ENDPOINT".equals(connectivityAfter);
        // The VPC members go with the VPC: the name is cleared by "" or by a move to PUBLIC_ENDPOINT without one
        // (KMS reports VPC members only for VPC_ENDPOINT_SERVICE), the owner by the move.
        String vpcServiceAfter = vpcService != null ? (vpcService.isEmpty() ? null : vpcService)
                : toPublic && connectivity != null ? null : store.xksVpcEndpointServiceName;
        if (store.type == KeyStoreType.AWS_CLOUDHSM) {
            forbidFor(body, store.type, "XksProxyUriEndpoint", "XksProxyUriPath", "XksProxyVpcEndpointServiceName",
                    "XksProxyVpcEndpointServiceOwner", "XksProxyAuthenticationCredential", "XksProxyConnectivity");
        } else {
            forbidFor(body, store.type, "KeyStorePassword", "CloudHsmClusterId");
            checkVpcService(connectivityAfter, vpcServiceAfter);
        }
        // KMS lets the name, the XKS URI path and the XKS credential change while connected; the rest needs
        // the key store DISCONNECTED (guides/EMULATOR.md, "What is emulated").
        ConnectionState state = store.state(clock.instant());
        if (state != ConnectionState.DISCONNECTED) {
            List<String> gated = present(body, "KeyStorePassword", "CloudHsmClusterId", "XksProxyUriEndpoint",
                    "XksProxyConnectivity", "XksProxyVpcEndpointServiceName", "XksProxyVpcEndpointServiceOwner");
            if (!gated.isEmpty()) {
                throw ApiException.client("CustomKeyStoreInvalidStateException", "Custom key store " + store.id
                        + " is " + state + "; changing " + String.join(", ", gated)
                        + " needs it DISCONNECTED. Disconnect it first (only the name, XksProxyUriPath and "
                        + "XksProxyAuthenticationCredential can change while connected).");
            }
        }
        if (store.type == KeyStoreType.AWS_CLOUDHSM && newName != null && state != ConnectionState.DISCONNECTED
                && faults.cloudHsmRenameNeedsDisconnected()) {
            throw ApiException.client("CustomKeyStoreInvalidStateException", "Custom key store " + store.id + " is "
                    + state + "; changing the name of an AWS CloudHSM key store needs it DISCONNECTED.");
        }
        // The API reference allows even those in CONNECTED or DISCONNECTED only, not while a connection changes
        // or in FAILED.
        if (state != ConnectionState.CONNECTED && state != ConnectionState.DISCONNECTED) {
            List<String> given = present(body, "NewCustomKeyStoreName", "XksProxyUriPath",
                    "XksProxyAuthenticationCredential");
            if (!given.isEmpty()) {
                throw ApiException.client("CustomKeyStoreInvalidStateException", "Custom key store " + store.id
                        + " is " + state + "; " + String.join(", ", given) + " can change only while it is CONNECTED "
                        + "or DISCONNECTED." + (state == ConnectionState.FAILED
                        ? " Disconnect a FAILED key store first." : " Wait until the connection settles."));
            }
        }
        // The API reference: changing XksProxyConnectivity, "you must also change the XksProxyUriEndpoint".
        if (store.type == KeyStoreType.EXTERNAL_KEY_STORE && connectivity != null
                && !connectivity.equals(store.xksConnectivity)
                && (uriEndpoint == null || uriEndpoint.equals(store.xksUriEndpoint))) {
            throw ApiException.client("ValidationException", "Changing XksProxyConnectivity to " + connectivity
                    + " requires a new XksProxyUriEndpoint as well.");
        }
        // KMS checks the configuration the update would leave before it changes anything.
        CustomKeyStore after = store.configurationCopy();
        if (newName != null) {
            checkNameFree(newName, store.id);
            after.name = newName;
        }
        if (clusterId != null) {
            after.cloudHsmClusterId = clusterId;
        }
        if (password != null) {
            after.kmsPasswordFingerprint = Secrets.fingerprint(password);
        }
        if (uriEndpoint != null) {
            after.xksUriEndpoint = uriEndpoint;
        }
        if (uriPath != null) {
            after.xksUriPath = uriPath;
        }
        if (connectivity != null) {
            after.xksConnectivity = connectivity;
        }
        if (store.type == KeyStoreType.EXTERNAL_KEY_STORE) {
            after.xksVpcEndpointServiceName = vpcServiceAfter;
            after.xksVpcEndpointServiceOwner = toPublic ? null
                    : vpcOwner != null ? vpcOwner : store.xksVpcEndpointServiceOwner;
        }
        String secret = xksSecret(body);
        if (accessKeyId != null) {
            after.xksAccessKeyId = accessKeyId;
            after.xksSecretFingerprint = Secrets.fingerprint(secret);
        }
        backends.checkUpdate(store, after, secret, stores.values());
        store.configureFrom(after);
        return object();
    }

    private ObjectNode delete(JsonNode body) {
        CustomKeyStore store = find(requiredId(body));
        ConnectionState state = store.state(clock.instant());
        if (state != ConnectionState.DISCONNECTED) {
            throw ApiException.client("CustomKeyStoreInvalidStateException", "Custom key store " + store.id
                    + " is " + state + "; DeleteCustomKeyStore needs it DISCONNECTED. Disconnect it first.");
        }
        int keyCount = keys.countIn(store.id);
        if (keyCount > 0) {
            throw ApiException.client("CustomKeyStoreHasCMKsException", "Custom key store " + store.id + " has "
                    + keyCount + " KMS key(s), keys pending deletion included; schedule their deletion and wait for "
                    + "it before deleting the key store.");
        }
        stores.remove(store.id);
        faults.forget(store.id);
        return object();
    }

    // ---- state machine, shared by the API and out-of-band changes ----------------------------------------

    void connect(CustomKeyStore store) {
        Instant now = clock.instant();
        ConnectionState state = store.state(now);
        switch (state) {
            case CONNECTED, CONNECTING -> {
                // KMS answers success and changes nothing.
            }
            case DISCONNECTED -> {
                backends.checkConnect(store);
                enter(store, ConnectionState.CONNECTING, now);
            }
            default -> throw ApiException.client("CustomKeyStoreInvalidStateException", "Custom key store "
                    + store.id + " is " + state + "; ConnectCustomKeyStore needs it DISCONNECTED (or CONNECTED/"
                    + "CONNECTING, which are no-ops)." + (state == ConnectionState.FAILED
                    ? " Disconnect a FAILED key store before connecting it again." : ""));
        }
    }

    void disconnect(CustomKeyStore store) {
        Instant now = clock.instant();
        ConnectionState state = store.state(now);
        switch (state) {
            case CONNECTED, CONNECTING, FAILED -> enter(store, ConnectionState.DISCONNECTING, now);
            default -> throw ApiException.client("CustomKeyStoreInvalidStateException", "Custom key store "
                    + store.id + " is " + state + "; DisconnectCustomKeyStore needs it CONNECTED, CONNECTING or "
                    + "FAILED.");
        }
    }

    /**
     * Puts a store into {@code state} now; CONNECTING and DISCONNECTING also schedule their end, and a
     * CONNECTING uses up the next injected connect failure.
     */
    void enter(CustomKeyStore store, ConnectionState state, Instant now) {
        enter(store, state, null, now);
    }

    void enter(CustomKeyStore store, ConnectionState state, String errorCode, Instant now) {
        List<StateChange> changes = new ArrayList<>();
        changes.add(new StateChange(now, state, state == ConnectionState.FAILED
                ? (errorCode == null ? "INTERNAL_ERROR" : errorCode) : null));
        if (state == ConnectionState.CONNECTING) {
            String failure = faults.takeConnectFailure(store.id);
            if (failure == null) {
                failure = backends.connectOutcome(store);
            }
            Instant done = now.plus(timing.connect(store.type));
            changes.add(failure == null ? new StateChange(done, ConnectionState.CONNECTED, null)
                    : new StateChange(done, ConnectionState.FAILED, failure));
        } else if (state == ConnectionState.DISCONNECTING) {
            changes.add(new StateChange(now.plus(timing.disconnect(store.type)), ConnectionState.DISCONNECTED, null));
        }
        store.schedule(now, changes);
    }

    // ---- store registry ----------------------------------------------------------------------------------

    CustomKeyStore newStore(String id, KeyStoreType type, String name, Instant creationDate) {
        if (id == null) {
            do {
                id = newId();
            } while (stores.containsKey(id));
        } else if (stores.containsKey(id)) {
            throw new IllegalArgumentException("a custom key store with id " + id + " already exists");
        }
        CustomKeyStore store = new CustomKeyStore(id, nextSeq++, type, name, creationDate);
        stores.put(id, store);
        return store;
    }

    CustomKeyStore find(String id) {
        CustomKeyStore store = stores.get(id);
        if (store == null) {
            throw ApiException.client("CustomKeyStoreNotFoundException", "Custom key store " + id
                    + " does not exist in this account and Region.");
        }
        return store;
    }

    Collection<CustomKeyStore> stores() {
        return stores.values();
    }

    KmsKeys keys() {
        return keys;
    }

    KeyStoreBackends backends() {
        return backends;
    }

    int size() {
        return stores.size();
    }

    /** Forgets every store, with its keys and what stood behind it (before a reload of the state file). */
    void clear() {
        stores.clear();
        keys.clear();
        backends.clear();
    }

    boolean nameInUse(String name) {
        return stores.values().stream().anyMatch(s -> s.name.equals(name));
    }

    /** The DescribeCustomKeyStores entry, as of now minus the store's describe lag. */
    ObjectNode entry(CustomKeyStore s) {
        Instant now = clock.instant();
        StateChange visible = s.visible(now, timing.scaled(faults.describeLag(s.id)));
        ObjectNode e = object();
        e.put("CustomKeyStoreId", s.id);
        e.put("CustomKeyStoreName", s.name);
        e.put("CustomKeyStoreType", s.type.name());
        e.put("ConnectionState", visible.state().name());
        if (visible.state() == ConnectionState.FAILED) {
            e.put("ConnectionErrorCode", visible.errorCode());
        }
        putEpochSeconds(e, "CreationDate", s.creationDate);
        if (s.type == KeyStoreType.AWS_CLOUDHSM) {
            putIfSet(e, "CloudHsmClusterId", s.cloudHsmClusterId);
            putIfSet(e, "TrustAnchorCertificate", s.trustAnchorCertificate);
        } else {
            ObjectNode x = e.putObject("XksProxyConfiguration");
            putIfSet(x, "Connectivity", s.xksConnectivity);
            putIfSet(x, "AccessKeyId", s.xksAccessKeyId);
            putIfSet(x, "UriEndpoint", s.xksUriEndpoint);
            putIfSet(x, "UriPath", s.xksUriPath);
            putIfSet(x, "VpcEndpointServiceName", s.xksVpcEndpointServiceName);
            putIfSet(x, "VpcEndpointServiceOwner", s.xksVpcEndpointServiceOwner);
        }
        return e;
    }

    /** AWS JSON timestamps are epoch seconds, with the fraction when there is one. */
    static void putEpochSeconds(ObjectNode o, String field, Instant t) {
        if (t.getNano() == 0) {
            o.put(field, t.getEpochSecond());
        } else {
            o.put(field, t.getEpochSecond() + t.getNano() / 1e9);
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private String newId() {
        StringBuilder b = new StringBuilder("cks-");
        for (int i = 0; i < 17; i++) {
            b.append(Character.forDigit(random.nextInt(16), 16));
        }
        return b.toString();
    }

    private static String requiredId(JsonNode body) {
        Validator v = new Validator(body);
        String id = v.string("CustomKeyStoreId", ID, true);
        v.check();
        return id;
    }

    /** The raw XKS secret of a request; only ever fingerprinted, never kept or logged. */
    private static String xksSecret(JsonNode body) {
        return body.path("XksProxyAuthenticationCredential").path("RawSecretAccessKey").asText(null);
    }

    private static String xksCredential(Validator v) {
        Validator cred = v.structure("XksProxyAuthenticationCredential", false);
        if (cred == null) {
            return null;
        }
        String accessKeyId = cred.string("AccessKeyId", XKS_ACCESS_KEY_ID, true);
        cred.string("RawSecretAccessKey", XKS_SECRET, true);
        return accessKeyId;
    }

    private void checkNameFree(String name, String exceptId) {
        for (CustomKeyStore s : stores.values()) {
            if (s.name.equals(name) && !s.id.equals(exceptId)) {
                throw ApiException.client("CustomKeyStoreNameInUseException", "The name '" + name
                        + "' is already used by custom key store " + s.id + "; names are unique per account and Region.");
            }
        }
    }

    private static void checkVpcService(String connectivity, String vpcService) {
        if ("VPC_ENDPOINT_SERVICE".equals(connectivity) && vpcService == null) {
            throw ApiException.client("ValidationException", "XksProxyVpcEndpointServiceName is required when "
                    + "XksProxyConnectivity is VPC_ENDPOINT_SERVICE.");
        }
        if ("PUBLIC_ENDPOINT".equals(connectivity) && vpcService != null) {
            throw ApiException.client("ValidationException", "XksProxyVpcEndpointServiceName is allowed only when "
                    + "XksProxyConnectivity is VPC_ENDPOINT_SERVICE.");
        }
    }

    private static void requireFor(JsonNode body, KeyStoreType type, String... members) {
        List<String> missing = new ArrayList<>();
        for (String m : members) {
            if (!body.hasNonNull(m)) {
                missing.add(m);
            }
        }
        if (!missing.isEmpty()) {
            throw ApiException.client("ValidationException", "A custom key store of type " + type + " requires "
                    + String.join(", ", members) + "; missing: " + String.join(", ", missing) + ".");
        }
    }

    private static void forbidFor(JsonNode body, KeyStoreType type, String... members) {
        List<String> given = present(body, members);
        if (!given.isEmpty()) {
            throw ApiException.client("ValidationException", String.join(", ", given)
                    + " cannot be used with a custom key store of type " + type + ".");
        }
    }

    private static List<String> present(JsonNode body, String... members) {
        List<String> given = new ArrayList<>();
        for (String m : members) {
            if (body.hasNonNull(m)) {
                given.add(m);
            }
        }
        return given;
    }

    static String encodeMarker(long seq) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((MARKER_PREFIX + seq).getBytes(StandardCharsets.UTF_8));
    }

    private static long decodeMarker(String marker) {
        return decodeMarker(marker, "DescribeCustomKeyStores");
    }

    static long decodeMarker(String marker, String operation) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(marker), StandardCharsets.UTF_8);
            if (s.startsWith(MARKER_PREFIX)) {
                long seq = Long.parseLong(s.substring(MARKER_PREFIX.length()));
                if (seq >= 0) {
                    return seq;
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below
        }
        throw ApiException.client("InvalidMarkerException", "The marker '" + AwsJsonEndpoint.abbreviate(marker)
                + "' is not valid; pass the NextMarker of a previous " + operation + " response unchanged.");
    }

    private static void putIfSet(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toUnmodifiableSet());
    }

    static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}
