package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.protocol.ModelCodec;

/**
 * The resource model's JSON form: one entry per schema property (ResourceModelSchemaTest keeps this table and
 * schema.json in step). Every property is a string. A null value reads as unset, as the plugin's deserializer reads
 * it. A name the schema does not declare is refused, with the list of those it does, only where the plugin's wrapper
 * validates: the desired state of the first CREATE or UPDATE invocation, so a typo in a template never passes
 * silently. Everywhere else it is ignored, as the plugin ignores it: a model CloudFormation stored under an earlier
 * schema version may still carry a property a later version removed or renamed, and refusing it would leave READ,
 * drift detection, UPDATE and DELETE failing (stacks stuck in DELETE_FAILED or UPDATE_ROLLBACK_FAILED).
 */
final class ResourceModelJson {
    static final ModelCodec<ResourceModel> CODEC = ModelCodec.builder(ResourceModel.TYPE_NAME, ResourceModel::new)
        .string("CustomKeyStoreId", ResourceModel::getCustomKeyStoreId, ResourceModel::setCustomKeyStoreId)
        .string("ConnectionState", ResourceModel::getConnectionState, ResourceModel::setConnectionState)
        .string("ConnectionStateOnDelete", ResourceModel::getConnectionStateOnDelete,
            ResourceModel::setConnectionStateOnDelete)
        .string("CustomKeyStoreName", ResourceModel::getCustomKeyStoreName, ResourceModel::setCustomKeyStoreName)
        .string("CustomKeyStoreType", ResourceModel::getCustomKeyStoreType, ResourceModel::setCustomKeyStoreType)
        .string("ConnectionErrorCode", ResourceModel::getConnectionErrorCode, ResourceModel::setConnectionErrorCode)
        .string("ObservedConnectionState", ResourceModel::getObservedConnectionState,
            ResourceModel::setObservedConnectionState)
        .build();

    private ResourceModelJson() {
    }
}
