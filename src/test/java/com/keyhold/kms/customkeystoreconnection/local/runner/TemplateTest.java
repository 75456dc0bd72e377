package com.keyhold.kms.customkeystoreconnection.local.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Template reading and checking: short forms, parameters and their errors, references, order, unsupported types. */
class TemplateTest {
    private static final ProviderRegistry TYPES = Target.offlineRegistry();

    private static Template parse(final String body) {
        return Template.parse(body, "t.yaml", TYPES);
    }

    private static String resource(final String name, final String id, final String extra) {
        return "  " + name + ":\n    Type: Keyhold::KMS::CustomKeyStoreConnection\n" + extra
            + "    Properties:\n      CustomKeyStoreId: " + id + "\n      ConnectionState: CONNECTED\n";
    }

    @Test
    void yamlShortFormsBecomeLongForms() {
        final JsonNode root = TemplateReader.read("""
            A: !Ref P
            B: !GetAtt Res.CustomKeyStoreName
            C: !Sub "${AWS::Region}-x"
            D: !Join [",", [a, b]]
            E: !!str 12
            """, "t.yaml");
        assertThat(root.get("A").toString()).isEqualTo("{\"Ref\":\"P\"}");
        assertThat(root.get("B").toString()).isEqualTo("{\"Fn::GetAtt\":[\"Res\",\"CustomKeyStoreName\"]}");
        assertThat(root.get("C").toString()).isEqualTo("{\"Fn::Sub\":\"${AWS::Region}-x\"}");
        assertThat(root.get("D").toString()).isEqualTo("{\"Fn::Join\":[\",\",[\"a\",\"b\"]]}");
        assertThat(root.get("E").asText()).isEqualTo("12");
    }

    @Test
    void jsonTemplatesAndBadSyntaxAndUnknownTags() {
        assertThat(parse("{\"Resources\": {\"R\": {\"Type\": \"Keyhold::KMS::CustomKeyStoreConnection\", "
            + "\"Properties\": {\"CustomKeyStoreId\": \"cks-1\", \"ConnectionState\": \"CONNECTED\"}}}}")
            .resources()).containsKey("R");
        assertThatThrownBy(() -> parse("Resources: [a, b")).isInstanceOf(UsageException.class)
            .hasMessageContaining("not a valid JSON or YAML template").hasMessageContaining("line");
        assertThatThrownBy(() -> TemplateReader.read("A: !Bogus x", "t.yaml"))
            .hasMessageContaining("unknown YAML tag !Bogus").hasMessageContaining("!GetAtt");
    }

    @Test
    void aKeyGivenTwiceIsAnErrorNamingTheKeyAndTheLineInYamlAndJson() {
        assertThatThrownBy(() -> parse("""
            Resources:
              A:
                Type: Keyhold::KMS::CustomKeyStoreConnection
                Properties: {CustomKeyStoreId: cks-1, ConnectionState: CONNECTED}
              A:
                Type: Keyhold::KMS::CustomKeyStoreConnection
                Properties: {CustomKeyStoreId: cks-2, ConnectionState: CONNECTED}
            """)).isInstanceOf(UsageException.class)
            .hasMessageContaining("t.yaml: Resources.A is given twice (the second time at line 5)");
        assertThatThrownBy(() -> parse("{\"Resources\": {\"R\": {\"Type\": \"Keyhold::KMS::CustomKeyStoreConnection\",\n"
            + "\"Properties\": {\"CustomKeyStoreId\": \"cks-1\",\n\"CustomKeyStoreId\": \"cks-2\", "
            + "\"ConnectionState\": \"CONNECTED\"}}}}")).isInstanceOf(UsageException.class)
            .hasMessageContaining("Resources.R.Properties.CustomKeyStoreId is given twice (the second time at line 3)");
    }

    @Test
    void aListOrMappingWhereTheSchemaWantsAStringIsCaughtBeforeAnythingRuns() {
        assertThatThrownBy(() -> parse("""
            Resources:
              R:
                Type: Keyhold::KMS::CustomKeyStoreConnection
                Properties:
                  CustomKeyStoreId: {Id: cks-1}
                  ConnectionState: [CONNECTED]
            """)).isInstanceOf(UsageException.class)
            .hasMessageContaining("Resources.R.Properties.ConnectionState must be a string (one of CONNECTED, "
                + "DISCONNECTED), got a list [\"CONNECTED\"]")
            .hasMessageContaining("Resources.R.Properties.CustomKeyStoreId must be a string, got a mapping");
    }

