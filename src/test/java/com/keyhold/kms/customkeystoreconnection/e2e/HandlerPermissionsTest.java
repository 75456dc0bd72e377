package com.keyhold.kms.customkeystoreconnection.e2e;

import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.allowedActions;
import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.iamAction;
import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.resource;
import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.statements;
import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.template;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.keyhold.kms.customkeystoreconnection.ResourceModel;
import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.local.emulator.CloudFormationService;
import com.keyhold.kms.customkeystoreconnection.local.emulator.RequestLog;
import com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * What each registry handler calls, through {@code HandlerWrapper} against the emulator, is among the permissions the
 * schema declares for it (CloudFormation and {@code cfn test} rely on them), and the execution role of
 * resource-role.yaml grants nothing that no handler calls. TemplatePermissionsTest checks that the role grants every
 * declared permission, on the same resources in resource-role.yaml and registration.yaml.
 */
class HandlerPermissionsTest extends EmulatorTestBase {

    @Test
    void eachHandlerCallsOnlyWhatTheSchemaDeclaresAndTheRoleGrantsNothingUncalled() throws IOException {
        final JsonNode handlers = new ObjectMapper().readTree(IamTemplates.ROOT.resolve("schema.json").toFile())
            .path("handlers");
        final Set<String> calledByAll = new TreeSet<>();
        record Step(String handler, Map<String, Object> properties, Map<String, Object> previous) {
        }
        // Read, update and delete each come from a stack that holds the key store while the record's stack no
        // longer does (their widest path: CloudFormation is asked, and update and delete take the record over).
        final String[] stacks = {WrapperDriver.STACK_ID, "arn:aws:cloudformation:us-east-1:123456789012:stack/b/1",
            "arn:aws:cloudformation:us-east-1:123456789012:stack/c/2", "arn:aws:cloudformation:us-east-1:123456789012:"
            + "stack/c/2", "arn:aws:cloudformation:us-east-1:123456789012:stack/d/3"};
        final int[] at = {0};
        emulator.stacks(name -> name.equals(stacks[at[0]]) ? Optional.of(List.of(new CloudFormationService.Stacks
            .Resource(name, "s", "KeyStoreConnection", HSM, ResourceModel.TYPE_NAME, "UPDATE_IN_PROGRESS", null)))
            : Optional.empty());
        for (Step step : new Step[] {
            new Step("create", props(HSM, "CONNECTED"), null),
            new Step("read", Map.of("CustomKeyStoreId", HSM), null),
            new Step("update", props(HSM, "DISCONNECTED"), props(HSM, "CONNECTED")),
            new Step("list", Map.of(), null),
            new Step("delete", props(HSM, "DISCONNECTED"), null)}) {
            driver.as(stacks[at[0]], "KeyStoreConnection");
            emulator.requestLog().clear();
            final JsonNode response = driver.run(step.handler().toUpperCase(), step.properties(), step.previous());
            assertThat(response.path("status").asText()).as(step.handler() + ": " + response).isEqualTo("SUCCESS");
            final Set<String> called = new TreeSet<>();
            for (RequestLog.Entry entry : emulator.requestLog().entries()) {
                called.add(iamAction(entry.operation()));
            }
            final Set<String> declared = new TreeSet<>();
            handlers.path(step.handler()).path("permissions").forEach(p -> declared.add(p.asText()));
            assertThat(declared).as("schema.json handlers.%s.permissions, against what it called", step.handler())
                .containsAll(called);
            calledByAll.addAll(called);
            if (!step.handler().equals("create") && !step.handler().equals("list")) {
                assertThat(called).as(step.handler()).contains("cloudformation:DescribeStackResources");
            }
            at[0]++;
        }
        assertThat(allowedActions(statements(resource(template("resource-role.yaml"), "ExecutionRole")), "kms:", "ssm:",
            "cloudformation:"))
            .as("ExecutionRole in resource-role.yaml, against what the handlers called").isEqualTo(calledByAll);
    }
}
