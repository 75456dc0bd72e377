package com.keyhold.kms.customkeystoreconnection.core;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Predicate;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.kms.model.CloudHsmClusterInvalidConfigurationException;
import software.amazon.awssdk.services.kms.model.CloudHsmClusterNotActiveException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreInvalidStateException;
import software.amazon.awssdk.services.kms.model.CustomKeyStoreNotFoundException;
import software.amazon.awssdk.services.kms.model.DependencyTimeoutException;
import software.amazon.awssdk.services.kms.model.KmsInternalException;

/**
 * The error table of guides/OPERATIONS.md (troubleshooting), as code: which AWS error becomes which failure, whether
 * it is worth retrying, and what the operator reads. The first matching rule wins; a resource type's own rules ({@link #extend}) come first.
 */
public final class ErrorTranslator {

    /**
     * Rules a resource type adds, by the AWS error code (e.g. {@code CustomKeyStoreNameInUseException}): a
     * translation, or empty to leave the error to the next rules.
     */
    @FunctionalInterface
    public interface Extension {
        Optional<Translation> translate(String errorCode, Attempt attempt);
    }

    private final List<Extension> extensions;

    public ErrorTranslator() {
        this(List.of());
    }

    private ErrorTranslator(final List<Extension> extensions) {
        this.extensions = extensions;
    }

    /** A translator that consults {@code extension} before this one's rules (and before earlier extensions). */
    public ErrorTranslator extend(final Extension extension) {
        final List<Extension> all = new ArrayList<>();
        all.add(extension);
        all.addAll(extensions);
        return new ErrorTranslator(List.copyOf(all));
    }

    /** A classified error. Retryable errors are retried with backoff and become {@code kind} only when retries run out. */
    public record Translation(FailureKind kind, boolean retryable, String message) {
        public Failure failure() {
            return new Failure(kind, message);
        }
    }

    private record Rule(Predicate<Throwable> matches, FailureKind kind, boolean retryable,
                        BiFunction<Throwable, Attempt, String> message) {
    }

    private static final List<Rule> RULES = List.of(
        new Rule(CustomKeyStoreNotFoundException.class::isInstance, FailureKind.NotFound, false,
            (e, a) -> String.format("Custom key store %s was not found in Region %s of this account. CustomKeyStoreId must "
                + "be the key store's id (cks-...), not its name, and the stack must run in the key store's Region.",
                a.keyStoreId(), a.region())),
        // KMS's input validation (a value outside a parameter's constraints, a parameter missing or not allowed for
        // the key store's type): the input is wrong, not the service, so InvalidRequest, with KMS's own words on what.
        new Rule(e -> "ValidationException".equals(errorCode(e)), FailureKind.InvalidRequest, false,
            (e, a) -> String.format("%s: KMS refused %s as invalid input: %s Correct the property it names (what KMS "
                + "accepts is in the KMS API reference for %s), then run the stack operation again.",
                a.keyStoreId(), a.operation(), withoutValues(((AwsServiceException) e).awsErrorDetails().errorMessage()),
                a.operation())),
        new Rule(CloudHsmClusterNotActiveException.class::isInstance, FailureKind.InvalidRequest, false,
            (e, a) -> String.format("%s: %s was refused because CloudHSM cluster %s is not active. Initialize and "
                + "activate the cluster and make sure it has at least one ACTIVE HSM, then run the stack operation again.",
                a.keyStoreId(), a.operation(), a.clusterOrUnknown())),
        new Rule(CloudHsmClusterInvalidConfigurationException.class::isInstance, FailureKind.InvalidRequest, false,
            (e, a) -> String.format("%s: %s was refused because CloudHSM cluster %s does not meet KMS's requirements: it "
                + "needs private subnets in at least two Availability Zones, its security group "
                + "cloudhsm-cluster-<cluster-id>-sg must allow TCP 2223-2225 to and from itself, and it must have at "
                + "least one active HSM. Fix the cluster, then run the stack operation again.",
                a.keyStoreId(), a.operation(), a.clusterOrUnknown())),
        new Rule(CustomKeyStoreInvalidStateException.class::isInstance, FailureKind.ResourceConflict, true,
            (e, a) -> String.format("%s: KMS refused %s because the key store changed state after Keyhold looked at it; "
                + "another caller appears to be connecting or disconnecting it. Stop the other change, then run the "
                + "stack operation again.", a.keyStoreId(), a.operation())),
        new Rule(ErrorTranslator::isAccessDenied, FailureKind.AccessDenied, false,
            (e, a) -> String.format("%s: the handler's execution role may not call %s: it needs the IAM permission %s. "
                + "Add it to the execution role (see resource-role.yaml), then run the stack operation again.",
                a.keyStoreId(), a.operation(), a.permission())),
        new Rule(e -> e instanceof AwsServiceException && ((AwsServiceException) e).isThrottlingException(),
            FailureKind.Throttling, true,
            (e, a) -> String.format("%s: AWS kept throttling %s. Other callers in this account and Region are using the "
                + "quota (5 requests per second for custom key store operations); retry the stack operation later or "
                + "request a quota increase.", a.keyStoreId(), a.operation())),
        new Rule(e -> e instanceof KmsInternalException || e instanceof DependencyTimeoutException
                || e instanceof AwsServiceException && ((AwsServiceException) e).statusCode() >= 500,
            FailureKind.ServiceInternalError, true,
            (e, a) -> String.format("%s: AWS kept answering %s with an internal error (%s). This is on the service side; "
                + "check the AWS Health Dashboard for %s and run the stack operation again later.",
                a.keyStoreId(), a.operation(), errorCode(e), a.region())),
        new Rule(ErrorTranslator::isNetworkFailure, FailureKind.NetworkFailure, true,
            (e, a) -> String.format("%s: the handler could not reach AWS for %s (%s). Check the network path to the KMS "
                + "and SSM endpoints of %s, then run the stack operation again.",
                a.keyStoreId(), a.operation(), e.getMessage(), a.region())),
        new Rule(AwsServiceException.class::isInstance, FailureKind.GeneralServiceException, false,
            (e, a) -> String.format("%s: %s failed: %s (%s).", a.keyStoreId(), a.operation(),
                ((AwsServiceException) e).awsErrorDetails() == null ? e.getMessage()
                    : ((AwsServiceException) e).awsErrorDetails().errorMessage(), errorCode(e))));

