package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.protocol.ModelCodec;
import com.keyhold.kms.customkeystoreconnection.protocol.JsonType;
import static com.keyhold.kms.customkeystoreconnection.protocol.JsonType.Undeclared.IGNORE;
import static com.keyhold.kms.customkeystoreconnection.protocol.JsonType.Undeclared.REFUSE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

class ResourceModelJsonTest {
    private static final ModelCodec<ResourceModel> CODEC = ResourceModelJson.CODEC;
    private static final ResourceModel FULL = ResourceModel.builder().customKeyStoreId("cks-1")
        .connectionState("CONNECTED").connectionStateOnDelete("DISCONNECTED").customKeyStoreName("hsm")
        .customKeyStoreType("AWS_CLOUDHSM").connectionErrorCode("USER_LOCKED_OUT").observedConnectionState("FAILED")
        .build();

    @Test
    void everyPropertyMakesTheRoundTrip() {
        final JSONObject json = new JSONObject(CODEC.write(FULL));
        assertThat(json.keySet()).containsExactlyInAnyOrderElementsOf(CODEC.names());
        assertThat(CODEC.read(json, "resourceProperties", REFUSE)).isEqualTo(FULL);
    }

    @Test
    void anAbsentMemberIsNoModel() {
        assertThat(CODEC.read(null, "previousResourceProperties", IGNORE)).isNull();
    }

    @Test
    void unsetPropertiesAreLeftOutAndNullsReadAsUnset() {
        assertThat(CODEC.write(ResourceModel.builder().customKeyStoreId("cks-1").build()))
            .containsOnlyKeys("CustomKeyStoreId");
        assertThat(CODEC.read(new JSONObject("{\"CustomKeyStoreId\": \"cks-1\", \"ConnectionState\": null}"),
            "resourceProperties", REFUSE)).isEqualTo(ResourceModel.builder().customKeyStoreId("cks-1").build());
    }

    @Test
    void anUndeclaredNameIsRefusedWithTheNamesThatAreDeclared() {
        assertThatThrownBy(() -> CODEC.read(new JSONObject("{\"Color\": \"blue\"}"), "desiredResourceState", REFUSE))
            .isInstanceOf(KeyholdFailureException.class)
            .hasMessage("desiredResourceState has an unknown property Color. Keyhold::KMS::CustomKeyStoreConnection "
                + "declares CustomKeyStoreId, ConnectionState, ConnectionStateOnDelete, CustomKeyStoreName, "
                + "CustomKeyStoreType, ConnectionErrorCode, ObservedConnectionState.");
    }

    @Test
    void anUndeclaredNameIsIgnoredWhereThePluginIgnoresIt() {
        // A model CloudFormation stored under an earlier schema version, with a property since removed.
        assertThat(CODEC.read(new JSONObject("{\"CustomKeyStoreId\": \"cks-1\", \"Retired\": {\"a\": 1}, "
            + "\"ConnectionStateOnDelete\": null}"), "previousResourceProperties", IGNORE))
            .isEqualTo(ResourceModel.builder().customKeyStoreId("cks-1").build());
    }

    @Test
    void aValueThatIsNotAStringIsRefusedAsGiven() {
        assertThatThrownBy(() -> CODEC.read(new JSONObject("{\"ConnectionState\": 42}"), "resourceProperties", REFUSE))
            .hasMessage("ConnectionState in resourceProperties must be a string; got 42.");
        assertThatThrownBy(() -> CODEC.read(new JSONObject("{\"CustomKeyStoreId\": [\"cks-1\"]}"), "x", REFUSE))
            .hasMessageContaining("got [\"cks-1\"]");
    }
}
