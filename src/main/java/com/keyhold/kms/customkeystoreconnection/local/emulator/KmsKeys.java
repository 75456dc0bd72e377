package com.keyhold.kms.customkeystoreconnection.local.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.local.emulator.Validator.Str;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * The KMS keys of the custom key stores, and the four key operations Keyhold needs around them: CreateKey (in a
 * CONNECTED custom key store), ScheduleKeyDeletion, ListKeys and DescribeKey. A key pending deletion still counts
 * against DeleteCustomKeyStore until its deletion date passes on the emulator's clock; then it is gone. Keys outside
 * custom key stores can be created too, for listings that look like a real account. Not thread-safe: called under the
 * emulator's lock. Member constraints are those of the KMS service model.
 */
final class KmsKeys {
    static final Set<String> OPERATIONS = Set.of("CreateKey", "ScheduleKeyDeletion", "ListKeys", "DescribeKey");
    static final Set<String> MUTATING = Set.of("CreateKey", "ScheduleKeyDeletion");

    private static final Str KEY_ID = Str.of(1, 2048);
    private static final Str STORE_ID = Str.of(1, 64);
    private static final Str DESCRIPTION = Str.of(0, 8192);
    private static final Str POLICY = Str.of(1, 131072, "[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+");
    private static final Str XKS_KEY_ID = Str.of(1, 128, "^[a-zA-Z0-9-_.]+$");
    private static final Str MARKER = Str.of(1, 1024, "[\\u0020-\\u00FF]*");
    private static final List<String> KEY_USAGES = List.of("SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC",
            "KEY_AGREEMENT");
    private static final List<String> KEY_SPECS = List.of("RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256",
            "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384",
            "HMAC_512", "SM2", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "ECC_NIST_EDWARDS25519");
    private static final List<String> ORIGINS = List.of("AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE");
    private static final Set<String> KEY_FIELDS = Set.of("keyId", "creationDate", "description", "origin",
            "customKeyStoreId", "xksKeyId", "keySpec", "keyUsage", "deletionDate", "pendingWindowInDays", "region", "policy");
    private static final int DEFAULT_LIMIT = 100;
    private static final com.fasterxml.jackson.databind.ObjectMapper POLICY_READER =
            new com.fasterxml.jackson.databind.ObjectMapper();

    static final class Key {
        String id;
        long seq;
        String region;
        Instant creationDate;
        String description = "";
        String origin;
        String customKeyStoreId;
        String xksKeyId;
        String keySpec = "SYMMETRIC_DEFAULT";
        String keyUsage = "ENCRYPT_DECRYPT";
        Instant deletionDate;
        Integer pendingWindowInDays;
        /** The key policy as given to CreateKey; only an explicit Deny of DescribeKey is enforced (see below). */
        String policy;
    }

    private final Map<String, Key> keys = new LinkedHashMap<>();
    private final KmsService stores;
    private final KeyStoreBackends backends;
    private final Clock clock;
    private final Random random;
    private final String accountId;
    private long nextSeq = 1;

    KmsKeys(KmsService stores, KeyStoreBackends backends, Clock clock, Random random, String accountId) {
        this.stores = stores;
        this.backends = backends;
        this.clock = clock;
        this.random = random;
        this.accountId = accountId;
    }

    ObjectNode handle(String operation, JsonNode body, String region) {
        purge();
        return switch (operation) {
            case "CreateKey" -> createKey(body, region);
            case "ScheduleKeyDeletion" -> scheduleKeyDeletion(body);
            case "ListKeys" -> listKeys(body);
            case "DescribeKey" -> describeKey(body);
            default -> throw new IllegalArgumentException("not a KMS key operation: " + operation);
        };
    }

    // ---- operations --------------------------------------------------------------------------------------

