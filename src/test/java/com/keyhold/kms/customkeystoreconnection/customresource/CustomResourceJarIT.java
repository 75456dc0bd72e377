package com.keyhold.kms.customkeystoreconnection.customresource;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StoreSpec;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The custom-resource function ships in its own minimised jar (custom-resource.yaml), which the unit tests cannot see. This
 * runs that jar alone the way Lambda runs it: one fresh JVM per invocation (LambdaRuntimeStandIn), the handler named
 * by custom-resource.yaml's Handler made with its production no-argument constructor, its endpoints taken from the
 * environment (AWS_ENDPOINT_URL_KMS, _SSM, _LAMBDA: the emulator, and a stand-in for Lambda's Invoke API), a
 * continuation's Invoke payload fed to the next fresh JVM as Lambda would, and the answer PUT over https to an S3
 * host name (resolved to loopback through a hosts file, with a certificate made for the test) that the production
 * ResponseURL policy accepts. A class the trimming dropped by mistake shows up as a NoClassDefFoundError. The waits
 * between polls are the production ones (5 s): the point is the production wiring, so no sleeper is injected.
 * It also compiles and runs the benchmark's driver (bench/src/bench/CustomResourceCold.java) against the jar.
 */
class CustomResourceJarIT {
    private static final Path JAR = Path.of("target/keyhold-custom-resource-1.0.0.jar");
    private static final String HSM = "cks-1234567890abcdef0";
    private static final String FUNCTION_ARN =
        "arn:aws:lambda:us-east-1:123456789012:function:keyhold-kms-customkeystoreconnection:live";
    private static final String S3_HOST = "keyhold-it-responses.s3.us-east-1.amazonaws.com";
    private static final String STORE_PASSWORD = "keyhold-it";

    private KmsEmulator emulator;
    private ResponseServer responses;
    private InvokeStandIn lambda;
    private Path work;

    /** Lambda's Invoke API on loopback: accepts asynchronous invokes (202) and keeps their payloads. */
    private static final class InvokeStandIn implements AutoCloseable {
        private final HttpServer server;
        private final List<String> payloads = new ArrayList<>();

        InvokeStandIn() throws IOException {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/2015-03-31/functions/", exchange -> {
                final String payload = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                synchronized (this) {
                    payloads.add(payload);
                }
                final boolean async = "Event".equals(exchange.getRequestHeaders().getFirst("X-Amz-Invocation-Type"));
                exchange.sendResponseHeaders(async ? 202 : 400, -1);
                exchange.close();
            });
            server.start();
        }

        String endpoint() {
            return "http://127.0.0.1:" + server.getAddress().getPort();
        }

        synchronized List<String> payloads() {
            return List.copyOf(payloads);
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    @BeforeEach
    void start() throws Exception {
        // Instantaneous transitions: the only waits are the function's own polling delays.
        emulator = KmsEmulator.builder().connectSeconds(0).disconnectSeconds(0).quotaThrottling(false).build().start();
        emulator.seedStore(StoreSpec.cloudHsm("custom-resource-jar").id(HSM).state(ConnectionState.DISCONNECTED));
        lambda = new InvokeStandIn();
        work = Files.createTempDirectory(Path.of("target"), "custom-resource-it-");
    }

    @AfterEach
    void stop() {
        if (responses != null) {
            responses.close();
        }
        lambda.close();
        emulator.close();
    }

    private static String keytool(final String... arguments) throws Exception {
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    /**
     * An https server for S3_HOST on 127.0.0.1:443 (the production policy accepts no other port), with a key pair
     * made here and a trust store holding its certificate for the function's JVMs.
     */
    private ResponseServer httpsResponseServer() throws Exception {
        final Path keys = work.resolve("s3-host.p12");
        keytool("-genkeypair", "-alias", "s3", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
            "-dname", "CN=" + S3_HOST, "-ext", "SAN=dns:" + S3_HOST, "-keystore", keys.toString(),
            "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
        keytool("-exportcert", "-alias", "s3", "-keystore", keys.toString(), "-storepass", STORE_PASSWORD,
            "-rfc", "-file", work.resolve("s3-host.pem").toString());
        keytool("-importcert", "-noprompt", "-alias", "s3", "-file", work.resolve("s3-host.pem").toString(),
            "-keystore", work.resolve("trust.p12").toString(), "-storetype", "PKCS12", "-storepass", STORE_PASSWORD);
        Files.writeString(work.resolve("hosts"), "127.0.0.1 " + S3_HOST + "\n");

        final KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keys)) {
            keyStore.load(in, STORE_PASSWORD.toCharArray());
        }
        final KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, STORE_PASSWORD.toCharArray());
        final SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        final HttpsServer server;
        try {
            server = HttpsServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 443), 0);
        } catch (BindException e) {
            // Port 443 needs root (CI runs as root) or a free port: say so instead of failing for the wrong reason.
            Assumptions.abort("cannot listen on 127.0.0.1:443 for the S3 stand-in: " + e.getMessage());
            throw e;
        }
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        return new ResponseServer(server);
    }

    private static String handlerFromTemplate() throws IOException {
        final Matcher handler = Pattern.compile("Handler: (\\S+customresource\\.CustomResourceHandler::\\S+)")
            .matcher(Files.readString(Path.of("custom-resource.yaml")));
        assertThat(handler.find()).as("custom-resource.yaml names the custom-resource handler").isTrue();
        return handler.group(1);
    }

    /** The stand-in runtime's classes alone, next to the jar: nothing else from the test class path. */
    private Path runtimeClasses() throws IOException {
        final Path target = work.resolve("runtime");
        final Path from = Path.of("target/test-classes/com/keyhold/kms/customkeystoreconnection/customresource");
        final Path to = Files.createDirectories(
            target.resolve("com/keyhold/kms/customkeystoreconnection/customresource"));
        try (var classes = Files.list(from)) {
            for (Path file : classes.filter(f -> f.getFileName().toString().startsWith("LambdaRuntimeStandIn"))
                .toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        return target;
    }

    /** One invocation in a fresh JVM, with {@code remainingMillis} of Lambda time; what it printed to stderr. */
    private String invoke(final String handler, final Path runtime, final String event, final long remainingMillis)
        throws Exception {
        final Path eventFile = Files.writeString(Files.createTempFile(work, "event-", ".json"), event);
        final Path stderr = work.resolve("stderr.txt");
        final ProcessBuilder builder = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.io.tmpdir=" + work,
            "-Djdk.net.hosts.file=" + work.resolve("hosts"),
            "-Djavax.net.ssl.trustStore=" + work.resolve("trust.p12"),
            "-Djavax.net.ssl.trustStorePassword=" + STORE_PASSWORD,
            "-cp", JAR + java.io.File.pathSeparator + runtime, LambdaRuntimeStandIn.class.getName(), handler,
            FUNCTION_ARN, Long.toString(remainingMillis), eventFile.toString())
            .redirectError(stderr.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        environment(builder);
        builder.environment().put("AWS_ENDPOINT_URL_LAMBDA", lambda.endpoint());
        final Process process = builder.start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        final String errors = Files.readString(stderr);
        assertThat(errors).doesNotContain("NoClassDefFoundError", "ClassNotFoundException", "NoSuchMethodError",
            "VerifyError");
        assertThat(errors).as("SLF4J finds its (NOP) binding: no warning on every cold start").doesNotContain("SLF4J:");
        assertThat(process.exitValue()).as(errors).isZero();
        return errors;
    }

    private void environment(final ProcessBuilder builder) {
        builder.environment().put("AWS_ENDPOINT_URL_KMS", emulator.endpoint().toString());
        builder.environment().put("AWS_ENDPOINT_URL_SSM", emulator.endpoint().toString());
        builder.environment().put("AWS_REGION", "us-east-1");
        builder.environment().put("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "secret");
        builder.environment().remove("AWS_SESSION_TOKEN");
        builder.environment().remove("AWS_LAMBDA_FUNCTION_NAME");
    }

    private static String event(final String type, final String requestId, final String physicalId,
                                final String state, final String oldState) {
        return "{\"RequestType\":\"" + type + "\",\"ServiceToken\":\"" + FUNCTION_ARN + "\","
            + "\"ResponseURL\":\"https://" + S3_HOST + "/cloudformation-custom-resource-response/" + requestId
            + "?X-Amz-Signature=it\","
            + "\"StackId\":\"arn:aws:cloudformation:us-east-1:123456789012:stack/keyhold-it/0a6e5e40-8a2b-11ee\","
            + "\"RequestId\":\"" + requestId + "\",\"LogicalResourceId\":\"KeyStoreConnection\","
            + (physicalId == null ? "" : "\"PhysicalResourceId\":\"" + physicalId + "\",")
            + "\"ResourceType\":\"Custom::KeyholdConnection\","
            + "\"ResourceProperties\":{\"ServiceToken\":\"x\",\"CustomKeyStoreId\":\"" + HSM + "\","
            + "\"ConnectionState\":\"" + state + "\"}"
            + (oldState == null ? "" : ",\"OldResourceProperties\":{\"ServiceToken\":\"x\",\"CustomKeyStoreId\":\""
                + HSM + "\",\"ConnectionState\":\"" + oldState + "\"}")
            + "}";
    }

    private JsonNode onlyAnswer(final String requestId) {
        final List<ResponseServer.Received> answers = responses.receivedFor(requestId);
        assertThat(answers).as("exactly one answer to " + requestId).hasSize(1);
        assertThat(answers.get(0).method()).isEqualTo("PUT");
        return answers.get(0).json();
    }

    @Test
    void theShippedJarRunsAsLambdaRunsItIncludingAContinuationInAFreshJvm() throws Exception {
        responses = httpsResponseServer();
        final String handler = handlerFromTemplate();
        final Path runtime = runtimeClasses();

        invoke(handler, runtime, event("Create", "create-1", null, "CONNECTED", null), 900_000);
        assertThat(onlyAnswer("create-1").path("Status").asText()).isEqualTo("SUCCESS");
        assertThat(onlyAnswer("create-1").path("PhysicalResourceId").asText()).isEqualTo(HSM);
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.CONNECTED);

        // 10 s left is under the function's 60 s margin: it hands the request to a new invocation at once.
        final String first = invoke(handler, runtime, event("Update", "update-1", HSM, "DISCONNECTED", "CONNECTED"),
            10_000);
        assertThat(first).contains("continuing in invocation");
        assertThat(responses.receivedFor("update-1")).as("no answer before the work is done").isEmpty();
        assertThat(lambda.payloads()).singleElement().satisfies(payload ->
            assertThat(payload).contains("keyholdContinuation", "update-1"));
        // Lambda delivers the payload to a fresh execution environment, with the function's full time.
        invoke(handler, runtime, lambda.payloads().get(0), 900_000);
        assertThat(onlyAnswer("update-1").path("Status").asText()).as(responses.receivedFor("update-1").toString())
            .isEqualTo("SUCCESS");
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.DISCONNECTED);

        invoke(handler, runtime, event("Delete", "delete-1", HSM, "DISCONNECTED", null), 900_000);
        assertThat(onlyAnswer("delete-1").path("Status").asText()).isEqualTo("SUCCESS");
        assertThat(emulator.parameterValue("/keyhold/kms/custom-key-store-connection/" + HSM))
            .as("the ownership record is released").isEmpty();

        assertThat(invoke(handler, runtime, "not json", 900_000))
            .contains("not a CloudFormation custom resource event");
        assertThat(responses.received()).hasSize(3);
    }

    /** The benchmark's driver, compiled against the jar, with the LocalLambdaContext it brings along. */
    private String runBenchmarkDriver(final String... arguments) throws Exception {
        final Path classes = Files.createDirectories(work.resolve("classes"));
        final int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-nowarn", "-d",
            classes.toString(), "-cp", JAR.toString(), "bench/src/bench/CustomResourceCold.java",
            "src/main/java/com/keyhold/kms/customkeystoreconnection/protocol/LocalLambdaContext.java");
        assertThat(compiled).as("the benchmark's driver compiles against the jar").isZero();
        final Path stderr = work.resolve("stderr.txt");
        final List<String> command = new ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.io.tmpdir=" + work,
            "-cp", JAR + java.io.File.pathSeparator + classes, "bench.CustomResourceCold"));
        command.addAll(List.of(arguments));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        environment(builder);
        final Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        final String errors = Files.readString(stderr);
        assertThat(errors).doesNotContain("NoClassDefFoundError", "ClassNotFoundException", "NoSuchMethodError",
            "VerifyError");
        assertThat(process.exitValue()).as(errors).isZero();
        return errors;
    }

    @Test
    void theBenchmarkedColdUpdateAnswersNotFound() throws Exception {
        responses = new ResponseServer();
        runBenchmarkDriver(responses.base() + "/cold");
        final List<ResponseServer.Received> received = responses.received();
        assertThat(received).singleElement().satisfies(answer -> {
            assertThat(answer.json().path("Status").asText()).isEqualTo("FAILED");
            assertThat(answer.json().path("Reason").asText()).contains("NotFound");
        });
    }
}