    @Test
    void resolvedValuesAreCheckedAndNoTwoResourcesManageOneKeyStore() {
        final Template t = parse("""
            Parameters:
              Id: {Type: String}
              State: {Type: String}
            Resources:
              A:
                Type: Keyhold::KMS::CustomKeyStoreConnection
                Properties: {CustomKeyStoreId: !Ref Id, ConnectionState: CONNECTED}
              B:
                Type: Keyhold::KMS::CustomKeyStoreConnection
                Properties: {CustomKeyStoreId: cks-1, ConnectionState: !Ref State}
            """);
        final Intrinsics.Values values = Intrinsics.Values.of(Map.of("Id", "cks-1", "State", "OPEN"), Map.of(),
            id -> null);
        assertThatThrownBy(() -> t.checkResolved(values, TYPES, "t.yaml")).isInstanceOf(UsageException.class)
            .hasMessageContaining("Resources A and B all manage key store cks-1")
            .hasMessageContaining("Resources.B.Properties.ConnectionState is 'OPEN'; allowed: CONNECTED, DISCONNECTED");
        t.checkResolved(Intrinsics.Values.of(Map.of("Id", "cks-2", "State", "CONNECTED"), Map.of(), id -> null),
            TYPES, "t.yaml");
    }

    @Test
    void parametersTakeOverridesThenPreviousValuesThenDefaults() {
        final Template t = parse(RunnerFixture.TWO_STORES);
        assertThat(t.parameterValues(Map.of(), null)).containsEntry("HsmState", "CONNECTED");
        assertThat(t.parameterValues(Map.of("HsmState", "DISCONNECTED"), null))
            .containsEntry("HsmState", "DISCONNECTED").containsEntry("XksState", "CONNECTED");
        assertThat(t.parameterValues(Map.of(), Map.of("XksState", "DISCONNECTED")))
            .containsEntry("XksState", "DISCONNECTED");
    }

    @Test
    void parameterErrorsNameTheParameterAndWhatIsAllowed() {
        final Template t = parse(RunnerFixture.TWO_STORES);
        assertThatThrownBy(() -> t.parameterValues(Map.of("HsmState", "OPEN"), null))
            .isInstanceOf(UsageException.class)
            .hasMessageContaining("parameter HsmState: 'OPEN' is not allowed; allowed values: CONNECTED, DISCONNECTED");
        assertThatThrownBy(() -> t.parameterValues(Map.of("Nope", "x"), null))
            .hasMessageContaining("parameter Nope is not declared by the template; its parameters: HsmState, XksState");
        final Template noDefault = parse("""
            Parameters:
              Id: {Type: String, AllowedPattern: "^cks-[a-z0-9]+$", ConstraintDescription: a key store ID}
            Resources:
            """ + resource("R", "!Ref Id", ""));
        assertThatThrownBy(() -> noDefault.parameterValues(Map.of(), null))
            .hasMessageContaining("parameter Id needs a value (it has no Default): add --parameter-overrides Id=<value>");
        assertThatThrownBy(() -> noDefault.parameterValues(Map.of("Id", "my-store"), null))
            .hasMessageContaining("'my-store' does not match the pattern ^cks-[a-z0-9]+$ (a key store ID)");
    }

    @Test
    void badParameterDeclarationsAreReported() {
        assertThatThrownBy(() -> parse("""
            Parameters:
              N: {Type: AWS::EC2::KeyPair::KeyName}
              S: {Type: String, Default: x, AllowedValues: [a, b]}
            Resources:
            """ + resource("R", "cks-1", "")))
            .hasMessageContaining("Parameters.N: Type AWS::EC2::KeyPair::KeyName is not supported; keyhold's runner "
                + "allows String, Number, CommaDelimitedList, List<String>, List<Number>")
            .hasMessageContaining("Parameters.S.Default: 'x' is not allowed; allowed values: a, b")
            .hasMessageContaining("2 problems; nothing was changed");
    }

    @Test
    void unsupportedTypesAreRejectedBeforeAnythingRuns() {
        assertThatThrownBy(() -> parse("""
            Resources:
              Bucket:
                Type: AWS::S3::Bucket
              Conn:
                Type: Custom::KeyholdConnection
                Properties: {CustomKeyStoreId: cks-1, ConnectionState: CONNECTED}
            """))
            .isInstanceOf(UsageException.class)
            .hasMessageContaining("Resources.Bucket: AWS::S3::Bucket is not supported by keyhold: it runs only "
                + "Keyhold::KMS::CustomKeyStoreConnection")
            .hasMessageContaining("Resources.Conn.Properties.ServiceToken is required for a custom resource");
        // A build without a custom-resource provider says so before anything runs.
        final ProviderRegistry without = new ProviderRegistry();
        assertThat(without.find("AWS::CloudFormation::CustomResource")).isNull();
        assertThat(without.unsupportedReason("Custom::KeyholdConnection"))
            .contains("custom resources (Custom::KeyholdConnection) cannot run here: no custom-resource handler")
            .doesNotContain("once", "ships", "yet");
        assertThat(without.unsupportedReason("AWS::S3::Bucket")).contains("and custom resources (Custom::*")
            .doesNotContain("once", "ships", "yet");
    }

