package com.keyhold.kms.customkeystoreconnection.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code keyhold lambda-invoke}'s refusals: each says what is wrong and what is allowed, and nothing starts. */
class LambdaInvokeCommandTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(final String... args) {
        return LambdaInvokeCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpNamesEveryOption() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--template", "--endpoint-url", "--port", "--log",
            "/2015-03-31/functions/<name>/invocations");
    }

    @Test
    void anEndpointOffThisMachineIsRefusedSoNoRealKeyStoreIsReached() {
        assertThat(run("--template", "template.yml", "--endpoint-url", "https://kms.us-east-1.amazonaws.com"))
            .isEqualTo(LambdaInvokeCommand.USAGE);
        assertThat(err()).contains("--endpoint-url must be an emulator on this machine",
            "http://127.0.0.1:<port>", "https://kms.us-east-1.amazonaws.com");
        assertThat(run("--template", "t.yml", "--endpoint-url", "http://kms.example.com:4566"))
            .isEqualTo(LambdaInvokeCommand.USAGE);
        assertThat(run("--template", "t.yml", "--endpoint-url", "https://127.0.0.1:4566"))
            .isEqualTo(LambdaInvokeCommand.USAGE);
        assertThat(LambdaInvokeCommand.endpoint("http://localhost:4566")).isEqualTo("http://localhost:4566");
    }

    @Test
    void theEndpointAndTheTemplateAreRequired() {
        assertThat(run("--template", "template.yml")).isEqualTo(LambdaInvokeCommand.USAGE);
        assertThat(err()).contains("--endpoint-url is required");
        err.reset();
        assertThat(run("--endpoint-url", "http://127.0.0.1:4566")).isEqualTo(LambdaInvokeCommand.USAGE);
        assertThat(err()).contains("--template is required");
    }

    @Test
    void badPortsAndUnknownOptionsAreRefused() {
        assertThat(run("--template", "t.yml", "--endpoint-url", "http://127.0.0.1:1", "--port", "70000"))
            .isEqualTo(LambdaInvokeCommand.USAGE);
        assertThat(err()).contains("--port must be a TCP port 0-65535, not '70000'");
        err.reset();
        assertThat(run("--template", "t.yml", "--endpoint-url", "http://127.0.0.1:1", "--port", "x"))
            .isEqualTo(LambdaInvokeCommand.USAGE);
        assertThat(err()).contains("not 'x'");
        err.reset();
        assertThat(run("--function", "x")).isEqualTo(LambdaInvokeCommand.USAGE);
        assertThat(err()).contains("unknown option '--function'");
        err.reset();
        assertThat(run("--template")).isEqualTo(LambdaInvokeCommand.USAGE);
        assertThat(err()).contains("--template needs a value");
    }

    @Test
    void aTemplateWithoutFunctionsOrJarsDoesNotStart() throws IOException {
        final Path empty = Files.writeString(dir.resolve("empty.yml"), "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n");
        assertThat(run("--template", empty.toString(), "--endpoint-url", "http://127.0.0.1:1", "--port", "0"))
            .isEqualTo(LambdaInvokeCommand.FAILED);
        assertThat(err()).contains("declares no AWS::Serverless::Function");
        err.reset();
        final Path unbuilt = Files.writeString(dir.resolve("unbuilt.yml"), """
            Resources:
              TestEntrypoint:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: com.example.Handler::testEntrypoint
                  CodeUri: ./target/missing.jar
            """);
        assertThat(run("--template", unbuilt.toString(), "--endpoint-url", "http://127.0.0.1:1", "--port", "0"))
            .isEqualTo(LambdaInvokeCommand.FAILED);
        assertThat(err()).contains("function TestEntrypoint", "missing.jar", "is not a file",
            "mvn -q package -DskipTests");
        assertThat(System.getProperty("aws.endpointUrlKms")).as("nothing set when nothing starts").isNull();
    }
}
