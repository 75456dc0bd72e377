package com.keyhold.kms.customkeystore;

import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;
import software.amazon.cloudformation.proxy.ProgressEvent;

/**
 * DescribeCustomKeyStores by id, and the version properties from the store record: any key store of the account
 * (with or without a record, whichever stack's it is), so that resource import can adopt existing ones. NotFound
 * when it is gone.
 */
public class ReadHandler extends StoreHandler {
    public ReadHandler(final HandlerConfig config) {
        super(config);
    }

    @Override
    protected String actionOnOneKeyStore() {
        return "READ";
    }

    @Override
    protected boolean retriesByCallingBack() {
        return false;
    }

    @Override
    protected ProgressEvent<ResourceModel, CallbackContext> handle(final Session session) {
        final CustomKeyStoresListEntry entry = describe(session).orElseThrow(() -> new KeyholdFailureException(
            FailureKind.NotFound, String.format("%s: KMS has no custom key store with this id in %s.", session.id(),
                session.region())));
        return ProgressEvent.defaultSuccessHandler(KeyStoreModels.read(entry, record(session).orElse(null)));
    }
}
