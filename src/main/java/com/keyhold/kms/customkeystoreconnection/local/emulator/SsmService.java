package com.keyhold.kms.customkeystoreconnection.local.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.local.emulator.Validator.Str;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The four SSM Parameter Store operations Keyhold uses. Not thread-safe: the emulator calls it under its lock.
 * Member constraints are those of the SSM service model (ssm 2014-11-06 service-2.json); the name rules and
 * value sizes are those of the Parameter Store documentation.
 */
final class SsmService {
    static final Set<String> OPERATIONS = Set.of("PutParameter", "GetParameter", "DeleteParameter",
            "GetParametersByPath");
    static final Set<String> MUTATING = Set.of("PutParameter", "DeleteParameter");

    /** A stored parameter; only the latest version is kept. */
    static final class Parameter {
        String name;
        String type;
        String value;
        long version;
        Instant lastModifiedDate;
        String dataType;
        String tier;
        String description;
    }

    private static final Str NAME = Str.of(1, 2048);
    private static final Str DESCRIPTION = Str.of(0, 1024);
    private static final Str VALUE = Str.of(1, 8192).redacted();
    private static final Str KEY_ID = Str.of(1, 256, "^([a-zA-Z0-9:/_-]+)$");
    private static final Str ALLOWED_PATTERN = Str.of(0, 1024);
    private static final Str POLICIES = Str.of(1, 4096);
    private static final Str DATA_TYPE = Str.of(0, 128);
    private static final Str NEXT_TOKEN = Str.of(0, Integer.MAX_VALUE);
    private static final List<String> TYPES = List.of("String", "StringList", "SecureString");
    private static final List<String> TIERS = List.of("Standard", "Advanced", "Intelligent-Tiering");
    private static final List<String> DATA_TYPES = List.of("text", "aws:ec2:image", "aws:ssm:integration");
    private static final Pattern NAME_CHARS = Pattern.compile("[a-zA-Z0-9_.\\-/]+");
    private static final int MAX_DEPTH = 15;
    private static final Pattern VERSION_SELECTOR = Pattern.compile("(.+):([0-9]{1,18})");
    private static final int STANDARD_MAX_VALUE = 4096;
    private static final String NAME_RULES = "Parameter name: can't be prefixed with \"aws\" or \"ssm\" "
            + "(case-insensitive). If formed as a path, it can consist of sub-paths divided by slash symbol; each "
            + "sub-path can be formed as a mix of letters, numbers and the following 3 symbols .-_";
    private static final String TOKEN_PREFIX = "keyhold-emulator-token:";

    private final NavigableMap<String, Parameter> parameters = new TreeMap<>();
    private final Clock clock;
    private final String accountId;

    SsmService(Clock clock, String accountId) {
        this.clock = clock;
        this.accountId = accountId;
    }

    ObjectNode handle(String operation, JsonNode body, String region) {
        return switch (operation) {
            case "PutParameter" -> put(body);
            case "GetParameter" -> get(body, region);
            case "DeleteParameter" -> delete(body);
            case "GetParametersByPath" -> byPath(body, region);
            default -> throw new IllegalArgumentException("not an SSM operation: " + operation);
        };
    }

