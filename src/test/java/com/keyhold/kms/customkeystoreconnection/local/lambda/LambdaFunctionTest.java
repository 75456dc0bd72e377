package com.keyhold.kms.customkeystoreconnection.local.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LambdaFunction} runs a jar as Lambda's Java runtime does: on a class loader of its own (the jar's own Context
 * interface, not this test's), a warm instance, and Lambda's error document when the handler throws.
 */
class LambdaFunctionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    /** The handler the jar holds: answers with what it sees, throws on "boom". */
    public static final class EchoHandler {
        private int invocations;

        public void handle(final InputStream input, final OutputStream output, final Context context)
                throws IOException {
            invocations++;
            final String body = new String(input.readAllBytes(), StandardCharsets.UTF_8);
            if (body.equals("boom")) {
                throw new IllegalStateException("refused \"boom\"\nsecond line");
            }
            context.getLogger().log("echo " + body);
            output.write(("{\"function\":\"" + context.getFunctionName() + "\",\"remaining\":"
                + context.getRemainingTimeInMillis() + ",\"invocations\":" + invocations + ",\"ownContext\":"
                + (EchoHandler.class.getClassLoader() != ClassLoader.getSystemClassLoader()
                    && Context.class.getClassLoader() == EchoHandler.class.getClassLoader()) + "}")
                .getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A jar with the handler and the Lambda runtime interfaces, as a shaded handler jar carries them. */
    private Path handlerJar() throws Exception {
        final Path jar = dir.resolve("handler.jar");
        final URI core = Context.class.getProtectionDomain().getCodeSource().getLocation().toURI();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
             JarFile runtime = new JarFile(Path.of(core).toFile())) {
            for (JarEntry entry : Collections.list(runtime.entries())) {
                if (entry.getName().startsWith("com/amazonaws/services/lambda/runtime/") && !entry.isDirectory()) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream in = runtime.getInputStream(entry)) {
                        in.transferTo(out);
                    }
                }
            }
            for (String name : new String[] {"LambdaFunctionTest$EchoHandler.class"}) {
                out.putNextEntry(new JarEntry(EchoHandler.class.getPackageName().replace('.', '/') + "/" + name));
                try (InputStream in = EchoHandler.class.getResourceAsStream(name)) {
                    in.transferTo(out);
                }
            }
        }
        return jar;
    }

    private LambdaFunction function(final Path jar) {
        return new LambdaFunction("TypeFunction", EchoHandler.class.getName() + "::handle", jar, 60,
            new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @Test
    void runsTheJarsHandlerOnItsOwnClassLoaderAndKeepsItWarm() throws Exception {
        final LambdaFunction function = function(handlerJar());

        final LambdaFunction.Result first = function.invoke("hello".getBytes(StandardCharsets.UTF_8));
        final LambdaFunction.Result second = function.invoke("again".getBytes(StandardCharsets.UTF_8));

        assertThat(first.unhandled()).isFalse();
        final JsonNode answer = JSON.readTree(first.payload());
        assertThat(answer.path("function").asText()).isEqualTo("TypeFunction");
        assertThat(answer.path("remaining").asInt()).isBetween(1, 60_000);
        // The handler and the Context it saw came from the jar, not from this test's class path.
        assertThat(answer.path("ownContext").asBoolean()).isTrue();
        assertThat(JSON.readTree(second.payload()).path("invocations").asInt()).isEqualTo(2);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("echo hello", "echo again");
    }

    @Test
    void aHandlerThatThrowsIsLambdasUnhandledErrorDocument() throws Exception {
        final LambdaFunction.Result result = function(handlerJar()).invoke("boom".getBytes(StandardCharsets.UTF_8));

        assertThat(result.unhandled()).isTrue();
        final JsonNode error = JSON.readTree(result.payload());
        assertThat(error.path("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(error.path("errorMessage").asText()).isEqualTo("refused \"boom\"\nsecond line");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("[TypeFunction] unhandled");
    }

    @Test
    void aHandlerThatIsNotInTheJarIsAnUnhandledErrorNotACrash() throws Exception {
        final LambdaFunction function = new LambdaFunction("TypeFunction", "com.example.Missing::handle",
            handlerJar(), 60, new PrintStream(log, true, StandardCharsets.UTF_8));

        final LambdaFunction.Result result = function.invoke("{}".getBytes(StandardCharsets.UTF_8));

        assertThat(result.unhandled()).isTrue();
        assertThat(JSON.readTree(result.payload()).path("errorType").asText())
            .isEqualTo("java.lang.ClassNotFoundException");
    }

    @Test
    void aHandlerThatIsNotClassAndMethodIsRefusedAtStart() throws Exception {
        final Path jar = handlerJar();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new LambdaFunction("F", "com.example.Handler", jar,
            60, new PrintStream(log, true, StandardCharsets.UTF_8)))
            .hasMessageContaining("function F: Handler 'com.example.Handler' is not <class>::<method>");
    }
}
