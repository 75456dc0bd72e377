package com.keyhold.kms.customkeystoreconnection.local.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * What stands behind the key stores: CloudHSM clusters (with their own copy of the {@code kmsuser} password) and XKS
 * proxies. KMS checks them at CreateCustomKeyStore, UpdateCustomKeyStore, ConnectCustomKeyStore and CreateKey; so does
 * the emulator. Everything not declared here is healthy: a well-formed cluster id is an ACTIVE cluster with two HSMs in
 * different Availability Zones that accepts any trust anchor; a well-formed XKS endpoint is a reachable proxy that
 * accepts the credential KMS was last given. Declare the exceptions with the methods below or in a seed
 * ({@code "clusters"}, {@code "proxies"}; see docs/EMULATOR.md).
 *
 * <p>The {@code kmsuser} password: KMS keeps its copy per key store (set by Create and by Update with
 * KeyStorePassword), the cluster keeps its own. A connect logs in with KMS's copy: when the copies differ it ends
 * FAILED with INVALID_CREDENTIALS; when they match KMS rotates the password, both copies change, and the password the
 * template holds is stale from then on. A cluster whose copy is unknown takes the password of the key store created
 * on it (the operator set both); an unknown copy on either side (an undeclared cluster, a seeded store without a
 * password) counts as in sync. {@link #resetKmsuserPassword} is the operator
 * resetting kmsuser in the cluster. Only fingerprints are kept ({@link Secrets}).
 */
public final class KeyStoreBackends {

    /** Two HSMs in different Availability Zones: what KMS needs for create, update and CreateKey. */
    private static final List<String> HEALTHY_HSMS = List.of("us-east-1a", "us-east-1b");

    private static final class Cluster {
        final String id;
        boolean missing;
        boolean active = true;
        List<String> hsmAvailabilityZones = HEALTHY_HSMS;
        String trustAnchorCertificate;
        String backupHistory;
        String kmsuserFingerprint;

        Cluster(String id) {
            this.id = id;
            this.backupHistory = id;
        }
    }

    private static final class Proxy {
        final String uriEndpoint;
        boolean reachable = true;
        String accessKeyId;
        String secretFingerprint;

        Proxy(String uriEndpoint) {
            this.uriEndpoint = uriEndpoint;
        }
    }

    private static final Set<String> CLUSTER_FIELDS = Set.of("id", "missing", "active", "hsmAvailabilityZones",
            "trustAnchorCertificate", "backupHistory", "kmsuserPassword", "kmsuserPasswordFingerprint");
    private static final Set<String> PROXY_FIELDS = Set.of("uriEndpoint", "reachable", "accessKeyId",
            "rawSecretAccessKey", "secretFingerprint");

    private final Map<String, Cluster> clusters = new TreeMap<>();
    private final Map<String, Proxy> proxies = new TreeMap<>();
    private final Random random;

    KeyStoreBackends(Random random) {
        this.random = random;
    }

    // ---- declaring exceptions (tests, seeds) ----------------------------------------------------------------

    /** No such cluster: Create/Update answer CloudHsmClusterNotFoundException, a connect ends CLUSTER_NOT_FOUND. */
    public synchronized KeyStoreBackends missingCluster(String clusterId) {
        cluster(clusterId).missing = true;
        return this;
    }

    /** An inactive cluster: Create, Update and Connect answer CloudHsmClusterNotActiveException. */
    public synchronized KeyStoreBackends clusterActive(String clusterId, boolean active) {
        cluster(clusterId).active = active;
        return this;
    }

    /**
     * The cluster's active HSMs by Availability Zone. Fewer than two zones: Create, Update and CreateKey answer
     * CloudHsmClusterInvalidConfigurationException; none: a connect ends INSUFFICIENT_CLOUDHSM_HSMS.
     */
    public synchronized KeyStoreBackends clusterHsms(String clusterId, String... availabilityZones) {
        cluster(clusterId).hsmAvailabilityZones = List.of(availabilityZones);
        return this;
    }

    /** The cluster's trust anchor: Create with another one answers IncorrectTrustAnchorException. */
    public synchronized KeyStoreBackends clusterTrustAnchor(String clusterId, String certificate) {
        cluster(clusterId).trustAnchorCertificate = Objects.requireNonNull(certificate, "certificate");
        return this;
    }

    /** These clusters share a backup history: Update may move a key store between them; no two stores may use them. */
    public synchronized KeyStoreBackends relatedClusters(String... clusterIds) {
        String history = cluster(clusterIds[0]).backupHistory;
        for (String id : clusterIds) {
            cluster(id).backupHistory = history;
        }
        return this;
    }

    /** The operator resets kmsuser's password in the cluster: KMS's copy no longer matches until Update tells it. */
    public synchronized KeyStoreBackends resetKmsuserPassword(String clusterId, String password) {
        cluster(clusterId).kmsuserFingerprint = Secrets.fingerprint(Objects.requireNonNull(password, "password"));
        return this;
    }

    /** Whether the cluster's kmsuser password is {@code password} now (it changes on every successful connect). */
    public synchronized boolean kmsuserPasswordIs(String clusterId, String password) {
        Cluster c = clusters.get(clusterId);
        return c != null && Secrets.fingerprint(password).equals(c.kmsuserFingerprint);
    }

    /**
     * An unreachable proxy: Create and Update with PUBLIC_ENDPOINT answer XksProxyUriUnreachableException, a connect
     * ends XKS_PROXY_NOT_REACHABLE.
     */
    public synchronized KeyStoreBackends proxyReachable(String uriEndpoint, boolean reachable) {
        proxy(uriEndpoint).reachable = reachable;
        return this;
    }

    /**
     * The proxy accepts only this credential from now on (rotated on the proxy): Create and Update with another one
     * answer XksProxyIncorrectAuthenticationCredentialException, a connect with another ends INVALID_CREDENTIALS.
     */
    public synchronized KeyStoreBackends proxyCredential(String uriEndpoint, String accessKeyId,
            String rawSecretAccessKey) {
        Proxy p = proxy(uriEndpoint);
        p.accessKeyId = Objects.requireNonNull(accessKeyId, "accessKeyId");
        p.secretFingerprint = Secrets.fingerprint(Objects.requireNonNull(rawSecretAccessKey, "rawSecretAccessKey"));
        return this;
    }

    /** Removes every declaration: every cluster and proxy is healthy again, cluster passwords unknown. */
    public synchronized void clear() {
        clusters.clear();
        proxies.clear();
    }

    // ---- KMS's checks ---------------------------------------------------------------------------------------

    /** CreateCustomKeyStore's checks beyond the request itself: uniqueness, then the cluster or the proxy. */
    synchronized void checkCreate(CustomKeyStore candidate, String rawSecret, Collection<CustomKeyStore> stores) {
        checkUnique(candidate, stores);
        if (candidate.type == KeyStoreType.AWS_CLOUDHSM) {
            Cluster c = checkUsable(candidate.cloudHsmClusterId);
            if (c.trustAnchorCertificate != null && !c.trustAnchorCertificate.equals(candidate.trustAnchorCertificate)) {
                throw ApiException.client("IncorrectTrustAnchorException", "The trust anchor certificate is not the "
                        + "one of CloudHSM cluster " + c.id + " (the customerCA.crt created when it was initialized).");
            }
        } else {
            checkProxy(candidate, candidate.xksAccessKeyId, rawSecret);
        }
    }

    /**
     * UpdateCustomKeyStore's checks for the configuration {@code after} will have: a new cluster must be usable and
     * related to the current one; a changed proxy configuration must be unique and answer with the credential.
     */
    synchronized void checkUpdate(CustomKeyStore current, CustomKeyStore after, String rawSecret,
            Collection<CustomKeyStore> stores) {
        List<CustomKeyStore> others = stores.stream().filter(s -> !s.id.equals(current.id)).toList();
        checkUnique(after, others);
        if (current.type == KeyStoreType.AWS_CLOUDHSM) {
            if (!Objects.equals(current.cloudHsmClusterId, after.cloudHsmClusterId)) {
                Cluster c = checkUsable(after.cloudHsmClusterId);
                if (!c.backupHistory.equals(cluster(current.cloudHsmClusterId).backupHistory)) {
                    throw ApiException.client("CloudHsmClusterNotRelatedException", "CloudHSM cluster " + c.id
                            + " does not share a backup history with " + current.cloudHsmClusterId + ", the cluster of "
                            + "custom key store " + current.id + "; a key store moves only to a related cluster.");
                }
            }
        } else if (!Objects.equals(current.xksUriEndpoint, after.xksUriEndpoint)
                || !Objects.equals(current.xksUriPath, after.xksUriPath)
                || !Objects.equals(current.xksConnectivity, after.xksConnectivity) || rawSecret != null) {
            checkProxy(after, after.xksAccessKeyId, rawSecret);
        }
    }

    /** ConnectCustomKeyStore's synchronous check: KMS refuses to start connecting to an inactive cluster. */
    synchronized void checkConnect(CustomKeyStore store) {
        if (store.type == KeyStoreType.AWS_CLOUDHSM) {
            Cluster c = cluster(store.cloudHsmClusterId);
            if (!c.missing && !c.active) {
                throw notActive(c);
            }
        }
    }

    /**
     * How a connect that starts now ends: a ConnectionErrorCode, or null for CONNECTED. A CloudHSM connect that
     * succeeds rotates the kmsuser password (both copies).
     */
    synchronized String connectOutcome(CustomKeyStore store) {
        if (store.type == KeyStoreType.AWS_CLOUDHSM) {
            Cluster c = cluster(store.cloudHsmClusterId);
            if (c.missing) {
                return "CLUSTER_NOT_FOUND";
            }
            if (c.hsmAvailabilityZones.isEmpty()) {
                return "INSUFFICIENT_CLOUDHSM_HSMS";
            }
            // An unknown copy on either side (an undeclared cluster, a seeded store) is taken to be in sync.
            if (c.kmsuserFingerprint != null && store.kmsPasswordFingerprint != null
                    && !c.kmsuserFingerprint.equals(store.kmsPasswordFingerprint)) {
                return "INVALID_CREDENTIALS";
            }
            String rotated = Secrets.random(random);
            c.kmsuserFingerprint = rotated;
            store.kmsPasswordFingerprint = rotated;
            return null;
        }
        Proxy p = proxies.get(store.xksUriEndpoint);
        if (p == null) {
            return null;
        }
        if (!p.reachable) {
            return "XKS_PROXY_NOT_REACHABLE";
        }
        return accepts(p, store.xksAccessKeyId, store.xksSecretFingerprint) ? null : "INVALID_CREDENTIALS";
    }

    /** The key store has been created on this cluster with this password: a cluster without a copy takes it. */
    synchronized void created(CustomKeyStore store) {
        if (store.type == KeyStoreType.AWS_CLOUDHSM) {
            Cluster c = cluster(store.cloudHsmClusterId);
            if (c.kmsuserFingerprint == null) {
                c.kmsuserFingerprint = store.kmsPasswordFingerprint;
            }
        }
    }

    /** CreateKey in a CloudHSM key store needs two active HSMs in different Availability Zones. */
    synchronized void checkCreateKey(CustomKeyStore store) {
        if (store.type == KeyStoreType.AWS_CLOUDHSM) {
            checkHsms(cluster(store.cloudHsmClusterId), "CreateKey");
        }
    }

    private void checkUnique(CustomKeyStore candidate, Collection<CustomKeyStore> others) {
        for (CustomKeyStore other : others) {
            if (candidate.cloudHsmClusterId != null && other.cloudHsmClusterId != null
                    && cluster(candidate.cloudHsmClusterId).backupHistory.equals(
                            cluster(other.cloudHsmClusterId).backupHistory)) {
                throw ApiException.client("CloudHsmClusterInUseException", "CloudHSM cluster "
                        + candidate.cloudHsmClusterId + " is already associated with custom key store " + other.id
                        + (candidate.cloudHsmClusterId.equals(other.cloudHsmClusterId) ? ""
                        : " (through related cluster " + other.cloudHsmClusterId + ")") + ".");
            }
            if (candidate.xksUriEndpoint == null || other.xksUriEndpoint == null) {
                continue;
            }
            boolean sameEndpoint = candidate.xksUriEndpoint.equals(other.xksUriEndpoint);
            if (sameEndpoint && candidate.xksUriPath.equals(other.xksUriPath)) {
                throw ApiException.client("XksProxyUriInUseException", "The XKS proxy URI " + candidate.xksUriEndpoint
                        + candidate.xksUriPath + " is already used by custom key store " + other.id + ".");
            }
            if (sameEndpoint && ("VPC_ENDPOINT_SERVICE".equals(candidate.xksConnectivity)
                    || "VPC_ENDPOINT_SERVICE".equals(other.xksConnectivity))) {
                throw ApiException.client("XksProxyUriEndpointInUseException", "The XKS proxy URI endpoint "
                        + candidate.xksUriEndpoint + " is already used by custom key store " + other.id + "; with "
                        + "VPC_ENDPOINT_SERVICE connectivity each key store needs its own.");
            }
            if (candidate.xksVpcEndpointServiceName != null
                    && candidate.xksVpcEndpointServiceName.equals(other.xksVpcEndpointServiceName)) {
                throw ApiException.client("XksProxyVpcEndpointServiceInUseException", "VPC endpoint service "
                        + candidate.xksVpcEndpointServiceName + " is already used by custom key store " + other.id + ".");
            }
        }
    }

    private Cluster checkUsable(String clusterId) {
        Cluster c = cluster(clusterId);
        if (c.missing) {
            throw ApiException.client("CloudHsmClusterNotFoundException", "KMS cannot find CloudHSM cluster "
                    + clusterId + " in this account and Region.");
        }
        if (!c.active) {
            throw notActive(c);
        }
        checkHsms(c, "this operation");
        return c;
    }

    private static void checkHsms(Cluster c, String operation) {
        if (Set.copyOf(c.hsmAvailabilityZones).size() < 2) {
            throw ApiException.client("CloudHsmClusterInvalidConfigurationException", "CloudHSM cluster " + c.id
                    + " has " + c.hsmAvailabilityZones.size() + " active HSM(s) in "
                    + Set.copyOf(c.hsmAvailabilityZones).size() + " Availability Zone(s); " + operation + " needs at "
                    + "least two active HSMs in different Availability Zones.");
        }
    }

    private static ApiException notActive(Cluster c) {
        return ApiException.client("CloudHsmClusterNotActiveException", "CloudHSM cluster " + c.id
                + " is not active. Initialize and activate the cluster and try the command again.");
    }

    /** KMS reaches a public proxy before it accepts a configuration (VPC endpoint services are checked at connect). */
    private void checkProxy(CustomKeyStore config, String accessKeyId, String rawSecret) {
        Proxy p = proxies.get(config.xksUriEndpoint);
        if (p == null || !"PUBLIC_ENDPOINT".equals(config.xksConnectivity)) {
            return;
        }
        if (!p.reachable) {
            throw ApiException.client("XksProxyUriUnreachableException", "KMS was unable to reach the XKS proxy at "
                    + config.xksUriEndpoint + config.xksUriPath + ".");
        }
        String secret = rawSecret == null ? config.xksSecretFingerprint : Secrets.fingerprint(rawSecret);
        if (!accepts(p, accessKeyId, secret)) {
            throw ApiException.client("XksProxyIncorrectAuthenticationCredentialException", "The XKS proxy at "
                    + config.xksUriEndpoint + " rejected the proxy authentication credential with access key id "
                    + accessKeyId + ".");
        }
    }

    /** A proxy without a declared credential accepts KMS's; an unknown secret (a seeded store) is not held against it. */
    private static boolean accepts(Proxy p, String accessKeyId, String secretFingerprint) {
        if (p.accessKeyId == null) {
            return true;
        }
        return p.accessKeyId.equals(accessKeyId)
                && (secretFingerprint == null || secretFingerprint.equals(p.secretFingerprint));
    }

    private Cluster cluster(String id) {
        return clusters.computeIfAbsent(Objects.requireNonNull(id, "clusterId"), Cluster::new);
    }

    private Proxy proxy(String uriEndpoint) {
        return proxies.computeIfAbsent(Objects.requireNonNull(uriEndpoint, "uriEndpoint"), Proxy::new);
    }

    // ---- CloudHSM's DescribeClusters -----------------------------------------------------------------------

    /** The CloudHSM v2 operations the emulator serves (X-Amz-Target {@code BaldrApiService.<operation>}). */
    static final Set<String> CLOUDHSM_OPERATIONS = Set.of("DescribeClusters");
    private static final java.util.regex.Pattern CLUSTER_ID = java.util.regex.Pattern.compile(
            "cluster-[2-7a-zA-Z]{11,16}");
    private static final Set<String> FILTERS = Set.of("clusterIds", "states");

    /**
     * DescribeClusters from the declarations: every declared cluster, plus each well-formed id a clusterIds filter
     * names (undeclared: a healthy cluster, as everywhere in the emulator); a missing cluster is never listed. An
     * inactive cluster is INITIALIZED; each Availability Zone of {@link #clusterHsms} is one ACTIVE HSM; clusters
     * with one backup history ({@link #relatedClusters}) share their cluster certificate, as related clusters do.
     * Filters: clusterIds and states (the emulator has no VPCs). Paging: MaxResults and NextToken.
     */
    synchronized ObjectNode describeClusters(JsonNode body) {
        JsonNode filters = body.path("Filters");
        if (!filters.isMissingNode() && !filters.isNull() && !filters.isObject()) {
            throw ApiException.client("SerializationException", "Filters must be an object of string lists.");
        }
        Map<String, Cluster> listed = new TreeMap<>();
        clusters.values().stream().filter(c -> !c.missing).forEach(c -> listed.put(c.id, c));
        List<String> ids = filterValues(filters, "clusterIds");
        List<String> states = filterValues(filters, "states");
        filters.fieldNames().forEachRemaining(name -> {
            if (!FILTERS.contains(name)) {
                throw ApiException.client("CloudHsmInvalidRequestException", "The Keyhold emulator filters "
                        + "DescribeClusters by clusterIds and states only (no VPCs are modelled), not '" + AwsJsonEndpoint.abbreviate(name) + "'.");
            }
        });
        if (ids != null) {
            for (String id : ids) {
                if (!CLUSTER_ID.matcher(id).matches()) {
                    throw ApiException.client("CloudHsmInvalidRequestException", "Invalid cluster id '"
                            + AwsJsonEndpoint.abbreviate(id) + "': expected cluster- followed by 11 to 16 letters "
                            + "and digits 2-7.");
                }
                Cluster declared = clusters.get(id);
                if (declared == null) {
                    listed.put(id, new Cluster(id));
                }
            }
            listed.keySet().retainAll(Set.copyOf(ids));
        }
        List<Cluster> all = new ArrayList<>(listed.values());
        if (states != null) {
            all.removeIf(c -> !states.contains(clusterState(c)));
        }
        int max = body.path("MaxResults").asInt(100);
        if (max < 1 || max > 100) {
            throw ApiException.client("ValidationException", "MaxResults must be between 1 and 100.");
        }
        int from = 0;
        if (body.hasNonNull("NextToken")) {
            try {
                from = Integer.parseInt(body.get("NextToken").asText());
            } catch (NumberFormatException e) {
                throw ApiException.client("CloudHsmInvalidRequestException", "Invalid NextToken.");
            }
        }
        ObjectNode out = KmsService.object();
        ArrayNode list = out.putArray("Clusters");
        int end = Math.min(all.size(), from + max);
        for (Cluster c : all.subList(Math.min(from, end), end)) {
            list.add(describe(c));
        }
        if (end < all.size()) {
            out.put("NextToken", Integer.toString(end));
        }
        return out;
    }

    private static List<String> filterValues(JsonNode filters, String name) {
        JsonNode values = filters.path(name);
        if (values.isMissingNode() || values.isNull()) {
            return null;
        }
        if (!values.isArray()) {
            throw ApiException.client("SerializationException", "Filters." + name + " must be a list of strings.");
        }
        List<String> out = new ArrayList<>();
        values.forEach(v -> out.add(v.asText()));
        return out;
    }

    private static String clusterState(Cluster c) {
        return c.active ? "ACTIVE" : "INITIALIZED";
    }

    private static ObjectNode describe(Cluster c) {
        ObjectNode o = KmsService.object();
        o.put("ClusterId", c.id);
        o.put("State", clusterState(c));
        o.put("HsmType", "hsm1.medium");
        o.put("VpcId", "vpc-0emulated000000");
        ArrayNode hsms = o.putArray("Hsms");
        for (int i = 0; i < c.hsmAvailabilityZones.size(); i++) {
            ObjectNode h = hsms.addObject();
            h.put("AvailabilityZone", c.hsmAvailabilityZones.get(i));
            h.put("ClusterId", c.id);
            h.put("HsmId", String.format("hsm-%011x", Math.floorMod((c.id + "/" + i).hashCode(), 1L << 40)));
            h.put("State", "ACTIVE");
        }
        o.putObject("Certificates").put("ClusterCertificate", clusterCertificate(c.backupHistory));
        return o;
    }

    /** One certificate per backup history: what makes clusters related, as KMS compares them. */
    static String clusterCertificate(String backupHistory) {
        return "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getEncoder().encodeToString(
                ("Keyhold emulator cluster certificate, backup history " + backupHistory)
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "\n-----END CERTIFICATE-----";
    }

    // ---- state file -----------------------------------------------------------------------------------------

    synchronized void snapshot(ObjectNode doc) {
        ArrayNode cs = doc.putArray("clusters");
        for (Cluster c : clusters.values()) {
            ObjectNode o = cs.addObject();
            o.put("id", c.id);
            o.put("missing", c.missing);
            o.put("active", c.active);
            c.hsmAvailabilityZones.forEach(o.putArray("hsmAvailabilityZones")::add);
            if (c.trustAnchorCertificate != null) {
                o.put("trustAnchorCertificate", c.trustAnchorCertificate);
            }
            o.put("backupHistory", c.backupHistory);
            if (c.kmsuserFingerprint != null) {
                o.put("kmsuserPasswordFingerprint", c.kmsuserFingerprint);
            }
        }
        ArrayNode ps = doc.putArray("proxies");
        for (Proxy p : proxies.values()) {
            ObjectNode o = ps.addObject();
            o.put("uriEndpoint", p.uriEndpoint);
            o.put("reachable", p.reachable);
            if (p.accessKeyId != null) {
                o.put("accessKeyId", p.accessKeyId);
                o.put("secretFingerprint", p.secretFingerprint);
            }
        }
    }

    /** Loads "clusters" and "proxies"; errors name the entry and the field. */
    synchronized void load(JsonNode doc, String source) {
        int i = 0;
        for (JsonNode n : StateFile.array(doc.path("clusters"), source + " clusters")) {
            String where = source + " clusters[" + i++ + "]";
            StateFile.fields(n, CLUSTER_FIELDS, where);
            Cluster c = cluster(StateFile.text(n, "id", where));
            c.missing = n.path("missing").asBoolean(false);
            c.active = n.path("active").asBoolean(true);
            if (n.has("hsmAvailabilityZones")) {
                List<String> zones = new ArrayList<>();
                StateFile.array(n.get("hsmAvailabilityZones"), where + ".hsmAvailabilityZones")
                        .forEach(z -> zones.add(z.asText()));
                c.hsmAvailabilityZones = List.copyOf(zones);
            }
            c.trustAnchorCertificate = n.path("trustAnchorCertificate").asText(null);
            c.backupHistory = n.path("backupHistory").asText(c.id);
            if (n.has("kmsuserPassword")) {
                c.kmsuserFingerprint = Secrets.fingerprint(StateFile.text(n, "kmsuserPassword", where));
            } else if (n.has("kmsuserPasswordFingerprint")) {
                c.kmsuserFingerprint = Secrets.checkFingerprint(n.get("kmsuserPasswordFingerprint").asText(),
                        where + ".kmsuserPasswordFingerprint");
            }
        }
        i = 0;
        for (JsonNode n : StateFile.array(doc.path("proxies"), source + " proxies")) {
            String where = source + " proxies[" + i++ + "]";
            StateFile.fields(n, PROXY_FIELDS, where);
            Proxy p = proxy(StateFile.text(n, "uriEndpoint", where));
            p.reachable = n.path("reachable").asBoolean(true);
            if (n.has("accessKeyId")) {
                p.accessKeyId = StateFile.text(n, "accessKeyId", where);
                if (n.has("rawSecretAccessKey")) {
                    p.secretFingerprint = Secrets.fingerprint(StateFile.text(n, "rawSecretAccessKey", where));
                } else {
                    p.secretFingerprint = Secrets.checkFingerprint(StateFile.text(n, "secretFingerprint", where),
                            where + ".secretFingerprint");
                }
            }
        }
    }
}
