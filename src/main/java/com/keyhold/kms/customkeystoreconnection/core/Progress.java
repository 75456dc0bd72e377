package com.keyhold.kms.customkeystoreconnection.core;

import java.time.Duration;
import java.time.Instant;

/**
 * What one transition has done so far. It travels in the callback context between invocations, so a
 * resumed handler knows which mutating calls it already made and never repeats one for the same step.
 * A plain bean because CloudFormation's callback context is (de)serialized with Jackson.
 */
public class Progress {
    private TargetState target;
    private long startedAtMillis;
    private KmsConnectionState observedState;
    private long observedSinceMillis;
    private String lastCall;
    private long lastCallAtMillis;
    private KmsConnectionState stateAtLastCall;
    private boolean movedSinceLastCall;
    private int calls;
    private boolean reissued;
    private boolean recovering;
    private int transientFailures;

    public Progress() {
    }

    public static Progress start(final TargetState target, final Instant now) {
        Progress progress = new Progress();
        progress.target = target;
        progress.startedAtMillis = now.toEpochMilli();
        return progress;
    }

    /** Records a fresh observation; the time a state was first seen feeds the operator's status line. */
    public void observe(final KmsConnectionState state, final Instant now) {
        if (state != observedState) {
            observedState = state;
            observedSinceMillis = now.toEpochMilli();
        }
        if (lastCall != null && state != stateAtLastCall) {
            movedSinceLastCall = true;
        }
    }

    /** Records a mutating call KMS accepted. */
    public void recordCall(final Decision decision, final Instant now) {
        lastCall = decision.action().name();
        lastCallAtMillis = now.toEpochMilli();
        stateAtLastCall = observedState;
        movedSinceLastCall = false;
        calls++;
        reissued |= decision.reissue();
        recovering |= decision.recovery();
    }

    public int recordTransientFailure() {
        return ++transientFailures;
    }

    /**
     * A step went through without an error. Only a whole step counts: a describe that works before a Connect that is
     * throttled every time must not reset the count, or the retries would never run out.
     */
    public void recordStepSucceeded() {
        transientFailures = 0;
    }

    public Duration elapsed(final Instant now) {
        return Duration.ofMillis(now.toEpochMilli() - startedAtMillis);
    }

    public Duration observedFor(final Instant now) {
        return Duration.ofMillis(now.toEpochMilli() - observedSinceMillis);
    }

    /** Time since the last mutating call, or since the start when Keyhold has not called yet. */
    public Duration sinceLastCall(final Instant now) {
        return Duration.ofMillis(now.toEpochMilli() - (lastCall == null ? startedAtMillis : lastCallAtMillis));
    }

    public boolean lastCallWas(final Decision.Action action) {
        return action.name().equals(lastCall);
    }

    public TargetState getTarget() {
        return target;
    }

    public void setTarget(final TargetState target) {
        this.target = target;
    }

    public long getStartedAtMillis() {
        return startedAtMillis;
    }

    public void setStartedAtMillis(final long startedAtMillis) {
        this.startedAtMillis = startedAtMillis;
    }

    public KmsConnectionState getObservedState() {
        return observedState;
    }

    public void setObservedState(final KmsConnectionState observedState) {
        this.observedState = observedState;
    }

    public long getObservedSinceMillis() {
        return observedSinceMillis;
    }

    public void setObservedSinceMillis(final long observedSinceMillis) {
        this.observedSinceMillis = observedSinceMillis;
    }

    public String getLastCall() {
        return lastCall;
    }

    public void setLastCall(final String lastCall) {
        this.lastCall = lastCall;
    }

    public long getLastCallAtMillis() {
        return lastCallAtMillis;
    }

    public void setLastCallAtMillis(final long lastCallAtMillis) {
        this.lastCallAtMillis = lastCallAtMillis;
    }

    public KmsConnectionState getStateAtLastCall() {
        return stateAtLastCall;
    }

    public void setStateAtLastCall(final KmsConnectionState stateAtLastCall) {
        this.stateAtLastCall = stateAtLastCall;
    }

    public boolean isMovedSinceLastCall() {
        return movedSinceLastCall;
    }

    public void setMovedSinceLastCall(final boolean movedSinceLastCall) {
        this.movedSinceLastCall = movedSinceLastCall;
    }

    public int getCalls() {
        return calls;
    }

    public void setCalls(final int calls) {
        this.calls = calls;
    }

    public boolean isReissued() {
        return reissued;
    }

    public void setReissued(final boolean reissued) {
        this.reissued = reissued;
    }

    public boolean isRecovering() {
        return recovering;
    }

    public void setRecovering(final boolean recovering) {
        this.recovering = recovering;
    }

    public int getTransientFailures() {
        return transientFailures;
    }

    public void setTransientFailures(final int transientFailures) {
        this.transientFailures = transientFailures;
    }
}
