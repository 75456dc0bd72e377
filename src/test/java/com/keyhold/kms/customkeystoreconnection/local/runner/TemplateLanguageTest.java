package com.keyhold.kms.customkeystoreconnection.local.runner;

import static com.keyhold.kms.customkeystoreconnection.local.runner.RunnerFixture.HSM;
import static com.keyhold.kms.customkeystoreconnection.local.runner.RunnerFixture.XKS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The template language operators use: Conditions (Fn::If, Fn::Equals, Fn::And, Fn::Or, Fn::Not, Condition on
 * resources and outputs), Mappings with Fn::FindInMap, Fn::Sub in both forms, Fn::Join, Fn::Select, Fn::Split,
 * pseudo parameters, AWS::NoValue, and the Number, CommaDelimitedList and List&lt;String&gt; parameter types.
 */
class TemplateLanguageTest {
    private static final ProviderRegistry TYPES = Target.offlineRegistry();
    private static final Map<String, String> PSEUDO = Map.of("AWS::Region", "eu-west-1", "AWS::AccountId",
        "111122223333", "AWS::StackName", "s", "AWS::StackId", "arn:s", "AWS::Partition", "aws",
        "AWS::URLSuffix", "amazonaws.com");

    @TempDir
    Path dir;

    private static final String LANGUAGE = """
        Parameters:
          Env: {Type: String, Default: prod, AllowedValues: [prod, test]}
          Ids: {Type: CommaDelimitedList, Default: "cks-1, cks-2,cks-3"}
          Names: {Type: List<String>, Default: [a, b]}
          Count: {Type: Number, Default: 2, MinValue: 1, MaxValue: 10}
        Mappings:
          ByEnv:
            prod: {State: CONNECTED, Suffix: p}
            test: {State: DISCONNECTED, Suffix: t}
        Conditions:
          IsProd: !Equals [!Ref Env, prod]
          IsTest: !Not [!Condition IsProd]
          Both: !And [!Condition IsProd, !Equals [!Ref Count, "2"]]
          Either: !Or [!Condition IsTest, !Equals [!Select [0, !Ref Ids], cks-1]]
        Resources:
          R:
            Type: Keyhold::KMS::CustomKeyStoreConnection
            Properties:
              CustomKeyStoreId: !Select [1, !Ref Ids]
              ConnectionState: !FindInMap [ByEnv, !Ref Env, State]
              ConnectionStateOnDelete: !If [IsProd, !Ref AWS::NoValue, DISCONNECTED]
        Outputs:
          Sub1: {Value: !Sub "${AWS::Region}-${Env}-${AWS::Partition}"}
          Sub2: {Value: !Sub ["${X}/${Y}", {X: !FindInMap [ByEnv, !Ref Env, Suffix], Y: !Ref Count}]}
          Join: {Value: !Join [":", !Ref Names]}
          Split: {Value: !Select [2, !Split [",", "a,b,c"]]}
          Both: {Value: !If [Both, "yes", "no"]}
          Either: {Value: !If [Either, "yes", "no"]}
          OnlyTest: {Value: t, Condition: IsTest}
          Account: {Value: !Sub "${AWS::AccountId}.${AWS::URLSuffix}"}
        """;

    private static JsonNode resolve(final Template t, final Map<String, String> overrides, final String yaml) {
        final Map<String, String> params = t.parameterValues(overrides, null);
        return Intrinsics.resolve(TemplateReader.read(yaml, "t"), t.values(params, PSEUDO, id -> null, n -> null));
    }

    @Test
    void everyFunctionEvaluates() {
        final Template t = Template.parse(LANGUAGE, "t.yaml", TYPES);
        final Map<String, String> params = t.parameterValues(Map.of(), null);
        final Template prod = t.effective(params, PSEUDO);
        final Intrinsics.Values values = prod.values(params, PSEUDO, id -> null, n -> null);
        final JsonNode props = Intrinsics.resolve(prod.resources().get("R").properties(), values);
        assertThat(props.get("CustomKeyStoreId").asText()).isEqualTo("cks-2");
        assertThat(props.get("ConnectionState").asText()).isEqualTo("CONNECTED");
        assertThat(props.has("ConnectionStateOnDelete")).as("AWS::NoValue removes the property").isFalse();
        final Map<String, String> out = new java.util.LinkedHashMap<>();
        prod.outputs().forEach((name, o) -> out.put(name, Json.compact(Intrinsics.resolve(o.value(), values))));
        assertThat(out).containsEntry("Sub1", "eu-west-1-prod-aws").containsEntry("Sub2", "p/2")
            .containsEntry("Join", "a:b").containsEntry("Split", "c").containsEntry("Both", "yes")
            .containsEntry("Either", "yes").containsEntry("Account", "111122223333.amazonaws.com")
            .doesNotContainKey("OnlyTest");

        final Map<String, String> testParams = t.parameterValues(Map.of("Env", "test", "Count", "3"), null);
        final Template test = t.effective(testParams, PSEUDO);
        final Intrinsics.Values testValues = test.values(testParams, PSEUDO, id -> null, n -> null);
        final JsonNode testProps = Intrinsics.resolve(test.resources().get("R").properties(), testValues);
        assertThat(testProps.get("ConnectionState").asText()).isEqualTo("DISCONNECTED");
        assertThat(testProps.get("ConnectionStateOnDelete").asText()).isEqualTo("DISCONNECTED");
        assertThat(test.outputs()).containsKey("OnlyTest");
        assertThat(Intrinsics.resolve(test.outputs().get("Both").value(), testValues).asText()).isEqualTo("no");
    }

