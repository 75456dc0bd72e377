package com.keyhold.kms.customkeystoreconnection.local.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.ParameterVersionNotFoundException;

/**
 * The Secrets Manager calls a dynamic reference needs, through the AWS SDK for Java v2: versions, the AWSCURRENT and
 * AWSPREVIOUS labels, version ids, by name and by ARN, and the state file; and SSM's name:version selector.
 */
class SecretsManagerOperationsTest {
    private final VirtualClock clock = new VirtualClock();
    @TempDir
    Path dir;
    private KmsEmulator emu;
    private SecretsManagerClient sm;

    @BeforeEach
    void start() {
        emu = KmsEmulator.builder().clock(clock).stateFile(dir.resolve("state.json")).build().start();
        sm = SecretsManagerClient.builder().endpointOverride(emu.endpoint()).region(Region.US_EAST_1)
            .httpClient(EmulatorTestSupport.http())
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                EmulatorTestSupport.ACCESS_KEY, EmulatorTestSupport.SECRET_KEY)))
            .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())).build();
    }

    @AfterEach
    void stop() {
        sm.close();
        emu.close();
    }

    @Test
    void versionsMoveTheStagingLabelsAsSecretsManagerDoes() {
        final var created = sm.createSecret(r -> r.name("payments/kmsuser").secretString("{\"password\":\"one\"}"));
        assertThat(created.arn()).matches("arn:aws:secretsmanager:us-east-1:111122223333:secret:payments/kmsuser-"
            + "[A-Za-z0-9]{6}");
        final String first = created.versionId();
        final var put = sm.putSecretValue(r -> r.secretId("payments/kmsuser").secretString("{\"password\":\"two\"}"));
        assertThat(put.versionStages()).containsExactly("AWSCURRENT");

        assertThat(sm.getSecretValue(r -> r.secretId("payments/kmsuser")).secretString()).contains("two");
        final GetSecretValueResponse previous = sm.getSecretValue(r -> r.secretId(created.arn())
            .versionStage("AWSPREVIOUS"));
        assertThat(previous.secretString()).contains("one");
        assertThat(previous.versionId()).isEqualTo(first);
        assertThat(sm.getSecretValue(r -> r.secretId("payments/kmsuser").versionId(first)).versionStages())
            .containsExactly("AWSPREVIOUS");

        // A third value: the first version loses AWSPREVIOUS and keeps only its id.
        sm.putSecretValue(r -> r.secretId("payments/kmsuser").secretString("{\"password\":\"three\"}"));
        assertThat(sm.getSecretValue(r -> r.secretId("payments/kmsuser").versionId(first)).versionStages()).isEmpty();
        assertThat(sm.getSecretValue(r -> r.secretId("payments/kmsuser").versionStage("AWSPREVIOUS")).secretString())
            .contains("two");
        assertThatThrownBy(() -> sm.getSecretValue(r -> r.secretId("payments/kmsuser").versionId(first)
            .versionStage("AWSCURRENT"))).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void refusalsAreSecretsManagersAndNeverEchoTheValue() {
        sm.createSecret(r -> r.name("s").secretString("only"));
        assertThatThrownBy(() -> sm.createSecret(r -> r.name("s").secretString("again")))
            .isInstanceOf(ResourceExistsException.class);
        assertThatThrownBy(() -> sm.getSecretValue(r -> r.secretId("missing")))
            .isInstanceOf(ResourceNotFoundException.class)
            .hasMessageContaining("Secrets Manager can't find the specified secret.");
        assertThatThrownBy(() -> sm.getSecretValue(r -> r.secretId("s").versionStage("AWSPENDING")))
            .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("staging label: AWSPENDING");
        // The same token with the same value is a retry; with another value it is refused.
        final String token = "0123456789abcdef0123456789abcdef";
        sm.putSecretValue(r -> r.secretId("s").secretString("v2").clientRequestToken(token));
        assertThat(sm.putSecretValue(r -> r.secretId("s").secretString("v2").clientRequestToken(token)).versionId())
            .isEqualTo(token);
        assertThatThrownBy(() -> sm.putSecretValue(r -> r.secretId("s").secretString("v3").clientRequestToken(token)))
            .isInstanceOf(ResourceExistsException.class).hasMessageNotContaining("v3");
    }

    @Test
    void secretsSurviveARestartFromTheStateFileAndLoadFromASeed() throws Exception {
        emu.putSecret("payments/kmsuser", "{\"password\":\"one\"}");
        emu.putSecret("payments/kmsuser", "{\"password\":\"two\"}");
        emu.close();
        emu = KmsEmulator.builder().clock(clock).stateFile(dir.resolve("state.json")).build().start();
        final SecretsManagerClient again = SecretsManagerClient.builder().endpointOverride(emu.endpoint())
            .region(Region.US_EAST_1).httpClient(EmulatorTestSupport.http())
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(
                EmulatorTestSupport.ACCESS_KEY, EmulatorTestSupport.SECRET_KEY))).build();
        assertThat(again.getSecretValue(r -> r.secretId("payments/kmsuser").versionStage("AWSPREVIOUS"))
            .secretString()).contains("one");
        again.close();

        final Path seed = dir.resolve("seed.json");
        Files.writeString(seed, "{\"secrets\": [{\"name\": \"xks/proxy\", \"secretString\": \"s\"}]}");
        try (KmsEmulator seeded = KmsEmulator.builder().clock(clock).seedFile(seed).build()) {
            assertThat(seeded.stateJson()).contains("\"xks/proxy\"").contains("AWSCURRENT");
        }
        Files.writeString(seed, "{\"secrets\": [{\"name\": \"x\", \"value\": \"s\"}]}");
        assertThatThrownBy(() -> KmsEmulator.builder().clock(clock).seedFile(seed).build())
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("secrets[0]");
    }

    @Test
    void whatTheEmulatorDoesNotKeepIsRefusedBySecretsManagersRules() {
        assertThatThrownBy(() -> sm.createSecret(r -> r.name("bad name!")))
            .isInstanceOf(software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException.class)
            .hasMessageContaining("Invalid name");
        assertThatThrownBy(() -> sm.createSecret(r -> r.name("binary").secretBinary(
            software.amazon.awssdk.core.SdkBytes.fromUtf8String("b"))))
            .hasMessageContaining("string secrets only");
        // A secret created without a value has no AWSCURRENT version yet.
        assertThat(sm.createSecret(r -> r.name("empty")).versionId()).isNull();
        assertThatThrownBy(() -> sm.getSecretValue(r -> r.secretId("empty")))
            .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("staging label: AWSCURRENT");
        // A version put under its own label leaves AWSCURRENT where it was.
        sm.putSecretValue(r -> r.secretId("empty").secretString("current"));
        final var pending = sm.putSecretValue(r -> r.secretId("empty").secretString("pending")
            .versionStages("AWSPENDING"));
        assertThat(pending.versionStages()).containsExactly("AWSPENDING");
        assertThat(sm.getSecretValue(r -> r.secretId("empty")).secretString()).isEqualTo("current");
        assertThat(sm.getSecretValue(r -> r.secretId("empty").versionStage("AWSPENDING")).secretString())
            .isEqualTo("pending");
        assertThatThrownBy(() -> sm.getSecretValue(r -> r.secretId("arn:aws:secretsmanager:us-east-1:111122223333:"
            + "secret:nothing-AbCdEf"))).isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void ssmGetParameterTakesAVersionSelector() {
        try (SsmClient ssm = EmulatorTestSupport.ssm(emu.endpoint())) {
            ssm.putParameter(r -> r.name("/p").value("one").type(ParameterType.SECURE_STRING));
            ssm.putParameter(r -> r.name("/p").value("two").overwrite(true));
            assertThat(ssm.getParameter(r -> r.name("/p:2").withDecryption(true)).parameter().value())
                .isEqualTo("two");
            assertThatThrownBy(() -> ssm.getParameter(r -> r.name("/p:1").withDecryption(true)))
                .isInstanceOf(ParameterVersionNotFoundException.class);
        }
    }
}
