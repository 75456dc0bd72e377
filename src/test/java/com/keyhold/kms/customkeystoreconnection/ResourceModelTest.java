package com.keyhold.kms.customkeystoreconnection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class ResourceModelTest {
    private static final List<BiFunction<ResourceModel.Builder, String, ResourceModel.Builder>> SETTERS = List.of(
        ResourceModel.Builder::customKeyStoreId, ResourceModel.Builder::connectionState,
        ResourceModel.Builder::connectionStateOnDelete, ResourceModel.Builder::customKeyStoreName,
        ResourceModel.Builder::customKeyStoreType, ResourceModel.Builder::connectionErrorCode,
        ResourceModel.Builder::observedConnectionState);

    private static ResourceModel full() {
        ResourceModel.Builder builder = ResourceModel.builder();
        for (int i = 0; i < SETTERS.size(); i++) {
            builder = SETTERS.get(i).apply(builder, "v" + i);
        }
        return builder.build();
    }

    @Test
    void equalityDependsOnEveryProperty() {
        final ResourceModel model = full();
        assertThat(model).isEqualTo(full()).hasSameHashCodeAs(full()).isEqualTo(model).isNotEqualTo("a string");
        for (BiFunction<ResourceModel.Builder, String, ResourceModel.Builder> setter : SETTERS) {
            final ResourceModel changed = setter.apply(model.toBuilder(), "other").build();
            assertThat(changed).isNotEqualTo(model);
            assertThat(model).isNotEqualTo(changed);
        }
        assertThat(new ResourceModel()).isEqualTo(ResourceModel.builder().build());
    }

    @Test
    void settersGettersAndToStringCoverEveryProperty() {
        final ResourceModel model = new ResourceModel();
        model.setCustomKeyStoreId("cks-1");
        model.setConnectionState("CONNECTED");
        model.setConnectionStateOnDelete("UNCHANGED");
        model.setCustomKeyStoreName("n");
        model.setCustomKeyStoreType("AWS_CLOUDHSM");
        model.setConnectionErrorCode("USER_LOCKED_OUT");
        model.setObservedConnectionState("FAILED");
        assertThat(model.toBuilder().build()).isEqualTo(model);
        assertThat(model.toString()).contains("CustomKeyStoreId=cks-1", "ConnectionState=CONNECTED",
            "ConnectionStateOnDelete=UNCHANGED", "CustomKeyStoreName=n", "CustomKeyStoreType=AWS_CLOUDHSM",
            "ConnectionErrorCode=USER_LOCKED_OUT", "ObservedConnectionState=FAILED");
        assertThat(model.getConnectionErrorCode()).isEqualTo("USER_LOCKED_OUT");
    }

    @Test
    void primaryIdentifierOnlyWhenTheIdIsKnown() {
        assertThat(new ResourceModel().getPrimaryIdentifier()).isNull();
        assertThat(ResourceModel.builder().customKeyStoreId("cks-1").build().getPrimaryIdentifier()
            .getString(ResourceModel.IDENTIFIER_KEY_CUSTOMKEYSTOREID)).isEqualTo("cks-1");
        assertThat(new ResourceModel().getAdditionalIdentifiers()).isNull();
    }

    @Test
    void aMissingSchemaIsReportedByName() {
        final BaseConfiguration broken = new BaseConfiguration("nowhere.json") {
        };
        org.assertj.core.api.Assertions.assertThatThrownBy(broken::resourceSchemaJSONObject)
            .hasMessageContaining("nowhere.json");
    }
}
