package com.keyhold.kms.customkeystoreconnection.local.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The AWS CLI as an independent client: it finds the emulator through AWS_ENDPOINT_URL_KMS / _SSM, signs with
 * botocore's own SigV4, and parses the answers with botocore's own model. Time is virtual and advanced between
 * calls. A missing {@code aws} fails the test: CI installs it, and a silent skip would hide the gap.
 */
class AwsCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path home;

    private final VirtualClock clock = new VirtualClock();
    private KmsEmulator emu;

    record Result(int exitCode, String stdout, String stderr) {
        JsonNode json() throws IOException {
            return JSON.readTree(stdout);
        }
    }

    @BeforeAll
    static void requireAwsCli() throws Exception {
        try {
            Process p = new ProcessBuilder("aws", "--version").redirectErrorStream(true).start();
            String version = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(version).startsWith("aws-cli/");
            // AWS CLI v1 fetches parameters that look like URLs (the XKS proxy endpoint); take them literally.
            Files.writeString(home.resolve("config"), "[default]\ncli_follow_urlparam = false\n");
        } catch (IOException e) {
            fail("The AWS CLI ('aws') is not on PATH. Install it (e.g. 'pip install awscli' or the AWS CLI v2 "
                    + "installer); these tests use it as an independent client of the emulator. " + e.getMessage());
        }
    }

    @BeforeEach
    void start() {
        emu = KmsEmulator.builder().clock(clock)
                .credentials(EmulatorTestSupport.ACCESS_KEY, EmulatorTestSupport.SECRET_KEY).build().start();
    }

    @AfterEach
    void stop() {
        emu.close();
    }

    private Result aws(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("aws"));
        command.addAll(List.of(args));
        command.add("--output");
        command.add("json");
        ProcessBuilder pb = new ProcessBuilder(command);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("AWS_"));
        env.put("AWS_ENDPOINT_URL_KMS", emu.endpoint().toString());
        env.put("AWS_ENDPOINT_URL_SSM", emu.endpoint().toString());
        env.put("AWS_ACCESS_KEY_ID", EmulatorTestSupport.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", EmulatorTestSupport.SECRET_KEY);
        env.put("AWS_DEFAULT_REGION", "us-east-1");
        // Keep the machine's own AWS configuration out of the test.
        env.put("AWS_CONFIG_FILE", home.resolve("config").toString());
        env.put("AWS_SHARED_CREDENTIALS_FILE", home.resolve("credentials").toString());
        env.put("AWS_MAX_ATTEMPTS", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("aws finished").isTrue();
        return new Result(p.exitValue(), out, err);
    }

    private String state(String id) throws Exception {
        Result r = aws("kms", "describe-custom-key-stores", "--custom-key-store-id", id);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return r.json().path("CustomKeyStores").path(0).path("ConnectionState").asText();
    }

    @Test
    void createConnectWatchAndTheDocumentedErrors() throws Exception {
        Result created = aws("kms", "create-custom-key-store", "--custom-key-store-name", "cli-hsm",
                "--cloud-hsm-cluster-id", "cluster-234567abcdefg", "--trust-anchor-certificate", "certificate",
                "--key-store-password", "kmsPswd1");
        assertThat(created.exitCode()).as(created.stderr()).isZero();
        String id = created.json().path("CustomKeyStoreId").asText();
        assertThat(id).matches("cks-[0-9a-f]{17}");

        Result wrongState = aws("kms", "disconnect-custom-key-store", "--custom-key-store-id", id);
        assertThat(wrongState.exitCode()).isNotZero();
        assertThat(wrongState.stderr()).contains("An error occurred (CustomKeyStoreInvalidStateException) when "
                + "calling the DisconnectCustomKeyStore operation");

        assertThat(aws("kms", "connect-custom-key-store", "--custom-key-store-id", id).exitCode()).isZero();
        assertThat(state(id)).isEqualTo("CONNECTING");
        clock.advance(Duration.ofSeconds(20));
        assertThat(state(id)).isEqualTo("CONNECTED");

        Result missing = aws("kms", "connect-custom-key-store", "--custom-key-store-id", "cks-00000000000000000");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("An error occurred (CustomKeyStoreNotFoundException) when calling "
                + "the ConnectCustomKeyStore operation");
        assertThat(emu.requestCount("DescribeCustomKeyStores")).isEqualTo(2);
    }

    @Test
    void cloudHsmDescribeClustersFromTheDeclarations() throws Exception {
        emu.backends().relatedClusters("cluster-234567abcdefg", "cluster-765432gfedcba")
                .clusterHsms("cluster-2222233333aaa", "us-east-1a").clusterActive("cluster-2222233333aaa", false)
                .missingCluster("cluster-3333344444bbb");
        Result all = aws("cloudhsmv2", "describe-clusters", "--endpoint-url", emu.endpoint().toString());
        assertThat(all.exitCode()).as(all.stderr()).isZero();
        JsonNode clusters = all.json().path("Clusters");
        assertThat(clusters).hasSize(3);
        Map<String, JsonNode> byId = new java.util.TreeMap<>();
        clusters.forEach(c -> byId.put(c.path("ClusterId").asText(), c));
        assertThat(byId).containsOnlyKeys("cluster-234567abcdefg", "cluster-765432gfedcba", "cluster-2222233333aaa");
        assertThat(byId.get("cluster-234567abcdefg").path("State").asText()).isEqualTo("ACTIVE");
        assertThat(byId.get("cluster-234567abcdefg").path("Hsms")).hasSize(2);
        assertThat(byId.get("cluster-234567abcdefg").path("Certificates").path("ClusterCertificate"))
                .isEqualTo(byId.get("cluster-765432gfedcba").path("Certificates").path("ClusterCertificate"));
        assertThat(byId.get("cluster-2222233333aaa").path("State").asText()).isEqualTo("INITIALIZED");
        assertThat(byId.get("cluster-2222233333aaa").path("Certificates").path("ClusterCertificate"))
                .isNotEqualTo(byId.get("cluster-234567abcdefg").path("Certificates").path("ClusterCertificate"));

        Result filtered = aws("cloudhsmv2", "describe-clusters", "--endpoint-url", emu.endpoint().toString(),
                "--filters", "clusterIds=cluster-7777777777zzz,cluster-3333344444bbb");
        assertThat(filtered.exitCode()).as(filtered.stderr()).isZero();
        assertThat(filtered.json().path("Clusters")).as("an undeclared id is healthy; a missing one is not listed")
                .hasSize(1);
        assertThat(filtered.json().path("Clusters").path(0).path("ClusterId").asText())
                .isEqualTo("cluster-7777777777zzz");

        Result paged = aws("cloudhsmv2", "describe-clusters", "--endpoint-url", emu.endpoint().toString(),
                "--page-size", "1");
        assertThat(paged.exitCode()).as(paged.stderr()).isZero();
        assertThat(paged.json().path("Clusters")).as("the CLI follows NextToken").hasSize(3);
    }

    @Test
    void pagingWithLimitMarkerAndTheClisOwnPagination() throws Exception {
        for (int i = 0; i < 5; i++) {
            emu.seedStore(StoreSpec.external("cli-x" + i));
        }
        Result page = aws("kms", "describe-custom-key-stores", "--no-paginate", "--limit", "2");
        JsonNode first = page.json();
        assertThat(first.path("CustomKeyStores")).hasSize(2);
        assertThat(first.path("Truncated").asBoolean()).isTrue();
        Result next = aws("kms", "describe-custom-key-stores", "--no-paginate", "--limit", "2", "--marker",
                first.path("NextMarker").asText());
        assertThat(next.json().path("CustomKeyStores").path(0).path("CustomKeyStoreName").asText()).isEqualTo("cli-x2");

        // Default: the CLI follows NextMarker itself (page size 2), collecting all five.
        Result all = aws("kms", "describe-custom-key-stores", "--page-size", "2");
        assertThat(all.json().path("CustomKeyStores")).hasSize(5);
        assertThat(emu.requestCount("DescribeCustomKeyStores")).isEqualTo(5);
    }

    private JsonNode ok(String... args) throws Exception {
        Result r = aws(args);
        assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.stderr() + r.stdout()).isZero();
        return r.stdout().isBlank() ? JSON.createObjectNode() : r.json();
    }

    private String refused(String... args) throws Exception {
        Result r = aws(args);
        assertThat(r.exitCode()).as(String.join(" ", args)).isNotZero();
        return r.stderr();
    }

    private JsonNode entry(String id) throws Exception {
        return ok("kms", "describe-custom-key-stores", "--custom-key-store-id", id).path("CustomKeyStores").path(0);
    }

    @Test
    void bothTypesAndTheDisconnectedRulesOfUpdate() throws Exception {
        String xks = ok("kms", "create-custom-key-store", "--custom-key-store-name", "cli-xks",
                "--custom-key-store-type", "EXTERNAL_KEY_STORE", "--xks-proxy-uri-endpoint", "https://cli-xks.example.com",
                "--xks-proxy-uri-path", "/kms/xks/v1", "--xks-proxy-connectivity", "PUBLIC_ENDPOINT",
                "--xks-proxy-authentication-credential",
                "AccessKeyId=ABCDEFGHIJKLMNOPQRST,RawSecretAccessKey=" + "a".repeat(43)).path("CustomKeyStoreId").asText();
        String hsm = ok("kms", "create-custom-key-store", "--custom-key-store-name", "cli-hsm",
                "--cloud-hsm-cluster-id", "cluster-234567abcdefg", "--trust-anchor-certificate", "certificate",
                "--key-store-password", "kmsPswd1").path("CustomKeyStoreId").asText();
        assertThat(entry(xks).path("XksProxyConfiguration").path("AccessKeyId").asText()).isEqualTo("ABCDEFGHIJKLMNOPQRST");
        assertThat(refused("kms", "create-custom-key-store", "--custom-key-store-name", "cli-hsm2",
                "--cloud-hsm-cluster-id", "cluster-234567abcdefg", "--trust-anchor-certificate", "certificate",
                "--key-store-password", "kmsPswd1")).contains("(CloudHsmClusterInUseException)");

        ok("kms", "connect-custom-key-store", "--custom-key-store-id", xks);
        ok("kms", "connect-custom-key-store", "--custom-key-store-id", hsm);
        clock.advance(Duration.ofSeconds(20));
        // CONNECTED: the name, and the XKS path and credential change in place; the rest needs DISCONNECTED.
        ok("kms", "update-custom-key-store", "--custom-key-store-id", xks, "--new-custom-key-store-name", "cli-xks-2",
                "--xks-proxy-uri-path", "/v2/kms/xks/v2", "--xks-proxy-authentication-credential",
                "AccessKeyId=ZYXWVUTSRQPONMLKJIHG,RawSecretAccessKey=" + "b".repeat(43));
        ok("kms", "update-custom-key-store", "--custom-key-store-id", hsm, "--new-custom-key-store-name", "cli-hsm-2");
        assertThat(refused("kms", "update-custom-key-store", "--custom-key-store-id", xks, "--xks-proxy-uri-endpoint",
                "https://moved.example.com")).contains("(CustomKeyStoreInvalidStateException)", "XksProxyUriEndpoint");
        assertThat(refused("kms", "update-custom-key-store", "--custom-key-store-id", hsm, "--key-store-password",
                "newPass12")).contains("(CustomKeyStoreInvalidStateException)").doesNotContain("newPass12");
        emu.backends().relatedClusters("cluster-234567abcdefg", "cluster-765432abcdefg");
        assertThat(refused("kms", "update-custom-key-store", "--custom-key-store-id", hsm, "--cloud-hsm-cluster-id",
                "cluster-765432abcdefg")).contains("(CustomKeyStoreInvalidStateException)");

        ok("kms", "disconnect-custom-key-store", "--custom-key-store-id", xks);
        ok("kms", "disconnect-custom-key-store", "--custom-key-store-id", hsm);
        clock.advance(Duration.ofSeconds(5));
        ok("kms", "update-custom-key-store", "--custom-key-store-id", xks, "--xks-proxy-uri-endpoint",
                "https://moved.example.com");
        ok("kms", "update-custom-key-store", "--custom-key-store-id", hsm, "--cloud-hsm-cluster-id",
                "cluster-765432abcdefg");
        assertThat(refused("kms", "update-custom-key-store", "--custom-key-store-id", hsm, "--cloud-hsm-cluster-id",
                "cluster-unrelatedcluster")).contains("(CloudHsmClusterNotRelatedException)");
        JsonNode x = entry(xks);
        assertThat(x.path("CustomKeyStoreName").asText()).isEqualTo("cli-xks-2");
        assertThat(x.path("XksProxyConfiguration").path("UriEndpoint").asText()).isEqualTo("https://moved.example.com");
        assertThat(x.path("XksProxyConfiguration").path("UriPath").asText()).isEqualTo("/v2/kms/xks/v2");
        assertThat(x.path("XksProxyConfiguration").path("AccessKeyId").asText()).isEqualTo("ZYXWVUTSRQPONMLKJIHG");
        assertThat(entry(hsm).path("CloudHsmClusterId").asText()).isEqualTo("cluster-765432abcdefg");
    }

    @Test
    void deleteWithKeysAndKeysPendingDeletion() throws Exception {
        String id = emu.seedStore(StoreSpec.cloudHsm("cli-hsm").state(ConnectionState.CONNECTED));
        JsonNode key = ok("kms", "create-key", "--custom-key-store-id", id, "--origin", "AWS_CLOUDHSM")
                .path("KeyMetadata");
        String keyId = key.path("KeyId").asText();
        assertThat(key.path("CustomKeyStoreId").asText()).isEqualTo(id);
        assertThat(key.path("KeyState").asText()).isEqualTo("Enabled");
        assertThat(refused("kms", "delete-custom-key-store", "--custom-key-store-id", id))
                .contains("(CustomKeyStoreInvalidStateException)");
        ok("kms", "disconnect-custom-key-store", "--custom-key-store-id", id);
        clock.advance(Duration.ofSeconds(5));
        assertThat(refused("kms", "create-key", "--custom-key-store-id", id, "--origin", "AWS_CLOUDHSM"))
                .contains("(CustomKeyStoreInvalidStateException)");
        assertThat(refused("kms", "delete-custom-key-store", "--custom-key-store-id", id))
                .contains("(CustomKeyStoreHasCMKsException)", "1 KMS key(s)");

        JsonNode scheduled = ok("kms", "schedule-key-deletion", "--key-id", keyId, "--pending-window-in-days", "7");
        assertThat(scheduled.path("KeyState").asText()).isEqualTo("PendingDeletion");
        assertThat(ok("kms", "describe-key", "--key-id", keyId).path("KeyMetadata").path("KeyState").asText())
                .isEqualTo("PendingDeletion");
        assertThat(ok("kms", "list-keys").path("Keys")).hasSize(1);
        assertThat(refused("kms", "delete-custom-key-store", "--custom-key-store-id", id))
                .contains("(CustomKeyStoreHasCMKsException)");

        clock.advance(Duration.ofDays(7));
        assertThat(refused("kms", "describe-key", "--key-id", keyId)).contains("(NotFoundException)");
        ok("kms", "delete-custom-key-store", "--custom-key-store-id", id);
        assertThat(ok("kms", "describe-custom-key-stores").path("CustomKeyStores")).isEmpty();
    }

    @Test
    void theKmsuserPasswordModel() throws Exception {
        String id = ok("kms", "create-custom-key-store", "--custom-key-store-name", "cli-hsm",
                "--cloud-hsm-cluster-id", "cluster-234567abcdefg", "--trust-anchor-certificate", "certificate",
                "--key-store-password", "kmsPswd1").path("CustomKeyStoreId").asText();
        ok("kms", "connect-custom-key-store", "--custom-key-store-id", id);
        clock.advance(Duration.ofSeconds(20));
        assertThat(entry(id).path("ConnectionState").asText()).isEqualTo("CONNECTED");
        ok("kms", "disconnect-custom-key-store", "--custom-key-store-id", id);
        clock.advance(Duration.ofSeconds(5));
        // KMS rotated kmsuser's password when it connected: the original one is stale now.
        ok("kms", "update-custom-key-store", "--custom-key-store-id", id, "--key-store-password", "kmsPswd1");
        ok("kms", "connect-custom-key-store", "--custom-key-store-id", id);
        clock.advance(Duration.ofSeconds(20));
        JsonNode failed = entry(id);
        assertThat(failed.path("ConnectionState").asText()).isEqualTo("FAILED");
        assertThat(failed.path("ConnectionErrorCode").asText()).isEqualTo("INVALID_CREDENTIALS");

        ok("kms", "disconnect-custom-key-store", "--custom-key-store-id", id);
        clock.advance(Duration.ofSeconds(5));
        emu.backends().resetKmsuserPassword("cluster-234567abcdefg", "resetPass9");
        ok("kms", "update-custom-key-store", "--custom-key-store-id", id, "--key-store-password", "resetPass9");
        ok("kms", "connect-custom-key-store", "--custom-key-store-id", id);
        clock.advance(Duration.ofSeconds(20));
        assertThat(entry(id).path("ConnectionState").asText()).isEqualTo("CONNECTED");
    }

    @Test
    void ssmPutAndGet() throws Exception {
        Result put = aws("ssm", "put-parameter", "--name", "/keyhold/cli", "--value", "{\"a\":1}", "--type", "String");
        assertThat(put.exitCode()).as(put.stderr()).isZero();
        assertThat(put.json().path("Version").asInt()).isEqualTo(1);
        Result again = aws("ssm", "put-parameter", "--name", "/keyhold/cli", "--value", "x", "--type", "String");
        assertThat(again.stderr()).contains("(ParameterAlreadyExists)");
        Result get = aws("ssm", "get-parameter", "--name", "/keyhold/cli");
        assertThat(get.json().path("Parameter").path("Value").asText()).isEqualTo("{\"a\":1}");
    }
}
