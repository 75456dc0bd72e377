package com.keyhold.kms.customkeystore;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.keyhold.kms.customkeystoreconnection.core.StoreRecord;
import com.keyhold.kms.customkeystoreconnection.local.emulator.ConnectionState;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.XksProxyConfigurationType;

/**
 * Issue #19 item 3: an external key store's connectivity switches both ways through a stack update. A move to
 * PUBLIC_ENDPOINT clears the VPC endpoint service name (sent as ""); an owner the API cannot clear is refused before
 * any call.
 */
class StoreXksConnectivityTest extends StoreTestBase {
    private static final String SERVICE = "com.amazonaws.vpce.us-east-1.vpce-svc-0abc123";
    private static final String OWNER = "111122223333";

    private static Map<String, Object> vpc(final String endpoint) {
        final Map<String, Object> props = xks(endpoint, ACCESS_KEY_ID, XKS_SECRET);
        props.put("XksProxyConnectivity", "VPC_ENDPOINT_SERVICE");
        props.put("XksProxyVpcEndpointServiceName", SERVICE);
        props.put("XksProxyVpcEndpointServiceOwner", OWNER);
        return props;
    }

    private XksProxyConfigurationType kmsView(final String id) {
        try (KmsClient kms = KmsClient.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .httpClient(UrlConnectionHttpClient.create()).build()) {
            return kms.describeCustomKeyStores(r -> r.customKeyStoreId(id)).customKeyStores().get(0)
                .xksProxyConfiguration();
        }
    }

    @Test
    void vpcToPublicAndBackThroughStackUpdates() {
        final Map<String, Object> onVpc = vpc("https://xks-private.example.com");
        final String id = create(onVpc);
        connect(id);

        final Map<String, Object> onPublic = xks("https://xks-public.example.com", ACCESS_KEY_ID, XKS_SECRET);
        final JsonNode toPublic = driver.run("UPDATE", with(onPublic, id), with(onVpc, id));
        assertThat(toPublic.path("status").asText()).as(toPublic.toString()).isEqualTo("SUCCESS");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(kmsView(id).connectivityAsString()).isEqualTo("PUBLIC_ENDPOINT");
        assertThat(kmsView(id).vpcEndpointServiceName()).isNull();
        assertThat(kmsView(id).vpcEndpointServiceOwner()).isNull();
        assertThat(toPublic.path("resourceModel").has("XksProxyVpcEndpointServiceName")).isFalse();
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(1);
        assertThat(calls("DisconnectCustomKeyStore")).isEqualTo(1);
        assertThat(calls("ConnectCustomKeyStore")).isEqualTo(1);

        final Map<String, Object> back = vpc("https://xks-private2.example.com");
        final JsonNode toVpc = driver.run("UPDATE", with(back, id), with(onPublic, id));
        assertThat(toVpc.path("status").asText()).as(toVpc.toString()).isEqualTo("SUCCESS");
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(kmsView(id).connectivityAsString()).isEqualTo("VPC_ENDPOINT_SERVICE");
        assertThat(kmsView(id).vpcEndpointServiceName()).isEqualTo(SERVICE);
        assertThat(kmsView(id).vpcEndpointServiceOwner()).isEqualTo(OWNER);
        assertThat(calls("UpdateCustomKeyStore")).isEqualTo(2);
        assertNoSecretAnywhere();
    }

    @Test
    void anOwnerTheTemplateDroppedWhileStayingOnTheVpcIsRefusedBeforeAnyCall() {
        final Map<String, Object> onVpc = vpc("https://xks-private.example.com");
        final String id = create(onVpc);
        connect(id);
        final Optional<String> record = emulator.parameterValue(StoreRecord.parameterName(id));

        final Map<String, Object> noOwner = vpc("https://xks-private3.example.com");
        noOwner.remove("XksProxyVpcEndpointServiceOwner");
        final JsonNode refused = driver.run("UPDATE", with(noOwner, id), with(onVpc, id));
        assertThat(refused.path("status").asText()).as(refused.toString()).isEqualTo("FAILED");
        assertThat(refused.path("errorCode").asText()).isEqualTo("InvalidRequest");
        assertThat(refused.path("message").asText()).contains("no longer sets XksProxyVpcEndpointServiceOwner")
            .contains("KMS holds " + OWNER).contains("cannot clear it").contains("Nothing was changed");
        assertThat(calls("DisconnectCustomKeyStore")).isZero();
        assertThat(calls("UpdateCustomKeyStore")).isZero();
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(kmsView(id).uriEndpoint()).isEqualTo("https://xks-private.example.com");
        assertThat(emulator.parameterValue(StoreRecord.parameterName(id))).isEqualTo(record);
    }

    @Test
    void aConnectivityChangeWithoutANewEndpointIsRefusedBeforeAnyCall() {
        final Map<String, Object> onVpc = vpc("https://xks-private.example.com");
        final String id = create(onVpc);
        connect(id);
        final Optional<String> record = emulator.parameterValue(StoreRecord.parameterName(id));

        final Map<String, Object> publicSameEndpoint = xks("https://xks-private.example.com", ACCESS_KEY_ID, XKS_SECRET);
        publicSameEndpoint.put("XksProxyConnectivity", "PUBLIC_ENDPOINT");
        final JsonNode refused = driver.run("UPDATE", with(publicSameEndpoint, id), with(onVpc, id));
        assertThat(refused.path("status").asText()).as(refused.toString()).isEqualTo("FAILED");
        assertThat(refused.path("errorCode").asText()).isEqualTo("InvalidRequest");
        assertThat(refused.path("message").asText()).contains("XksProxyConnectivity changes to PUBLIC_ENDPOINT")
            .contains("XksProxyUriEndpoint stays https://xks-private.example.com").contains("the key store was not "
                + "disconnected");
        assertThat(calls("DisconnectCustomKeyStore")).isZero();
        assertThat(calls("UpdateCustomKeyStore")).isZero();
        assertThat(emulator.state(id)).isEqualTo(ConnectionState.CONNECTED);
        assertThat(kmsView(id).connectivityAsString()).isEqualTo("VPC_ENDPOINT_SERVICE");
        assertThat(emulator.parameterValue(StoreRecord.parameterName(id))).isEqualTo(record);
    }
}
