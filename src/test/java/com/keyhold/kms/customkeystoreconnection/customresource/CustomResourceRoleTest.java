package com.keyhold.kms.customkeystoreconnection.customresource;

import static com.keyhold.kms.customkeystoreconnection.customresource.Rig.HSM;
import static com.keyhold.kms.customkeystoreconnection.customresource.Rig.props;
import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.allowedActions;
import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.iamAction;
import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.resource;
import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.statements;
import static com.keyhold.kms.customkeystoreconnection.testsupport.IamTemplates.template;
import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import com.keyhold.kms.customkeystoreconnection.local.emulator.RequestLog;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The custom-resource function's role (CustomResourceRole in custom-resource.yaml) grants exactly the KMS, SSM and
 * Lambda actions the function calls: its whole lifecycle (a create that outlasts one invocation and continues in new
 * ones, an update, a delete) runs against the emulator, and every call the emulator received, plus the function's
 * asynchronous invoke of itself, is compared with the role. An action the role lacks fails a real deployment; an
 * action the function never calls is a grant it does not need.
 */
class CustomResourceRoleTest {
    private final Rig rig = new Rig(Duration.ofMinutes(20));

    @AfterEach
    void close() {
        rig.close();
    }

    @Test
    void roleGrantsExactlyWhatTheFunctionCalls() {
        rig.runToEnd(rig.event("Create", "create-1", null, props(HSM, "CONNECTED"), null), Duration.ofMinutes(5));
        rig.runToEnd(rig.event("Update", "update-1", HSM, props(HSM, "DISCONNECTED"), props(HSM, "CONNECTED")));
        rig.runToEnd(rig.event("Update", "update-2", HSM, props(HSM, "CONNECTED", "DISCONNECTED"),
            props(HSM, "DISCONNECTED")), Duration.ofMinutes(5));
        rig.runToEnd(rig.event("Delete", "delete-1", HSM, props(HSM, "CONNECTED", "DISCONNECTED"), null));
        for (String requestId : new String[] {"create-1", "update-1", "update-2", "delete-1"}) {
            assertThat(rig.server.receivedFor(requestId)).as(requestId).singleElement()
                .satisfies(answer -> assertThat(answer.json().path("Status").asText()).isEqualTo("SUCCESS"));
        }
        assertThat(rig.emulator.state(HSM)).isEqualTo(ConnectionState.DISCONNECTED);

        final Set<String> called = new TreeSet<>();
        for (RequestLog.Entry entry : rig.emulator.requestLog().entries()) {
            called.add(iamAction(entry.operation()));
        }
        if (!rig.invokedArns.isEmpty()) {
            called.add("lambda:InvokeFunction");
        }
        assertThat(called).as("the lifecycle must exercise the continuation and the release")
            .contains("lambda:InvokeFunction", "ssm:DeleteParameter");

        final Set<String> granted = allowedActions(
            statements(resource(template("custom-resource.yaml"), "CustomResourceRole")), "kms:", "ssm:", "lambda:");
        assertThat(granted).as("CustomResourceRole in custom-resource.yaml, against the calls of the function")
            .isEqualTo(called);
    }
}
