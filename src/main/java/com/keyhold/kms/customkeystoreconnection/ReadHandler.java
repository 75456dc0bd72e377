package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.core.Observation;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipRecord;
import com.keyhold.kms.customkeystoreconnection.core.TargetState;
import java.util.List;
import software.amazon.cloudformation.proxy.ProgressEvent;
import software.amazon.cloudformation.proxy.ResourceHandlerRequest;

/**
 * Reports reality: ConnectionState is CONNECTED only when KMS says CONNECTED, so drift detection finds a
 * key store that is disconnecting, failed or disconnected out of band. A stack whose resource no longer owns the key
 * store (its record now names another resource) reads NotFound, so its drift shows the resource as deleted instead of
 * reporting the new owner's key store as its own.
 */
public class ReadHandler extends BaseHandlerStd {

    public ReadHandler(final HandlerConfig config) {
        super(config);
    }

    @Override
    protected String actionOnOneKeyStore() {
        return "READ";
    }

    @Override
    protected List<String> validate(final ResourceModel model, final ResourceHandlerRequest<ResourceModel> request) {
        return List.of(); // The identifier, all READ needs, is checked before (ModelRules.namedKeyStore).
    }

    @Override
    protected ProgressEvent<ResourceModel, CallbackContext> handle(final Session session) {
        // A stale record names another resource that no longer holds the key store: this one reads it (an import
        // reads before it holds it), and its first update or delete takes the record over. Reading writes nothing.
        final OwnershipRecord record = ownership(session).owned(session.region());
        final Observation observed = describeOnce(session);
        final ResourceModel model = ResourceModel.builder()
            .customKeyStoreId(session.id())
            .connectionState(TargetState.reported(observed.state()).name())
            .connectionStateOnDelete(record.connectionStateOnDelete())
            .build();
        reportObserved(model, observed);
        return ProgressEvent.defaultSuccessHandler(model);
    }

}
