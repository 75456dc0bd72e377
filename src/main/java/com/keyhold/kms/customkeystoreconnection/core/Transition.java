package com.keyhold.kms.customkeystoreconnection.core;

import java.time.Clock;
import java.time.Instant;

/**
 * One step of driving a key store to a target: describe, decide, make at most one mutating call.
 * Both entry points run this once per invocation and call back after the returned delay, so no
 * decision is written twice.
 */
public final class Transition {
    private final TransitionPlanner planner;
    private final ErrorTranslator errors;
    private final RetryPolicy retries;
    private final Clock clock;

    public Transition(final TransitionPlanner planner,
                      final ErrorTranslator errors,
                      final RetryPolicy retries,
                      final Clock clock) {
        this.planner = planner;
        this.errors = errors;
        this.retries = retries;
        this.clock = clock;
    }

    /** Describes the key store: DONE with the observation, or POLL to retry a transient error, or FAILED. */
    public StepResult observe(final KeyStorePort keyStores, final String keyStoreId, final String region,
                              final Progress progress) {
        try {
            final Observation observed = keyStores.describe(keyStoreId);
            progress.observe(observed.state(), clock.instant());
            return StepResult.done(observed);
        } catch (RuntimeException e) {
            return retryOrFail(e, new Attempt("DescribeCustomKeyStores", keyStoreId, region), progress);
        }
    }

    public StepResult step(final KeyStorePort keyStores, final String keyStoreId, final String region,
                           final Progress progress) {
        final StepResult observation = observe(keyStores, keyStoreId, region, progress);
        if (observation.kind() != StepResult.Kind.DONE) {
            return observation;
        }
        return decideAndAct(keyStores, region, progress, observation.observation());
    }

    /**
     * The same step on what the caller has just observed (its own DescribeCustomKeyStores of this invocation), so
     * that a wait costs one describe per invocation, not two.
     */
    public StepResult step(final KeyStorePort keyStores, final String region, final Progress progress,
                           final Observation observed) {
        progress.observe(observed.state(), clock.instant());
        return decideAndAct(keyStores, region, progress, observed);
    }

    private StepResult decideAndAct(final KeyStorePort keyStores, final String region, final Progress progress,
                                    final Observation observed) {
        final String keyStoreId = observed.customKeyStoreId();
        final Instant now = clock.instant();
        final Decision decision = planner.decide(progress, observed, now);
        switch (decision.action()) {
            case DONE:
                progress.recordStepSucceeded();
                return StepResult.done(observed);
            case FAIL:
                return StepResult.failed(decision.failure());
            case WAIT:
                progress.recordStepSucceeded();
                return StepResult.poll(decision.delaySeconds(), TransitionPlanner.statusLine(keyStoreId, progress, now));
            default:
                return call(keyStores, decision, observed, region, progress, now);
        }
    }

    private StepResult call(final KeyStorePort keyStores, final Decision decision, final Observation observed,
                            final String region, final Progress progress, final Instant now) {
        final String keyStoreId = observed.customKeyStoreId();
        try {
            if (decision.action() == Decision.Action.CONNECT) {
                keyStores.connect(keyStoreId);
            } else {
                keyStores.disconnect(keyStoreId);
            }
        } catch (RuntimeException e) {
            return retryOrFail(e, new Attempt(decision.operation(), keyStoreId, region, observed.cloudHsmClusterId()),
                progress);
        }
        progress.recordCall(decision, now);
        progress.recordStepSucceeded();
        return StepResult.poll(decision.delaySeconds(), String.format("%s: %s%s accepted while %s (target %s)",
            keyStoreId, decision.operation(), decision.reissue() ? " re-issued and" : "", observed.state(),
            progress.getTarget()));
    }

    private StepResult retryOrFail(final RuntimeException error, final Attempt attempt, final Progress progress) {
        final ErrorTranslator.Translation translation = errors.translate(error, attempt);
        if (!translation.retryable()) {
            return StepResult.failed(translation.failure());
        }
        final int failures = progress.recordTransientFailure();
        if (retries.exhausted(failures)) {
            return StepResult.failed(translation.failure());
        }
        final int delay = retries.delaySeconds(failures);
        return StepResult.poll(delay, String.format("%s: %s hit %s; retrying in %ds (attempt %d of %d)",
            attempt.keyStoreId(), attempt.operation(), translation.kind(), delay, failures, retries.maxAttempts()));
    }
}
