package com.keyhold.kms.customkeystoreconnection.core;

import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * The key store type's error rules, as data: which KMS error (by its error code) becomes which failure, and what the
 * operator reads, naming the thing in the way and the next step. None is retried: each needs the operator. Added to
 * the shared rules with {@code new ErrorTranslator().extend(KeyStoreErrorGuide.rules(context))}; the first matching
 * rule wins.
 *
 * <pre>
 * error code                                              failure               the message names
 * (each *InUse* code is AlreadyExists on CreateCustomKeyStore, InvalidRequest on any other operation: kindFor)
 * CustomKeyStoreNameInUseException                        AlreadyExists         the name; unique per account+Region
 * CloudHsmClusterInUseException                           AlreadyExists         the cluster; one key store per cluster
 * XksProxyUriInUseException                               AlreadyExists         endpoint + path; one per key store
 * XksProxyUriEndpointInUseException                       AlreadyExists         the endpoint; one per key store
 * XksProxyVpcEndpointServiceInUseException                AlreadyExists         the service; one per key store
 * CloudHsmClusterNotFoundException                        InvalidRequest        the cluster, how to check it
 * CloudHsmClusterNotActiveException                       InvalidRequest        the cluster, two active HSMs in two AZs
 * CloudHsmClusterInvalidConfigurationException            InvalidRequest        the cluster, KMS's requirements
 * IncorrectTrustAnchorException                           InvalidRequest        the cluster, customerCA.crt
 * CloudHsmClusterNotRelatedException                      InvalidRequest        the cluster, shared backup history
 * XksProxyUriUnreachableException                         NetworkFailure        what KMS tried, what to check
 * XksProxyIncorrectAuthenticationCredentialException      InvalidRequest        the credential, where to compare it
 * XksProxyInvalidResponseException                        InvalidRequest        the proxy, its logs and spec
 * XksProxyInvalidConfigurationException                   InvalidRequest        the path, the proxy configuration
 * XksProxyVpcEndpointService* (not found, invalid config) InvalidRequest        the service, KMS's requirements
 * LimitExceededException                                  ServiceLimitExceeded  10 per account+Region; raise it
 * CustomKeyStoreHasCMKsException                          ResourceConflict      how many keys; what to do
 * ValidationException (shared ErrorTranslator rule)       InvalidRequest        KMS's words, values left out
 * </pre>
 */
public final class KeyStoreErrorGuide {

    /**
     * What the messages name, from the request and the last observation; any member may be null.
     *
     * @param keyCount KMS keys found in the key store (delete's check), or null when not counted
     */
    public record Context(String customKeyStoreName,
                          String cloudHsmClusterId,
                          String xksProxyUriEndpoint,
                          String xksProxyUriPath,
                          String xksProxyVpcEndpointServiceName,
                          Integer keyCount) {
    }

    private record Rule(Predicate<String> code, FailureKind kind, BiFunction<Context, Attempt, String> message) {
    }

    private static final String CHECK_CLUSTER = "Check it with 'aws cloudhsmv2 describe-clusters --filters "
        + "clusterIds=%s'";