    private ObjectNode put(JsonNode body) {
        Validator v = new Validator(body);
        String name = v.string("Name", NAME, true);
        String description = v.string("Description", DESCRIPTION, false);
        String value = v.string("Value", VALUE, true);
        String type = v.enumValue("Type", TYPES, false);
        v.string("KeyId", KEY_ID, false);
        boolean overwrite = v.bool("Overwrite");
        String allowedPattern = v.string("AllowedPattern", ALLOWED_PATTERN, false);
        String tier = v.enumValue("Tier", TIERS, false);
        v.string("Policies", POLICIES, false);
        String dataType = v.string("DataType", DATA_TYPE, false);
        v.check();
        checkName(name);
        if (dataType != null && !DATA_TYPES.contains(dataType)) {
            throw ApiException.client("ValidationException", "The following data type is not supported: "
                    + dataType + " (valid data types are: " + String.join(", ", DATA_TYPES) + ")");
        }
        if (overwrite && body.hasNonNull("Tags")) {
            throw ApiException.client("ValidationException", "Invalid request: tags and overwrite can't be used "
                    + "together. To create a parameter with tags, please remove overwrite flag. To update tags for "
                    + "an existing parameter, please use AddTagsToResource or RemoveTagsFromResource.");
        }
        // The account default tier is Standard; Intelligent-Tiering picks Advanced only when the value needs it.
        String effectiveTier = tier == null ? "Standard" : tier.equals("Intelligent-Tiering")
                ? (value.length() > STANDARD_MAX_VALUE ? "Advanced" : "Standard") : tier;
        if (effectiveTier.equals("Standard") && value.length() > STANDARD_MAX_VALUE) {
            throw ApiException.client("ValidationException", "Standard tier parameters support a maximum "
                    + "parameter value of " + STANDARD_MAX_VALUE + " characters. To create a larger parameter value, "
                    + "upgrade the parameter to use the advanced-parameter tier.");
        }
        if (allowedPattern != null && !Pattern.compile(allowedPattern).matcher(value).matches()) {
            throw ApiException.client("ParameterPatternMismatchException", "Parameter value, cannot be validated "
                    + "against allowedPattern: " + allowedPattern);
        }
        Parameter existing = parameters.get(name);
        if (existing != null && !overwrite) {
            throw ApiException.client("ParameterAlreadyExists", "The parameter already exists. To overwrite this "
                    + "value, set the overwrite option in the request to true.");
        }
        if (existing == null && type == null) {
            throw ApiException.client("ValidationException",
                    "A parameter type is required when you create a parameter. Allowed: " + TYPES);
        }
        Parameter p = existing == null ? new Parameter() : existing;
        p.name = name;
        p.type = type == null ? existing.type : type;
        p.value = value;
        p.version = existing == null ? 1 : existing.version + 1;
        p.lastModifiedDate = clock.instant();
        p.dataType = dataType == null ? (existing == null ? "text" : existing.dataType) : dataType;
        p.tier = effectiveTier;
        p.description = description == null && existing != null ? existing.description : description;
        parameters.put(name, p);
        ObjectNode out = KmsService.object();
        out.put("Version", p.version);
        out.put("Tier", p.tier);
        return out;
    }

    private ObjectNode get(JsonNode body, String region) {
        Validator v = new Validator(body);
        String name = v.string("Name", NAME, true);
        boolean decrypt = v.bool("WithDecryption");
        v.check();
        // "name:version" selects a version (as CloudFormation's ssm dynamic references send it). Only the latest
        // version is kept, so an older one is answered as a version Parameter Store no longer has.
        java.util.regex.Matcher selector = VERSION_SELECTOR.matcher(name);
        Parameter p = find(selector.matches() ? selector.group(1) : name);
        if (selector.matches() && Long.parseLong(selector.group(2)) != p.version) {
            throw ApiException.client("ParameterVersionNotFound", "Systems Manager could not find version "
                    + selector.group(2) + " of " + p.name + ". Verify the version and try again.");
        }
        ObjectNode out = KmsService.object();
        out.set("Parameter", describe(p, decrypt, region));
        return out;
    }

    private ObjectNode delete(JsonNode body) {
        Validator v = new Validator(body);
        String name = v.string("Name", NAME, true);
        v.check();
        parameters.remove(find(name).name);
        return KmsService.object();
    }

