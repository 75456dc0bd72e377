package com.keyhold.kms.customkeystoreconnection.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executable entry point as the CloudFormation CLI runs it: a fresh JVM, the request as its argument, the
 * endpoint given only through AWS_ENDPOINT_URL_KMS and AWS_ENDPOINT_URL_SSM (no project-specific setting).
 */
class ExecutableProcessTest extends EmulatorTestBase {

    @Test
    void freshJvmReadsAKeyStoreThroughTheStandardEndpointVariables(@TempDir final Path tmp) throws Exception {
        driver.run("CREATE", props(XKS, "CONNECTED"), null);
        final String request = WrapperDriver.JSON.writeValueAsString(
            driver.request("READ", Map.of("CustomKeyStoreId", XKS), null));

        final Path marker = Files.writeString(tmp.resolve("keep-me.txt"), "the handler must not scrub this");
        final ProcessBuilder process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
            .toString(), "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
            "com.keyhold.kms.customkeystoreconnection.HandlerWrapperExecutable", request)
            .redirectError(tmp.resolve("stderr.txt").toFile());
        process.environment().put("AWS_ENDPOINT_URL_KMS", emulator.endpoint().toString());
        process.environment().put("AWS_ENDPOINT_URL_SSM", emulator.endpoint().toString());
        process.environment().put("AWS_REGION", "us-east-1");
        process.environment().remove("AWS_LAMBDA_FUNCTION_NAME");
        final Process running = process.start();
        final String stdout = new String(running.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(running.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(running.exitValue()).as(stderr(tmp)).isZero();

        final String body = stdout.substring(stdout.indexOf("__CFN_RESOURCE_START_RESPONSE__") + 31,
            stdout.indexOf("__CFN_RESOURCE_END_RESPONSE__"));
        final JsonNode response = WrapperDriver.JSON.readTree(body);
        assertThat(response.path("status").asText()).as(stderr(tmp)).isEqualTo("SUCCESS");
        assertThat(response.path("resourceModel").path("ConnectionState").asText()).isEqualTo("CONNECTED");
        assertThat(marker).as("the machine's temporary directory survives").exists();
        assertThat(stderr(tmp)).doesNotContain("wJalrXUtnFEMI").doesNotContain("session-token");
    }

    private static String stderr(final Path tmp) throws IOException {
        return Files.readString(tmp.resolve("stderr.txt"));
    }
}
