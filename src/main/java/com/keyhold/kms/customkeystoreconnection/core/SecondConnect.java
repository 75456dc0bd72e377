package com.keyhold.kms.customkeystoreconnection.core;

import java.util.Locale;
import java.util.Map;

/**
 * Which ConnectionErrorCode of a FAILED key store is worth one more connect (disconnect, then connect again) without
 * a person changing anything first, and why. One table for both types: the connection type's FAILED recovery
 * ({@link TransitionPlanner}) and the key store type's reconnect (KeyStoreUpdatePlanner). Every value of
 * CustomKeyStoresListEntry.ConnectionErrorCode in the KMS API reference is decided here; {@code SecondConnectTest}
 * holds the table to the SDK's enum so a new code cannot slip through undecided.
 *
 * <p>The rule: one more connect when the cause can pass by itself (KMS's own error, the network, capacity CloudHSM
 * restores on its own); none when only a change by a person can make the next attempt succeed (a credential,
 * a deleted cluster or subnet, a proxy or endpoint service's configuration), because the attempt would fail the
 * same way, each failed kmsuser login counts toward a lockout, and a locked-out kmsuser only gets worse.
 */
public final class SecondConnect {
    /** One row: whether another connect can succeed with nothing changed, and the reason an operator reads. */
    public record Verdict(boolean worthIt, String reason) {
    }

    private static Verdict yes(final String reason) {
        return new Verdict(true, reason);
    }

    private static Verdict no(final String reason) {
        return new Verdict(false, reason);
    }

    private static final Map<String, Verdict> TABLE = Map.ofEntries(
        Map.entry("INTERNAL_ERROR", yes("the API reference says to retry, after disconnecting, on KMS's internal "
            + "error")),
        Map.entry("NETWORK_ERRORS", yes("a network fault can pass; one more attempt costs no login")),
        Map.entry("INSUFFICIENT_CLOUDHSM_HSMS", yes("CloudHSM replaces an unhealthy HSM by itself, so an active HSM "
            + "can appear without anyone acting; the attempt costs no login")),
        Map.entry("INSUFFICIENT_FREE_ADDRESSES_IN_SUBNET", yes("disconnecting releases the addresses KMS's failed "
            + "connection held, so the subnets can have room again; the attempt costs no login")),
        Map.entry("XKS_PROXY_NOT_REACHABLE", yes("a proxy that is restarting or briefly unreachable can answer the "
            + "next attempt")),
        Map.entry("XKS_PROXY_TIMED_OUT", yes("a slow proxy or external key manager can answer in time on the next "
            + "attempt")),
        Map.entry("CLUSTER_NOT_FOUND", no("the cluster is deleted or the id is wrong: only restoring the cluster or "
            + "pointing the key store at another one changes that")),
        Map.entry("SUBNET_NOT_FOUND", no("a subnet of the cluster is deleted: only a cluster in existing subnets "
            + "changes that")),
        Map.entry("INVALID_CREDENTIALS", no("the password or proxy credential KMS holds is wrong, and stays wrong "
            + "until it is changed; each failed kmsuser login counts toward locking kmsuser out")),
        Map.entry("USER_LOCKED_OUT", no("kmsuser is locked out; another login attempt cannot succeed and makes the "
            + "lockout worse")),
        Map.entry("USER_NOT_FOUND", no("the cluster has no kmsuser; only creating it changes that")),
        Map.entry("USER_LOGGED_IN", no("a person is logged in as kmsuser; only logging that session out changes "
            + "that")),
        Map.entry("XKS_PROXY_ACCESS_DENIED", no("the proxy's authorization rules refuse KMS; only changing them "
            + "changes that")),
        Map.entry("XKS_PROXY_INVALID_CONFIGURATION", no("the proxy or XksProxyUriPath is misconfigured; only "
            + "fixing the configuration changes that")),
        Map.entry("XKS_PROXY_INVALID_RESPONSE", no("the proxy answers in a way KMS cannot parse; it will answer the "
            + "same way until it is fixed")),
        Map.entry("XKS_PROXY_INVALID_TLS_CONFIGURATION", no("the proxy's TLS certificate is not acceptable to KMS; "
            + "only a new certificate changes that")),
        Map.entry("XKS_VPC_ENDPOINT_SERVICE_INVALID_CONFIGURATION", no("the VPC endpoint service does not meet "
            + "KMS's requirements; only changing it changes that")),
        Map.entry("XKS_VPC_ENDPOINT_SERVICE_NOT_FOUND", no("KMS cannot find the VPC endpoint service; only "
            + "creating it or correcting its name changes that")));

    /** A FAILED key store with no code: KMS reports one in FAILED, so treat its absence as KMS's own error. */
    private static final Verdict NO_CODE = yes("KMS reported no ConnectionErrorCode, which is treated as its "
        + "internal error");

    private SecondConnect() {
    }

    /** The row for {@code code}; a code newer than this table gets no second connect: it might be a lockout. */
    public static Verdict of(final String code) {
        if (code == null) {
            return NO_CODE;
        }
        final Verdict verdict = TABLE.get(code);
        return verdict != null ? verdict : no(String.format(Locale.ROOT, "Keyhold does not know ConnectionErrorCode "
            + "%s yet, so it does not risk an attempt that could count toward a kmsuser lockout", code));
    }

    public static boolean worthIt(final String code) {
        return of(code).worthIt();
    }

    /** The codes the table decides (for its test). */
    static java.util.Set<String> codes() {
        return TABLE.keySet();
    }

    /**
     * The failure of a step toward CONNECTED that found the key store FAILED with a code not worth another connect:
     * no call was made, so it is still FAILED; why no attempt, what the code means, what to do, and how to hand the
     * key store back to Keyhold.
     */
    public static String noSecondAttempt(final String customKeyStoreId, final String code, final boolean external) {
        return String.format("%s: the key store is FAILED with ConnectionErrorCode %s, and Keyhold made no attempt to "
                + "connect it: %s. %s The key store is left FAILED, as it was; KMS keys in it stay unusable. Once the "
                + "cause is fixed, disconnect it ('aws kms disconnect-custom-key-store --custom-key-store-id %s', "
                + "which tells Keyhold the cause is dealt with), then run the stack operation again: Keyhold connects "
                + "a DISCONNECTED key store.",
            customKeyStoreId, code, of(code).reason(), ConnectionErrorGuide.explain(code, external), customKeyStoreId);
    }
}
