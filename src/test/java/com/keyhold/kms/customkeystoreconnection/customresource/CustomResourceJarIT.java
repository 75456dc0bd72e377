package com.keyhold.kms.customkeystoreconnection.customresource;

import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.KmsEmulator;
import com.keyhold.kms.customkeystoreconnection.local.emulator.StoreSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The custom-resource function ships in its own minimised jar (custom-resource.yaml), which the unit tests cannot see. This
 * runs that jar alone in fresh JVMs, driven by the benchmark's driver (bench/src/bench/CustomResourceCold.java,
 * compiled here against the jar, with the LocalLambdaContext it uses), through create, update, a continuation through Lambda Invoke, delete, and the
 * cold Update the benchmark times: a class the trimming dropped by mistake shows up as a NoClassDefFoundError.
 */
class CustomResourceJarIT {
    private static final Path JAR = Path.of("target/keyhold-custom-resource-1.0.0.jar");
    private static final String HSM = "cks-1234567890abcdef0";

    private KmsEmulator emulator;
    private ResponseServer responses;
    private Path work;

    @BeforeEach
    void start() throws Exception {
        // Instantaneous transitions, and the driver's --no-wait: nothing in this test waits on real time.
        emulator = KmsEmulator.builder().connectSeconds(0).disconnectSeconds(0).quotaThrottling(false).build().start();
        emulator.seedStore(StoreSpec.cloudHsm("custom-resource-jar").id(HSM).state(ConnectionState.DISCONNECTED));
        responses = new ResponseServer();
        work = Files.createTempDirectory(Path.of("target"), "custom-resource-it-");
        final Path classes = Files.createDirectories(work.resolve("classes"));
        final int compiled = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-nowarn", "-d",
            classes.toString(), "-cp", JAR.toString(), "bench/src/bench/CustomResourceCold.java",
            "src/main/java/com/keyhold/kms/customkeystoreconnection/LocalLambdaContext.java");
        assertThat(compiled).as("the benchmark's driver compiles against the jar").isZero();
    }

    @AfterEach
    void stop() {
        responses.close();
        emulator.close();
    }

    /** One fresh JVM on the jar alone (and the driver); what it printed to standard error. */
    private String run(final String... arguments) throws Exception {
        final Path stderr = work.resolve("stderr.txt");
        final List<String> command = new java.util.ArrayList<>(List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Djava.io.tmpdir=" + work,
            "-cp", JAR + java.io.File.pathSeparator + work.resolve("classes"), "bench.CustomResourceCold"));
        command.addAll(List.of(arguments));
        final ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile())
            .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        for (String service : List.of("KMS", "SSM", "LAMBDA")) {
            builder.environment().put("AWS_ENDPOINT_URL_" + service, emulator.endpoint().toString());
        }
        builder.environment().put("AWS_REGION", "us-east-1");
        builder.environment().put("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE");
        builder.environment().put("AWS_SECRET_ACCESS_KEY", "secret");
        builder.environment().remove("AWS_LAMBDA_FUNCTION_NAME");
        final Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        final String errors = Files.readString(stderr);
        assertThat(errors).doesNotContain("NoClassDefFoundError", "ClassNotFoundException", "NoSuchMethodError",
            "VerifyError");
        assertThat(errors).as("SLF4J finds its (NOP) binding: no warning on every cold start").doesNotContain("SLF4J:");
        assertThat(process.exitValue()).as(errors).isZero();
        return errors;
    }

    private List<String> statuses() {
        return responses.received().stream().map(r -> r.json().path("Status").asText()).toList();
    }

    @Test
    void theShippedJarAnswersEveryPath() throws Exception {
        run(responses.base(), "--paths", "--no-wait");
        // create, update, continuation (Invoke refused by the emulator), delete, delete of a failed create
        assertThat(statuses()).containsExactly("SUCCESS", "SUCCESS", "FAILED", "SUCCESS", "SUCCESS");
        assertThat(responses.received().get(2).json().path("Reason").asText())
            .contains("Lambda refused the asynchronous Invoke");
        assertThat(emulator.state(HSM)).isEqualTo(ConnectionState.DISCONNECTED);
    }

    @Test
    void theBenchmarkedColdUpdateAnswersNotFound() throws Exception {
        run(responses.base() + "/cold");
        assertThat(statuses()).containsExactly("FAILED");
        assertThat(responses.received().get(0).json().path("Reason").asText()).contains("NotFound");
    }
}
