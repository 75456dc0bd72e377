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
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
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
 * Each type's execution role (resource-role.yaml for schema.json, custom-key-store/resource-role.yaml for
 * custom-key-store/schema.json, and the same two roles in registration.yaml) grants exactly its schema's handler
 * permissions, no template grants an action where neither type's role does, and no template grants an SSM action
 * beyond Keyhold's records (the connection type's ownership records, the key store type's store records). {@code cfn generate} rewrites resource-role.yaml with every action on {@code "*"}: these tests
 * fail on that file until it is restored from git. Each role against what its code calls: {@code HandlerPermissionsTest}
 * (the registry handlers) and {@code CustomResourceRoleTest} (the custom-resource function).
 */
class TemplatePermissionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * The only SSM resources Keyhold needs: the ownership-record path (GetParametersByPath), the ownership records,
     * and the key store type's store records.
     */
    private static final Set<String> RECORD_ARNS = Set.of(
        "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter" + OwnershipRecord.PATH,
        "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter" + OwnershipRecord.PATH + "/*",
        "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter" + StoreRecord.PATH + "/*");
    /** The services whose actions a handler's permissions name (KMS checks the last three on the caller). */
    private static final String[] SERVICES = {"kms:", "ssm:", "cloudhsm:", "ec2:", "iam:", "cloudformation:"};
    private static final List<String> ROLE_TEMPLATES = List.of("resource-role.yaml", "custom-key-store/resource-role.yaml",
        "registration.yaml", "custom-resource.yaml");

    /** A registry type: its schema, the role file {@code cfn generate} writes beside it, its role in registration.yaml. */
    private record RegisteredType(String schema, String roleFile, String registrationRole) {
    }

    private static final List<RegisteredType> TYPES = List.of(
        new RegisteredType("schema.json", "resource-role.yaml", "ExecutionRole"),
        new RegisteredType("custom-key-store/schema.json", "custom-key-store/resource-role.yaml", "KeyStoreExecutionRole"));

    @Test
    void executionRolesGrantExactlyTheSchemasPermissions() throws IOException {
        for (RegisteredType type : TYPES) {
            final JsonNode schema = JSON.readTree(IamTemplates.ROOT.resolve(type.schema()).toFile());
            final Set<String> permissions = new TreeSet<>();
            schema.path("handlers").forEach(handler -> handler.path("permissions").forEach(p -> permissions.add(p.asText())));
            assertThat(permissions).as(type.schema()).isNotEmpty().noneMatch(p -> p.contains("*"));
            assertThat(allowedActions(statements(resource(template(type.roleFile()), "ExecutionRole")), SERVICES))
                .as(type.roleFile()).isEqualTo(permissions);
            assertThat(allowedActions(statements(resource(template("registration.yaml"), type.registrationRole())),
                SERVICES)).as("registration.yaml " + type.registrationRole()).isEqualTo(permissions);
        }
    }

    @Test
    void registrationYamlHoldsTheSameExecutionRolesAsTheResourceRoleYamls() {
        // Trust policy, session duration and every statement's actions and resources, not only the action lists.
        for (RegisteredType type : TYPES) {
            final JsonNode generated = resource(template(type.roleFile()), "ExecutionRole").path("Properties");
            final JsonNode registration = resource(template("registration.yaml"), type.registrationRole())
                .path("Properties");
            assertThat(registration).as("%s of registration.yaml against %s", type.registrationRole(), type.roleFile())
                .isEqualTo(generated);
        }
    }

    @Test
    void everyTemplateGrantsEachKmsAndSsmActionOnlyWhereATypesRoleDoes() {
        // The two types' roles together are the reference: KMS actions are on the same resources in both, and no
        // template grants an action on a resource neither role grants it on.
        final Map<String, Set<String>> reference = new TreeMap<>();
        for (RegisteredType type : TYPES) {
            resourcesByAction(template(type.roleFile())).forEach((action, resources) -> {
                final Set<String> known = reference.get(action);
                if (known != null && action.startsWith("kms:")) {
                    assertThat(resources).as("resources of %s in %s, against the other type's role", action,
                        type.roleFile()).isEqualTo(known);
                }
                reference.computeIfAbsent(action, a -> new TreeSet<>()).addAll(resources);
            });
        }
        for (String file : ROLE_TEMPLATES) {
            resourcesByAction(template(file)).forEach((action, resources) ->
                assertThat(reference.getOrDefault(action, Set.of())).as("%s: resources of %s, against the "
                    + "resource-role.yaml files", file, action).containsAll(resources));
        }
    }

    @Test
    void theConnectionTypesRoleCannotReachTheStoreRecords() {
        assertThat(resourcesByAction(template("resource-role.yaml")).values().stream().flatMap(Set::stream))
            .noneMatch(resource -> resource.contains(StoreRecord.PATH + "/"));
    }

    @Test
    void noTemplateGrantsSsmBeyondKeyholdsRecords() {
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

    /** Statements that let an SSM action reach anything but Keyhold's records, one message each. */
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
                if (!RECORD_ARNS.contains(resource)) {
                    problems.add(String.format("%s grants %s on %s", located.logicalId(), granted,
                        resource.equals("*") ? "\"*\"" : resource));
                }
            }
        }
        return problems;
    }
}