    private static final List<Rule> RULES = List.of(
        rule("CustomKeyStoreNameInUseException", FailureKind.AlreadyExists, (c, a) -> String.format(
            "%s: the custom key store name '%s' is already used by another key store; names are unique per account "
                + "and Region (%s). Choose another CustomKeyStoreName, or import the existing key store into the stack "
                + "if it is the one you mean.", subject(a), or(c.customKeyStoreName()), a.region())),
        rule("CloudHsmClusterInUseException", FailureKind.AlreadyExists, (c, a) -> String.format(
            "%s: CloudHSM cluster %s is already associated with another custom key store, or shares its backup history "
                + "with the cluster of one; each key store needs a cluster of its own. Find the other key store with "
                + "'aws kms describe-custom-key-stores', then use another cluster or import that key store.",
            subject(a), or(c.cloudHsmClusterId()))),
        rule("XksProxyUriInUseException", FailureKind.AlreadyExists, (c, a) -> String.format(
            "%s: the XKS proxy address %s%s (XksProxyUriEndpoint + XksProxyUriPath) is already used by another external "
                + "key store in this Region; each key store needs its own proxy address. Use another path or endpoint.",
            subject(a), or(c.xksProxyUriEndpoint()), c.xksProxyUriPath() == null ? "" : c.xksProxyUriPath())),
        rule("XksProxyUriEndpointInUseException", FailureKind.AlreadyExists, (c, a) -> String.format(
            "%s: XksProxyUriEndpoint %s is already used by another external key store in this Region; a key store with "
                + "VPC_ENDPOINT_SERVICE connectivity needs a private DNS name of its own, and a public endpoint cannot "
                + "be shared with one. Use another endpoint.", subject(a), or(c.xksProxyUriEndpoint()))),
        rule("XksProxyVpcEndpointServiceInUseException", FailureKind.AlreadyExists, (c, a) -> String.format(
            "%s: VPC endpoint service %s is already used by another external key store; each key store needs its own. "
                + "Create another endpoint service for this proxy.", subject(a), or(c.xksProxyVpcEndpointServiceName()))),
        rule("CloudHsmClusterNotFoundException", FailureKind.InvalidRequest, (c, a) -> String.format(
            "%s: KMS cannot find CloudHSM cluster %s in %s. " + CHECK_CLUSTER + " (the id, and that the cluster is in "
                + "this account and Region), then correct CloudHsmClusterId.",
            subject(a), or(c.cloudHsmClusterId()), a.region(), or(c.cloudHsmClusterId()))),
        rule("CloudHsmClusterNotActiveException", FailureKind.InvalidRequest, (c, a) -> String.format(
            "%s: CloudHSM cluster %s is not active. KMS needs it initialized and ACTIVE, with at least two active HSMs "
                + "in different Availability Zones. " + CHECK_CLUSTER + ", activate it, then run the stack operation "
                + "again.", subject(a), or(c.cloudHsmClusterId()), or(c.cloudHsmClusterId()))),
        rule("CloudHsmClusterInvalidConfigurationException", FailureKind.InvalidRequest, (c, a) -> String.format(
            "%s: CloudHSM cluster %s does not meet KMS's requirements: two active HSMs in different Availability Zones "
                + "(for create, update and CreateKey), private subnets in at least two Availability Zones, and the "
                + "security group cloudhsm-cluster-<cluster-id>-sg allowing TCP 2223-2225 to and from itself. "
                + CHECK_CLUSTER + ", fix the cluster, then run the stack operation again.",
            subject(a), or(c.cloudHsmClusterId()), or(c.cloudHsmClusterId()))),
        rule("IncorrectTrustAnchorException", FailureKind.InvalidRequest, (c, a) -> String.format(
            "%s: TrustAnchorCertificate is not the trust anchor of CloudHSM cluster %s. Use the content of the "
                + "customerCA.crt file you created when you initialized the cluster.", subject(a),
            or(c.cloudHsmClusterId()))),
        rule("CloudHsmClusterNotRelatedException", FailureKind.InvalidRequest, (c, a) -> String.format(
            "%s: CloudHSM cluster %s is not related to the key store's current cluster. KMS moves a key store only to a "
                + "related cluster, one that shares its backup history (created from a backup of it, or from the same "
                + "backup); related clusters have the same cluster certificate. Compare the certificates with 'aws "
                + "cloudhsmv2 describe-clusters', then choose a related cluster.", subject(a), or(c.cloudHsmClusterId()))),
        rule("XksProxyUriUnreachableException", FailureKind.NetworkFailure, (c, a) -> String.format(
            "%s: KMS could not reach the XKS proxy at %s%s (it sends a GetHealthStatus request there), or the proxy "
                + "reported every external key manager unavailable. Check that the proxy runs, that the endpoint's DNS "
                + "name resolves publicly with a valid public TLS certificate, and that the path is the proxy's; then "
                + "run the stack operation again.", subject(a), or(c.xksProxyUriEndpoint()),
            c.xksProxyUriPath() == null ? "" : c.xksProxyUriPath())),
        rule("XksProxyIncorrectAuthenticationCredentialException", FailureKind.InvalidRequest, (c, a) -> String.format(
            "%s: the XKS proxy at %s rejected XksProxyAuthenticationCredential. Compare the AccessKeyId and secret with "
                + "the proxy's configuration, put the pair the proxy accepts into the template, change "
                + "XksProxyAuthenticationCredentialVersion, and run the stack operation again.", subject(a),
            or(c.xksProxyUriEndpoint()))),
        rule("XksProxyInvalidResponseException", FailureKind.InvalidRequest, (c, a) -> String.format(
            "%s: the XKS proxy at %s answered KMS with a response KMS cannot use. Check the proxy's logs and that it "
                + "implements the KMS XKS proxy API specification, then run the stack operation again.", subject(a),
            or(c.xksProxyUriEndpoint()))),
        rule("XksProxyInvalidConfigurationException", FailureKind.InvalidRequest, (c, a) -> String.format(
            "%s: the XKS proxy configuration is not valid for KMS (for example XksProxyUriPath %s is not the proxy's "
                + "path, or the proxy does not support the API version in it). Check it against the proxy's "
                + "documentation, then run the stack operation again.", subject(a), or(c.xksProxyUriPath()))),
        new Rule(code -> code.startsWith("XksProxyVpcEndpointService"), FailureKind.InvalidRequest,
            (c, a) -> String.format("%s: KMS cannot use VPC endpoint service %s: it must exist, allow the principal "
                + "cks.kms.<region>.amazonaws.com without acceptance, have a verified private DNS name matching "
                + "XksProxyUriEndpoint, and span at least two Availability Zones. Check it with 'aws ec2 "
                + "describe-vpc-endpoint-service-configurations', fix it, then run the stack operation again.",
                subject(a), or(c.xksProxyVpcEndpointServiceName()))),
        rule("LimitExceededException", FailureKind.ServiceLimitExceeded, (c, a) -> String.format(
            "%s: this account already has the most custom key stores KMS allows in %s (10 by default). Delete a key "
                + "store you no longer need, or request a higher 'Custom key stores' quota in Service Quotas, then run "
                + "the stack operation again.", subject(a), a.region())),
        rule("CustomKeyStoreHasCMKsException", FailureKind.ResourceConflict, (c, a) -> String.format(
            "%s: the key store still holds %s KMS key(s); keys pending deletion count until their waiting period ends. "
                + "The key store was left as it was. Schedule the deletion of its keys and wait for the waiting period, "
                + "or keep the key store with 'DeletionPolicy: Retain'.", subject(a),
            c.keyCount() == null ? "some" : c.keyCount().toString())));

