package com.keyhold.kms.customkeystoreconnection.local.runner;

import static com.keyhold.kms.customkeystoreconnection.local.runner.RunnerFixture.HSM;
import static com.keyhold.kms.customkeystoreconnection.local.runner.RunnerFixture.SPARE;
import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Custom resources through the real CustomResourceHandler: its answer and its continuations, caught in-process. */
class CustomResourceTest {
    private static final String RECORD = "/keyhold/kms/custom-key-store-connection/";
    private static final String TEMPLATE = """
        Parameters:
          Id: {Type: String, Default: cks-1234567890abcdef0}
          State: {Type: String, Default: CONNECTED, AllowedValues: [CONNECTED, DISCONNECTED]}
        Resources:
          Conn:
            Type: Custom::KeyholdConnection
            Properties:
              ServiceToken: arn:aws:lambda:us-east-1:111122223333:function:keyhold-custom-resource:live
              CustomKeyStoreId: !Ref Id
              ConnectionState: !Ref State
        Outputs:
          Name: {Value: !GetAtt Conn.CustomKeyStoreName}
          Id: {Value: !Ref Conn}
        """;

    @TempDir
    Path dir;

    @Test
    void createUpdateReplaceDriftAndDelete() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            StackState s = f.deploy("c", TEMPLATE, Map.of());
            assertThat(s.status).as(s.statusReason).isEqualTo("CREATE_COMPLETE");
            assertThat(s.outputs).containsEntry("Name", "hsm").containsEntry("Id", HSM);
            assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.CONNECTED);
            assertThat(f.output()).contains("Conn                   CREATE_IN_PROGRESS",
                "cks-1234567890abcdef0: CONNECTING for");

            s = f.deploy("c", TEMPLATE, Map.of("State", "DISCONNECTED"));
            assertThat(s.status).as(s.statusReason).isEqualTo("UPDATE_COMPLETE");
            assertThat(f.emulator().state(HSM)).isEqualTo(ConnectionState.DISCONNECTED);

            // A new id: the handler answers a new PhysicalResourceId, and the old one is deleted in the cleanup.
            s = f.deploy("c", TEMPLATE, Map.of("Id", SPARE));
            assertThat(s.status).as(s.statusReason).isEqualTo("UPDATE_COMPLETE");
            assertThat(s.resources.get("Conn").physicalId).isEqualTo(SPARE);
            assertThat(f.emulator().parameterValue(RECORD + HSM)).isEmpty();
            assertThat(f.emulator().parameterValue(RECORD + SPARE)).isPresent();

            assertThat(f.runner.detectDrift("c")).extracting(StackRunner.Drift::status).containsExactly("NOT_CHECKED");
            assertThat(f.runner.deleteStack("c").status).isEqualTo("DELETE_COMPLETE");
            assertThat(f.emulator().parameterValue(RECORD + SPARE)).isEmpty();
        }
    }

    @Test
    void aTransitionLongerThanOneInvocationContinuesInTheNext() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir, b -> b.connectDuration(
            com.keyhold.kms.customkeystoreconnection.local.emulator.KeyStoreType.AWS_CLOUDHSM,
            java.time.Duration.ofMinutes(20)))) {
            final StackState s = f.deploy("c", TEMPLATE, Map.of());
            assertThat(s.status).as(s.statusReason).isEqualTo("CREATE_COMPLETE");
            assertThat(f.output()).contains("Conn: continuing in a new invocation");
            assertThat(f.emulator().requestLog().count("ConnectCustomKeyStore")).isEqualTo(1);
        }
    }

    @Test
    void aRolledBackReplacementDeletesTheNewKeyStoresRecordAndKeepsTheOld() throws Exception {
        final String two = TEMPLATE.replace("Outputs:", """
              Other:
                Type: AWS::CloudFormation::CustomResource
                Properties:
                  ServiceToken: local
                  CustomKeyStoreId: cks-0fedcba0987654321
                  ConnectionState: !Ref OtherState
            Outputs:""").replace("Resources:", "  OtherState: {Type: String, Default: DISCONNECTED}\nResources:");
        try (RunnerFixture f = new RunnerFixture(dir)) {
            assertThat(f.deploy("c", two, Map.of()).status).isEqualTo("CREATE_COMPLETE");
            f.emulator().faults().failNextConnect(RunnerFixture.XKS, "XKS_PROXY_TIMED_OUT");
            final StackState s = f.deploy("c", two, Map.of("Id", SPARE, "OtherState", "CONNECTED"));
            assertThat(s.status).as(s.statusReason).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
            assertThat(s.resources.get("Conn").physicalId).isEqualTo(HSM);
            assertThat(f.emulator().parameterValue(RECORD + HSM)).isPresent();
            assertThat(f.emulator().parameterValue(RECORD + SPARE)).isEmpty();
            assertThat(f.emulator().state(RunnerFixture.XKS)).isEqualTo(ConnectionState.DISCONNECTED);
        }
    }

    @Test
    void aFailedCustomCreateRollsBackWithTheHandlersAnswer() throws Exception {
        try (RunnerFixture f = new RunnerFixture(dir)) {
            f.emulator().faults().failNextConnect(HSM, "INVALID_CREDENTIALS");
            final StackState s = f.deploy("c", TEMPLATE, Map.of());
            assertThat(s.status).isEqualTo("ROLLBACK_COMPLETE");
            assertThat(s.statusReason).contains("NotStabilized", "INVALID_CREDENTIALS");
            assertThat(f.emulator().parameterValue(RECORD + HSM)).isEmpty();
        }
    }
}
