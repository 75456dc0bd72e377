package com.keyhold.kms.customkeystoreconnection;

import software.amazon.cloudformation.proxy.AmazonWebServicesClientProxy;
import software.amazon.cloudformation.proxy.Logger;
import software.amazon.cloudformation.proxy.ProgressEvent;
import software.amazon.cloudformation.proxy.ResourceHandlerRequest;

/** The contract every action handler fulfils, as {@code cfn generate} writes it. */
public abstract class BaseHandler<CallbackT> {
    public abstract ProgressEvent<ResourceModel, CallbackT> handleRequest(
        AmazonWebServicesClientProxy proxy,
        ResourceHandlerRequest<ResourceModel> request,
        CallbackT callbackContext,
        Logger logger);
}
