package com.keyhold.kms.customkeystoreconnection.customresource;

import com.keyhold.kms.customkeystoreconnection.core.Progress;

/**
 * What one invocation hands the next when a transition outlasts it: the phase reached, the transition's
 * {@link Progress} (so no Connect or Disconnect is repeated), when the request started and when the next describe is
 * due. A Jackson bean: it travels as the {@code keyholdContinuation} member of the re-invocation payload.
 */
public class Continuation {
    /** The pre-checks, duplicate detection and claim are behind; the transition is running. */
    public static final String PHASE_DRIVE = "DRIVE";
    /** Checking that the key store exists (create, or update to a new id), before the claim. */
    public static final String PHASE_CHECK = "CHECK";

    private String phase;
    private Progress progress;
    private int attempts;
    private long startedAtMillis;
    private long nextStepAtMillis;

    public Continuation() {
    }

    Continuation(final String phase, final Progress progress, final int attempts, final long startedAtMillis,
                 final long nextStepAtMillis) {
        this.phase = phase;
        this.progress = progress;
        this.attempts = attempts;
        this.startedAtMillis = startedAtMillis;
        this.nextStepAtMillis = nextStepAtMillis;
    }

    public String getPhase() {
        return phase;
    }

    public void setPhase(final String phase) {
        this.phase = phase;
    }

    public Progress getProgress() {
        return progress;
    }

    public void setProgress(final Progress progress) {
        this.progress = progress;
    }

    /** How many invocations this request has had so far. */
    public int getAttempts() {
        return attempts;
    }

    public void setAttempts(final int attempts) {
        this.attempts = attempts;
    }

    public long getStartedAtMillis() {
        return startedAtMillis;
    }

    public void setStartedAtMillis(final long startedAtMillis) {
        this.startedAtMillis = startedAtMillis;
    }

    public long getNextStepAtMillis() {
        return nextStepAtMillis;
    }

    public void setNextStepAtMillis(final long nextStepAtMillis) {
        this.nextStepAtMillis = nextStepAtMillis;
    }
}
