package com.keyhold.kms.customkeystoreconnection.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The registry package that {@code mvn package} writes (src/assembly/registry-package.xml) has the layout
 * {@code cfn submit} uploads, so {@code aws cloudformation register-type --schema-handler-package} accepts it.
 *
 * <p>Runs in the integration-test phase (maven-failsafe-plugin), after the shade and assembly executions of the
 * package phase: {@code mvn verify}.
 */
class RegistryPackageIT {

    private static final String PACKAGE = "com/keyhold/kms/customkeystoreconnection/";
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path ZIP = ROOT.resolve("target/keyhold-kms-customkeystoreconnection.zip");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Entry name to content, in zip order. */
    private static final Map<String, byte[]> FILES = new LinkedHashMap<>();
    private static final List<String> DIRECTORIES = new ArrayList<>();
    private static final List<String> COMPRESSED = new ArrayList<>();
    private static String jarEntry;

    @BeforeAll
    static void readPackage() throws Exception {
        assertThat(ZIP).as("registry package written by mvn package").isRegularFile();
        jarEntry = "target/" + artifactId() + "-" + projectVersion() + ".jar";
        try (ZipFile zip = new ZipFile(ZIP.toFile())) {
            for (ZipEntry entry : Collections.list(zip.entries())) {
                if (entry.getMethod() != ZipEntry.STORED) {
                    COMPRESSED.add(entry.getName());
                }
                if (entry.isDirectory()) {
                    DIRECTORIES.add(entry.getName());
                } else {
                    try (InputStream in = zip.getInputStream(entry)) {
                        FILES.put(entry.getName(), in.readAllBytes());
                    }
                }
            }
        }
    }

    @Test
    void everyEntryIsStoredUncompressed() {
        assertThat(COMPRESSED).as("entries not STORED (cfn submit writes ZIP_STORED)").isEmpty();
    }