    private ObjectNode createKey(JsonNode body, String region) {
        Validator v = new Validator(body);
        String policy = v.string("Policy", POLICY, false);
        String description = v.string("Description", DESCRIPTION, false);
        String keyUsage = v.enumValue("KeyUsage", KEY_USAGES, false);
        String cmkSpec = v.enumValue("CustomerMasterKeySpec", KEY_SPECS.subList(0, 13), false);
        String keySpec = v.enumValue("KeySpec", KEY_SPECS, false);
        String origin = v.enumValue("Origin", ORIGINS, false);
        String storeId = v.string("CustomKeyStoreId", STORE_ID, false);
        v.bool("BypassPolicyLockoutSafetyCheck");
        boolean multiRegion = v.bool("MultiRegion");
        String xksKeyId = v.string("XksKeyId", XKS_KEY_ID, false);
        v.check();
        if (keySpec != null && cmkSpec != null) {
            throw ApiException.client("ValidationException", "KeySpec and CustomerMasterKeySpec cannot both be given; "
                    + "use KeySpec (CustomerMasterKeySpec is deprecated).");
        }
        Key key = new Key();
        key.origin = origin == null ? "AWS_KMS" : origin;
        key.keySpec = keySpec != null ? keySpec : cmkSpec != null ? cmkSpec : "SYMMETRIC_DEFAULT";
        key.keyUsage = keyUsage != null ? keyUsage : "ENCRYPT_DECRYPT";
        boolean inCustomStore = key.origin.equals("AWS_CLOUDHSM") || key.origin.equals("EXTERNAL_KEY_STORE");
        if (inCustomStore != (storeId != null)) {
            throw ApiException.client("ValidationException", storeId != null
                    ? "A KMS key in a custom key store needs Origin AWS_CLOUDHSM (CloudHSM key store) or "
                    + "EXTERNAL_KEY_STORE (external key store), not " + key.origin + "."
                    : "Origin " + key.origin + " needs CustomKeyStoreId: the custom key store to create the key in.");
        }
        if (xksKeyId != null && !key.origin.equals("EXTERNAL_KEY_STORE")) {
            throw ApiException.client("ValidationException", "XksKeyId is allowed only with Origin EXTERNAL_KEY_STORE.");
        }
        if (inCustomStore) {
            CustomKeyStore store = stores.find(storeId);
            KeyStoreType expected = key.origin.equals("AWS_CLOUDHSM") ? KeyStoreType.AWS_CLOUDHSM
                    : KeyStoreType.EXTERNAL_KEY_STORE;
            if (store.type != expected) {
                throw ApiException.client("ValidationException", "Custom key store " + store.id + " is of type "
                        + store.type + "; Origin " + key.origin + " creates keys in " + expected + " key stores only.");
            }
            if (!key.keySpec.equals("SYMMETRIC_DEFAULT") || !key.keyUsage.equals("ENCRYPT_DECRYPT") || multiRegion) {
                throw ApiException.client("UnsupportedOperationException", "Custom key stores hold single-Region "
                        + "symmetric encryption keys only (KeySpec SYMMETRIC_DEFAULT, KeyUsage ENCRYPT_DECRYPT).");
            }
            ConnectionState state = store.state(clock.instant());
            if (state != ConnectionState.CONNECTED) {
                throw ApiException.client("CustomKeyStoreInvalidStateException", "Custom key store " + store.id
                        + " is " + state + "; CreateKey needs it CONNECTED.");
            }
            backends.checkCreateKey(store);
            if (store.type == KeyStoreType.EXTERNAL_KEY_STORE) {
                if (xksKeyId == null) {
                    throw ApiException.client("ValidationException", "XksKeyId is required with Origin "
                            + "EXTERNAL_KEY_STORE: the id of the external key in the external key manager.");
                }
                for (Key other : keys.values()) {
                    if (store.id.equals(other.customKeyStoreId) && xksKeyId.equals(other.xksKeyId)) {
                        throw ApiException.client("XksKeyAlreadyInUseException", "External key " + xksKeyId
                                + " is already associated with KMS key " + other.id + " in custom key store "
                                + store.id + ".");
                    }
                }
            }
            key.customKeyStoreId = store.id;
            key.xksKeyId = xksKeyId;
        }
        key.description = description == null ? "" : description;
        key.policy = policy;
        key.region = region;
        key.creationDate = clock.instant();
        add(key);
        ObjectNode out = KmsService.object();
        out.set("KeyMetadata", metadata(key));
        return out;
    }

