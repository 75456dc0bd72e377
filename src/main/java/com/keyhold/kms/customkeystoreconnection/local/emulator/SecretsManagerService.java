package com.keyhold.kms.customkeystoreconnection.local.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.local.emulator.Validator.Str;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The Secrets Manager calls a CloudFormation dynamic reference needs ({@code GetSecretValue}), and the two that put
 * a secret there ({@code CreateSecret}, {@code PutSecretValue}): string secrets with versions and the staging labels
 * AWSCURRENT and AWSPREVIOUS, moved as Secrets Manager moves them. Not thread-safe: the emulator calls it under its
 * lock. Like Secrets Manager itself, it holds the values: the emulator's state file is the secret store.
 */
final class SecretsManagerService {
    static final Set<String> OPERATIONS = Set.of("CreateSecret", "PutSecretValue", "GetSecretValue");
    static final Set<String> MUTATING = Set.of("CreateSecret", "PutSecretValue");
    static final String CURRENT = "AWSCURRENT";
    static final String PREVIOUS = "AWSPREVIOUS";

    private static final Str NAME = Str.of(1, 512);
    private static final Str SECRET_ID = Str.of(1, 2048);
    private static final Str VALUE = Str.of(1, 65536).redacted();
    private static final Str TOKEN = Str.of(32, 64);
    private static final Str DESCRIPTION = Str.of(0, 2048);
    private static final Str STAGE = Str.of(1, 256);
    private static final String NAME_CHARS = "[A-Za-z0-9/_+=.@-]+";
    private static final String SUFFIX_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /** One secret: its versions in creation order, each with its labels. */
    static final class Secret {
        String name;
        String arn;
        String description;
        Instant createdDate;
        final Map<String, Version> versions = new LinkedHashMap<>();
    }

    static final class Version {
        String id;
        String value;
        Instant createdDate;
        final Set<String> stages = new LinkedHashSet<>();
    }

    private final Map<String, Secret> secrets = new TreeMap<>();
    private final Clock clock;
    private final String accountId;
    private final Random random;

    SecretsManagerService(Clock clock, String accountId, Random random) {
        this.clock = clock;
        this.accountId = accountId;
        this.random = random;
    }

    ObjectNode handle(String operation, JsonNode body, String region) {
        return switch (operation) {
            case "CreateSecret" -> create(body, region);
            case "PutSecretValue" -> putValue(body);
            case "GetSecretValue" -> get(body);
            default -> throw new IllegalArgumentException("not a Secrets Manager operation: " + operation);
        };
    }

    private ObjectNode create(JsonNode body, String region) {
        Validator v = new Validator(body);
        String name = v.string("Name", NAME, true);
        String token = v.string("ClientRequestToken", TOKEN, false);
        String description = v.string("Description", DESCRIPTION, false);
        String value = v.string("SecretString", VALUE, false);
        v.check();
        if (body.has("SecretBinary")) {
            throw ApiException.client("InvalidRequestException", "The Keyhold emulator keeps string secrets only: "
                    + "give SecretString, not SecretBinary.");
        }
        if (!name.matches(NAME_CHARS)) {
            throw ApiException.client("ValidationException", "Invalid name. Must be a valid name containing "
                    + "alphanumeric characters, or any of the following: -/_+=.@!");
        }
        if (secrets.containsKey(name)) {
            throw ApiException.client("ResourceExistsException", "The operation failed because the secret " + name
                    + " already exists.");
        }
        Secret s = new Secret();
        s.name = name;
        s.description = description;
        s.createdDate = clock.instant();
        s.arn = "arn:aws:secretsmanager:" + region + ":" + accountId + ":secret:" + name + "-" + suffix();
        secrets.put(name, s);
        ObjectNode out = KmsService.object();
        out.put("ARN", s.arn);
        out.put("Name", s.name);
        if (value != null) {
            out.put("VersionId", addVersion(s, value, token, List.of(CURRENT)).id);
        }
        return out;
    }

    private ObjectNode putValue(JsonNode body) {
        Validator v = new Validator(body);
        String id = v.string("SecretId", SECRET_ID, true);
        String token = v.string("ClientRequestToken", TOKEN, false);
        String value = v.string("SecretString", VALUE, true);
        v.check();
        List<String> stages = new ArrayList<>();
        body.path("VersionStages").forEach(stage -> stages.add(stage.asText()));
        Secret s = find(id);
        if (token != null && s.versions.containsKey(token)) {
            // An idempotent retry: the same token with the same value changes nothing.
            if (!s.versions.get(token).value.equals(value)) {
                throw ApiException.client("ResourceExistsException", "A resource with the ID you requested already "
                        + "exists: version " + token + " has another value; use a new ClientRequestToken.");
            }
        } else {
            addVersion(s, value, token, stages.isEmpty() ? List.of(CURRENT) : stages);
        }
        Version version = s.versions.get(token != null ? token : last(s).id);
        ObjectNode out = KmsService.object();
        out.put("ARN", s.arn);
        out.put("Name", s.name);
        out.put("VersionId", version.id);
        version.stages.forEach(out.putArray("VersionStages")::add);
        return out;
    }

    private ObjectNode get(JsonNode body) {
        Validator v = new Validator(body);
        String id = v.string("SecretId", SECRET_ID, true);
        String versionId = v.string("VersionId", TOKEN, false);
        String stage = v.string("VersionStage", STAGE, false);
        v.check();
        Secret s = find(id);
        Version version = version(s, versionId, stage);
        ObjectNode out = KmsService.object();
        out.put("ARN", s.arn);
        out.put("Name", s.name);
        out.put("VersionId", version.id);
        out.put("SecretString", version.value);
        version.stages.forEach(out.putArray("VersionStages")::add);
        KmsService.putEpochSeconds(out, "CreatedDate", version.createdDate);
        return out;
    }

