package com.keyhold.kms.customkeystoreconnection.local.emulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * Fault injection, per key store or global. Request-level faults (throttling, injected errors, dropped
 * connections) are decided before a request reaches the service; store-level faults (failed connects, describe
 * lag) are read by the KMS service. Everything timed runs on the emulator's clock.
 */
public final class Faults {

    /** Matches every operation, or every key store. */
    public static final String ANY = "*";

    /** KMS's documented quota for each custom key store operation, per account and Region. */
    public static final int KMS_REQUESTS_PER_SECOND = 5;

    /** Stands for "the service's own internal error" until the operation says which service that is. */
    private static final String INTERNAL = "<internal>";

    /** What happens to one request before the service sees it. */
    sealed interface Verdict permits Proceed, Fail, Reset {
    }

    record Proceed() implements Verdict {
    }

    record Fail(ApiException error) implements Verdict {
    }

    record Reset() implements Verdict {
    }

    private static final class Rule {
        final String operation;
        final String storeId;
        final String errorType; // null = drop the connection
        int remaining;

        Rule(String operation, String storeId, String errorType, int remaining) {
            this.operation = operation;
            this.storeId = storeId;
            this.errorType = errorType;
            this.remaining = remaining;
        }

        boolean matches(String op, String id) {
            return (operation.equals(ANY) || operation.equals(op)) && (storeId.equals(ANY) || storeId.equals(id));
        }
    }

    /** A token bucket on the emulator clock: {@code rate} tokens a second, holding at most {@code rate}. */
    private static final class Bucket {
        double tokens;
        Instant last;

        Bucket(int rate, Instant now) {
            tokens = rate;
            last = now;
        }

        boolean take(int rate, Instant now) {
            double elapsed = Math.max(0, Duration.between(last, now).toNanos() / 1e9);
            tokens = Math.min(rate, tokens + elapsed * rate);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }

    private final Clock clock;
    private final Random random;
    private final List<Rule> rules = new ArrayList<>();
    private final Map<String, Bucket> buckets = new HashMap<>();
    private final Deque<String> failNextConnect = new ArrayDeque<>();
    private final Map<String, Deque<String>> failNextConnectByStore = new HashMap<>();
    private final Map<String, Duration> describeLagByStore = new HashMap<>();
    private Duration describeLag = Duration.ZERO;
    private boolean quotaThrottling;
    private boolean cloudHsmRenameNeedsDisconnected;
    private double internalErrorRate;

    Faults(Clock clock, long randomSeed, boolean quotaThrottling) {
        this.clock = clock;
        this.random = new Random(randomSeed);
        this.quotaThrottling = quotaThrottling;
    }

    // ---- store-level faults ------------------------------------------------------------------------------

    /** The next connect of any key store (after per-store ones are used up) ends FAILED with {@code errorCode}. */
    public synchronized Faults failNextConnect(String errorCode) {
        failNextConnect.add(ConnectionState.checkErrorCode(errorCode, "failNextConnect"));
        return this;
    }

    /** The next connect of this key store ends FAILED with {@code errorCode}; call again to queue more. */
    public synchronized Faults failNextConnect(String customKeyStoreId, String errorCode) {
        ConnectionState.checkErrorCode(errorCode, "failNextConnect(" + customKeyStoreId + ")");
        failNextConnectByStore.computeIfAbsent(customKeyStoreId, k -> new ArrayDeque<>()).add(errorCode);
        return this;
    }

    /** DescribeCustomKeyStores shows every state change only {@code lag} after it happened. */
    public synchronized Faults describeLag(Duration lag) {
        describeLag = nonNegative(lag, "describeLag");
        return this;
    }

    /** Describe lag for one key store, overriding the global one. */
    public synchronized Faults describeLag(String customKeyStoreId, Duration lag) {
        describeLagByStore.put(customKeyStoreId, nonNegative(lag, "describeLag(" + customKeyStoreId + ")"));
        return this;
    }

    // ---- request-level faults ----------------------------------------------------------------------------

    /** Throttle each KMS operation at the real quota of 5 requests per second (token bucket on the clock). */
    public synchronized Faults quotaThrottling(boolean on) {
        quotaThrottling = on;
        return this;
    }

    /** The next {@code count} requests of {@code operation} ({@link #ANY} for all) get ThrottlingException. */
    public Faults throttleNext(String operation, int count) {
        return errorNext(operation, ANY, "ThrottlingException", count);
    }

    /** The next {@code count} requests get the service's internal error (KMSInternalException 500 for KMS). */
    public Faults internalErrorNext(String operation, int count) {
        return errorNext(operation, ANY, INTERNAL, count);
    }

