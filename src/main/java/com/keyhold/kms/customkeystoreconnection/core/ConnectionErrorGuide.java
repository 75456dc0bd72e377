package com.keyhold.kms.customkeystoreconnection.core;

import java.util.Locale;

/**
 * What each KMS ConnectionErrorCode means and how an operator fixes it, worded for the key store
 * type where CloudHSM and external (XKS) key stores differ. Sources: the KMS API reference
 * (CustomKeyStoresListEntry) and the KMS developer guide's troubleshooting pages.
 */
public enum ConnectionErrorGuide {
    INTERNAL_ERROR(
        "KMS could not complete the connection because of an internal error.",
        "Wait a few minutes and flip ConnectionState again; if it persists, contact AWS Support with the key store id."),
    NETWORK_ERRORS(
        "KMS could not reach the CloudHSM cluster: the cluster's network configuration (subnets, security group, "
            + "routes) blocks the connection.",
        "Check that the cluster's security group cloudhsm-cluster-<cluster-id>-sg allows TCP 2223-2225 from itself, that "
            + "its subnets still exist, and that no network ACL blocks them; then connect again.",
        "KMS could not reach the external key store proxy over the network.",
        "Check the proxy's DNS name, TLS listener, firewall rules and (for VPC connectivity) the VPC endpoint service's "
            + "NLB health; then connect again."),
    CLUSTER_NOT_FOUND(
        "KMS cannot find the CloudHSM cluster associated with this key store; it was deleted or the id is wrong.",
        "Restore the cluster from a backup, or point the key store at a related cluster with UpdateCustomKeyStore "
            + "(while DISCONNECTED); then connect again."),
    INSUFFICIENT_CLOUDHSM_HSMS(
        "The CloudHSM cluster has no active HSM; connecting needs at least one.",
        "Add an HSM with the CloudHSM CreateHsm operation (two in different Availability Zones are recommended), wait "
            + "until it is ACTIVE, then connect again."),
    INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET(
        "A private subnet of the CloudHSM cluster has no free IP address for the KMS connection (it needs one per "
            + "subnet).",
        "Free addresses in the cluster's subnets (delete unused network interfaces) or add subnets, then connect again."),
    INVALID_CREDENTIALS(
        "KMS could not log in to the cluster as kmsuser: the password KMS holds does not match the kmsuser password "
            + "in the cluster.",
        "Reset kmsuser's password in the cluster, store it in KMS with UpdateCustomKeyStore --key-store-password "
            + "while the key store is DISCONNECTED, then connect again.",
        "The external key store proxy rejected the proxy authentication credential KMS holds.",
        "Update XksProxyAuthenticationCredential with UpdateCustomKeyStore so it matches the proxy (the key store can "
            + "stay connected for this change), then connect again."),
    SUBNET_NOT_FOUND(
        "A subnet in the CloudHSM cluster's configuration was deleted.",
        "Create a backup of the cluster, create a new cluster from it in existing subnets, point the key store at it "
            + "with UpdateCustomKeyStore (while DISCONNECTED), then connect again."),
    USER_LOCKED_OUT(
        "The kmsuser crypto user is locked out of the cluster after too many failed logins.",
        "Unlock or reset kmsuser with the CloudHSM client, set the same password in KMS with UpdateCustomKeyStore "
            + "(while DISCONNECTED), then connect again."),
    USER_LOGGED_IN(
        "The kmsuser crypto user is logged in to the cluster, which prevents KMS from rotating its password and logging "
            + "in.",
        "Log kmsuser out of every CloudHSM client session, then connect again."),
    USER_NOT_FOUND(
        "KMS cannot find a kmsuser crypto user in the cluster.",
        "Create a crypto user named kmsuser in the cluster, set its password in KMS with UpdateCustomKeyStore (while "
            + "DISCONNECTED), then connect again."),
    XKS_PROXY_ACCESS_DENIED(
        "The external key store proxy denied KMS access: its authorization rules do not allow the request.",
        "Fix the proxy's authorization policy so it allows KMS for this key store, then connect again."),
    XKS_PROXY_INVALID_CONFIGURATION(
        "The external key store proxy is misconfigured (for example the proxy URI path is wrong or the proxy does "
            + "not support the required API version).",
        "Check the proxy configuration and XksProxyUriPath against the proxy's documentation, then connect again."),
    XKS_PROXY_INVALID_RESPONSE(
        "The external key store proxy answered with a response KMS cannot parse.",
        "Check the proxy's logs and make sure it implements the KMS XKS proxy API specification, then connect again."),
    XKS_PROXY_INVALID_TLS_CONFIGURATION(
        "KMS could not establish TLS with the external key store proxy: its certificate is invalid, expired, not "
            + "issued by a public CA, or does not match the proxy URI endpoint's host name.",
        "Install a valid certificate from a public CA whose name matches XksProxyUriEndpoint, then connect again."),
    XKS_PROXY_NOT_REACHABLE(
        "KMS cannot reach the external key store proxy at its URI endpoint.",
        "Check that the proxy is running, the endpoint's DNS resolves, and (for VPC connectivity) the VPC endpoint "
            + "service accepts KMS; then connect again."),
    XKS_PROXY_TIMED_OUT(
        "The external key store proxy did not answer KMS within the time limit.",
        "Check the proxy's and external key manager's latency and capacity, then connect again."),
    XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION(
        "The VPC endpoint service for the external key store proxy does not meet KMS's requirements (for example "
            + "it requires acceptance, lacks the private DNS name, or is not in enough Availability Zones).",
        "Fix the endpoint service configuration as the KMS developer guide's XKS VPC requirements describe, then "
            + "connect again."),
    XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND(
        "KMS cannot find the VPC endpoint service named in XksProxyVpcEndpointServiceName.",
        "Check the service name and owner (UpdateCustomKeyStore while DISCONNECTED), and that the service allows "
            + "cks.kms.<region>.amazonaws.com as principal; then connect again.");

    private final String cloudHsmMeaning;
    private final String cloudHsmFix;
    private final String externalMeaning;
    private final String externalFix;

    ConnectionErrorGuide(final String meaning, final String fix) {
        this(meaning, fix, meaning, fix);
    }

    ConnectionErrorGuide(final String cloudHsmMeaning,
                         final String cloudHsmFix,
                         final String externalMeaning,
                         final String externalFix) {
        this.cloudHsmMeaning = cloudHsmMeaning;
        this.cloudHsmFix = cloudHsmFix;
        this.externalMeaning = externalMeaning;
        this.externalFix = externalFix;
    }

    public String meaning(final boolean external) {
        return external ? externalMeaning : cloudHsmMeaning;
    }

    public String fix(final boolean external) {
        return external ? externalFix : cloudHsmFix;
    }

    /** The explanation for a code KMS reported; a code newer than this list still gets an actionable text. */
    public static String explain(final String code, final boolean external) {
        for (ConnectionErrorGuide guide : values()) {
            if (guide.name().equals(code)) {
                return "Meaning: " + guide.meaning(external) + " Fix: " + guide.fix(external);
            }
        }
        return String.format(Locale.ROOT,
            "Meaning: KMS reported a connection error code Keyhold does not know yet (%s). Fix: look it up in the AWS KMS "
                + "developer guide's custom key store troubleshooting page, then connect again.", code);
    }
}
