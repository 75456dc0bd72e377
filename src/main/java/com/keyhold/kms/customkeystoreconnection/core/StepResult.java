package com.keyhold.kms.customkeystoreconnection.core;

/** What one invocation's step of a transition came to. */
public record StepResult(Kind kind, int delaySeconds, String message, Observation observation, Failure failure) {

    public enum Kind {
        /** KMS reports the target state. */
        DONE,
        /** Look again after {@code delaySeconds}; {@code message} tells the operator what is going on. */
        POLL,
        /** Terminal. */
        FAILED
    }

    static StepResult done(final Observation observation) {
        return new StepResult(Kind.DONE, 0, null, observation, null);
    }

    static StepResult poll(final int delaySeconds, final String message) {
        return new StepResult(Kind.POLL, delaySeconds, message, null, null);
    }

    static StepResult failed(final Failure failure) {
        return new StepResult(Kind.FAILED, 0, failure.message(), null, failure);
    }
}