    private KeyStoreErrorGuide() {
    }

    /** The rules, with {@code context} for what the messages name, as an extension of the shared translator. */
    public static ErrorTranslator.Extension rules(final Context context) {
        return (code, attempt) -> {
            for (Rule rule : RULES) {
                if (rule.code().test(code)) {
                    return Optional.of(new ErrorTranslator.Translation(kindFor(rule.kind(), attempt), false,
                        rule.message().apply(context, attempt)));
                }
            }
            return Optional.empty();
        };
    }

    /**
     * AlreadyExists only for a create. The handler contract's error codes: AlreadyExists is "applicable to create
     * handlers only"; an update that asks for a name, cluster, proxy address or endpoint service another key store
     * holds is the user's input ("InvalidRequest: invalid input from the user"), not ResourceConflict, which means
     * the resource is temporarily unable to be acted upon and is retried.
     */
    static FailureKind kindFor(final FailureKind kind, final Attempt attempt) {
        return kind == FailureKind.AlreadyExists && !"CreateCustomKeyStore".equals(attempt.operation())
            ? FailureKind.InvalidRequest : kind;
    }

    private static Rule rule(final String code, final FailureKind kind,
                             final BiFunction<Context, Attempt, String> message) {
        return new Rule(code::equals, kind, message);
    }

    /** The key store id once there is one, the operation otherwise (a create that failed has no id). */
    private static String subject(final Attempt attempt) {
        return attempt.keyStoreId() == null ? attempt.operation() : attempt.keyStoreId() + ": " + attempt.operation();
    }

    private static String or(final String value) {
        return value == null ? "(not given)" : value;
    }
}
