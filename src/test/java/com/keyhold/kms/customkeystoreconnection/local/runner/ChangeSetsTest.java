package com.keyhold.kms.customkeystoreconnection.local.runner;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.keyhold.kms.customkeystoreconnection.local.runner.ChangeSet.Change;
import com.keyhold.kms.customkeystoreconnection.local.runner.StackState.ResourceState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Change sets as CloudFormation computes them from the schema. */
class ChangeSetsTest {
    private static final ProviderRegistry TYPES = Target.offlineRegistry();
    private static final Map<String, String> PSEUDO = Map.of("AWS::Region", "us-east-1");

    private static StackState stack(final String... idAndState) {
        final StackState s = new StackState();
        s.stackName = "s";
        for (int i = 0; i < idAndState.length; i += 3) {
            final ResourceState r = new ResourceState();
            r.logicalId = idAndState[i];
            r.type = RunnerFixture.TYPE;
            r.physicalId = idAndState[i + 1];
            final ObjectNode props = Json.MAPPER.createObjectNode();
            props.put("CustomKeyStoreId", idAndState[i + 1]);
            props.put("ConnectionState", idAndState[i + 2]);
            r.properties = props;
            r.attributes = props.deepCopy().put("CustomKeyStoreName", "name-" + r.logicalId);
            s.resources.put(r.logicalId, r);
        }
        return s;
    }

    private static List<Change> changes(final StackState stack, final String template) {
        final Template t = Template.parse(template, "t.yaml", TYPES);
        final Map<String, String> parameters = t.parameterValues(Map.of(), null);
        return ChangeSets.compute(stack, t, TYPES, resources -> t.values(parameters, PSEUDO, resources,
            name -> null));
    }

    private static String template(final String... idAndState) {
        final StringBuilder b = new StringBuilder("Resources:\n");
        for (int i = 0; i < idAndState.length; i += 3) {
            b.append("  ").append(idAndState[i]).append(":\n    Type: ").append(RunnerFixture.TYPE)
                .append("\n    Properties:\n      CustomKeyStoreId: ").append(idAndState[i + 1])
                .append("\n      ConnectionState: ").append(idAndState[i + 2]).append('\n');
        }
        return b.toString();
    }

    @Test
    void newResourcesAreAdded() {
        final List<Change> changes = changes(null, template("A", "cks-a", "CONNECTED", "B", "cks-b", "CONNECTED"));
        assertThat(changes).extracting(c -> c.action + " " + c.logicalId).containsExactly("Add A", "Add B");
    }

    @Test
    void changingConnectionStateIsModifyWithoutReplacement() {
        final Change c = changes(stack("A", "cks-a", "CONNECTED"), template("A", "cks-a", "DISCONNECTED")).get(0);
        assertThat(c.action).isEqualTo("Modify");
        assertThat(c.replacement).isEqualTo("False");
        assertThat(c.physicalId).isEqualTo("cks-a");
        assertThat(c.details).singleElement().satisfies(d -> {
            assertThat(d.name).isEqualTo("ConnectionState");
            assertThat(d.before).isEqualTo("CONNECTED");
            assertThat(d.after).isEqualTo("DISCONNECTED");
            assertThat(d.requiresRecreation).isEqualTo("Never");
        });
    }

    @Test
    void changingTheCreateOnlyIdentifierIsReplacement() {
        final Change c = changes(stack("A", "cks-a", "CONNECTED"), template("A", "cks-b", "CONNECTED")).get(0);
        assertThat(c.replacement).isEqualTo("True");
        assertThat(c.details).extracting(d -> d.name + ":" + d.requiresRecreation)
            .containsExactly("CustomKeyStoreId:Always");
    }

    @Test
    void droppedResourcesAreRemovedInReverseOrderAndUnchangedOnesAreNotListed() {
        final List<Change> changes = changes(stack("A", "cks-a", "CONNECTED", "B", "cks-b", "CONNECTED",
            "C", "cks-c", "CONNECTED"), template("A", "cks-a", "CONNECTED"));
        assertThat(changes).extracting(c -> c.action + " " + c.logicalId + " " + c.physicalId)
            .containsExactly("Remove C cks-c", "Remove B cks-b");
    }

    @Test
    void aValueFromAResourceBeingAddedMakesReplacementConditional() {
        final String t = "Resources:\n  New:\n    Type: " + RunnerFixture.TYPE + "\n    Properties:\n"
            + "      CustomKeyStoreId: cks-new\n      ConnectionState: CONNECTED\n"
            + "  A:\n    Type: " + RunnerFixture.TYPE + "\n    Properties:\n      CustomKeyStoreId: !Ref New\n"
            + "      ConnectionState: CONNECTED\n";
        final List<Change> changes = changes(stack("A", "cks-a", "CONNECTED"), t);
        assertThat(changes).extracting(c -> c.action + " " + c.logicalId + " " + c.replacement)
            .containsExactly("Add New null", "Modify A Conditional");
        assertThat(changes.get(1).details.get(0).after).isEqualTo("(known after New is created)");
    }

    @Test
    void refAndGetAttOfExistingResourcesUseTheirPhysicalIdAndAttributes() {
        final String t = template("A", "cks-a", "CONNECTED") + "  B:\n    Type: " + RunnerFixture.TYPE
            + "\n    Properties:\n      CustomKeyStoreId: cks-b\n      ConnectionState: CONNECTED\n"
            + "      ConnectionStateOnDelete: !Sub \"${A}\"\n";
        final StackState s = stack("A", "cks-a", "CONNECTED", "B", "cks-b", "CONNECTED");
        s.resources.get("B").properties.put("ConnectionStateOnDelete", "cks-a");
        assertThat(changes(s, t)).isEmpty();
    }

    @Test
    void aChangeSetWithoutChangesFailsAsInCloudFormationAndTheTableShowsChanges(@TempDir final Path dir)
        throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.deploy("s", RunnerFixture.TWO_STORES, Map.of());
            final ChangeSet none = f.runner.createChangeSet("s", "none", RunnerFixture.TWO_STORES, "t", Map.of());
            assertThat(none.status).isEqualTo("FAILED");
            assertThat(none.executionStatus).isEqualTo("UNAVAILABLE");
            assertThat(none.statusReason).contains("didn't contain changes");
            final ChangeSet flip = f.runner.createChangeSet("s", "flip", null, null, Map.of("XksState",
                "DISCONNECTED"));
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            ChangeSets.print(f.runner.describeChangeSet("s", "flip"), new PrintStream(out, true,
                StandardCharsets.UTF_8));
            assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("Action  LogicalResourceId  PhysicalResourceId     ResourceType")
                .contains("Modify  Xks                cks-0fedcba0987654321  Keyhold::KMS::CustomKeyStoreConnection  "
                    + "False        ConnectionState")
                .contains("Xks.ConnectionState: CONNECTED -> DISCONNECTED (requires recreation: Never)");
            assertThat(flip.parameters).containsEntry("HsmState", "CONNECTED").containsEntry("XksState",
                "DISCONNECTED");
        }
    }
}