    private ObjectNode byPath(JsonNode body, String region) {
        Validator v = new Validator(body);
        String path = v.string("Path", NAME, true);
        boolean recursive = v.bool("Recursive");
        boolean decrypt = v.bool("WithDecryption");
        Integer maxResults = v.integer("MaxResults", 1, 10);
        String token = v.string("NextToken", NEXT_TOKEN, false);
        v.check();
        if (!path.startsWith("/")) {
            throw ApiException.client("ValidationException", "The parameter path must begin with a forward slash "
                    + "\"/\", e.g. /keyhold/kms. Got: " + path);
        }
        if (!path.equals("/")) {
            checkName(path.endsWith("/") ? path.substring(0, path.length() - 1) : path);
        }
        String prefix = path.endsWith("/") ? path : path + "/";
        String after = token == null ? null : decodeToken(token);
        int max = maxResults == null ? 10 : maxResults;
        Collection<Parameter> candidates = (after == null ? parameters.tailMap(prefix, true)
                : parameters.tailMap(after, false)).values();
        ObjectNode out = KmsService.object();
        ArrayNode list = out.putArray("Parameters");
        String last = null;
        for (Parameter p : candidates) {
            if (!p.name.startsWith(prefix)) {
                break;
            }
            if (!recursive && p.name.indexOf('/', prefix.length()) >= 0) {
                continue;
            }
            if (list.size() == max) {
                out.put("NextToken", encodeToken(last));
                break;
            }
            list.add(describe(p, decrypt, region));
            last = p.name;
        }
        return out;
    }

    private ObjectNode describe(Parameter p, boolean decrypt, String region) {
        ObjectNode o = KmsService.object();
        o.put("Name", p.name);
        o.put("Type", p.type);
        // A SecureString read without decryption returns ciphertext; the emulator's is a recognisable stand-in.
        o.put("Value", p.type.equals("SecureString") && !decrypt
                ? Base64.getEncoder().encodeToString(("keyhold-emulator-ciphertext:" + p.value)
                        .getBytes(StandardCharsets.UTF_8))
                : p.value);
        o.put("Version", p.version);
        KmsService.putEpochSeconds(o, "LastModifiedDate", p.lastModifiedDate);
        o.put("ARN", "arn:aws:ssm:" + region + ":" + accountId + ":parameter" + (p.name.startsWith("/") ? "" : "/")
                + p.name);
        o.put("DataType", p.dataType);
        return o;
    }

    private Parameter find(String name) {
        Parameter p = parameters.get(name);
        if (p == null) {
            throw ApiException.client("ParameterNotFound", "Parameter " + name + " not found.");
        }
        return p;
    }

    private static void checkName(String name) {
        String first = name.startsWith("/") ? name.substring(1) : name;
        String lower = first.toLowerCase(Locale.ROOT);
        boolean reserved = lower.startsWith("aws") || lower.startsWith("ssm");
        boolean badShape = !NAME_CHARS.matcher(name).matches() || (name.contains("/") && !name.startsWith("/"))
                || name.contains("//") || name.endsWith("/");
        if (reserved || badShape) {
            throw ApiException.client("ValidationException", NAME_RULES);
        }
        if (name.chars().filter(c -> c == '/').count() > MAX_DEPTH) {
            throw ApiException.client("HierarchyLevelLimitExceededException", "A hierarchy can have a maximum of "
                    + MAX_DEPTH + " levels. Got: " + name);
        }
    }

    private static String encodeToken(String lastName) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((TOKEN_PREFIX + lastName).getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeToken(String token) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (s.startsWith(TOKEN_PREFIX)) {
                return s.substring(TOKEN_PREFIX.length());
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below
        }
        throw ApiException.client("InvalidNextToken", "The specified token is not valid; pass the NextToken of a "
                + "previous GetParametersByPath response unchanged.");
    }

    // ---- direct access for the emulator facade and the state file ----------------------------------------

    Collection<Parameter> parameters() {
        return parameters.values();
    }

    void restore(Parameter p) {
        parameters.put(p.name, p);
    }

    Parameter parameter(String name) {
        return parameters.get(name);
    }

    void clear() {
        parameters.clear();
    }
}
