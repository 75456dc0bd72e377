package com.keyhold.kms.customkeystoreconnection.local.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The AWS JSON 1.1 front door for every service: {@code POST /} with {@code X-Amz-Target: TrentService.<Op>}
 * (KMS), {@code AmazonSSM.<Op>} (SSM) or {@code secretsmanager.<Op>} (Secrets Manager). Order of checks:
 * signature, operation, body syntax, injected faults (which may name the body's CustomKeyStoreId), then the
 * operation with its member validation.
 */
final class AwsJsonEndpoint implements HttpHandler {
    static final String CONTENT_TYPE = "application/x-amz-json-1.1";
    private static final String KMS_PREFIX = "TrentService.";
    private static final String SSM_PREFIX = "AmazonSSM.";
    /** CloudHSM v2 (DescribeClusters only), signed for the service {@code cloudhsm}. */
    private static final String CLOUDHSM_PREFIX = "BaldrApiService.";
    /** Secrets Manager (what the runner's dynamic references read), signed for {@code secretsmanager}. */
    private static final String SECRETS_PREFIX = "secretsmanager.";
    private static final java.util.regex.Pattern JSON_CONTENT_TYPE = java.util.regex.Pattern.compile(
            "\\s*application/x-amz-json-1\\.[01]\\s*(;.*)?$", java.util.regex.Pattern.CASE_INSENSITIVE);

    /** At most 100 characters of a client's value in a message: a message never echoes a huge input back. */
    static String abbreviate(String value) {
        return value.length() <= 100 ? value : value.substring(0, 100) + "... (" + value.length() + " characters)";
    }

    /** Where the operations run; called while holding the emulator's state. */
    interface Backend {
        ObjectNode kms(String operation, JsonNode body, String region);

        ObjectNode ssm(String operation, JsonNode body, String region);

        /** CloudHSM v2's read-only operations ({@link KeyStoreBackends#CLOUDHSM_OPERATIONS}). */
        ObjectNode cloudHsm(String operation, JsonNode body, String region);

        /** Secrets Manager's calls ({@link SecretsManagerService#OPERATIONS}). */
        ObjectNode secretsManager(String operation, JsonNode body, String region);

        /** Called after a successful mutating operation, still under the lock. */
        void changed();
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final Supplier<StateLock.Held> exclusive;
    private final Backend backend;
    private final SigV4Verifier verifier;
    private final Faults faults;
    private final RequestLog log;
    private final Clock clock;
    private final Supplier<CloudFormationService.Stacks> stacks;

    AwsJsonEndpoint(Supplier<StateLock.Held> exclusive, Backend backend, SigV4Verifier verifier, Faults faults, RequestLog log,
            Clock clock, Supplier<CloudFormationService.Stacks> stacks) {
        this.stacks = stacks;
        this.exclusive = exclusive;
        this.backend = backend;
        this.verifier = verifier;
        this.faults = faults;
        this.log = log;
        this.clock = clock;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        String form = exchange.getRequestHeaders().getFirst("Content-Type");
        if (form != null && form.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            // The query protocol: CloudFormation's DescribeStackResources.
            CloudFormationService.handle(exchange, body, verifier, faults, log, clock, stacks.get());
            return;
        }
        String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
        boolean kms = target != null && target.startsWith(KMS_PREFIX);
        boolean ssm = target != null && target.startsWith(SSM_PREFIX);
        boolean hsm = target != null && target.startsWith(CLOUDHSM_PREFIX);
        boolean secrets = target != null && target.startsWith(SECRETS_PREFIX);
        String operation = kms ? target.substring(KMS_PREFIX.length())
                : ssm ? target.substring(SSM_PREFIX.length())
                : hsm ? target.substring(CLOUDHSM_PREFIX.length())
                : secrets ? target.substring(SECRETS_PREFIX.length()) : String.valueOf(target);
        String storeId = null;
        try {
            SigV4Verifier.Signer signer = verifier.verify(exchange.getRequestMethod(), exchange.getRequestURI(),
                    exchange.getRequestHeaders()::get, body,
                    kms ? "kms" : ssm ? "ssm" : hsm ? "cloudhsm" : secrets ? "secretsmanager" : null);
            String path = exchange.getRequestURI().getPath();
            if (path != null && !path.isEmpty() && !path.equals("/")) {
                throw ApiException.client("UnknownOperationException", "Unknown operation: path '" + path
                        + "'. This endpoint serves POST / only (the operation is in X-Amz-Target).");
            }
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType != null && !JSON_CONTENT_TYPE.matcher(contentType).lookingAt()) {
                // The service routes on the content type as well as X-Amz-Target: another one matches no operation.
                throw ApiException.client("UnknownOperationException", "Unknown operation: Content-Type '"
                        + abbreviate(contentType) + "'. Send the body as " + CONTENT_TYPE + ".");
            }
            if (!exchange.getRequestMethod().equals("POST") || !(kms && KmsService.OPERATIONS.contains(operation)
                    || ssm && SsmService.OPERATIONS.contains(operation)
                    || hsm && KeyStoreBackends.CLOUDHSM_OPERATIONS.contains(operation)
                    || secrets && SecretsManagerService.OPERATIONS.contains(operation))) {
                throw ApiException.client("UnknownOperationException", "Unknown operation: X-Amz-Target '"
                        + (target == null ? null : abbreviate(target))
                        + "' with " + exchange.getRequestMethod() + ". This endpoint serves POST / with TrentService."
                        + KmsService.OPERATIONS + ", AmazonSSM." + SsmService.OPERATIONS + ", BaldrApiService."
                        + KeyStoreBackends.CLOUDHSM_OPERATIONS + " and secretsmanager."
                        + SecretsManagerService.OPERATIONS + ".");
            }
            JsonNode json = parse(body);
            storeId = json.path("CustomKeyStoreId").isTextual() ? json.get("CustomKeyStoreId").asText() : null;
            Faults.Verdict verdict = faults.before(kms, operation, storeId);
            if (verdict instanceof Faults.Reset) {
                log.add(new RequestLog.Entry(clock.instant(), operation, storeId, RequestLog.RESET));
                // Closing before sendResponseHeaders makes the JDK server drop the connection: the client
                // sees the socket close with no response, as with a reset mid-request.
                exchange.close();
                return;
            }
            if (verdict instanceof Faults.Fail fail) {
                throw fail.error();
            }
            ObjectNode result;
            try (StateLock.Held ignored = exclusive.get()) {
                result = kms ? backend.kms(operation, json, signer.region())
                        : ssm ? backend.ssm(operation, json, signer.region())
                        : hsm ? backend.cloudHsm(operation, json, signer.region())
                        : backend.secretsManager(operation, json, signer.region());
                if ((kms ? KmsService.MUTATING : ssm ? SsmService.MUTATING
                        : secrets ? SecretsManagerService.MUTATING : java.util.Set.<String>of()).contains(operation)) {
                    backend.changed();
                }
            }
            log.add(new RequestLog.Entry(clock.instant(), operation, storeId, RequestLog.OK));
            send(exchange, 200, result);
        } catch (ApiException e) {
            log.add(new RequestLog.Entry(clock.instant(), operation, storeId, e.type()));
            send(exchange, e.status(), error(e.type(), e.getMessage()));
        } catch (RuntimeException e) {
            // A bug in the emulator: answer it as the service's internal error so clients see a 5xx, not a hang.
            String type = ssm ? "InternalServerError" : hsm ? "CloudHsmInternalFailureException"
                    : secrets ? "InternalServiceError" : "KMSInternalException";
            log.add(new RequestLog.Entry(clock.instant(), operation, storeId, type));
            send(exchange, 500, error(type, "Keyhold emulator failure: " + e));
        }
    }

    /** An empty body means no members; anything else must be a JSON object. */
    private JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return mapper.createObjectNode();
        }
        try {
            JsonNode json = mapper.readTree(body);
            if (json == null || !json.isObject()) {
                throw ApiException.client("SerializationException", "The request body must be a JSON object.");
            }
            return json;
        } catch (JsonProcessingException e) {
            throw ApiException.client("SerializationException", "The request body is not valid JSON: "
                    + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.client("SerializationException", "The request body could not be read: " + e);
        }
    }

    private ObjectNode error(String type, String message) {
        ObjectNode o = mapper.createObjectNode();
        o.put("__type", type);
        o.put("message", message);
        return o;
    }

    private void send(HttpExchange exchange, int status, ObjectNode json) throws IOException {
        byte[] bytes = mapper.writeValueAsBytes(json);
        exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        exchange.close();
    }
}
