package com.keyhold.kms.customkeystoreconnection.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.local.emulator.VirtualClock;
import com.keyhold.kms.customkeystoreconnection.protocol.ExecutableEntryPoint;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A shipped handler jar run as Lambda runs it: one fresh JVM per invocation with the jar alone on the class path,
 * through the type's executable entry point, production wiring pointed at loopback endpoints by the SDK's
 * environment variables. What shading dropped by mistake shows up as a NoClassDefFoundError.
 *
 * <p>{@code entryPoint} is either the type's Lambda entry point ({@code Class::handleRequest}, .rpdk-config's
 * {@code entrypoint}), which {@link LambdaRuntimeStandIn} loads as Lambda's runtime would, or its executable entry
 * point class ({@code executableEntrypoint}), which takes the request as its argument.
 *
 * @param jar         the shipped jar
 * @param executable  the type's Lambda entry point ({@code Class::handleRequest}) or executable entry point class
 * @param environment extra environment (endpoints)
 * @param work        a private directory: java.io.tmpdir and the last invocation's standard error
 */
public record FreshJvm(Path jar, String executable, Map<String, String> environment, Path work) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The Lambda entry point ({@code entrypoint}) that the CLI project folder's .rpdk-config declares. */
    public static String lambdaEntryPoint(final Path projectFolder) throws java.io.IOException {
        return JSON.readTree(projectFolder.resolve(".rpdk-config").toFile()).path("entrypoint").asText();
    }

    /** A stack's request as CloudFormation sends it (protocol 2.0.0), with a token of its own per operation. */
    public static ObjectNode request(final String typeName, final String action, final Map<String, ?> properties,
                                     final Map<String, ?> previous) {
        final ObjectNode request = JSON.createObjectNode();
        request.put("awsAccountId", "123456789012");
        request.put("bearerToken", UUID.randomUUID().toString());
        request.put("region", "us-east-1");
        request.put("action", action);
        request.put("resourceType", typeName);
        request.put("resourceTypeVersion", "00000001");
        request.put("stackId", "arn:aws:cloudformation:us-east-1:123456789012:stack/shipped/1");
        final ObjectNode data = request.putObject("requestData");
        final ObjectNode credentials = data.putObject("callerCredentials");
        credentials.put("accessKeyId", "AKIAIOSFODNN7EXAMPLE");
        credentials.put("secretAccessKey", "secret");
        credentials.put("sessionToken", "token");
        data.put("logicalResourceId", "Shipped");
        if (properties != null) {
            data.set("resourceProperties", JSON.valueToTree(properties));
        }
        if (previous != null) {
            data.set("previousResourceProperties", JSON.valueToTree(previous));
        }
        request.putNull("callbackContext");
        return request;
    }

    /** One invocation; its standard error stays in {@code work/stderr.txt} until the next. */
    public JsonNode invoke(final ObjectNode request) throws Exception {
        final Path stderr = work.resolve("stderr.txt");
        final String javaCommand = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        final boolean lambda = executable.contains("::");
        // The stand-in is the only class taken from the test build; the jar comes first on the class path.
        final ProcessBuilder builder = (lambda
            ? new ProcessBuilder(javaCommand, "-Djava.io.tmpdir=" + work, "-cp", jar + java.io.File.pathSeparator
                + Path.of(LambdaRuntimeStandIn.class.getProtectionDomain().getCodeSource().getLocation().toURI()),
                LambdaRuntimeStandIn.class.getName(), executable)
            : new ProcessBuilder(javaCommand, "-Djava.io.tmpdir=" + work, "-cp", jar.toString(), executable,
                JSON.writeValueAsString(request))).redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("AWS_REGION", "us-east-1");
        builder.environment().remove("AWS_LAMBDA_FUNCTION_NAME");
        final Process process = builder.start();
        try (var in = process.getOutputStream()) {
            if (lambda) {
                in.write(JSON.writeValueAsBytes(request));
            }
        }
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        final String errors = Files.readString(stderr);
        assertThat(errors).doesNotContain("NoClassDefFoundError", "ClassNotFoundException", "NoSuchMethodError");
        assertThat(errors).as("SLF4J finds its (NOP) binding: no warning on every cold start").doesNotContain("SLF4J:");
        assertThat(process.exitValue()).as(errors).isZero();
        return JSON.readTree(out.substring(out.indexOf(ExecutableEntryPoint.START) + ExecutableEntryPoint.START.length(),
            out.indexOf(ExecutableEntryPoint.END)));
    }

    /** CloudFormation's callback loop on the emulator's clock: each call back in a fresh JVM, with the context. */
    public JsonNode run(final ObjectNode request, final VirtualClock clock) throws Exception {
        for (int i = 0; i < 60; i++) {
            final JsonNode response = invoke(request);
            if (!"IN_PROGRESS".equals(response.path("status").asText())) {
                return response;
            }
            clock.advanceSeconds(response.path("callbackDelaySeconds").asLong());
            request.set("callbackContext", response.get("callbackContext"));
        }
        throw new AssertionError("no answer after 60 invocations");
    }
}
