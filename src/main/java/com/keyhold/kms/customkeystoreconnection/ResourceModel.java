package com.keyhold.kms.customkeystoreconnection;

import java.util.List;
import java.util.Objects;
import org.json.JSONObject;

/**
 * The resource's properties, as {@code cfn generate} would write them from schema.json (by hand, since
 * the build must not need the CloudFormation CLI). Their JSON names are in {@link ResourceModelJson};
 * ResourceModelSchemaTest keeps both in step with the schema.
 */
public class ResourceModel {
    public static final String TYPE_NAME = "Keyhold::KMS::CustomKeyStoreConnection";

    public static final String IDENTIFIER_KEY_CUSTOMKEYSTOREID = "/properties/CustomKeyStoreId";

    private String customKeyStoreId;

    private String connectionState;

    private String connectionStateOnDelete;

    private String customKeyStoreName;

    private String customKeyStoreType;

    private String connectionErrorCode;

    private String observedConnectionState;

    public ResourceModel() {
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().customKeyStoreId(customKeyStoreId).connectionState(connectionState)
            .connectionStateOnDelete(connectionStateOnDelete).customKeyStoreName(customKeyStoreName)
            .customKeyStoreType(customKeyStoreType).connectionErrorCode(connectionErrorCode)
            .observedConnectionState(observedConnectionState);
    }

    public JSONObject getPrimaryIdentifier() {
        final JSONObject identifier = new JSONObject();
        if (customKeyStoreId != null) {
            identifier.put(IDENTIFIER_KEY_CUSTOMKEYSTOREID, customKeyStoreId);
        }
        // Only return the identifier if it can be used, i.e. if all components are present.
        return identifier.length() == 1 ? identifier : null;
    }

    public List<Object> getAdditionalIdentifiers() {
        return null;
    }

    public String getCustomKeyStoreId() {
        return customKeyStoreId;
    }

    public void setCustomKeyStoreId(final String customKeyStoreId) {
        this.customKeyStoreId = customKeyStoreId;
    }

    public String getConnectionState() {
        return connectionState;
    }

    public void setConnectionState(final String connectionState) {
        this.connectionState = connectionState;
    }

    public String getConnectionStateOnDelete() {
        return connectionStateOnDelete;
    }

    public void setConnectionStateOnDelete(final String connectionStateOnDelete) {
        this.connectionStateOnDelete = connectionStateOnDelete;
    }

    public String getCustomKeyStoreName() {
        return customKeyStoreName;
    }

    public void setCustomKeyStoreName(final String customKeyStoreName) {
        this.customKeyStoreName = customKeyStoreName;
    }

    public String getCustomKeyStoreType() {
        return customKeyStoreType;
    }

    public void setCustomKeyStoreType(final String customKeyStoreType) {
        this.customKeyStoreType = customKeyStoreType;
    }

    public String getConnectionErrorCode() {
        return connectionErrorCode;
    }

    public void setConnectionErrorCode(final String connectionErrorCode) {
        this.connectionErrorCode = connectionErrorCode;
    }

    public String getObservedConnectionState() {
        return observedConnectionState;
    }

    public void setObservedConnectionState(final String observedConnectionState) {
        this.observedConnectionState = observedConnectionState;
    }

    @Override
    public boolean equals(final Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof ResourceModel)) {
            return false;
        }
        final ResourceModel that = (ResourceModel) other;
        return Objects.equals(customKeyStoreId, that.customKeyStoreId)
            && Objects.equals(connectionState, that.connectionState)
            && Objects.equals(connectionStateOnDelete, that.connectionStateOnDelete)
            && Objects.equals(customKeyStoreName, that.customKeyStoreName)
            && Objects.equals(customKeyStoreType, that.customKeyStoreType)
            && Objects.equals(connectionErrorCode, that.connectionErrorCode)
            && Objects.equals(observedConnectionState, that.observedConnectionState);
    }

    @Override
    public int hashCode() {
        return Objects.hash(customKeyStoreId, connectionState, connectionStateOnDelete, customKeyStoreName,
            customKeyStoreType, connectionErrorCode, observedConnectionState);
    }

    @Override
    public String toString() {
        return "ResourceModel(CustomKeyStoreId=" + customKeyStoreId + ", ConnectionState=" + connectionState
            + ", ConnectionStateOnDelete=" + connectionStateOnDelete + ", CustomKeyStoreName=" + customKeyStoreName
            + ", CustomKeyStoreType=" + customKeyStoreType + ", ConnectionErrorCode=" + connectionErrorCode
            + ", ObservedConnectionState=" + observedConnectionState + ")";
    }

    public static final class Builder {
        private final ResourceModel model = new ResourceModel();

        public Builder customKeyStoreId(final String value) {
            model.customKeyStoreId = value;
            return this;
        }

        public Builder connectionState(final String value) {
            model.connectionState = value;
            return this;
        }

        public Builder connectionStateOnDelete(final String value) {
            model.connectionStateOnDelete = value;
            return this;
        }

        public Builder customKeyStoreName(final String value) {
            model.customKeyStoreName = value;
            return this;
        }

        public Builder customKeyStoreType(final String value) {
            model.customKeyStoreType = value;
            return this;
        }

        public Builder connectionErrorCode(final String value) {
            model.connectionErrorCode = value;
            return this;
        }

        public Builder observedConnectionState(final String value) {
            model.observedConnectionState = value;
            return this;
        }

        public ResourceModel build() {
            return model.toBuilder().model;
        }
    }
}
