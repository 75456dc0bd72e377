package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.core.Attempt;
import com.keyhold.kms.customkeystoreconnection.core.OwnershipPort;
import java.util.List;
import java.util.stream.Collectors;
import software.amazon.cloudformation.proxy.OperationStatus;
import software.amazon.cloudformation.proxy.ProgressEvent;
import software.amazon.cloudformation.proxy.ResourceHandlerRequest;

/** The key stores this account's stacks manage in the Region, from their ownership records, paged. */
public class ListHandler extends BaseHandlerStd {

    public ListHandler(final HandlerConfig config) {
        super(config);
    }

    /** CloudFormation's ListResources may ask for fewer results; Parameter Store gives at most ten a page. */
    static int pageSize(final Integer maxResults) {
        return maxResults == null || maxResults < 1 ? OwnershipPort.MAX_PAGE_SIZE
            : Math.min(maxResults, OwnershipPort.MAX_PAGE_SIZE);
    }

    @Override
    protected boolean requiresModel() {
        return false;
    }

    @Override
    protected List<String> validate(final ResourceModel model, final ResourceHandlerRequest<ResourceModel> request) {
        return List.of();
    }

    @Override
    protected ProgressEvent<ResourceModel, CallbackContext> handle(final Session session) {
        final OwnershipPort.Page page = callOnce(() -> session.ownership.list(session.request.getNextToken(),
            pageSize(session.request.getMaxResults())),
            new Attempt("GetParametersByPath", "(all managed key stores)", session.region()));
        final List<ResourceModel> models = page.records().stream()
            .map(record -> ResourceModel.builder()
                .customKeyStoreId(record.customKeyStoreId())
                .connectionState(record.connectionState())
                .connectionStateOnDelete(record.connectionStateOnDelete())
                .build())
            .collect(Collectors.toList());
        return ProgressEvent.<ResourceModel, CallbackContext>builder()
            .resourceModels(models)
            .nextToken(page.nextToken())
            .status(OperationStatus.SUCCESS)
            .build();
    }
}
