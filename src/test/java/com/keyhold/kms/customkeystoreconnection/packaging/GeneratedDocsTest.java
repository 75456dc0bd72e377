package com.keyhold.kms.customkeystoreconnection.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/ is what {@code cfn generate} writes and nothing else (the guides live in guides/, which it never touches), and
 * docs/README.md, its property reference, says what schema.json says. The CLI takes a property's text from the
 * definition a {@code $ref} points to, not from a description beside the {@code $ref}: a property written that way
 * would get the definition's text in a regenerated reference, so none is.
 */
class GeneratedDocsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @Test
    void docsHoldsOnlyWhatCfnGenerateWrites() throws IOException {
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("README.md");
        }
    }

    @Test
    void everyPropertyOfTheReferenceCarriesItsOwnDescription() throws IOException {
        final JsonNode properties = new ObjectMapper().readTree(ROOT.resolve("schema.json").toFile()).path("properties");
        final String reference = Files.readString(ROOT.resolve("docs/README.md"));
        final List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> property : (Iterable<Map.Entry<String, JsonNode>>) properties::fields) {
            final String name = property.getKey();
            final String description = property.getValue().path("description").asText();
            if (property.getValue().has("$ref")) {
                problems.add(name + ": a $ref, whose definition's text a regenerated reference would show");
            }
            if (!reference.contains("#### " + name + "\n\n" + description + "\n")) {
                problems.add(name + ": docs/README.md does not give its description: " + description);
            }
        }
        assertThat(problems).isEmpty();
    }
}