    @Test
    void holdsExactlyTheFilesCfnSubmitUploadsAndNoSources() throws IOException {
        // No src/: CloudFormation runs the jar (.ci/cfn-cli-checks.sh runs cfn submit without it and compares).
        Set<String> expected = new TreeSet<>(List.of(".rpdk-config", "schema.json", "pom.xml", jarEntry,
                ".cfn_metadata.json"));
        try (Stream<Path> inputs = Files.list(ROOT.resolve("inputs"))) {
            inputs.filter(Files::isRegularFile).forEach(p -> expected.add("inputs/" + p.getFileName()));
        }
        assertThat(expected).contains("inputs/inputs_1_create.json", "inputs/inputs_1_update.json",
                "inputs/inputs_1_invalid.json");
        assertThat(FILES.keySet()).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void directoryEntriesAreOnlyParentsOfFiles() {
        // cfn submit writes no directory entries; the assembly archiver always adds the parents of what it packs
        // (harmless on extraction).
        assertThat(DIRECTORIES).allSatisfy(dir -> assertThat(
                FILES.keySet().stream().anyMatch(f -> f.startsWith(dir)))
                .as("stray directory entry %s", dir).isTrue());
        assertThat(DIRECTORIES).noneMatch(dir -> dir.contains(PACKAGE + "local/"));
    }

    @Test
    void shipsNoBuildOutputButTheHandlerJarAndNoLocalTooling() {
        assertThat(FILES.keySet()).filteredOn(name -> name.startsWith("target/")).containsExactly(jarEntry);
        assertThat(FILES.keySet()).noneMatch(name -> name.contains(PACKAGE + "local/"));
    }

    @Test
    void schemaJsonIsTheRepositorysSchemaByteForByte() throws IOException {
        byte[] schema = Files.readAllBytes(ROOT.resolve("schema.json"));
        assertThat(FILES.get("schema.json")).isEqualTo(schema);
        // The CloudFormation CLI reads the schema through this name and uploads it as schema.json.
        assertThat(Files.readAllBytes(ROOT.resolve("keyhold-kms-customkeystoreconnection.json"))).isEqualTo(schema);
    }

    @Test
    void projectFilesAreTheRepositorys() throws IOException {
        for (String name : List.of(".rpdk-config", "pom.xml", ".cfn_metadata.json")) {
            assertThat(FILES.get(name)).as(name).isEqualTo(Files.readAllBytes(ROOT.resolve(name)));
        }
        try (Stream<Path> inputs = Files.list(ROOT.resolve("inputs"))) {
            for (Path input : inputs.collect(Collectors.toList())) {
                assertThat(FILES.get("inputs/" + input.getFileName())).isEqualTo(Files.readAllBytes(input));
            }
        }
    }

    @Test
    void rpdkConfigDescribesThisType() throws IOException {
        JsonNode config = JSON.readTree(FILES.get(".rpdk-config"));
        JsonNode schema = JSON.readTree(FILES.get("schema.json"));
        assertThat(config.path("artifact_type").asText()).isEqualTo("RESOURCE");
        assertThat(config.path("typeName").asText()).isEqualTo(schema.path("typeName").asText());
        assertThat(config.path("language").asText()).isEqualTo("java");
        assertThat(config.path("runtime").asText()).isEqualTo("java21");
        String pkg = "com.keyhold.kms.customkeystoreconnection";
        assertThat(config.path("entrypoint").asText()).isEqualTo(pkg + ".HandlerWrapper::handleRequest");
        assertThat(config.path("testEntrypoint").asText()).isEqualTo(pkg + ".HandlerWrapper::testEntrypoint");
        assertThat(config.path("executableEntrypoint").asText()).isEqualTo(pkg + ".HandlerWrapperExecutable");
        JsonNode settings = config.path("settings");
        List<String> namespace = new ArrayList<>();
        settings.path("namespace").forEach(part -> namespace.add(part.asText()));
        assertThat(String.join(".", namespace)).isEqualTo(pkg);
        assertThat(settings.path("codegen_template_path").asText()).isEqualTo("default");
        assertThat(settings.path("protocolVersion").asText()).isEqualTo("2.0.0");
    }

    @Test
    void cfnMetadataNamesTheJavaPluginOfThePom() throws Exception {
        JsonNode metadata = JSON.readTree(FILES.get(".cfn_metadata.json"));
        assertThat(metadata.path("plugin-name").asText()).isEqualTo("java");
        assertThat(metadata.path("plugin-version").asText()).isEqualTo(dependencyVersion("aws-cloudformation-rpdk-java-plugin"));
        assertThat(metadata.path("plugin-tool-version").asText()).isNotBlank();
        assertThat(metadata.path("cli-version").asText()).isNotBlank();
    }

    @Test
    void handlerJarHoldsTheEntryPointsAndNoLocalTooling() throws IOException {
        Set<String> classes = new TreeSet<>();
        try (ZipInputStream jar = new ZipInputStream(new java.io.ByteArrayInputStream(FILES.get(jarEntry)))) {
            for (ZipEntry entry = jar.getNextEntry(); entry != null; entry = jar.getNextEntry()) {
                classes.add(entry.getName());
            }
        }
        JsonNode config = JSON.readTree(FILES.get(".rpdk-config"));
        List<String> expected = new ArrayList<>(List.of(PACKAGE + "HandlerWrapper.class",
                PACKAGE + "HandlerWrapperExecutable.class"));
        for (String field : List.of("entrypoint", "testEntrypoint", "executableEntrypoint")) {
            expected.add(config.path(field).asText().split("::")[0].replace('.', '/') + ".class");
        }
        // Checked name by name: the jar lists thousands of classes, too many for a failure message.
        List<String> missing = expected.stream().distinct().filter(name -> !classes.contains(name)).toList();
        List<String> local = classes.stream().filter(name -> name.startsWith(PACKAGE + "local/")).toList();
        // The custom-resource function ships in its own jar, with the libraries only it loads.
        List<String> notTheHandlers = classes.stream().filter(name -> name.startsWith(PACKAGE + "customresource/")
            || name.startsWith("com/fasterxml/jackson/") || name.startsWith("software/amazon/awssdk/services/lambda/")
            || name.startsWith("com/amazonaws/services/lambda/runtime/events/")).toList();
        // No class of the key store type (its models, handlers, wrapper): that type ships in its own jar.
        List<String> otherType = classes.stream().filter(name -> name.startsWith("com/keyhold/kms/customkeystore/"))
            .toList();
        assertThat(otherType).as("key store type classes in " + jarEntry).isEmpty();
        List<String> signatures = classes.stream().filter(name -> name.matches("META-INF/[^/]+\\.(SF|DSA|RSA)")).toList();
        assertThat(missing).as("entry-point classes missing from " + jarEntry).isEmpty();
        assertThat(local).as("local tooling in " + jarEntry).isEmpty();
        assertThat(notTheHandlers).as("custom-resource code and libraries in " + jarEntry).isEmpty();
        assertThat(signatures).as("signature files in " + jarEntry).isEmpty();
    }

    private static Document pom() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(ROOT.resolve("pom.xml").toFile());
    }

    private static String projectChild(String name) throws Exception {
        NodeList children = pom().getDocumentElement().getChildNodes();
        for (int i = 0; i < children.getLength(); i++) {
            if (children.item(i) instanceof Element e && e.getTagName().equals(name)) {
                return e.getTextContent().strip();
            }
        }
        throw new AssertionError("pom.xml has no <" + name + ">");
    }

    private static String artifactId() throws Exception {
        return projectChild("artifactId");
    }

    private static String projectVersion() throws Exception {
        return projectChild("version");
    }

    private static String dependencyVersion(String artifactId) throws Exception {
        NodeList dependencies = pom().getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element dependency = (Element) dependencies.item(i);
            if (dependency.getElementsByTagName("artifactId").item(0).getTextContent().strip().equals(artifactId)
                    && dependency.getElementsByTagName("version").getLength() > 0) {
                return dependency.getElementsByTagName("version").item(0).getTextContent().strip();
            }
        }
        throw new AssertionError("pom.xml has no dependency " + artifactId + " with a version");
    }
}
