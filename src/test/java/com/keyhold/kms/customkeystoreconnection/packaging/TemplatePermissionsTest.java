package com.keyhold.kms.customkeystoreconnection.packaging;

import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.actions;
import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.allStatements;
import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.allowedActions;
import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.resource;
import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.resources;
import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.statements;
import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.template;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.local.runner.TemplateReader;
import com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The execution role (resource-role.yaml, and the same role in registration.yaml) grants exactly the schema's handler
 * permissions, on exactly the same resources in both files, and no template grants an SSM action beyond Keyhold's
 * ownership records. {@code cfn generate} rewrites resource-role.yaml with every action on {@code "*"}: these tests
 * fail on that file until it is restored from git. Each role against what its code calls: {@code HandlerPermissionsTest}
 * (the registry handlers) and {@code CustomResourceRoleTest} (the custom-resource function).
 */
class TemplatePermissionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The only SSM resources Keyhold needs: the ownership-record path (GetParametersByPath) and the records. */
    private static final Set<String> OWNERSHIP_RECORD_ARNS = Set.of(
        "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter" + OwnershipRecord.PATH,
        "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter" + OwnershipRecord.PATH + "/*");
    private static final List<String> ROLE_TEMPLATES = List.of("resource-role.yaml", "registration.yaml",
        "custom-resource.yaml");

    @Test
    void executionRolesGrantExactlyTheSchemasPermissions() throws IOException {
        final JsonNode schema = JSON.readTree(IamTemplates.ROOT.resolve("schema.json").toFile());
        final Set<String> permissions = new TreeSet<>();
        schema.path("handlers").forEach(handler -> handler.path("permissions").forEach(p -> permissions.add(p.asText())));
        assertThat(permissions).isNotEmpty().noneMatch(p -> p.contains("*"));
        for (String file : List.of("resource-role.yaml", "registration.yaml")) {
            assertThat(allowedActions(statements(resource(template(file), "ExecutionRole")), "kms:", "ssm:"))
                .as(file).isEqualTo(permissions);
        }
    }

    @Test
    void registrationYamlHoldsTheSameExecutionRoleAsResourceRoleYaml() {
        // Trust policy, session duration and every statement's actions and resources, not only the action lists.
        final JsonNode generated = resource(template("resource-role.yaml"), "ExecutionRole").path("Properties");
        final JsonNode registration = resource(template("registration.yaml"), "ExecutionRole").path("Properties");
        assertThat(registration).as("ExecutionRole of registration.yaml against resource-role.yaml")
            .isEqualTo(generated);
    }

    @Test
    void everyRoleGrantsEachKmsAndSsmActionOnTheSameResources() {
        final Map<String, Map<String, Set<String>>> byTemplate = new TreeMap<>();
        for (String file : ROLE_TEMPLATES) {
            byTemplate.put(file, resourcesByAction(template(file)));
        }
        final Map<String, Set<String>> reference = byTemplate.get("resource-role.yaml");
        byTemplate.forEach((file, grants) -> grants.forEach((action, resources) ->
            assertThat(resources).as("%s: resources of %s, against resource-role.yaml", file, action)
                .isEqualTo(reference.get(action))));
    }

    @Test
    void noTemplateGrantsSsmBeyondTheOwnershipRecords() {
        for (String file : ROLE_TEMPLATES) {
            assertThat(ssmProblems(template(file))).as(file).isEmpty();
        }
    }

    @Test
    void theSsmCheckRefusesWhatCfnGenerateWrites() {
        // The statement `cfn generate` writes into resource-role.yaml, and an "ssm:*" and a NotResource variant.
        final JsonNode generated = TemplateReader.read("""
            Resources:
              ExecutionRole:
                Type: AWS::IAM::Role
                Properties:
                  Policies:
                    - PolicyName: ResourceTypePolicy
                      PolicyDocument:
                        Statement:
                          - Effect: Allow
                            Action: ["kms:DescribeCustomKeyStores", "ssm:GetParameter", "ssm:PutParameter"]
                            Resource: "*"
                          - Effect: Allow
                            Action: "ssm:*"
                            Resource: !Sub arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/*
                          - Effect: Allow
                            Action: ssm:GetParameter
                            NotResource: !Sub arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/x
            """, "generated.yaml");
        assertThat(ssmProblems(generated)).containsExactly(
            "ExecutionRole grants ssm:GetParameter, ssm:PutParameter on \"*\"",
            "ExecutionRole grants ssm:* on arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/*",
            "ExecutionRole grants ssm:GetParameter with NotResource");
    }

    /** Each kms: and ssm: action an Allow statement grants, with the resources it is granted on. */
    private static Map<String, Set<String>> resourcesByAction(final JsonNode template) {
        final Map<String, Set<String>> grants = new TreeMap<>();
        for (IamTemplates.Located located : allStatements(template)) {
            if (located.statement().path("Effect").asText().equals("Allow")) {
                for (String action : actions(located.statement())) {
                    if (action.startsWith("kms:") || action.startsWith("ssm:")) {
                        grants.computeIfAbsent(action, a -> new TreeSet<>()).addAll(resources(located.statement()));
                    }
                }
            }
        }
        return grants;
    }

    /** Statements that let an SSM action reach anything but the ownership records, one message each. */
    private static List<String> ssmProblems(final JsonNode template) {
        final List<String> problems = new ArrayList<>();
        for (IamTemplates.Located located : allStatements(template)) {
            final JsonNode statement = located.statement();
            final List<String> ssm = actions(statement).stream()
                .filter(a -> a.startsWith("ssm:") || a.equals("*")).toList();
            if (!statement.path("Effect").asText().equals("Allow") || ssm.isEmpty() && !statement.has("NotAction")) {
                continue;
            }
            final String granted = String.join(", ", statement.has("NotAction") ? List.of("NotAction") : ssm);
            if (statement.has("NotAction") || statement.has("NotResource")) {
                problems.add(String.format("%s grants %s with %s", located.logicalId(), granted,
                    statement.has("NotAction") ? "NotAction" : "NotResource"));
                continue;
            }
            for (String resource : resources(statement)) {
                if (!OWNERSHIP_RECORD_ARNS.contains(resource)) {
                    problems.add(String.format("%s grants %s on %s", located.logicalId(), granted,
                        resource.equals("*") ? "\"*\"" : resource));
                }
            }
        }
        return problems;
    }
}
