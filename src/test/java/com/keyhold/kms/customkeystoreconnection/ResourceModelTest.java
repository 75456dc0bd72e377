package com.keyhold.kms.customkeystoreconnection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class ResourceModelTest {
    /** One row per property: its schema name and the three ways code reaches it. */
    private record Property(String name, BiFunction<ResourceModel.Builder, String, ResourceModel.Builder> with,
                            BiConsumer<ResourceModel, String> set, Function<ResourceModel, String> get) {
    }

    private static final List<Property> PROPERTIES = List.of(
        new Property("CustomKeyStoreId", ResourceModel.Builder::customKeyStoreId,
            ResourceModel::setCustomKeyStoreId, ResourceModel::getCustomKeyStoreId),
        new Property("ConnectionState", ResourceModel.Builder::connectionState,
            ResourceModel::setConnectionState, ResourceModel::getConnectionState),
        new Property("ConnectionStateOnDelete", ResourceModel.Builder::connectionStateOnDelete,
            ResourceModel::setConnectionStateOnDelete, ResourceModel::getConnectionStateOnDelete),
        new Property("CustomKeyStoreName", ResourceModel.Builder::customKeyStoreName,
            ResourceModel::setCustomKeyStoreName, ResourceModel::getCustomKeyStoreName),
        new Property("CustomKeyStoreType", ResourceModel.Builder::customKeyStoreType,
            ResourceModel::setCustomKeyStoreType, ResourceModel::getCustomKeyStoreType),
        new Property("ConnectionErrorCode", ResourceModel.Builder::connectionErrorCode,
            ResourceModel::setConnectionErrorCode, ResourceModel::getConnectionErrorCode),
        new Property("ObservedConnectionState", ResourceModel.Builder::observedConnectionState,
            ResourceModel::setObservedConnectionState, ResourceModel::getObservedConnectionState));

    private static ResourceModel full() {
        ResourceModel.Builder builder = ResourceModel.builder();
        for (int i = 0; i < PROPERTIES.size(); i++) {
            builder = PROPERTIES.get(i).with().apply(builder, "v" + i);
        }
        return builder.build();
    }

    @Test
    void equalityDependsOnEveryProperty() {
        final ResourceModel model = full();
        assertThat(model).isEqualTo(full()).hasSameHashCodeAs(full()).isNotEqualTo("a string").isNotEqualTo(null);
        assertThat(model.toBuilder().build()).as("toBuilder copies every property").isEqualTo(model).isNotSameAs(model);
        for (Property property : PROPERTIES) {
            final ResourceModel changed = property.with().apply(model.toBuilder(), "other").build();
            assertThat(changed).as(property.name()).isNotEqualTo(model);
            assertThat(model).as(property.name()).isNotEqualTo(changed);
        }
        assertThat(new ResourceModel()).isEqualTo(ResourceModel.builder().build());
        // equals called directly: AssertJ's isEqualTo answers a model compared with itself without calling it.
        assertThat(model.equals(model)).as("reflexive").isTrue();
        assertThat(model.hashCode()).as("the hash follows the properties").isNotEqualTo(new ResourceModel().hashCode());
    }

    @Test
    void eachSetterBuilderMethodAndGetterReachesItsOwnPropertyOnly() {
        for (Property property : PROPERTIES) {
            final ResourceModel built = property.with().apply(ResourceModel.builder(), "value").build();
            final ResourceModel set = new ResourceModel();
            property.set().accept(set, "value");
            assertThat(set).as(property.name() + ": setter and builder agree").isEqualTo(built);
            for (Property other : PROPERTIES) {
                assertThat(other.get().apply(built)).as(property.name() + " read through " + other.name())
                    .isEqualTo(other == property ? "value" : null);
            }
            assertThat(built.toString()).contains(property.name() + "=value");
        }
    }

    @Test
    void aBuiltModelDoesNotChangeWhenItsBuilderGoesOn() {
        final ResourceModel.Builder builder = ResourceModel.builder().customKeyStoreId("cks-1");
        final ResourceModel first = builder.build();
        builder.customKeyStoreId("cks-2");
        assertThat(first.getCustomKeyStoreId()).isEqualTo("cks-1");
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
        assertThatThrownBy(broken::resourceSchemaJSONObject).hasMessageContaining("nowhere.json");
    }
}
