package com.keyhold.kms.customkeystore.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The key store type's handler jar and registry package, from the same {@code mvn package} as the connection
 * type's: the {@code cfn submit} layout with custom-key-store/'s project files, and a jar trimmed the same way that
 * runs the type's wrapper on its own.
 */
class StoreRegistryPackageIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path ZIP = ROOT.resolve("target/keyhold-kms-customkeystore.zip");
    private static final Path PROJECT = ROOT.resolve("custom-key-store");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, byte[]> FILES = new LinkedHashMap<>();
    private static final List<String> COMPRESSED = new ArrayList<>();
    private static Path jar;

    @BeforeAll
    static void readPackage() throws Exception {
        assertThat(ZIP).as("registry package written by mvn package").isRegularFile();
        try (Stream<Path> jars = Files.list(ROOT.resolve("target"))) {
            jar = jars.filter(p -> p.getFileName().toString().matches("keyhold-kms-customkeystore-handler-.*\\.jar"))
                .findFirst().orElseThrow();
        }
        try (ZipFile zip = new ZipFile(ZIP.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                if (entry.getMethod() != ZipEntry.STORED) {
                    COMPRESSED.add(entry.getName());
                }
                if (!entry.isDirectory()) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        FILES.put(entry.getName(), in.readAllBytes());
                    }
                }
            }
        }
    }

    @Test
    void holdsTheStoreProjectFilesItsJarAndNoSources() throws IOException {
        assertThat(COMPRESSED).isEmpty();
        final Set<String> expected = new TreeSet<>(List.of(".rpdk-config", "schema.json", "pom.xml",
            ".cfn_metadata.json", "target/" + jar.getFileName()));
        try (Stream<Path> inputs = Files.list(PROJECT.resolve("inputs"))) {
            inputs.forEach(p -> expected.add("inputs/" + p.getFileName()));
        }
        assertThat(FILES.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(FILES.get("schema.json")).isEqualTo(Files.readAllBytes(PROJECT.resolve("schema.json")));
        assertThat(FILES.get(".rpdk-config")).isEqualTo(Files.readAllBytes(PROJECT.resolve(".rpdk-config")));
        // The project folder's own pom (what cfn submit packs there), not the build's.
        assertThat(FILES.get("pom.xml")).isEqualTo(Files.readAllBytes(PROJECT.resolve("pom.xml")));
        final JsonNode config = JSON.readTree(FILES.get(".rpdk-config"));
        assertThat(config.path("typeName").asText()).isEqualTo("Keyhold::KMS::CustomKeyStore");
        assertThat(config.path("runtime").asText()).isEqualTo("java21");
        assertThat(config.path("entrypoint").asText())
            .isEqualTo("com.keyhold.kms.customkeystore.HandlerWrapper::handleRequest");
    }

    @Test
    void theJarCarriesTheStoreTypeOnlyAndItsSchema() throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            final List<String> names = Collections.list(file.entries()).stream().map(ZipEntry::getName).toList();
            assertThat(names).contains("com/keyhold/kms/customkeystore/HandlerWrapper.class",
                "keyhold-kms-customkeystore.json",
                "software/amazon/awssdk/services/kms/transform/UpdateCustomKeyStoreRequestMarshaller.class");
            assertThat(names).noneMatch(name -> name.startsWith("com/keyhold/kms/customkeystoreconnection/local/")
                || name.startsWith("com/keyhold/kms/customkeystoreconnection/customresource/")
                || name.equals("com/keyhold/kms/customkeystoreconnection/HandlerWrapper.class"));
            // No class of the connection type's own package (its model, handlers, wrapper): only the shared
            // protocol, core and aws packages below it.
            assertThat(names).noneMatch(name -> name.matches("com/keyhold/kms/customkeystoreconnection/[^/]+\\.class"));
        }
    }

    @Test
    void theJarRunsTheWrapperOnItsOwn() throws Exception {
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()},
            ClassLoader.getPlatformClassLoader())) {
            final Class<?> wrapperClass = loader.loadClass("com.keyhold.kms.customkeystore.HandlerWrapper");
            final Object wrapper = wrapperClass.getConstructor().newInstance();
            final Class<?> contextClass = loader.loadClass("com.amazonaws.services.lambda.runtime.Context");
            final Class<?> loggerClass = loader.loadClass("com.amazonaws.services.lambda.runtime.LambdaLogger");
            final Object logger = Proxy.newProxyInstance(loader, new Class<?>[] {loggerClass}, (p, m, a) -> null);
            final Object context = Proxy.newProxyInstance(loader, new Class<?>[] {contextClass},
                (p, m, a) -> "getLogger".equals(m.getName()) ? logger
                    : "getRemainingTimeInMillis".equals(m.getName()) ? 60_000 : null);
            final String request = "{\"action\":\"CREATE\",\"awsAccountId\":\"123456789012\",\"bearerToken\":\"t\","
                + "\"region\":\"us-east-1\",\"resourceType\":\"Keyhold::KMS::CustomKeyStore\","
                + "\"resourceTypeVersion\":\"00000001\",\"requestData\":{\"logicalResourceId\":\"Store\","
                + "\"callerCredentials\":{\"accessKeyId\":\"a\",\"secretAccessKey\":\"s\",\"sessionToken\":\"t\"},"
                + "\"resourceProperties\":{\"CustomKeyStoreName\":\"s\",\"CloudHsmClusterId\":\"cluster-234567abcdefg\","
                + "\"TrustAnchorCertificate\":\"c\",\"KeyStorePassword\":\"short\",\"XksProxyUriPath\":\"/kms/xks/v1\"}},"
                + "\"callbackContext\":null}";
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            wrapperClass.getMethod("handleRequest", InputStream.class, OutputStream.class, contextClass)
                .invoke(wrapper, new ByteArrayInputStream(request.getBytes(StandardCharsets.UTF_8)), out, context);
            final JsonNode response = JSON.readTree(out.toString(StandardCharsets.UTF_8));
            assertThat(response.path("errorCode").asText()).isEqualTo("InvalidRequest");
            assertThat(response.path("message").asText()).contains("XksProxyUriPath is a property of EXTERNAL_KEY_STORE");
        }
    }
}
