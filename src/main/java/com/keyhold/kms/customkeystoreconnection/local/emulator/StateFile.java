package com.keyhold.kms.customkeystoreconnection.local.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The JSON document that seeds the emulator and persists it: one format for both, so a state file is also a
 * valid seed. A seed names each store's {@code state}; a state file adds the {@code timeline} (including
 * transitions still to come) so a restart resumes a CONNECTING store where it was.
 * <pre>{@code
 * {"stores": [{"id": "cks-1234567890abcdef0", "name": "ops-hsm", "type": "AWS_CLOUDHSM", "state": "CONNECTED",
 *              "failNextConnect": ["INVALID_CREDENTIALS"]}],
 *  "parameters": [{"name": "/keyhold/x", "type": "String", "value": "v"}],
 *  "secrets": [{"name": "payments/kmsuser", "secretString": "{\"password\": \"...\"}"}],
 *  "faults": {"describeLagSeconds": 3, "failNextConnect": ["NETWORK_ERRORS"], "internalErrorRate": 0.1,
 *             "quotaThrottling": true, "cloudHsmRenameNeedsDisconnected": false}}
 * }</pre>
 */
final class StateFile {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private static final Set<String> TOP = Set.of("version", "stores", "parameters", "faults", "clusters", "proxies",
            "keys", "secrets");
    private static final Set<String> STORE = Set.of("id", "name", "type", "state", "connectionErrorCode",
            "creationDate", "cloudHsmClusterId", "trustAnchorCertificate", "xksProxy", "keyCount",
            "failNextConnect", "describeLagSeconds", "timeline", "kmsPasswordFingerprint");
    private static final Set<String> XKS = Set.of("uriEndpoint", "uriPath", "connectivity",
            "vpcEndpointServiceName", "vpcEndpointServiceOwner", "accessKeyId", "secretFingerprint");
    private static final Set<String> CHANGE = Set.of("at", "state", "connectionErrorCode");
    private static final Set<String> PARAMETER = Set.of("name", "type", "value", "version", "lastModifiedDate",
            "dataType", "tier", "description");
    private static final Set<String> FAULTS = Set.of("describeLagSeconds", "failNextConnect", "internalErrorRate",
            "quotaThrottling", "cloudHsmRenameNeedsDisconnected");

    private StateFile() {
    }

    // ---- writing -----------------------------------------------------------------------------------------

    static ObjectNode snapshot(KmsService kms, SsmService ssm, Faults faults, Instant now) {
        ObjectNode doc = MAPPER.createObjectNode();
        doc.put("version", 1);
        ArrayNode stores = doc.putArray("stores");
        for (CustomKeyStore s : kms.stores()) {
            ObjectNode o = stores.addObject();
            o.put("id", s.id);
            o.put("name", s.name);
            o.put("type", s.type.name());
            // "state" is for people reading the file; the timeline is what a restart resumes from.
            CustomKeyStore.StateChange current = s.current(now);
            o.put("state", current.state().name());
            putIfSet(o, "connectionErrorCode", current.errorCode());
            o.put("creationDate", s.creationDate.toString());
            putIfSet(o, "cloudHsmClusterId", s.cloudHsmClusterId);
            putIfSet(o, "trustAnchorCertificate", s.trustAnchorCertificate);
            if (s.type == KeyStoreType.EXTERNAL_KEY_STORE) {
                ObjectNode x = o.putObject("xksProxy");
                putIfSet(x, "uriEndpoint", s.xksUriEndpoint);
                putIfSet(x, "uriPath", s.xksUriPath);
                putIfSet(x, "connectivity", s.xksConnectivity);
                putIfSet(x, "vpcEndpointServiceName", s.xksVpcEndpointServiceName);
                putIfSet(x, "vpcEndpointServiceOwner", s.xksVpcEndpointServiceOwner);
                putIfSet(x, "accessKeyId", s.xksAccessKeyId);
                putIfSet(x, "secretFingerprint", s.xksSecretFingerprint);
            }
            putIfSet(o, "kmsPasswordFingerprint", s.kmsPasswordFingerprint);
            List<String> pending = faults.pendingConnectFailures(s.id);
            if (!pending.isEmpty()) {
                pending.forEach(o.putArray("failNextConnect")::add);
            }
            Duration lag = faults.ownDescribeLag(s.id);
            if (lag != null) {
                o.put("describeLagSeconds", lag.toMillis() / 1000.0);
            }
            ArrayNode timeline = o.putArray("timeline");
            for (CustomKeyStore.StateChange c : s.timeline()) {
                ObjectNode t = timeline.addObject();
                t.put("at", c.at().toString());
                t.put("state", c.state().name());
                putIfSet(t, "connectionErrorCode", c.errorCode());
            }
        }
        kms.backends().snapshot(doc);
        kms.keys().snapshot(doc);
        ArrayNode params = doc.putArray("parameters");
        for (SsmService.Parameter p : ssm.parameters()) {
            ObjectNode o = params.addObject();
            o.put("name", p.name);
            o.put("type", p.type);
            o.put("value", p.value);
            o.put("version", p.version);
            o.put("lastModifiedDate", p.lastModifiedDate.toString());
            o.put("dataType", p.dataType);
            o.put("tier", p.tier);
            putIfSet(o, "description", p.description);
        }
        ObjectNode f = doc.putObject("faults");
        f.put("describeLagSeconds", faults.globalDescribeLag().toMillis() / 1000.0);
        faults.pendingConnectFailures().forEach(f.withArray("failNextConnect")::add);
        f.put("internalErrorRate", faults.internalErrorRate());
        f.put("quotaThrottling", faults.quotaThrottling());
        f.put("cloudHsmRenameNeedsDisconnected", faults.cloudHsmRenameNeedsDisconnected());
        return doc;
    }

