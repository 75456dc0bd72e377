package com.keyhold.kms.customkeystoreconnection.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The `keyhold` tool jar (README's demo command runs it) carries the local tooling, and the handler jar does not,
 * however many times `mvn package` ran before: both are shaded from the plain jar of all classes.
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
            assertThat(jar.getEntry("examples/maintenance-window.yaml")).isNotNull();
        }
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
}
