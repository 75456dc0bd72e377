package com.keyhold.kms.customkeystoreconnection.core;

import java.util.Optional;

/**
 * CloudFormation's DescribeStackResources for one logical id: what a stack holds under it. Implementations throw the
 * AWS SDK's exceptions unchanged, except that a stack that does not exist is an empty answer.
 */
public interface StackResourcesPort {

    /** What a stack lists under a logical id. */
    record Listed(String physicalResourceId, String resourceStatus) {
    }

    /**
     * The resource {@code stackId} lists under {@code logicalResourceId}; empty when the stack does not exist
     * (ValidationError "Stack with id ... does not exist") or lists no such resource.
     */
    Optional<Listed> find(String stackId, String logicalResourceId);
}
