package com.keyhold.kms.customkeystoreconnection.packaging;

import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.resource;
import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.template;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The templates users deploy work the second time in an account and Region (another stack, a StackSet re-adding an
 * account, an account where {@code cfn submit} already ran) and in an account with the smallest Lambda quota.
 */
class RepeatableDeploymentTest {
    private static final List<String> DEPLOYED = List.of("registration.yaml", "custom-resource.yaml");

    @Test
    void noKeptResourceHasAFixedName() {
        // A resource kept on delete under a fixed name makes the next create of that name fail "already exists".
        final List<String> fixed = new ArrayList<>();
        for (String file : DEPLOYED) {
            for (Map.Entry<String, JsonNode> entry : (Iterable<Map.Entry<String, JsonNode>>)
                    template(file).path("Resources")::fields) {
                final JsonNode resource = entry.getValue();
                if (resource.path("DeletionPolicy").asText().equals("Retain")
                        && resource.path("Type").asText().equals("AWS::Logs::LogGroup")
                        && resource.path("Properties").has("LogGroupName")) {
                    fixed.add(file + " " + entry.getKey());
                }
            }
        }
        assertThat(fixed).as("retained log groups with a fixed LogGroupName").isEmpty();
    }

    @Test
    void reservedConcurrencyIsOptionalAndOffByDefault() {
        // Lambda keeps 10 executions unreserved: an account whose quota is 10 cannot reserve any.
        final JsonNode template = template("custom-resource.yaml");
        assertThat(template.path("Parameters").path("ReservedConcurrency").path("Default").asInt()).isZero();
        final JsonNode reserved = resource(template, "CustomResourceFunction").path("Properties")
            .path("ReservedConcurrentExecutions");
        assertThat(reserved.path("Fn::If").path(2).path("Ref").asText()).as("ReservedConcurrentExecutions when 0")
            .isEqualTo("AWS::NoValue");
    }

    @Test
    void theLoggingRoleTrustsThisAccountWithoutRequiringSourceArn() {
        final JsonNode trust = resource(template("registration.yaml"), "LoggingRole").path("Properties")
            .path("AssumeRolePolicyDocument").path("Statement").path(0);
        assertThat(trust.path("Principal").path("Service").asText()).isEqualTo("resources.cloudformation.amazonaws.com");
        assertThat(trust.path("Condition").path("StringEquals").path("aws:SourceAccount").path("Ref").asText())
            .isEqualTo("AWS::AccountId");
        assertThat(trust.path("Condition").toString()).doesNotContain("aws:SourceArn");
    }

    @Test
    void bothTypesLogThroughTheSharedRoleToTheCloudFormationNamedOrExistingGroup() {
        final JsonNode template = template("registration.yaml");
        final Map<String, JsonNode> versionsByType = new TreeMap<>();
        final List<String> defaults = new ArrayList<>();
        for (Map.Entry<String, JsonNode> entry : (Iterable<Map.Entry<String, JsonNode>>)
                template.path("Resources")::fields) {
            final JsonNode resource = entry.getValue();
            switch (resource.path("Type").asText()) {
                case "AWS::CloudFormation::ResourceVersion" ->
                    versionsByType.put(resource.path("Properties").path("TypeName").asText(), resource);
                case "AWS::CloudFormation::ResourceDefaultVersion" ->
                    defaults.add(resource.path("Properties").path("TypeVersionArn").path("Ref").asText());
                default -> { }
            }
        }
        assertThat(versionsByType).containsOnlyKeys("Keyhold::KMS::CustomKeyStoreConnection", "Keyhold::KMS::CustomKeyStore");
        final JsonNode logGroup = template.path("Resources").path("LogGroup");
        assertThat(logGroup.path("Condition").asText()).as("LogGroup is created unless ExistingLogGroupName is set")
            .isEqualTo("CreateLogGroup");
        assertThat(template.path("Conditions").path("CreateLogGroup").toString())
            .contains("ExistingLogGroupName").contains("\"\"");
        versionsByType.forEach((type, version) -> {
            final JsonNode logging = version.path("Properties").path("LoggingConfig");
            assertThat(logging.path("LogRoleArn").toString()).as(type).contains("LoggingRole");
            final JsonNode groupName = logging.path("LogGroupName").path("Fn::If");
            assertThat(groupName.path(0).asText()).as(type).isEqualTo("CreateLogGroup");
            assertThat(groupName.path(1).path("Ref").asText()).as(type).isEqualTo("LogGroup");
            assertThat(groupName.path(2).path("Ref").asText()).as(type).isEqualTo("ExistingLogGroupName");
        });
        // Each version becomes its type's default: one ResourceDefaultVersion per ResourceVersion.
        final List<String> versionIds = new ArrayList<>();
        template.path("Resources").fields().forEachRemaining(entry -> {
            if (entry.getValue().path("Type").asText().equals("AWS::CloudFormation::ResourceVersion")) {
                versionIds.add(entry.getKey());
            }
        });
        assertThat(defaults).containsExactlyInAnyOrderElementsOf(versionIds);
        // The shared logging role may publish each type's handler metrics.
        assertThat(resource(template, "LoggingRole").toString())
            .contains("AWS/CloudFormation/Keyhold/KMS/CustomKeyStoreConnection\"")
            .contains("AWS/CloudFormation/Keyhold/KMS/CustomKeyStore\"");
    }

    @Test
    void eachTypeIsRegisteredOnlyWhenItsParameterIsTrue() {
        // A StackSet can register one type or both: each type's role, version and default version hang on its switch.
        final JsonNode template = template("registration.yaml");
        final Map<String, List<String>> resourcesBySwitch = Map.of(
            "RegisterConnectionType", List.of("ExecutionRole", "ResourceVersion", "ResourceDefaultVersion"),
            "RegisterKeyStoreType", List.of("KeyStoreExecutionRole", "KeyStoreResourceVersion",
                "KeyStoreResourceDefaultVersion"));
        resourcesBySwitch.forEach((parameter, logicalIds) -> {
            assertThat(template.path("Parameters").path(parameter).path("AllowedValues").toString())
                .isEqualTo("[\"true\",\"false\"]");
            for (String logicalId : logicalIds) {
                final String condition = resource(template, logicalId).path("Condition").asText();
                final JsonNode equals = template.path("Conditions").path(condition).path("Fn::Equals");
                assertThat(equals.path(0).path("Ref").asText()).as(logicalId).isEqualTo(parameter);
                assertThat(equals.path(1).asText()).as(logicalId).isEqualTo("true");
            }
        });
        // Both false would deploy a stack that registers nothing: a rule refuses it.
        assertThat(template.path("Rules").toString()).contains("RegisterConnectionType").contains("RegisterKeyStoreType");
    }
}