    /** Each KMS request fails with KMSInternalException with this probability (seeded, so repeatable). */
    public synchronized Faults internalErrorRate(double rate) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("internalErrorRate must be between 0 and 1, got " + rate);
        }
        internalErrorRate = rate;
        return this;
    }

    /**
     * The next {@code count} requests of {@code operation} about {@code customKeyStoreId} ({@link #ANY} for
     * either) fail with {@code errorType}, e.g. {@code DependencyTimeoutException} or
     * {@code CloudHsmClusterNotActiveException}; the HTTP status follows the type (500 for the faults).
     */
    public synchronized Faults errorNext(String operation, String customKeyStoreId, String errorType, int count) {
        Objects.requireNonNull(errorType, "errorType");
        rules.add(new Rule(operation, customKeyStoreId, errorType, positive(count)));
        return this;
    }

    /** The next {@code count} requests of {@code operation} have their connection closed without an answer. */
    public synchronized Faults resetConnectionNext(String operation, int count) {
        rules.add(new Rule(operation, ANY, null, positive(count)));
        return this;
    }

    /**
     * Which of KMS's two texts a CloudHSM rename follows. The API reference's NewCustomKeyStoreName says a CloudHSM key
     * store must be DISCONNECTED to change its name; its CustomKeyStoreInvalidStateException text says the name may
     * change while CONNECTED. Off (the default): renamed while connected. On: UpdateCustomKeyStore with
     * NewCustomKeyStoreName on a CloudHSM key store that is not DISCONNECTED answers
     * CustomKeyStoreInvalidStateException, and Keyhold falls back to disconnect, update, reconnect.
     */
    public synchronized Faults cloudHsmRenameNeedsDisconnected(boolean on) {
        cloudHsmRenameNeedsDisconnected = on;
        return this;
    }

    public synchronized boolean cloudHsmRenameNeedsDisconnected() {
        return cloudHsmRenameNeedsDisconnected;
    }

    /** Removes every fault. */
    public synchronized void clear() {
        rules.clear();
        buckets.clear();
        failNextConnect.clear();
        failNextConnectByStore.clear();
        describeLagByStore.clear();
        describeLag = Duration.ZERO;
        quotaThrottling = false;
        cloudHsmRenameNeedsDisconnected = false;
        internalErrorRate = 0;
    }

    /** Forgets what the state file holds (before loading it again); request-level faults stay. */
    synchronized void forgetPersisted() {
        failNextConnect.clear();
        failNextConnectByStore.clear();
        describeLagByStore.clear();
        describeLag = Duration.ZERO;
        internalErrorRate = 0;
    }

    // ---- read by the emulator ----------------------------------------------------------------------------

    synchronized Verdict before(boolean kms, String operation, String customKeyStoreId) {
        for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
            Rule r = it.next();
            if (r.matches(operation, customKeyStoreId)) {
                if (--r.remaining == 0) {
                    it.remove();
                }
                if (r.errorType == null) {
                    return new Reset();
                }
                String type = INTERNAL.equals(r.errorType) ? internalType(kms) : r.errorType;
                return new Fail(ApiException.of(type, "Injected by the Keyhold emulator: " + type + " for "
                        + operation + "."));
            }
        }
        if (kms && quotaThrottling) {
            Instant now = clock.instant();
            Bucket b = buckets.computeIfAbsent(operation, k -> new Bucket(KMS_REQUESTS_PER_SECOND, now));
            if (!b.take(KMS_REQUESTS_PER_SECOND, now)) {
                return new Fail(ApiException.client("ThrottlingException", "Rate exceeded"));
            }
        }
        if (kms && internalErrorRate > 0 && random.nextDouble() < internalErrorRate) {
            return new Fail(ApiException.of("KMSInternalException",
                    "Injected by the Keyhold emulator: KMSInternalException at rate " + internalErrorRate + "."));
        }
        return new Proceed();
    }

    /** Takes the error code the next connect of this store ends with, or null for a successful connect. */
    synchronized String takeConnectFailure(String customKeyStoreId) {
        Deque<String> own = failNextConnectByStore.get(customKeyStoreId);
        if (own != null && !own.isEmpty()) {
            return own.poll();
        }
        return failNextConnect.poll();
    }

    synchronized Duration describeLag(String customKeyStoreId) {
        return describeLagByStore.getOrDefault(customKeyStoreId, describeLag);
    }

    synchronized Duration globalDescribeLag() {
        return describeLag;
    }

    synchronized boolean quotaThrottling() {
        return quotaThrottling;
    }

    synchronized double internalErrorRate() {
        return internalErrorRate;
    }

    synchronized List<String> pendingConnectFailures() {
        return List.copyOf(failNextConnect);
    }

    synchronized List<String> pendingConnectFailures(String customKeyStoreId) {
        return List.copyOf(failNextConnectByStore.getOrDefault(customKeyStoreId, new ArrayDeque<>()));
    }

    synchronized Duration ownDescribeLag(String customKeyStoreId) {
        return describeLagByStore.get(customKeyStoreId);
    }

    synchronized void forget(String customKeyStoreId) {
        failNextConnectByStore.remove(customKeyStoreId);
        describeLagByStore.remove(customKeyStoreId);
    }

    private static String internalType(boolean kms) {
        return kms ? "KMSInternalException" : "InternalServerError";
    }

    private static Duration nonNegative(Duration d, String what) {
        if (d.isNegative()) {
            throw new IllegalArgumentException(what + " must not be negative, got " + d);
        }
        return d;
    }

    private static int positive(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        return count;
    }
}