    private ObjectNode scheduleKeyDeletion(JsonNode body) {
        Validator v = new Validator(body);
        String keyId = v.string("KeyId", KEY_ID, true);
        Integer days = v.integer("PendingWindowInDays", 1, 365);
        v.check();
        Key key = find(keyId);
        int window = days == null ? 30 : days;
        if (window < 7 || window > 30) {
            throw ApiException.client("ValidationException", "PendingWindowInDays must be from 7 to 30 days, got "
                    + window + ".");
        }
        if (key.deletionDate != null) {
            throw ApiException.client("KMSInvalidStateException", arn(key) + " is pending deletion.");
        }
        key.pendingWindowInDays = window;
        key.deletionDate = clock.instant().plus(Duration.ofDays(window));
        ObjectNode out = KmsService.object();
        out.put("KeyId", arn(key));
        KmsService.putEpochSeconds(out, "DeletionDate", key.deletionDate);
        out.put("KeyState", "PendingDeletion");
        out.put("PendingWindowInDays", window);
        return out;
    }

    private ObjectNode listKeys(JsonNode body) {
        Validator v = new Validator(body);
        Integer limit = v.integer("Limit", 1, 1000);
        String marker = v.string("Marker", MARKER, false);
        v.check();
        long after = marker == null ? 0 : KmsService.decodeMarker(marker, "ListKeys");
        List<Key> page = keys.values().stream().filter(k -> k.seq > after).toList();
        int max = limit == null ? DEFAULT_LIMIT : limit;
        boolean truncated = page.size() > max;
        if (truncated) {
            page = page.subList(0, max);
        }
        ObjectNode out = KmsService.object();
        ArrayNode list = out.putArray("Keys");
        for (Key k : page) {
            list.addObject().put("KeyId", k.id).put("KeyArn", arn(k));
        }
        out.put("Truncated", truncated);
        if (truncated) {
            out.put("NextMarker", KmsService.encodeMarker(page.get(page.size() - 1).seq));
        }
        return out;
    }

    private ObjectNode describeKey(JsonNode body) {
        Validator v = new Validator(body);
        String keyId = v.string("KeyId", KEY_ID, true);
        v.check();
        Key key = find(keyId);
        if (deniesDescribeKey(key.policy)) {
            throw ApiException.client("AccessDeniedException", "User: arn:aws:sts::" + accountId + ":assumed-role/"
                    + "caller is not authorized to perform: kms:DescribeKey on resource: " + arn(key)
                    + " with an explicit deny in a resource-based policy");
        }
        ObjectNode out = KmsService.object();
        out.set("KeyMetadata", metadata(key));
        return out;
    }