    @Test
    void listParametersAreListsAndNumbersAreChecked() {
        final Template t = Template.parse(LANGUAGE, "t.yaml", TYPES);
        assertThat(resolve(t, Map.of(), "v: !Ref Ids").get("v").toString()).isEqualTo("[\"cks-1\",\"cks-2\",\"cks-3\"]");
        assertThat(resolve(t, Map.of("Names", "x,y,z"), "v: !Join [\"+\", !Ref Names]").get("v").asText())
            .isEqualTo("x+y+z");
        assertThat(resolve(t, Map.of(), "v: !Ref AWS::NotificationARNs").get("v").isArray()).isTrue();
        assertThatThrownBy(() -> t.parameterValues(Map.of("Count", "many"), null))
            .hasMessageContaining("parameter Count: 'many' is not a number (Type Number)");
        assertThatThrownBy(() -> t.parameterValues(Map.of("Count", "11"), null))
            .hasMessageContaining("'11' is greater than MaxValue 10");
    }

    @Test
    void badConditionsAndMappingsAreReportedByName() {
        assertThatThrownBy(() -> Template.parse("""
            Conditions:
              A: !Equals [!Ref Nope, x]
              B: !Condition Missing
              C: {Fn::Base64: x}
            Resources:
              R:
                Type: Keyhold::KMS::CustomKeyStoreConnection
                Condition: Ghost
                Properties:
                  CustomKeyStoreId: !FindInMap [NoMap, a, b]
                  ConnectionState: CONNECTED
            """, "t.yaml", TYPES)).isInstanceOf(UsageException.class)
            .hasMessageContaining("Conditions.A: Ref Nope: conditions may refer to parameters and pseudo parameters")
            .hasMessageContaining("Conditions.B: condition Missing is not declared")
            .hasMessageContaining("Conditions.C: a condition is Fn::Equals, Fn::And, Fn::Or, Fn::Not")
            .hasMessageContaining("Resources.R.Condition: Ghost is not declared in Conditions")
            .hasMessageContaining("Fn::FindInMap NoMap is not in Mappings");
        final Template t = Template.parse(LANGUAGE, "t.yaml", TYPES);
        assertThatThrownBy(() -> resolve(t, Map.of(), "v: !FindInMap [ByEnv, prod, Nope]"))
            .hasMessageContaining("Fn::FindInMap: mapping ByEnv.prod has no key 'Nope'; keys: State, Suffix");
    }

    @Test
    void aConditionTurningFalseRemovesItsResourceAndAValueThatStillNeedsItIsRefused() throws Exception {
        final String template = """
            Parameters:
              WithXks: {Type: String, Default: "true", AllowedValues: ["true", "false"]}
            Conditions:
              HasXks: !Equals [!Ref WithXks, "true"]
            Resources:
              Hsm:
                Type: Keyhold::KMS::CustomKeyStoreConnection
                Properties: {CustomKeyStoreId: %s, ConnectionState: CONNECTED}
              Xks:
                Type: Keyhold::KMS::CustomKeyStoreConnection
                Condition: HasXks
                Properties: {CustomKeyStoreId: %s, ConnectionState: CONNECTED}
            Outputs:
              XksName: {Value: !GetAtt Xks.CustomKeyStoreName, Condition: HasXks}
            """.formatted(HSM, XKS);
        try (RunnerFixture f = new RunnerFixture(dir)) {
            final StackState created = f.deploy("s", template, Map.of());
            assertThat(created.resources).containsOnlyKeys("Hsm", "Xks");
            assertThat(created.outputs).containsKey("XksName");
            final StackState updated = f.deploy("s", template, Map.of("WithXks", "false"));
            assertThat(updated.status).isEqualTo("UPDATE_COMPLETE");
            assertThat(updated.resources).containsOnlyKeys("Hsm");
            assertThat(updated.outputs).doesNotContainKey("XksName");
            assertThat(f.emulator().state(XKS)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.emulator().parameterValue("/keyhold/kms/custom-key-store-connection/" + XKS)).isEmpty();

            final String needsIt = template.replace("Outputs:", """
                  Uses:
                    Type: Keyhold::KMS::CustomKeyStoreConnection
                    Properties: {CustomKeyStoreId: !Ref Xks, ConnectionState: CONNECTED}
                Outputs:""");
            assertThatThrownBy(() -> f.deploy("t", needsIt, Map.of("WithXks", "false")))
                .isInstanceOf(UsageException.class)
                .hasMessageContaining("Resources.Uses.Properties refer to Xks, which its Condition leaves out");
        }
    }
}
