package com.keyhold.kms.customkeystoreconnection.local.lambda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code keyhold lambda-invoke}: Lambda's Invoke API on this machine, for {@code cfn test} (the CloudFormation CLI's
 * contract tests) without Docker or SAM. It serves the functions of a SAM template ({@code template.yml}: each
 * {@code AWS::Serverless::Function}'s {@code Handler} and {@code CodeUri} jar) at
 * {@code POST /2015-03-31/functions/<name>/invocations}, as {@code sam local start-lambda} does, running each jar
 * in-process on a class loader of its own ({@link LambdaFunction}).
 *
 * <p>The handlers' AWS calls go to {@code --endpoint-url} only (an emulator): it is required, and set as the SDK's
 * endpoint for every service, so a contract run can never reach the key stores of a real account. The template's
 * {@code Environment} is not applied (a JVM cannot change its own environment); the endpoint is what it sets.
 */
public final class LambdaInvokeCommand {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static final String HELP = """
            Usage: keyhold lambda-invoke --template <template.yml> --endpoint-url <url> [--port <port>] [--log <file>]

            Lambda's Invoke API for the functions of a SAM template, as `sam local start-lambda` serves it, with no
            Docker: POST http://127.0.0.1:<port>/2015-03-31/functions/<name>/invocations runs the function's Handler
            from its CodeUri jar in this JVM (one class loader per function, one invocation at a time). For the
            CloudFormation CLI's contract tests (guides/CONTRACT_TESTS.md). Runs until interrupted (Ctrl-C).

            Options:
              --template <file>      the SAM template (required; relative paths from the repository root)
              --endpoint-url <url>   where the handlers' KMS, SSM and CloudHSM calls go (required): the emulator,
                                     e.g. http://127.0.0.1:4566 (keyhold emulator --port 4566)
              --port <port>          TCP port on 127.0.0.1 (default 3001, the port cfn test calls; 0 picks one)
              --log <file>           the handlers' log (default: standard error)
              --help                 print this text
            """;

    private static final Pattern INVOKE = Pattern.compile("/2015-03-31/functions/([^/]+)/invocations");
    /**
     * The SDK's endpoint system properties (they win over the environment and the profile), and Keyhold's own
     * clients' (CloudHSM, CloudFormation): every call the handlers make goes to the loopback endpoint, never to AWS.
     */
    private static final String[] ENDPOINT_PROPERTIES = {"aws.endpointUrl", "aws.endpointUrlKms",
        "aws.endpointUrlSsm", "aws.endpointUrlCloudHsmV2", "aws.endpointUrlCloudFormation"};

    private LambdaInvokeCommand() {
    }

    public static int run(final String[] args, final PrintStream out, final PrintStream err) {
        Path template = null;
        String endpoint = null;
        int port = 3001;
        Path logFile = null;
        try {
            for (int i = 0; i < args.length; i++) {
                final String flag = args[i];
                switch (flag) {
                    case "--help", "-h" -> {
                        out.print(HELP);
                        return OK;
                    }
                    case "--template" -> template = Path.of(value(args, ++i, flag));
                    case "--endpoint-url" -> endpoint = endpoint(value(args, ++i, flag));
                    case "--port" -> port = port(value(args, ++i, flag));
                    case "--log" -> logFile = Path.of(value(args, ++i, flag));
                    default -> throw new IllegalArgumentException("unknown option '" + flag + "'");
                }
            }
            if (template == null) {
                throw new IllegalArgumentException("--template is required: the SAM template of the type");
            }
            if (endpoint == null) {
                throw new IllegalArgumentException("--endpoint-url is required: the emulator the handlers call,"
                    + " e.g. http://127.0.0.1:4566");
            }
        } catch (IllegalArgumentException e) {
            err.println("keyhold lambda-invoke: " + e.getMessage());
            err.println("Run 'keyhold lambda-invoke --help' for the options.");
            return USAGE;
        }
        final Serving serving;
        try {
            final PrintStream log = logFile == null ? err
                : new PrintStream(Files.newOutputStream(logFile), true, StandardCharsets.UTF_8);
            serving = start(template, endpoint, port, log);
            out.println("Lambda Invoke for " + String.join(", ", serving.functions()) + " listening on "
                + serving.url() + " (AWS calls to " + endpoint + ")");
            out.flush();
        } catch (IOException | IllegalArgumentException e) {
            err.println("keyhold lambda-invoke: cannot start: " + e.getMessage());
            return FAILED;
        }
        final Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(main::interrupt));
        try {
            new CountDownLatch(1).await();
        } catch (InterruptedException e) {
            out.println("Lambda Invoke stopped.");
        } finally {
            serving.server().stop(0);
        }
        return OK;
    }

    /**
     * Serves the template's functions on 127.0.0.1:{@code port} (0 picks one), their AWS calls sent to
     * {@code endpoint} (set as the SDK's endpoint system properties of this JVM).
     */
    static Serving start(final Path template, final String endpoint, final int port, final PrintStream log)
            throws IOException {
        final String checked = endpoint(endpoint);
        final Map<String, LambdaFunction> functions = functions(template, log);
        for (String property : ENDPOINT_PROPERTIES) {
            System.setProperty(property, checked);
        }
        // AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true (or the profile's setting) would send the calls to AWS itself.
        System.setProperty("aws.ignoreConfiguredEndpointUrls", "false");
        final HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/", exchange -> answer(exchange, functions));
        server.start();
        return new Serving(server, functions.keySet());
    }

    /** A started server and the names of the functions it serves. */
    record Serving(HttpServer server, java.util.Set<String> functions) {
        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }
    }

    /** The template's functions by logical id: Handler and CodeUri (from the template's folder), Globals' Timeout. */
    static Map<String, LambdaFunction> functions(final Path template, final PrintStream log) throws IOException {
        final JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(template.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("--template " + template + " cannot be read: " + e.getMessage(), e);
        }
        final int globalTimeout = root.path("Globals").path("Function").path("Timeout").asInt(3);
        final Path folder = template.toAbsolutePath().getParent();
        final Map<String, LambdaFunction> functions = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.path("Resources").fields(); it.hasNext(); ) {
            final Map.Entry<String, JsonNode> resource = it.next();
            if (!"AWS::Serverless::Function".equals(resource.getValue().path("Type").asText())) {
                continue;
            }
            final JsonNode properties = resource.getValue().path("Properties");
            functions.put(resource.getKey(), new LambdaFunction(resource.getKey(), properties.path("Handler").asText(),
                folder.resolve(properties.path("CodeUri").asText()).normalize(),
                properties.path("Timeout").asInt(globalTimeout), log));
        }
        if (functions.isEmpty()) {
            throw new IllegalArgumentException("--template " + template + " declares no AWS::Serverless::Function");
        }
        return functions;
    }

    private static void answer(final HttpExchange exchange, final Map<String, LambdaFunction> functions)
            throws IOException {
        try (exchange) {
            final Matcher invoke = INVOKE.matcher(exchange.getRequestURI().getPath());
            if (!"POST".equals(exchange.getRequestMethod()) || !invoke.matches()) {
                error(exchange, 404, "UnknownOperationException", "Only Invoke is served here: POST "
                    + "/2015-03-31/functions/<name>/invocations");
                return;
            }
            final LambdaFunction function = functions.get(invoke.group(1));
            if (function == null) {
                error(exchange, 404, "ResourceNotFoundException", "Function not found: " + invoke.group(1)
                    + "; this template has " + String.join(", ", functions.keySet()));
                return;
            }
            final LambdaFunction.Result result = function.invoke(exchange.getRequestBody().readAllBytes());
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.getResponseHeaders().set("X-Amz-Executed-Version", "$LATEST");
            if (result.unhandled()) {
                exchange.getResponseHeaders().set("X-Amz-Function-Error", "Unhandled");
            }
            send(exchange, 200, result.payload());
        }
    }

    private static void error(final HttpExchange exchange, final int status, final String type, final String message)
            throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("x-amzn-ErrorType", type);
        send(exchange, status, ("{\"Type\":\"User\",\"message\":\"" + message.replace("\"", "'") + "\"}")
            .getBytes(StandardCharsets.UTF_8));
    }

    private static void send(final HttpExchange exchange, final int status, final byte[] body) throws IOException {
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private static String value(final String[] args, final int i, final String flag) {
        if (i >= args.length || args[i].startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    private static int port(final String text) {
        try {
            final int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // the message below says what is allowed
        }
        throw new IllegalArgumentException("--port must be a TCP port 0-65535, not '" + text + "'");
    }

    /** Only plain-HTTP loopback endpoints: an emulator on this machine, never an AWS Region's endpoint. */
    static String endpoint(final String text) {
        final URI uri;
        try {
            uri = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--endpoint-url '" + text + "' is not a URL");
        }
        final String host = uri.getHost();
        if (!"http".equals(uri.getScheme()) || host == null
            || !(host.equals("127.0.0.1") || host.equals("localhost") || host.equals("[::1]"))) {
            throw new IllegalArgumentException("--endpoint-url must be an emulator on this machine, "
                + "http://127.0.0.1:<port> or http://localhost:<port>, not '" + text + "'");
        }
        return text;
    }
}
