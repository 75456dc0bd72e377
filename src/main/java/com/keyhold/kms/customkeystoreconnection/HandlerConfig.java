package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.aws.ClientFactory;
import com.keyhold.kms.customkeystoreconnection.core.ErrorTranslator;
import com.keyhold.kms.customkeystoreconnection.core.PollSchedule;
import com.keyhold.kms.customkeystoreconnection.core.RetryPolicy;
import com.keyhold.kms.customkeystoreconnection.core.Transition;
import com.keyhold.kms.customkeystoreconnection.core.TransitionPlanner;
import java.time.Clock;

/**
 * Everything the handlers take from outside: clock, timings, retry policy, clients. Production uses
 * {@link #defaults()}; tests inject a virtual clock and clients pointed at the emulator.
 */
public final class HandlerConfig {
    private final Clock clock;
    private final ClientFactory clients;
    private final Transition transition;

    public HandlerConfig(final Clock clock, final ClientFactory clients, final PollSchedule schedule,
                         final RetryPolicy retries) {
        this.clock = clock;
        this.clients = clients;
        this.transition = new Transition(new TransitionPlanner(schedule,
            TransitionPlanner.DESCRIBE_LAG_GRACE, TransitionPlanner.STABILIZATION_BUDGET),
            new ErrorTranslator(), retries, clock);
    }

    public static HandlerConfig defaults() {
        return new HandlerConfig(Clock.systemUTC(), ClientFactory.standard(), PollSchedule.DEFAULT,
            RetryPolicy.DEFAULT);
    }

    public Clock clock() {
        return clock;
    }

    public ClientFactory clients() {
        return clients;
    }

    public Transition transition() {
        return transition;
    }
}
