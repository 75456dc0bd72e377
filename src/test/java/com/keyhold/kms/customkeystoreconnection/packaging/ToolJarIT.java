package com.keyhold.kms.customkeystoreconnection.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The `keyhold` tool jar (README's demo command runs it) carries the local tooling and runs the demo on its own, and
 * the handler jar carries none of it, however many times `mvn package` ran before: both are shaded from the plain jar
 * of all classes.
 */
class ToolJarIT {
    private static final Path TARGET = Path.of("target");

    @Test
    void theToolJarIsRunnableAndCarriesTheLocalTooling() throws IOException {
        try (JarFile jar = new JarFile(TARGET.resolve("keyhold.jar").toFile())) {
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                .isEqualTo("com.keyhold.kms.customkeystoreconnection.local.Keyhold");
            assertThat(jar.getEntry("com/keyhold/kms/customkeystoreconnection/local/Keyhold.class")).isNotNull();
            assertThat(jar.getEntry("com/keyhold/kms/customkeystoreconnection/local/emulator/KmsEmulator.class"))
                .isNotNull();
            assertThat(jar.getEntry("examples/key-stores.yaml")).as("the demo's template").isNotNull();
        }
    }

    @Test
    void theReadmesDemoRunsOnTheToolJarAloneOutsideTheRepository() throws Exception {
        // README: `./keyhold demo`, which is `java -jar target/keyhold.jar demo`. Run from a directory without
        // examples/, so the template comes out of the jar too; no real waiting (--time-scale 0).
        final Path work = Files.createTempDirectory(TARGET, "tool-jar-it-");
        final Path stdout = work.resolve("stdout.txt");
        final Path stderr = work.resolve("stderr.txt");
        final Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Djava.io.tmpdir=" + work, "-jar", TARGET.resolve("keyhold.jar").toAbsolutePath().toString(), "demo",
            "--time-scale", "0", "--state-dir", work.resolve("state").toString())
            .directory(work.toFile()).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("the demo ends").isTrue();
        final String errors = Files.readString(stderr);
        assertThat(process.exitValue()).as(errors).isZero();
        assertThat(errors).doesNotContain("NoClassDefFoundError", "ClassNotFoundException");
        assertThat(Files.readString(stdout)).contains("(the copy packaged in keyhold.jar)",
            "Successfully created stack - keyhold-demo", "Stack drift status: DRIFTED",
            "Successfully deleted stack - keyhold-demo");
    }

    @Test
    void theHandlerJarCarriesNoLocalToolingAndNoYaml() throws IOException {
        try (JarFile jar = new JarFile(TARGET.resolve("keyhold-kms-customkeystoreconnection-handler-1.0.0.jar")
            .toFile())) {
            assertThat(jar.stream().map(e -> e.getName()))
                .noneMatch(name -> name.startsWith("com/keyhold/kms/customkeystoreconnection/local/"))
                .noneMatch(name -> name.startsWith("org/yaml/") || name.startsWith("com/fasterxml/jackson/dataformat/yaml/"))
                .noneMatch(name -> name.equals("examples/maintenance-window.yaml"));
        }
    }

    /** Only the runner resolves dynamic references: no Lambda jar carries the Secrets Manager client. */
    @Test
    void onlyTheToolJarCarriesTheSecretsManagerClient() throws IOException {
        for (String lambdaJar : List.of("keyhold-kms-customkeystoreconnection-handler-1.0.0.jar",
            "keyhold-kms-customkeystore-handler-1.0.0.jar", "keyhold-custom-resource-1.0.0.jar")) {
            try (JarFile jar = new JarFile(TARGET.resolve(lambdaJar).toFile())) {
                assertThat(jar.stream().map(e -> e.getName())).as(lambdaJar)
                    .noneMatch(name -> name.startsWith("software/amazon/awssdk/services/secretsmanager/"));
            }
        }
        try (JarFile jar = new JarFile(TARGET.resolve("keyhold.jar").toFile())) {
            assertThat(jar.getEntry("software/amazon/awssdk/services/secretsmanager/SecretsManagerClient.class"))
                .isNotNull();
        }
    }
}