    /**
     * Writes to a temporary file beside the target and renames it, so a crash never leaves half a file.
     * Returns the bytes written.
     */
    static byte[] write(Path file, ObjectNode doc) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
            byte[] bytes = MAPPER.writeValueAsBytes(doc);
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write emulator state file " + file, e);
        }
    }

    // ---- reading -----------------------------------------------------------------------------------------

    static JsonNode parse(byte[] bytes, Path file) {
        try {
            return MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a readable JSON document: " + e.getMessage(), e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a readable JSON document: " + e.getMessage(), e);
        }
    }

    /** Loads stores, parameters and faults into an emulator; errors name the file, the entry and the field. */
    static void load(JsonNode doc, String source, KmsEmulator emulator) {
        if (doc == null || !doc.isObject()) {
            throw new IllegalArgumentException(source + ": the document must be a JSON object with "
                    + "\"stores\", \"parameters\" and \"faults\"");
        }
        fields(doc, TOP, source);
        JsonNode faults = doc.path("faults");
        if (faults.isObject()) {
            String where = source + " faults";
            fields(faults, FAULTS, where);
            Faults f = emulator.faults();
            if (faults.has("describeLagSeconds")) {
                f.describeLag(seconds(faults.get("describeLagSeconds"), where + ".describeLagSeconds"));
            }
            for (String code : strings(faults.path("failNextConnect"), where + ".failNextConnect")) {
                f.failNextConnect(code);
            }
            if (faults.has("internalErrorRate")) {
                f.internalErrorRate(faults.get("internalErrorRate").asDouble());
            }
            if (faults.has("quotaThrottling")) {
                f.quotaThrottling(faults.get("quotaThrottling").asBoolean());
            }
            if (faults.has("cloudHsmRenameNeedsDisconnected")) {
                f.cloudHsmRenameNeedsDisconnected(faults.get("cloudHsmRenameNeedsDisconnected").asBoolean());
            }
        }
        emulator.restoreBackends(doc, source);
        int i = 0;
        for (JsonNode s : array(doc.path("stores"), source + " stores")) {
            String where = source + " stores[" + i++ + "]" + (s.hasNonNull("id") ? " (" + s.get("id").asText() + ")" : "");
            fields(s, STORE, where);
            StoreSpec spec = StoreSpec.of(KeyStoreType.parse(text(s, "type", where), where + ".type"),
                    text(s, "name", where));
            spec.id(text(s, "id", where));
            if (s.has("state")) {
                spec.state(ConnectionState.parse(s.get("state").asText(), where + ".state"));
            }
            if (s.hasNonNull("connectionErrorCode")) {
                spec.failed(s.get("connectionErrorCode").asText());
            }
            if (s.has("creationDate")) {
                spec.creationDate(instant(s.get("creationDate"), where + ".creationDate"));
            }
            if (s.has("cloudHsmClusterId")) {
                spec.cloudHsmClusterId(s.get("cloudHsmClusterId").asText());
            }
            if (s.has("trustAnchorCertificate")) {
                spec.trustAnchorCertificate(s.get("trustAnchorCertificate").asText());
            }
            JsonNode x = s.path("xksProxy");
            if (x.isObject()) {
                fields(x, XKS, where + ".xksProxy");
                spec.xksProxy(x.path("uriEndpoint").asText(spec.xksUriEndpoint),
                        x.path("uriPath").asText(spec.xksUriPath), x.path("connectivity").asText(spec.xksConnectivity));
                spec.xksVpcEndpointService(x.path("vpcEndpointServiceName").asText(null),
                        x.path("vpcEndpointServiceOwner").asText(null));
                spec.xksAccessKeyId(x.path("accessKeyId").asText(spec.xksAccessKeyId));
                if (x.has("secretFingerprint")) {
                    spec.xksSecretFingerprint(Secrets.checkFingerprint(x.get("secretFingerprint").asText(),
                            where + ".xksProxy.secretFingerprint"));
                }
            }
            if (s.has("kmsPasswordFingerprint")) {
                spec.kmsPasswordFingerprint(Secrets.checkFingerprint(s.get("kmsPasswordFingerprint").asText(),
                        where + ".kmsPasswordFingerprint"));
            }
            spec.keyCount(s.path("keyCount").asInt(0));
            strings(s.path("failNextConnect"), where + ".failNextConnect").forEach(spec::failNextConnect);
            if (s.has("describeLagSeconds")) {
                spec.describeLag(seconds(s.get("describeLagSeconds"), where + ".describeLagSeconds"));
            }
            List<CustomKeyStore.StateChange> timeline = new ArrayList<>();
            int j = 0;
            for (JsonNode c : array(s.path("timeline"), where + ".timeline")) {
                String at = where + ".timeline[" + j++ + "]";
                fields(c, CHANGE, at);
                String code = c.hasNonNull("connectionErrorCode")
                        ? ConnectionState.checkErrorCode(c.get("connectionErrorCode").asText(), at) : null;
                timeline.add(new CustomKeyStore.StateChange(instant(c.get("at"), at + ".at"),
                        ConnectionState.parse(text(c, "state", at), at + ".state"), code));
            }
            emulator.restoreStore(spec, timeline, where);
        }
        emulator.restoreKeys(doc, source);
        emulator.restoreSecrets(doc, source);
        i = 0;
        for (JsonNode p : array(doc.path("parameters"), source + " parameters")) {
            String where = source + " parameters[" + i++ + "]";
            fields(p, PARAMETER, where);
            SsmService.Parameter param = new SsmService.Parameter();
            param.name = text(p, "name", where);
            param.type = p.path("type").asText("String");
            if (!List.of("String", "StringList", "SecureString").contains(param.type)) {
                throw new IllegalArgumentException(where + ".type: '" + param.type
                        + "' is not a parameter type; allowed: String, StringList, SecureString");
            }
            param.value = text(p, "value", where);
            param.version = p.path("version").asLong(1);
            param.lastModifiedDate = p.has("lastModifiedDate") ? instant(p.get("lastModifiedDate"),
                    where + ".lastModifiedDate") : emulator.clock().instant();
            param.dataType = p.path("dataType").asText("text");
            param.tier = p.path("tier").asText("Standard");
            param.description = p.path("description").asText(null);
            emulator.restoreParameter(param);
        }
    }

    static void fields(JsonNode node, Set<String> allowed, String where) {
        if (!node.isObject()) {
            throw new IllegalArgumentException(where + ": must be a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException(where + ": unknown field '" + name + "'; allowed: "
                        + allowed.stream().sorted().toList());
            }
        }
    }

    static Iterable<JsonNode> array(JsonNode node, String where) {
        if (node.isMissingNode() || node.isNull()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new IllegalArgumentException(where + ": must be a JSON array");
        }
        return node;
    }

    private static List<String> strings(JsonNode node, String where) {
        List<String> out = new ArrayList<>();
        for (JsonNode n : array(node, where)) {
            out.add(n.asText());
        }
        return out;
    }

    static String text(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new IllegalArgumentException(where + ": '" + field + "' is required and must be a non-empty string");
        }
        return v.asText();
    }

    static Instant instant(JsonNode node, String where) {
        try {
            return node.isNumber() ? Instant.ofEpochMilli(Math.round(node.asDouble() * 1000))
                    : Instant.parse(node.asText());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(where + ": '" + node.asText()
                    + "' is not a time; use ISO-8601 like 2025-01-01T00:00:00Z or epoch seconds");
        }
    }

    private static Duration seconds(JsonNode node, String where) {
        if (!node.isNumber() || node.asDouble() < 0) {
            throw new IllegalArgumentException(where + ": must be a non-negative number of seconds, got " + node);
        }
        return Duration.ofMillis(Math.round(node.asDouble() * 1000));
    }

    private static void putIfSet(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }
}
