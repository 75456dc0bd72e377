package com.keyhold.kms.customkeystoreconnection.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import software.amazon.cloudformation.resource.Validator;
import software.amazon.cloudformation.resource.exceptions.ValidationException;

/**
 * What every Keyhold type's CLI project must hold of its schema, whichever type: it passes the provider meta-schema
 * (and that check would catch a mistake), the file name the CLI looks for is a link to it, no handler permission is
 * a wildcard, and the jar validates with this very schema. Each type's ResourceModelSchemaTest adds its own model.
 */
public interface SchemaProjectChecks {

    /** The type's schema.json. */
    Path schemaFile();

    /** The file name `cfn` expects (the type name in lower case with dashes), a link to {@link #schemaFile()}. */
    Path cliSchemaLink();

    /** The schema the wrapper validates with, as the jar carries it. */
    JSONObject schemaInTheJar();

    default JSONObject schema() throws IOException {
        return new JSONObject(Files.readString(schemaFile()));
    }

    @Test
    default void schemaPassesTheProviderMetaSchema() throws IOException {
        final JSONObject schema = schema();
        assertThatCode(() -> new Validator().loadResourceDefinitionSchema(schema)).doesNotThrowAnyException();
    }

    @Test
    default void theMetaSchemaCheckWouldCatchAMistake() throws IOException {
        final JSONObject broken = schema();
        broken.getJSONObject("handlers").getJSONObject("create").put("timeoutInMinutes", 1);
        assertThatThrownBy(() -> new Validator().loadResourceDefinitionSchema(broken))
            .isInstanceOf(ValidationException.class);
    }

    @Test
    default void noHandlerPermissionIsAWildcard() throws IOException {
        final JSONObject handlers = schema().getJSONObject("handlers");
        for (String action : handlers.keySet()) {
            assertThat(handlers.getJSONObject(action).getJSONArray("permissions").toList()).as(action)
                .isNotEmpty().allSatisfy(p -> assertThat(p.toString()).doesNotContain("*"));
        }
    }

    @Test
    default void theCliFileNameIsALinkToTheSchema() throws IOException {
        assertThat(Files.isSymbolicLink(cliSchemaLink())).isTrue();
        assertThat(Files.readString(cliSchemaLink())).isEqualTo(Files.readString(schemaFile()));
    }

    @Test
    default void theJarCarriesTheSchemaTheWrapperValidatesWith() throws IOException {
        assertThat(schemaInTheJar().similar(schema())).isTrue();
    }
}
