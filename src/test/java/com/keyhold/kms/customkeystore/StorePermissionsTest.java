package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.keyhold.kms.customkeystoreconnection.WrapperDriver;
import com.keyhold.kms.customkeystoreconnection.local.emulator.RequestLog;
import com.keyhold.kms.customkeystoreconnection.testsupport.EmulatorClients;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import com.keyhold.kms.customkeystoreconnection.local.emulator.CloudFormationService;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

/**
 * Permissions proved, not listed: each handler, driven through its widest path, calls exactly the actions its
 * handler permissions in custom-key-store/schema.json name (KMS and SSM operations map one to one onto actions),
 * plus the ones KMS checks on the caller for it.
 */
class StorePermissionsTest extends StoreTestBase {
    /**
     * What KMS itself checks on the caller of CreateCustomKeyStore and UpdateCustomKeyStore (KMS developer guide:
     * "Control access to your AWS CloudHSM key store" names cloudhsm:DescribeClusters and iam:CreateServiceLinkedRole
     * for key store managers; "Control access to your external key store" ec2:DescribeVpcEndpointServices for a VPC
     * endpoint service of another account). The handler never calls them, so the emulator cannot log them.
     */
    private static final Map<String, Set<String>> CHECKED_BY_KMS = Map.of(
        "create", Set.of("cloudhsm:DescribeClusters", "ec2:DescribeVpcEndpointServices", "iam:CreateServiceLinkedRole"),
        "update", Set.of("cloudhsm:DescribeClusters", "ec2:DescribeVpcEndpointServices"));

    private static Set<String> called(final String action, final Set<String> calls) {
        final Set<String> expected = new TreeSet<>(calls);
        expected.addAll(CHECKED_BY_KMS.getOrDefault(action, Set.of()));
        return expected;
    }

    private static Set<String> permissions(final String action) throws IOException {
        final JSONObject schema = new JSONObject(Files.readString(Path.of("custom-key-store", "schema.json")));
        final Set<String> permissions = new TreeSet<>();
        schema.getJSONObject("handlers").getJSONObject(action).getJSONArray("permissions")
            .forEach(p -> permissions.add(p.toString()));
        return permissions;
    }

    private Set<String> calledSinceCleared() {
        return emulator.requestLog().entries().stream().map(RequestLog.Entry::operation)
            .map(op -> (Set.of("GetParameter", "PutParameter", "DeleteParameter", "GetParametersByPath").contains(op)
                ? "ssm:" : "DescribeStackResources".equals(op) ? "cloudformation:" : "kms:") + op).collect(Collectors.toCollection(TreeSet::new));
    }

    @Test
    void everyHandlerCallsExactlyItsPermissions() throws IOException {
        final Map<String, Object> v1 = hsm("payments-hsm", PASSWORD, "1");
        emulator.requestLog().clear();
        final String id = create(v1);
        assertThat(called("create", calledSinceCleared())).isEqualTo(permissions("create"));

        emulator.requestLog().clear();
        driver.run("READ", with(v1, id), null);
        assertThat(calledSinceCleared()).isEqualTo(permissions("read"));

        emulator.requestLog().clear();
        driver.run("LIST", null, null);
        assertThat(calledSinceCleared()).isEqualTo(permissions("list"));

        // Update and delete each come from a stack that holds the key store while the record's stack no longer does
        // (their widest path: CloudFormation is asked, and the record taken over); the connection is the last's.
        final String[] holder = {"arn:aws:cloudformation:us-east-1:123456789012:stack/moved/1",
            "arn:aws:cloudformation:us-east-1:123456789012:stack/again/2"};
        final WrapperDriver connection = new WrapperDriver(clock, EmulatorClients.at(emulator.endpoint()))
            .as(holder[1], "Connection");
        connection.run("CREATE", Map.of("CustomKeyStoreId", id, "ConnectionState", "CONNECTED"), null);
        emulator.backends().resetKmsuserPassword(CLUSTER, NEW_PASSWORD);
        emulator.stacks(name -> name.equals(holder[0]) ? Optional.of(List.of(new CloudFormationService.Stacks.Resource(
            name, "moved", "Store", id, "Keyhold::KMS::CustomKeyStore", "UPDATE_IN_PROGRESS", null)))
            : Optional.empty());
        driver.as(holder[0], "Store");
        emulator.requestLog().clear();
        final Map<String, Object> v2 = hsm("payments-hsm", NEW_PASSWORD, "2");
        assertThat(driver.run("UPDATE", with(v2, id), with(v1, id)).path("status").asText()).isEqualTo("SUCCESS");
        assertThat(called("update", calledSinceCleared())).isEqualTo(permissions("update"));

        // A key elsewhere in the account, so that delete's count describes one.
        final Map<String, Object> other = hsm("other-hsm", PASSWORD, null);
        other.put("CloudHsmClusterId", "cluster-765432abcdefg");
        emulator.keyCount(create(other), 1);
        holder[0] = holder[1];
        driver.as(holder[0], "Store");
        emulator.requestLog().clear();
        final com.fasterxml.jackson.databind.JsonNode deleted = driver.run("DELETE", with(v2, id), null);
        assertThat(deleted.path("status").asText()).as(deleted.toString()).isEqualTo("SUCCESS");
        assertThat(calledSinceCleared()).isEqualTo(permissions("delete"));

        final Set<String> union = new HashSet<>();
        for (String action : new String[] {"create", "read", "update", "delete", "list"}) {
            union.addAll(permissions(action));
        }
        assertThat(Files.readString(Path.of("custom-key-store", "resource-role.yaml")))
            .as("the execution role allows every permission").contains(union.stream().map(p -> "\"" + p + "\"")
                .toList());
    }
}
