package com.keyhold.kms.customkeystoreconnection.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * custom-key-store/pom.xml makes that folder a CLI project (the Java plugin reads the pom of the folder it runs in)
 * and builds nothing: the key store type is built by the root pom, so both must name the same Java plugin, which
 * `cfn generate` checks and .cfn_metadata.json records.
 */
class CliProjectPomTest {
    private static final String PLUGIN = "aws-cloudformation-rpdk-java-plugin";

    private static Document read(final Path pom) throws Exception {
        final DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(pom.toFile());
    }

    /** The version of a dependency declared directly under project/dependencies (where the CLI looks for it). */
    private static String pluginVersion(final Document pom) {
        final NodeList dependencies = pom.getDocumentElement().getElementsByTagName("dependency");
        for (int i = 0; i < dependencies.getLength(); i++) {
            final Element dependency = (Element) dependencies.item(i);
            final boolean direct = dependency.getParentNode().getParentNode() == pom.getDocumentElement();
            if (direct && PLUGIN.equals(dependency.getElementsByTagName("artifactId").item(0).getTextContent())) {
                return dependency.getElementsByTagName("version").item(0).getTextContent().strip();
            }
        }
        throw new AssertionError("no direct " + PLUGIN + " dependency");
    }

    @Test
    void theKeyStoreFolderNamesTheJavaPluginTheBuildUses() throws Exception {
        final Document root = read(Path.of("pom.xml"));
        final Document store = read(Path.of("custom-key-store/pom.xml"));
        assertThat(pluginVersion(store)).isEqualTo(pluginVersion(root));
    }

    @Test
    void theKeyStoreFolderPomBuildsNothing() throws Exception {
        final Element project = read(Path.of("custom-key-store/pom.xml")).getDocumentElement();
        assertThat(project.getElementsByTagName("packaging").item(0).getTextContent()).isEqualTo("pom");
        assertThat(project.getElementsByTagName("modules").getLength()).isZero();
        assertThat(project.getElementsByTagName("build").getLength()).isZero();
    }
}