    /**
     * Whether a key policy has a statement with Effect Deny whose Action covers kms:DescribeKey ("kms:DescribeKey",
     * "kms:Describe*", "kms:*" or "*", case-insensitive as IAM compares actions). Principals and conditions are not
     * evaluated: such a statement denies every caller, which is what makes a delete's key count meet AccessDenied.
     * Any other policy allows DescribeKey (the emulator has no IAM).
     */
    static boolean deniesDescribeKey(String policy) {
        if (policy == null) {
            return false;
        }
        JsonNode doc;
        try {
            doc = POLICY_READER.readTree(policy);
        } catch (Exception e) {
            return false;
        }
        JsonNode statements = doc.path("Statement");
        for (JsonNode statement : statements.isArray() ? statements : List.of(statements)) {
            if (!"Deny".equals(statement.path("Effect").asText())) {
                continue;
            }
            JsonNode actions = statement.path("Action");
            for (JsonNode action : actions.isArray() ? actions : List.of(actions)) {
                String a = action.asText().toLowerCase(java.util.Locale.ROOT);
                if (a.equals("*") || a.equals("kms:*") || a.equals("kms:describe*") || a.equals("kms:describekey")) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---- the table, for the key store operations and the emulator's API ----------------------------------

    /** Keys in a custom key store, pending deletion included (they still count against DeleteCustomKeyStore). */
    int countIn(String customKeyStoreId) {
        purge();
        return (int) keys.values().stream().filter(k -> customKeyStoreId.equals(k.customKeyStoreId)).count();
    }

    /** Makes the store hold exactly {@code count} keys: removes its keys, then adds that many (seeds, tests). */
    void setCount(CustomKeyStore store, int count) {
        if (count < 0) {
            throw new IllegalArgumentException("keyCount must not be negative, got " + count);
        }
        keys.values().removeIf(k -> store.id.equals(k.customKeyStoreId));
        for (int i = 0; i < count; i++) {
            Key key = new Key();
            key.customKeyStoreId = store.id;
            key.origin = store.type == KeyStoreType.AWS_CLOUDHSM ? "AWS_CLOUDHSM" : "EXTERNAL_KEY_STORE";
            key.xksKeyId = store.type == KeyStoreType.EXTERNAL_KEY_STORE ? "seeded-" + store.id + "-" + i : null;
            key.region = "us-east-1";
            key.creationDate = clock.instant();
            add(key);
        }
    }

    /** Adds {@code count} keys outside any custom key store (Origin AWS_KMS), as a real account holds (seeds, tests). */
    void addAccountKeys(int count, String region) {
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        for (int i = 0; i < count; i++) {
            Key key = new Key();
            key.origin = "AWS_KMS";
            key.region = region;
            key.creationDate = clock.instant();
            add(key);
        }
    }

    void clear() {
        keys.clear();
    }

    private void add(Key key) {
        if (key.id == null) {
            do {
                key.id = newKeyId();
            } while (keys.containsKey(key.id));
        }
        key.seq = nextSeq++;
        keys.put(key.id, key);
    }

    /** Keys whose waiting period has ended are deleted, as KMS deletes them. */
    private void purge() {
        Instant now = clock.instant();
        keys.values().removeIf(k -> k.deletionDate != null && !k.deletionDate.isAfter(now));
    }

    private Key find(String keyIdOrArn) {
        String id = keyIdOrArn.startsWith("arn:") ? keyIdOrArn.substring(keyIdOrArn.lastIndexOf('/') + 1) : keyIdOrArn;
        Key key = keys.get(id);
        if (key == null || keyIdOrArn.startsWith("arn:") && !keyIdOrArn.equals(arn(key))) {
            throw ApiException.client("NotFoundException", "Key '" + keyIdOrArn + "' does not exist");
        }
        return key;
    }

    private ObjectNode metadata(Key k) {
        ObjectNode m = KmsService.object();
        m.put("AWSAccountId", accountId);
        m.put("KeyId", k.id);
        m.put("Arn", arn(k));
        KmsService.putEpochSeconds(m, "CreationDate", k.creationDate);
        String state = keyState(k);
        // The API reference's KeyMetadata.Enabled: "When KeyState is Enabled this value is true, otherwise it is
        // false" (so false for an Unavailable key of a disconnected custom key store, as for PendingDeletion).
        m.put("Enabled", state.equals("Enabled"));
        m.put("Description", k.description);
        m.put("KeyUsage", k.keyUsage);
        m.put("KeyState", state);
        if (k.deletionDate != null) {
            KmsService.putEpochSeconds(m, "DeletionDate", k.deletionDate);
            m.put("PendingDeletionWindowInDays", k.pendingWindowInDays);
        }
        m.put("Origin", k.origin);
        if (k.customKeyStoreId != null) {
            m.put("CustomKeyStoreId", k.customKeyStoreId);
            storeOf(k).filter(s -> s.type == KeyStoreType.AWS_CLOUDHSM)
                    .ifPresent(s -> m.put("CloudHsmClusterId", s.cloudHsmClusterId));
        }
        m.put("KeyManager", "CUSTOMER");
        m.put("CustomerMasterKeySpec", k.keySpec);
        m.put("KeySpec", k.keySpec);
        if (k.keySpec.equals("SYMMETRIC_DEFAULT")) {
            m.putArray("EncryptionAlgorithms").add("SYMMETRIC_DEFAULT");
        }
        m.put("MultiRegion", false);
        if (k.xksKeyId != null) {
            m.putObject("XksKeyConfiguration").put("Id", k.xksKeyId);
        }
        return m;
    }

    /** A key in a custom key store that is not CONNECTED is Unavailable, as in KMS. */
    private String keyState(Key k) {
        if (k.deletionDate != null) {
            return "PendingDeletion";
        }
        boolean unavailable = k.customKeyStoreId != null && storeOf(k)
                .map(s -> s.state(clock.instant()) != ConnectionState.CONNECTED).orElse(true);
        return unavailable ? "Unavailable" : "Enabled";
    }

    private Optional<CustomKeyStore> storeOf(Key k) {
        return stores.stores().stream().filter(s -> s.id.equals(k.customKeyStoreId)).findFirst();
    }

    private String arn(Key k) {
        return "arn:aws:kms:" + k.region + ":" + accountId + ":key/" + k.id;
    }

    private String newKeyId() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            if (i == 8 || i == 12 || i == 16 || i == 20) {
                b.append('-');
            }
            b.append(Character.forDigit(random.nextInt(16), 16));
        }
        return b.toString();
    }

    // ---- state file -----------------------------------------------------------------------------------------

    void snapshot(ObjectNode doc) {
        ArrayNode list = doc.putArray("keys");
        for (Key k : keys.values()) {
            ObjectNode o = list.addObject();
            o.put("keyId", k.id);
            o.put("region", k.region);
            o.put("creationDate", k.creationDate.toString());
            o.put("description", k.description);
            o.put("origin", k.origin);
            putIfSet(o, "customKeyStoreId", k.customKeyStoreId);
            putIfSet(o, "xksKeyId", k.xksKeyId);
            putIfSet(o, "policy", k.policy);
            o.put("keySpec", k.keySpec);
            o.put("keyUsage", k.keyUsage);
            if (k.deletionDate != null) {
                o.put("deletionDate", k.deletionDate.toString());
                o.put("pendingWindowInDays", k.pendingWindowInDays);
            }
        }
    }

    /** Loads "keys" (after the stores they belong to); errors name the entry and the field. */
    void load(JsonNode doc, String source) {
        int i = 0;
        for (JsonNode n : StateFile.array(doc.path("keys"), source + " keys")) {
            String where = source + " keys[" + i++ + "]";
            StateFile.fields(n, KEY_FIELDS, where);
            Key k = new Key();
            k.id = StateFile.text(n, "keyId", where);
            if (keys.containsKey(k.id)) {
                throw new IllegalArgumentException(where + ": key " + k.id + " appears twice");
            }
            k.region = n.path("region").asText("us-east-1");
            k.creationDate = n.has("creationDate") ? StateFile.instant(n.get("creationDate"), where + ".creationDate")
                    : clock.instant();
            k.description = n.path("description").asText("");
            k.origin = n.path("origin").asText("AWS_KMS");
            k.customKeyStoreId = n.path("customKeyStoreId").asText(null);
            if (k.customKeyStoreId != null) {
                try {
                    stores.find(k.customKeyStoreId);
                } catch (ApiException e) {
                    throw new IllegalArgumentException(where + ".customKeyStoreId: no custom key store "
                            + k.customKeyStoreId + " in the stores", e);
                }
            }
            k.xksKeyId = n.path("xksKeyId").asText(null);
            k.policy = n.path("policy").asText(null);
            k.keySpec = n.path("keySpec").asText("SYMMETRIC_DEFAULT");
            k.keyUsage = n.path("keyUsage").asText("ENCRYPT_DECRYPT");
            if (n.has("deletionDate")) {
                k.deletionDate = StateFile.instant(n.get("deletionDate"), where + ".deletionDate");
                k.pendingWindowInDays = n.path("pendingWindowInDays").asInt(30);
            }
            add(k);
        }
    }

    private static void putIfSet(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }
}
