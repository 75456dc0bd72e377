package com.keyhold.kms.customkeystoreconnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.keyhold.kms.customkeystoreconnection.core.ModelRules;
import com.keyhold.kms.customkeystoreconnection.core.OnDelete;
import com.keyhold.kms.customkeystoreconnection.core.TargetState;
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

/** ResourceModel is written by hand, so this test is what keeps it and schema.json saying the same thing. */
class ResourceModelSchemaTest implements SchemaProjectChecks {
    @Override
    public Path schemaFile() {
        return Path.of("schema.json");
    }

    @Override
    public Path cliSchemaLink() {
        return Path.of("keyhold-kms-customkeystoreconnection.json");
    }

    @Override
    public JSONObject schemaInTheJar() {
        return new Configuration().resourceSchemaJSONObject();
    }

    private static String resolvedType(final JSONObject schema, final JSONObject property) {
        if (property.has("$ref")) {
            final String name = property.getString("$ref").replace("#/definitions/", "");
            return schema.getJSONObject("definitions").getJSONObject(name).getString("type");
        }
        return property.getString("type");
    }

    @Test
    void modelAndSchemaNameTheSamePropertiesWithTheSameTypes() throws IOException {
        final JSONObject schema = schema();
        final JSONObject properties = schema.getJSONObject("properties");
        final Map<String, String> fromSchema = new TreeMap<>();
        for (String name : properties.keySet()) {
            fromSchema.put(name, resolvedType(schema, properties.getJSONObject(name)));
        }
        // Every model field is a string, and the JSON table names each schema property once.
        assertThat(Arrays.stream(ResourceModel.class.getDeclaredFields()).filter(f -> !Modifier.isStatic(f.getModifiers())))
            .hasSize(fromSchema.size()).allSatisfy(f -> assertThat(f.getType()).as(f.getName()).isEqualTo(String.class));
        assertThat(fromSchema).containsOnlyKeys(ResourceModelJson.CODEC.names()).allSatisfy((name, type) ->
            assertThat(type).as(name).isEqualTo("string"));
        assertThat(ResourceModelJson.CODEC.names()).containsExactlyInAnyOrderElementsOf(properties.keySet());
    }

    @Test
    void identifiersAndPropertyRolesMatchTheSpec() throws IOException {
        final JSONObject schema = schema();
        assertThat(schema.getString("typeName")).isEqualTo(ResourceModel.TYPE_NAME);
        assertThat(strings(schema.getJSONArray("primaryIdentifier"))).containsExactly(
            ResourceModel.IDENTIFIER_KEY_CUSTOMKEYSTOREID);
        assertThat(strings(schema.getJSONArray("createOnlyProperties"))).containsExactly("/properties/CustomKeyStoreId");
        assertThat(strings(schema.getJSONArray("readOnlyProperties"))).containsExactlyInAnyOrder(
            "/properties/CustomKeyStoreName", "/properties/CustomKeyStoreType", "/properties/ConnectionErrorCode",
            "/properties/ObservedConnectionState");
        assertThat(strings(schema.getJSONArray("required"))).containsExactlyInAnyOrder("CustomKeyStoreId",
            "ConnectionState");
        assertThat(schema.getBoolean("additionalProperties")).isFalse();
        // Protocol leaves write-only properties out of final answers, at any depth below a declared property.
        final JSONArray writeOnly = schema.optJSONArray("writeOnlyProperties");
        assertThat(writeOnly == null ? new String[0] : strings(writeOnly))
            .allSatisfy(pointer -> assertThat(Protocol.propertyPath(pointer).get(0)).isIn(ResourceModelJson.CODEC.names()));
        assertThat(schema.getJSONObject("tagging").getBoolean("taggable")).isFalse();
        for (String action : new String[] {"create", "update", "delete"}) {
            assertThat(schema.getJSONObject("handlers").getJSONObject(action).getInt("timeoutInMinutes"))
                .as(action).isEqualTo(60);
        }
    }

    @Test
    void theJavaRulesRestateTheSchemaRules() throws IOException {
        final JSONObject schema = schema();
        final JSONObject id = schema.getJSONObject("properties").getJSONObject("CustomKeyStoreId");
        assertThat(id.getString("pattern")).isEqualTo(ModelRules.ID_PATTERN.pattern());
        assertThat(id.getInt("maxLength")).isEqualTo(ModelRules.ID_MAX_LENGTH);
        assertThat(strings(schema.getJSONObject("properties").getJSONObject("ConnectionState")
            .getJSONArray("enum"))).containsExactly(names(TargetState.values()));
        assertThat(strings(schema.getJSONObject("properties").getJSONObject("ConnectionStateOnDelete")
            .getJSONArray("enum"))).containsExactly(names(OnDelete.values()));
    }

    @Test
    void readAndListNeedExactlyWhatTheyCall() throws IOException {
        final JSONObject handlers = schema().getJSONObject("handlers");
        assertThat(strings(handlers.getJSONObject("read").getJSONArray("permissions")))
            .containsExactlyInAnyOrder("kms:DescribeCustomKeyStores", "ssm:GetParameter",
                "cloudformation:DescribeStackResources");
        assertThat(strings(handlers.getJSONObject("list").getJSONArray("permissions")))
            .containsExactly("ssm:GetParametersByPath");
    }

    private static String[] strings(final JSONArray array) {
        return StreamSupport.stream(array.spliterator(), false).map(Object::toString).toArray(String[]::new);
    }

    private static String[] names(final Enum<?>[] values) {
        return Arrays.stream(values).map(Enum::name).toArray(String[]::new);
    }
}
