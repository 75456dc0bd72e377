package com.keyhold.kms.customkeystore;

import com.keyhold.kms.customkeystoreconnection.aws.ClientFactory;
import com.keyhold.kms.customkeystoreconnection.core.ErrorTranslator;
import com.keyhold.kms.customkeystoreconnection.core.PollSchedule;
import com.keyhold.kms.customkeystoreconnection.core.RetryPolicy;
import com.keyhold.kms.customkeystoreconnection.core.Transition;
import com.keyhold.kms.customkeystoreconnection.core.TransitionPlanner;
import java.time.Clock;

/**
 * What the key store type's handlers take from outside: clock, clients, retries, and the connection type's
 * stabilization ({@link Transition}) for every wait on a connection state. Tests inject a virtual clock and clients
 * pointed at the emulator.
 */
public record HandlerConfig(Clock clock, ClientFactory clients, PollSchedule schedule, RetryPolicy retries,
                            Transition transition, KeyScanBudget keyScan) {

    public HandlerConfig(final Clock clock, final ClientFactory clients, final PollSchedule schedule,
                         final RetryPolicy retries, final Transition transition) {
        this(clock, clients, schedule, retries, transition, KeyScanBudget.DEFAULT);
    }

    public HandlerConfig(final Clock clock, final ClientFactory clients, final PollSchedule schedule,
                         final RetryPolicy retries) {
        this(clock, clients, schedule, retries, new Transition(new TransitionPlanner(schedule,
            TransitionPlanner.DESCRIBE_LAG_GRACE, TransitionPlanner.STABILIZATION_BUDGET), new ErrorTranslator(),
            retries, clock));
    }

    /** The same configuration with another share of the delete's key count per invocation (tests, benchmarks). */
    public HandlerConfig withKeyScan(final KeyScanBudget budget) {
        return new HandlerConfig(clock, clients, schedule, retries, transition, budget);
    }

    public static HandlerConfig defaults() {
        return new HandlerConfig(Clock.systemUTC(), ClientFactory.standard(), PollSchedule.DEFAULT, RetryPolicy.DEFAULT);
    }
}