    /** The version a VersionId and/or VersionStage names (AWSCURRENT when neither), as GetSecretValue picks it. */
    private static Version version(Secret s, String versionId, String stage) {
        if (versionId != null) {
            Version byId = s.versions.get(versionId);
            if (byId == null || stage != null && !byId.stages.contains(stage)) {
                throw ApiException.client("ResourceNotFoundException", "Secrets Manager can't find the specified "
                        + "secret value for VersionId: " + versionId + (stage == null ? "" : " and staging label: "
                        + stage));
            }
            return byId;
        }
        String label = stage == null ? CURRENT : stage;
        return s.versions.values().stream().filter(ver -> ver.stages.contains(label)).findFirst()
                .orElseThrow(() -> ApiException.client("ResourceNotFoundException", "Secrets Manager can't find the "
                        + "specified secret value for staging label: " + label));
    }

    /**
     * A new version; a label it takes leaves the version that had it, and AWSCURRENT's old version becomes
     * AWSPREVIOUS.
     */
    private Version addVersion(Secret s, String value, String token, List<String> stages) {
        Version version = new Version();
        version.id = token != null ? token : UUID.randomUUID().toString();
        version.value = value;
        version.createdDate = clock.instant();
        for (String stage : stages) {
            for (Version other : s.versions.values()) {
                if (other.stages.remove(stage) && stage.equals(CURRENT)) {
                    s.versions.values().forEach(o -> o.stages.remove(PREVIOUS));
                    other.stages.add(PREVIOUS);
                }
            }
            version.stages.add(stage);
        }
        s.versions.put(version.id, version);
        return version;
    }

    private static Version last(Secret s) {
        Version last = null;
        for (Version v : s.versions.values()) {
            last = v;
        }
        return last;
    }

    /** By name or by ARN (full, as CreateSecret returned it). */
    private Secret find(String id) {
        Secret byName = secrets.get(id);
        if (byName != null) {
            return byName;
        }
        return secrets.values().stream().filter(s -> s.arn.equals(id)).findFirst()
                .orElseThrow(() -> ApiException.client("ResourceNotFoundException",
                        "Secrets Manager can't find the specified secret."));
    }

    private String suffix() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            b.append(SUFFIX_CHARS.charAt(random.nextInt(SUFFIX_CHARS.length())));
        }
        return b.toString();
    }

    // ---- the state file ("secrets") and direct access ----------------------------------------------------

    /** Puts a string secret by name (created, or a new AWSCURRENT version); for seeds, tests and the demo. */
    String put(String name, String value, String region) {
        ObjectNode body = KmsService.object();
        body.put("SecretString", value);
        if (!secrets.containsKey(name)) {
            body.put("Name", name);
            return create(body, region).get("VersionId").asText();
        }
        body.put("SecretId", name);
        return putValue(body).get("VersionId").asText();
    }

    void snapshot(ObjectNode doc) {
        ArrayNode list = doc.putArray("secrets");
        for (Secret s : secrets.values()) {
            ObjectNode o = list.addObject();
            o.put("name", s.name);
            o.put("arn", s.arn);
            if (s.description != null) {
                o.put("description", s.description);
            }
            o.put("createdDate", s.createdDate.toString());
            ArrayNode versions = o.putArray("versions");
            for (Version v : s.versions.values()) {
                ObjectNode ov = versions.addObject();
                ov.put("versionId", v.id);
                ov.put("secretString", v.value);
                ov.put("createdDate", v.createdDate.toString());
                v.stages.forEach(ov.putArray("stages")::add);
            }
        }
    }

    /**
     * Loads "secrets": a state file's full form, or a seed's short one ({"name": ..., "secretString": ...}, one
     * AWSCURRENT version).
     */
    void load(JsonNode doc, String source, String region) {
        int i = 0;
        for (JsonNode o : StateFile.array(doc.path("secrets"), source + " secrets")) {
            String where = source + " secrets[" + i++ + "]";
            StateFile.fields(o, Set.of("name", "arn", "description", "createdDate", "versions", "secretString"), where);
            String name = StateFile.text(o, "name", where);
            if (o.has("secretString")) {
                put(name, StateFile.text(o, "secretString", where), region);
                continue;
            }
            Secret s = new Secret();
            s.name = name;
            s.arn = StateFile.text(o, "arn", where);
            s.description = o.path("description").asText(null);
            s.createdDate = o.has("createdDate") ? StateFile.instant(o.get("createdDate"), where + ".createdDate")
                    : clock.instant();
            int j = 0;
            for (JsonNode ov : StateFile.array(o.path("versions"), where + ".versions")) {
                String at = where + ".versions[" + j++ + "]";
                StateFile.fields(ov, Set.of("versionId", "secretString", "createdDate", "stages"), at);
                Version v = new Version();
                v.id = StateFile.text(ov, "versionId", at);
                v.value = StateFile.text(ov, "secretString", at);
                v.createdDate = ov.has("createdDate") ? StateFile.instant(ov.get("createdDate"), at + ".createdDate")
                        : s.createdDate;
                ov.path("stages").forEach(stage -> v.stages.add(stage.asText()));
                s.versions.put(v.id, v);
            }
            secrets.put(name, s);
        }
    }

    void clear() {
        secrets.clear();
    }
}
