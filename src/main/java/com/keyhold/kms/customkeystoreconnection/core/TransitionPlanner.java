package com.keyhold.kms.customkeystoreconnection.core;

import com.keyhold.kms.customkeystoreconnection.core.Decision.Action;
import java.time.Duration;
import java.time.Instant;

/**
 * The state table: given what KMS reports, what Keyhold has already done and the time, the next step
 * toward the target. Pure: no I/O, no clock of its own.
 *
 * <pre>
 * observed       to CONNECTED                       to DISCONNECTED
 * CONNECTED      done                               Disconnect, wait
 * CONNECTING     wait                               Disconnect, wait
 * DISCONNECTED   Connect, wait                      done
 * DISCONNECTING  wait for DISCONNECTED, Connect     wait
 * FAILED         recover once: Disconnect, Connect  Disconnect, wait
 *                (only if SecondConnect says the
 *                ConnectionErrorCode is worth it;
 *                else fail, no call)
 * </pre>
 */
public final class TransitionPlanner {
    /**
     * Stabilization budget. The schema gives create, update and delete 60 minutes; failing at 55 with Keyhold's
     * own message beats CloudFormation's generic timeout. The plugin's default of 20 minutes would fail a slow
     * CloudHSM connect, which alone can take 20.
     */
    public static final Duration STABILIZATION_BUDGET = Duration.ofMinutes(55);
    /** How long DescribeCustomKeyStores may still show the state from before Keyhold's call. */
    public static final Duration DESCRIBE_LAG_GRACE = Duration.ofSeconds(20);

    private final PollSchedule schedule;
    private final Duration describeLagGrace;
    private final Duration budget;

    /**
     * @param describeLagGrace how long a describe may still show the state from before Keyhold's call
     * @param budget           total time for one transition before it fails with NotStabilized
     */
    public TransitionPlanner(final PollSchedule schedule, final Duration describeLagGrace, final Duration budget) {
        this.schedule = schedule;
        this.describeLagGrace = describeLagGrace;
        this.budget = budget;
    }

    public Decision decide(final Progress progress, final Observation observed, final Instant now) {
        final KmsConnectionState state = observed.state();
        final TargetState target = progress.getTarget();
        if (state == target.asKmsState()) {
            return Decision.done();
        }
        if (progress.elapsed(now).compareTo(budget) > 0) {
            return Decision.fail(FailureKind.NotStabilized, String.format(
                "%s: still %s after %s (target %s), beyond Keyhold's %s budget. Check the key store in the KMS console "
                    + "or with 'aws kms describe-custom-key-stores --custom-key-store-id %s', then run the stack "
                    + "operation again.",
                observed.customKeyStoreId(), state, Durations.human(progress.elapsed(now)), target,
                Durations.human(budget), observed.customKeyStoreId()));
        }
        return target == TargetState.CONNECTED ? towardConnected(progress, observed, now)
            : towardDisconnected(progress, observed, now);
    }

    private Decision towardConnected(final Progress progress, final Observation observed, final Instant now) {
        switch (observed.state()) {
            case CONNECTING:
            case DISCONNECTING:
                return keepPolling(progress, now);
            case DISCONNECTED:
                return callUnlessLagging(Action.CONNECT, progress, observed, now);
            case FAILED:
                if (progress.lastCallWas(Action.CONNECT)) {
                    return Decision.fail(FailureKind.NotStabilized, failedAfterConnect(observed));
                }
                if (progress.lastCallWas(Action.DISCONNECT)) {
                    return callUnlessLagging(Action.DISCONNECT, progress, observed, now);
                }
                if (!SecondConnect.worthIt(observed.connectionErrorCode())) {
                    // Found FAILED: another connect would fail the same way (and a kmsuser lockout would get worse).
                    return Decision.fail(FailureKind.NotStabilized, SecondConnect.noSecondAttempt(
                        observed.customKeyStoreId(), observed.connectionErrorCode(), observed.isExternal()));
                }
                return Decision.call(Action.DISCONNECT, schedule.firstDelaySeconds(), false, true);
            default:
                throw new IllegalStateException("unreachable: " + observed.state());
        }
    }

    private Decision towardDisconnected(final Progress progress, final Observation observed, final Instant now) {
        return observed.state() == KmsConnectionState.DISCONNECTING ? keepPolling(progress, now)
            : callUnlessLagging(Action.DISCONNECT, progress, observed, now);
    }

    /**
     * Calls {@code action}, unless Keyhold already made that call for this step: then a describe that still shows
     * the old state is describe lag for a grace period, and after it the call is re-issued once; a second miss
     * means someone else is changing the key store.
     */
    private Decision callUnlessLagging(final Action action,
                                       final Progress progress,
                                       final Observation observed,
                                       final Instant now) {
        if (!progress.lastCallWas(action)) {
            return Decision.call(action, schedule.firstDelaySeconds(), false, false);
        }
        final Duration sinceCall = progress.sinceLastCall(now);
        if (!progress.isMovedSinceLastCall() && sinceCall.compareTo(describeLagGrace) < 0) {
            return Decision.waitFor(schedule.firstDelaySeconds());
        }
        if (!progress.isReissued()) {
            return Decision.call(action, schedule.firstDelaySeconds(), true, false);
        }
        return Decision.fail(FailureKind.ResourceConflict, String.format(
            "%s: still %s %s after Keyhold's second %s (target %s). Another caller appears to be changing this key "
                + "store: check CloudTrail for ConnectCustomKeyStore and DisconnectCustomKeyStore calls on it, stop "
                + "them, then run the stack operation again.",
            observed.customKeyStoreId(), observed.state(), Durations.human(sinceCall),
            action == Action.CONNECT ? "ConnectCustomKeyStore" : "DisconnectCustomKeyStore", progress.getTarget()));
    }

    private Decision keepPolling(final Progress progress, final Instant now) {
        return Decision.waitFor(schedule.nextDelaySeconds(progress.sinceLastCall(now)));
    }

    private static String failedAfterConnect(final Observation observed) {
        final String code = observed.connectionErrorCode() == null ? "none reported" : observed.connectionErrorCode();
        final String again = SecondConnect.worthIt(observed.connectionErrorCode())
            ? " Then run the stack operation again; the key store is left FAILED."
            : String.format(" The key store is left FAILED, and a stack operation will not connect it again by itself "
                + "(%s): once the cause is fixed, disconnect it ('aws kms disconnect-custom-key-store "
                + "--custom-key-store-id %s'), then run the stack operation again.",
                SecondConnect.of(observed.connectionErrorCode()).reason(), observed.customKeyStoreId());
        return String.format("%s: KMS reports FAILED after ConnectCustomKeyStore, ConnectionErrorCode %s (%s key store). %s"
                + "%s",
            observed.customKeyStoreId(), code, observed.isExternal() ? "external" : "CloudHSM",
            ConnectionErrorGuide.explain(observed.connectionErrorCode(), observed.isExternal()), again);
    }

    /** The line CloudFormation shows in stack events while Keyhold waits. */
    public static String statusLine(final String customKeyStoreId, final Progress progress, final Instant now) {
        // A state first seen just now (already under way when this operation looked, e.g. in a rollback) has no
        // known length: "DISCONNECTING for 0s" would say it had just begun.
        final java.time.Duration observed = progress.observedFor(now);
        return String.format("%s: %s%s (target %s%s)", customKeyStoreId, progress.getObservedState(),
            observed.toSeconds() < 1 ? ", seen now" : " for " + Durations.human(observed), progress.getTarget(),
            progress.isRecovering() ? ", recovering from FAILED" : "");
    }
}
