package com.keyhold.kms.customkeystoreconnection.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.keyhold.kms.customkeystoreconnection.local.runner.TemplateReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No Lambda runtime in {@code .rpdk-config} or in any template is one that Lambda has deprecated. The registry refuses
 * a type whose runtime is deprecated ("Unsupported Resource Handler Runtime"), and Lambda blocks creating functions on
 * it a month later, so a deprecated runtime means Keyhold cannot be installed.
 *
 * <p>The deprecation dates are cfn-lint's: {@code src/test/resources/cfn-lint/LmbdRuntimeLifecycle.json} is a copy of
 * {@code cfnlint/data/AdditionalSpecs/LmbdRuntimeLifecycle.json} from cfn-lint 1.51.0 (the table behind its rules
 * E2531, E2533 and W2531). A copy, not the installed cfn-lint, so that {@code mvn verify} needs no Python and gives the
 * same answer everywhere; {@code .ci/lint-templates.sh} says when the installed cfn-lint's table differs from it, and
 * the fix is to copy the newer table over it.
 */
class LambdaRuntimeTest {

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path LIFECYCLE = ROOT.resolve("src/test/resources/cfn-lint/LmbdRuntimeLifecycle.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where a runtime is named: the file and, in a template, the JSON pointer of the member. */
    record RuntimeUse(String where, String runtime) {
    }

    @Test
    void noRuntimeIsDeprecatedToday() throws IOException {
        final JsonNode lifecycle = JSON.readTree(LIFECYCLE.toFile());
        final LocalDate today = LocalDate.now(ZoneOffset.UTC);
        final List<String> problems = new ArrayList<>();
        for (RuntimeUse use : runtimeUses()) {
            problem(lifecycle, use, today).ifPresent(problems::add);
        }
        assertThat(problems).as("runtimes that CloudFormation or Lambda refuse").isEmpty();
    }

    @Test
    void findsTheRegistryRuntimeAndEveryFunctionsRuntime() throws IOException {
        assertThat(runtimeUses()).contains(
            new RuntimeUse(".rpdk-config", "java21"),
            new RuntimeUse("template.yml /Resources/TypeFunction/Properties/Runtime", "java21"),
            new RuntimeUse("template.yml /Resources/TestEntrypoint/Properties/Runtime", "java21"),
            new RuntimeUse("custom-resource.yaml /Resources/CustomResourceFunction/Properties/Runtime", "java21"));
    }

    @Test
    void theCheckRefusesJava17FromItsDeprecationDayAndNamesTheSuccessor() throws IOException {
        // The check itself, on fixed dates: the day before java17's deprecation it passes, on the day it fails.
        final JsonNode lifecycle = JSON.readTree(LIFECYCLE.toFile());
        final RuntimeUse java17 = new RuntimeUse(".rpdk-config", "java17");
        assertThat(problem(lifecycle, java17, LocalDate.parse("2026-06-29"))).isEmpty();
        assertThat(problem(lifecycle, java17, LocalDate.parse("2026-06-30"))).hasValueSatisfying(message ->
            assertThat(message).contains(".rpdk-config", "java17", "deprecated on 2026-06-30", "java25"));
        assertThat(problem(lifecycle, new RuntimeUse("x.yaml /Runtime", "java 21"), LocalDate.parse("2026-06-29")))
            .hasValueSatisfying(message -> assertThat(message).contains("java 21", "not a runtime"));
    }

    private static Optional<String> problem(final JsonNode lifecycle, final RuntimeUse use, final LocalDate today) {
        final JsonNode entry = lifecycle.get(use.runtime());
        if (entry == null) {
            return Optional.of(String.format("%s: '%s' is not a runtime in cfn-lint's lifecycle table (%s); use one "
                + "of its runtimes that is not deprecated, or refresh the table", use.where(), use.runtime(),
                ROOT.relativize(LIFECYCLE)));
        }
        final LocalDate deprecated = LocalDate.parse(entry.path("deprecated").asText());
        if (today.isBefore(deprecated)) {
            return Optional.empty();
        }
        return Optional.of(String.format("%s: %s was deprecated on %s (Lambda blocks creating functions on it from "
            + "%s); move to %s", use.where(), use.runtime(), deprecated, entry.path("create-block").asText(),
            entry.path("successor").asText("a supported runtime")));
    }

    /** The runtime of .rpdk-config and every "Runtime" member of the root templates and the examples. */
    private static List<RuntimeUse> runtimeUses() throws IOException {
        final List<RuntimeUse> uses = new ArrayList<>();
        uses.add(new RuntimeUse(".rpdk-config",
            JSON.readTree(ROOT.resolve(".rpdk-config").toFile()).path("runtime").asText()));
        for (Path template : templates()) {
            final String name = ROOT.relativize(template).toString().replace('\\', '/');
            collect(TemplateReader.read(Files.readString(template), name), name + " ", "", uses);
        }
        return uses;
    }

    private static List<Path> templates() throws IOException {
        final List<Path> templates = new ArrayList<>();
        for (Path folder : List.of(ROOT, ROOT.resolve("examples"))) {
            try (Stream<Path> files = Files.list(folder)) {
                files.filter(p -> p.getFileName().toString().matches(".*\\.ya?ml")).sorted().forEach(templates::add);
            }
        }
        assertThat(templates).extracting(p -> p.getFileName().toString())
            .contains("template.yml", "custom-resource.yaml", "registration.yaml", "resource-role.yaml");
        return templates;
    }

    private static void collect(final JsonNode node, final String file, final String pointer,
                                final List<RuntimeUse> uses) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> member : (Iterable<Map.Entry<String, JsonNode>>) node::fields) {
                final String at = pointer + "/" + member.getKey();
                if (member.getKey().equalsIgnoreCase("Runtime")) {
                    // An intrinsic instead of a name cannot be checked: it is reported as an unknown runtime.
                    final JsonNode value = member.getValue();
                    uses.add(new RuntimeUse(file + at, value.isTextual() ? value.asText() : value.toString()));
                } else {
                    collect(member.getValue(), file, at, uses);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), file, pointer + "/" + i, uses);
            }
        }
    }
}
