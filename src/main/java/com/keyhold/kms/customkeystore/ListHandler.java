package com.keyhold.kms.customkeystore;

import java.util.List;
import software.amazon.awssdk.services.kms.model.DescribeCustomKeyStoresResponse;
import software.amazon.cloudformation.proxy.OperationStatus;
import software.amazon.cloudformation.proxy.ProgressEvent;

/**
 * Every custom key store of the account and Region, one DescribeCustomKeyStores page per request: as many as the
 * request's maxResults asks (KMS allows 1 to 1,000 a page), KMS's own default page when it asks none.
 */
public class ListHandler extends StoreHandler {
    /** The most DescribeCustomKeyStores returns in one page (its Limit's maximum). */
    static final int MAX_PAGE_SIZE = 1000;

    static Integer pageSize(final Integer maxResults) {
        return maxResults == null || maxResults < 1 ? null : Math.min(maxResults, MAX_PAGE_SIZE);
    }

    public ListHandler(final HandlerConfig config) {
        super(config);
    }

    @Override
    protected boolean requiresModel() {
        return false;
    }

    @Override
    protected boolean retriesByCallingBack() {
        return false;
    }

    @Override
    protected ProgressEvent<ResourceModel, CallbackContext> handle(final Session session) {
        final DescribeCustomKeyStoresResponse page = call(session, "DescribeCustomKeyStores",
            () -> session.admin.list(session.request.getNextToken(),
                pageSize(session.request.getMaxResults())));
        final List<ResourceModel> models = page.customKeyStores().stream()
            .map(entry -> KeyStoreModels.read(entry, null)).toList();
        return ProgressEvent.<ResourceModel, CallbackContext>builder().resourceModels(models)
            .nextToken(Boolean.TRUE.equals(page.truncated()) ? page.nextMarker() : null)
            .status(OperationStatus.SUCCESS).build();
    }
}
