package com.keyhold.kms.customkeystoreconnection.core;

/**
 * Why an operation failed, named exactly as CloudFormation's HandlerErrorCode so that an entry
 * point can translate by name without the core depending on the plugin.
 */
public enum FailureKind {
    InvalidRequest,
    NotFound,
    AlreadyExists,
    /** An update that would change a create-only property: CloudFormation replaces the resource for that. */
    NotUpdatable,
    NotStabilized,
    AccessDenied,
    Throttling,
    ServiceInternalError,
    NetworkFailure,
    ResourceConflict,
    ServiceLimitExceeded,
    GeneralServiceException,
    InternalFailure
}
