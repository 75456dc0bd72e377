package com.keyhold.kms.customkeystore;

import com.keyhold.kms.customkeystoreconnection.core.FailureKind;
import com.keyhold.kms.customkeystoreconnection.core.KeyholdFailureException;
import com.keyhold.kms.customkeystoreconnection.core.TransitionPlanner;
import java.util.List;
import java.util.Optional;
import org.json.JSONObject;
import software.amazon.awssdk.services.kms.model.CustomKeyStoresListEntry;
import software.amazon.cloudformation.proxy.ProgressEvent;

/**
 * CreateCustomKeyStore, then wait until DescribeCustomKeyStores shows the new key store (eventual consistency). The
 * call is made once: the id is in the model the following invocations carry. A new key store is DISCONNECTED;
 * connecting it is the connection type's job.
 */
public class CreateHandler extends StoreHandler {
    public CreateHandler(final HandlerConfig config) {
        super(config);
    }

    @Override
    protected ProgressEvent<ResourceModel, CallbackContext> handle(final Session session) {
        final ResourceModel model = session.model;
        if (session.context.getCreatedId() == null) {
            final List<String> problems = InputCheck.problems(new JSONObject(
                ResourceModelJson.CODEC.write(model)), true);
            if (!problems.isEmpty()) {
                throw new KeyholdFailureException(FailureKind.InvalidRequest, String.join(" ", problems));
            }
            final String id = call(session, "CreateCustomKeyStore",
                () -> session.admin.create(KeyStoreModels.createRequest(model)));
            session.context.setCreatedId(id);
            progress(session, null);
            session.log(id + ": created; waiting until DescribeCustomKeyStores shows it");
        }
        model.setCustomKeyStoreId(session.context.getCreatedId());
        final Optional<CustomKeyStoresListEntry> entry = describe(session);
        if (entry.isEmpty()) {
            if (session.context.getProgress().elapsed(config.clock().instant())
                .compareTo(TransitionPlanner.DESCRIBE_LAG_GRACE.multipliedBy(3)) > 0) {
                throw new KeyholdFailureException(FailureKind.NotStabilized, String.format("%s: KMS created the key "
                    + "store but DescribeCustomKeyStores has not shown it for %ds. Check it with 'aws kms "
                    + "describe-custom-key-stores --custom-key-store-id %s'; if it exists, import it into the stack, "
                    + "otherwise run the stack operation again.", session.id(),
                    TransitionPlanner.DESCRIBE_LAG_GRACE.multipliedBy(3).toSeconds(), session.id()));
            }
            throw new CallBack(config.schedule().firstDelaySeconds(), session.id()
                + ": created; DescribeCustomKeyStores does not show it yet (KMS is eventually consistent)");
        }
        // The record names this stack's resource and the versions the secrets went under; a failed write calls back
        // and writes again (CreateCustomKeyStore is not repeated: the id is in the context).
        return ProgressEvent.defaultSuccessHandler(KeyStoreModels.read(entry.get(), saveRecord(session, null)));
    }
}
