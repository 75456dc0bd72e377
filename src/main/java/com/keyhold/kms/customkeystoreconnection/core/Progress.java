package com.keyhold.kms.customkeystoreconnection.core;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one transition has done so far. It travels in the callback context between invocations, so a
 * resumed handler knows which mutating calls it already made and never repeats one for the same step.
 * {@link #toMap()} and {@link #fromMap(Map)} are its one external form, which each entry point puts into its JSON
 * (the registry handler's callback context, the custom resource's continuation).
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
            // The first change after Keyhold's own Connect or Disconnect began with that call, not at this poll:
            // "CONNECTING for 5s", not "for 0s", five seconds after the Connect.
            final boolean causedByLastCall = lastCall != null && !movedSinceLastCall && state != stateAtLastCall;
            observedState = state;
            observedSinceMillis = causedByLastCall ? lastCallAtMillis : now.toEpochMilli();
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

    /** Every field under its bean name; absent when unset, so the JSON stays small and old forms stay readable. */
    public Map<String, Object> toMap() {
        final Map<String, Object> map = new LinkedHashMap<>();
        putIfSet(map, "target", target == null ? null : target.name());
        map.put("startedAtMillis", startedAtMillis);
        putIfSet(map, "observedState", observedState == null ? null : observedState.name());
        map.put("observedSinceMillis", observedSinceMillis);
        putIfSet(map, "lastCall", lastCall);
        map.put("lastCallAtMillis", lastCallAtMillis);
        putIfSet(map, "stateAtLastCall", stateAtLastCall == null ? null : stateAtLastCall.name());
        map.put("movedSinceLastCall", movedSinceLastCall);
        map.put("calls", calls);
        map.put("reissued", reissued);
        map.put("recovering", recovering);
        map.put("transientFailures", transientFailures);
        return map;
    }

    /**
     * The inverse of {@link #toMap()}. Missing members keep their defaults; a member of the wrong type is an error,
     * because a progress that cannot be read must not be mistaken for a fresh start (that could repeat a Connect).
     */
    public static Progress fromMap(final Map<String, ?> map) {
        final Progress progress = new Progress();
        progress.target = enumValue(map, "target", TargetState.class);
        progress.startedAtMillis = number(map, "startedAtMillis").longValue();
        progress.observedState = enumValue(map, "observedState", KmsConnectionState.class);
        progress.observedSinceMillis = number(map, "observedSinceMillis").longValue();
        progress.lastCall = value(map, "lastCall", String.class);
        progress.lastCallAtMillis = number(map, "lastCallAtMillis").longValue();
        progress.stateAtLastCall = enumValue(map, "stateAtLastCall", KmsConnectionState.class);
        progress.movedSinceLastCall = flag(map, "movedSinceLastCall");
        progress.calls = number(map, "calls").intValue();
        progress.reissued = flag(map, "reissued");
        progress.recovering = flag(map, "recovering");
        progress.transientFailures = number(map, "transientFailures").intValue();
        return progress;
    }

    private static void putIfSet(final Map<String, Object> map, final String name, final Object value) {
        if (value != null) {
            map.put(name, value);
        }
    }

    private static <T> T value(final Map<String, ?> map, final String name, final Class<T> type) {
        final Object value = map.get(name);
        if (value == null) {
            return null;
        }
        if (!type.isInstance(value)) {
            throw new IllegalArgumentException("progress member " + name + " is " + value + ", not a "
                + type.getSimpleName());
        }
        return type.cast(value);
    }

    private static Number number(final Map<String, ?> map, final String name) {
        final Number value = value(map, name, Number.class);
        return value == null ? 0 : value;
    }

    private static boolean flag(final Map<String, ?> map, final String name) {
        return Boolean.TRUE.equals(value(map, name, Boolean.class));
    }

    private static <E extends Enum<E>> E enumValue(final Map<String, ?> map, final String name, final Class<E> type) {
        final String value = value(map, name, String.class);
        try {
            return value == null ? null : Enum.valueOf(type, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("progress member " + name + " is " + value + ", not a "
                + type.getSimpleName(), e);
        }
    }
}
