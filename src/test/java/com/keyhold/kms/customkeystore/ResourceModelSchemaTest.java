package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.keyhold.kms.customkeystoreconnection.protocol.Protocol;
import com.keyhold.kms.customkeystoreconnection.testsupport.SchemaProjectChecks;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.StreamSupport;
import org.json.JSONArray;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;
import software.amazon.cloudformation.resource.Validator;
import software.amazon.cloudformation.resource.exceptions.ValidationException;

/** The key store type's ResourceModel is written by hand: this keeps it and custom-key-store/schema.json in step. */
class ResourceModelSchemaTest implements SchemaProjectChecks {
    @Override
    public Path schemaFile() {
        return Path.of("custom-key-store", "schema.json");
    }

    @Override
    public Path cliSchemaLink() {
        return Path.of("custom-key-store", "keyhold-kms-customkeystore.json");
    }

    @Override
    public JSONObject schemaInTheJar() {
        return Configuration.resourceSchema();
    }

    @Test
    void modelAndSchemaNameTheSamePropertiesWithTheSameTypes() throws IOException {
        final JSONObject schema = schema();
        final JSONObject properties = schema.getJSONObject("properties");
        final Map<String, String> fromSchema = new TreeMap<>();
        for (String name : properties.keySet()) {
            final JSONObject property = properties.getJSONObject(name);
            fromSchema.put(name, property.has("$ref") ? "object" : property.getString("type"));
        }
        assertThat(ResourceModelJson.CODEC.names()).containsExactlyInAnyOrderElementsOf(properties.keySet());
        assertThat(Arrays.stream(ResourceModel.class.getDeclaredFields())
            .filter(f -> !Modifier.isStatic(f.getModifiers()))).hasSize(fromSchema.size())
            .allSatisfy(f -> {
                final String type = fromSchema.get(Character.toUpperCase(f.getName().charAt(0))
                    + f.getName().substring(1));
                assertThat(f.getType()).as(f.getName()).isEqualTo("object".equals(type)
                    ? XksProxyAuthenticationCredential.class : "boolean".equals(type) ? Boolean.class : String.class);
            });
        final JSONObject credential = schema.getJSONObject("definitions").getJSONObject("XksProxyAuthenticationCredential");
        assertThat(ResourceModelJson.CREDENTIAL.names()).containsExactlyInAnyOrderElementsOf(
            credential.getJSONObject("properties").keySet());
        assertThat(credential.getBoolean("additionalProperties")).isFalse();
    }

    @Test
    void propertyRolesMatchTheSpec() throws IOException {
        final JSONObject schema = schema();
        assertThat(schema.getString("typeName")).isEqualTo(ResourceModel.TYPE_NAME);
        assertThat(strings(schema.getJSONArray("primaryIdentifier"))).containsExactly(
            ResourceModel.IDENTIFIER_KEY_CUSTOMKEYSTOREID);
        assertThat(strings(schema.getJSONArray("readOnlyProperties"))).containsExactlyInAnyOrder(
            "/properties/CustomKeyStoreId", "/properties/ObservedConnectionState", "/properties/ConnectionErrorCode",
            "/properties/CreationDate");
        // CustomKeyStoreType is not create-only: CloudFormation would replace the key store when a template writes
        // its default out; the update handler refuses a real change instead (StoreTypeChangeTest).
        assertThat(strings(schema.getJSONArray("createOnlyProperties"))).containsExactly(
            "/properties/TrustAnchorCertificate");
        // Create-then-delete would always collide on the name and the cluster (guides/KEY_STORE.md, "Replacement").
        assertThat(schema.getString("replacementStrategy")).isEqualTo("delete_then_create");
        assertThat(strings(schema.getJSONArray("writeOnlyProperties"))).containsExactlyInAnyOrder(
            "/properties/KeyStorePassword", "/properties/XksProxyAuthenticationCredential/RawSecretAccessKey")
            .allSatisfy(pointer -> assertThat(Protocol.propertyPath(pointer).get(0))
                .isIn(ResourceModelJson.CODEC.names()));
        assertThat(schema.getBoolean("additionalProperties")).isFalse();
        assertThat(schema.getJSONObject("tagging").getBoolean("taggable")).isFalse();
        final JSONObject handlers = schema.getJSONObject("handlers");
        assertThat(handlers.getJSONObject("create").getInt("timeoutInMinutes")).isEqualTo(60);
        assertThat(handlers.getJSONObject("update").getInt("timeoutInMinutes")).isEqualTo(120);
        assertThat(handlers.getJSONObject("delete").getInt("timeoutInMinutes")).isEqualTo(60);
        for (String action : handlers.keySet()) {
            assertThat(strings(handlers.getJSONObject(action).getJSONArray("permissions")))
                .allSatisfy(p -> assertThat(p).doesNotContain("*"));
        }
    }

    @Test
    void theGeneratedReferenceGivesEveryPropertysDescription() throws IOException {
        final JSONObject schema = schema();
        final String reference = Files.readString(Path.of("custom-key-store", "docs", "README.md"));
        final JSONObject properties = schema.getJSONObject("properties");
        for (String name : properties.keySet()) {
            final JSONObject property = properties.getJSONObject(name);
            // As cfn generate does, a $ref's text is its definition's.
            final String description = property.has("$ref") ? schema.getJSONObject("definitions")
                .getJSONObject(name).getString("description") : property.getString("description");
            assertThat(reference).as(name).contains("#### " + name + "\n\n" + description + "\n");
        }
    }

    private static String[] strings(final JSONArray array) {
        return StreamSupport.stream(array.spliterator(), false).map(Object::toString).toArray(String[]::new);
    }
}