    public Translation translate(final Throwable error, final Attempt attempt) {
        if (error instanceof AwsServiceException && ((AwsServiceException) error).awsErrorDetails() != null) {
            for (Extension extension : extensions) {
                final Optional<Translation> own = extension.translate(errorCode(error), attempt);
                if (own.isPresent()) {
                    return own.get();
                }
            }
        }
        for (Rule rule : RULES) {
            if (rule.matches().test(error)) {
                return new Translation(rule.kind(), rule.retryable(), rule.message().apply(error, attempt));
            }
        }
        return new Translation(FailureKind.InternalFailure, false, String.format(
            "%s: %s failed unexpectedly: %s. This is a Keyhold defect; report it with the stack events.",
            attempt.keyStoreId(), attempt.operation(), error));
    }

    /** A value KMS quotes back ("Value '...' at 'keyStorePassword'") may be a secret: only where it was is kept. */
    static String withoutValues(final String message) {
        if (message == null || message.isBlank()) {
            return "(KMS gave no detail).";
        }
        // Up to the member name KMS names next ("at 'keyStorePassword' failed to satisfy"), so that a value that
        // itself holds "' at '" is still dropped whole.
        final String kept = message.replaceAll("(?s)Value '.*?' at '(?=[A-Za-z][A-Za-z0-9.\\[\\]]*' failed to satisfy)",
            "A value at '").replaceAll("(?s)Value '.*?' at '(?=[A-Za-z][A-Za-z0-9.\\[\\]]*')", "A value at '").strip();
        return kept.endsWith(".") ? kept : kept + ".";
    }

    /** Whether AWS refused the call for lack of permission (IAM or a resource policy such as a key policy). */
    public static boolean isAccessDenied(final Throwable e) {
        if (!(e instanceof AwsServiceException)) {
            return false;
        }
        final AwsServiceException service = (AwsServiceException) e;
        final String code = errorCode(e);
        return service.statusCode() == 403 || "AccessDeniedException".equals(code) || "AccessDenied".equals(code);
    }

    private static boolean isNetworkFailure(final Throwable e) {
        if (!(e instanceof SdkClientException)) {
            return false;
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    /** The AWS error code of {@code e} (AccessDeniedException, ...), or its class's name when AWS gave none. */
    public static String errorCode(final Throwable e) {
        if (e instanceof AwsServiceException && ((AwsServiceException) e).awsErrorDetails() != null) {
            return ((AwsServiceException) e).awsErrorDetails().errorCode();
        }
        return e.getClass().getSimpleName();
    }
}