    @Test
    void propertiesAreCheckedAgainstTheSchema() {
        assertThatThrownBy(() -> parse("""
            Resources:
              R:
                Type: Keyhold::KMS::CustomKeyStoreConnection
                Properties:
                  CustomKeyStoreId: my-store
                  ConnectionState: OPEN
                  ObservedConnectionState: CONNECTED
                  Colour: blue
            """))
            .hasMessageContaining("CustomKeyStoreId is 'my-store'; it must match ^cks-[a-zA-Z0-9]+$")
            .hasMessageContaining("ConnectionState is 'OPEN'; allowed: CONNECTED, DISCONNECTED")
            .hasMessageContaining("ObservedConnectionState is read-only")
            .hasMessageContaining("Colour is not a property of Keyhold::KMS::CustomKeyStoreConnection; allowed: "
                + "CustomKeyStoreId, ConnectionState, ConnectionStateOnDelete");
        assertThatThrownBy(() -> parse("Resources:\n  R:\n    Type: Keyhold::KMS::CustomKeyStoreConnection\n"))
            .hasMessageContaining("Resources.R.Properties.CustomKeyStoreId is required");
    }

    @Test
    void referencesAreResolvedOrReported() {
        assertThatThrownBy(() -> parse("Resources:\n" + resource("R", "!Ref Missing", "")))
            .hasMessageContaining("Ref to Missing, which is neither a parameter, a resource nor a pseudo parameter");
        assertThatThrownBy(() -> parse("Resources:\n" + resource("A", "cks-1", "")
            + resource("B", "cks-2", "") + "Outputs:\n  O: {Value: !GetAtt A.ConnectionState}\n"))
            .hasMessageContaining("Fn::GetAtt A.ConnectionState: Keyhold::KMS::CustomKeyStoreConnection has no "
                + "attribute ConnectionState; attributes: CustomKeyStoreName, CustomKeyStoreType");
        assertThatThrownBy(() -> parse("Resources:\n" + resource("R", "!If [c, a, b]", "")))
            .hasMessageContaining("condition c is not declared in Conditions");
        assertThatThrownBy(() -> parse("Resources:\n" + resource("R", "!Base64 x", "")))
            .hasMessageContaining("Fn::Base64 is not supported by keyhold's runner");
        assertThatThrownBy(() -> parse("Transform: AWS::Serverless-2016-10-31\nResources:\n"
            + resource("R", "cks-1", ""))).hasMessageContaining("Transform: not supported by keyhold's runner");
        assertThatThrownBy(() -> parse("Resources:\n" + resource("R", "cks-1", "    DependsOn: Ghost\n")))
            .hasMessageContaining("DependsOn: Ghost is not a resource of this template");
    }

    @Test
    void dependencyOrderFollowsRefGetAttSubAndDependsOn() {
        final Template t = parse("Resources:\n"
            + resource("C", "!Sub \"${B}\"", "")
            + resource("B", "!Ref A", "")
            + resource("D", "cks-4", "    DependsOn: [C]\n")
            + resource("A", "cks-1", ""));
        assertThat(t.creationOrder()).containsExactly("A", "B", "C", "D");
        assertThat(t.resources().get("C").dependsOn()).containsExactly("B");
    }

    @Test
    void cyclesAreReported() {
        assertThatThrownBy(() -> parse("Resources:\n" + resource("A", "!Ref B", "") + resource("B", "!Ref A", "")))
            .hasMessageContaining("circular dependency between resources: A -> B -> A");
    }

    @Test
    void intrinsicsEvaluate() {
        final Intrinsics.Values values = new Intrinsics.Values() {
            @Override
            public JsonNode parameter(final String name) {
                return "P".equals(name) ? Json.MAPPER.getNodeFactory().textNode("pv") : null;
            }

            @Override
            public String pseudo(final String name) {
                return "us-west-2";
            }

            @Override
            public String ref(final String logicalId) {
                return "R".equals(logicalId) ? "cks-r" : null;
            }

            @Override
            public JsonNode attribute(final String logicalId, final String attribute) {
                return "R".equals(logicalId) ? Json.MAPPER.getNodeFactory().textNode("name-r") : null;
            }
        };
        final JsonNode resolved = Intrinsics.resolve(TemplateReader.read("""
            a: !Sub "${P}/${R}/${R.CustomKeyStoreName}/${AWS::Region}/${!Literal}"
            b: !Join ["-", [!Ref P, x]]
            c: !Select [1, [x, !Ref R]]
            d: !Ref AWS::NoValue
            e: !Ref Later
            """, "t"), values);
        assertThat(resolved.get("a").asText()).isEqualTo("pv/cks-r/name-r/us-west-2/${Literal}");
        assertThat(resolved.get("b").asText()).isEqualTo("pv-x");
        assertThat(resolved.get("c").asText()).isEqualTo("cks-r");
        assertThat(resolved.has("d")).isFalse();
        assertThat(Intrinsics.isUnresolved(resolved.get("e"))).isTrue();
        assertThat(Intrinsics.display(resolved.get("e"))).isEqualTo("(known after Later is created)");
    }
}
