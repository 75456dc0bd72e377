package com.keyhold.kms.customkeystoreconnection;

import com.keyhold.kms.customkeystoreconnection.aws.ClientFactory;
import com.keyhold.kms.customkeystoreconnection.core.ErrorTranslator;
import com.keyhold.kms.customkeystoreconnection.core.PollSchedule;
import com.keyhold.kms.customkeystoreconnection.core.RetryPolicy;
import com.keyhold.kms.customkeystoreconnection.core.Transition;
import com.keyhold.kms.customkeystoreconnection.core.TransitionPlanner;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.cloudformation.AbstractWrapper;

/**
 * Everything the handlers take from outside: clock, timings, retry policy, clients. Production uses
 * {@link #defaults()}; tests inject a virtual clock and clients pointed at the emulator.
 */
public final class HandlerConfig {
    /**
     * Stabilization budget. The schema gives create, update and delete 60 minutes; failing at 55 with Keyhold's
     * own message beats CloudFormation's generic timeout. The plugin's default of 20 minutes would fail a slow
     * CloudHSM connect, which alone can take 20.
     */
    public static final Duration STABILIZATION_BUDGET = Duration.ofMinutes(55);
    /** How long DescribeCustomKeyStores may still show the state from before Keyhold's call. */
    public static final Duration DESCRIBE_LAG_GRACE = Duration.ofSeconds(20);

    private final Clock clock;
    private final ClientFactory clients;
    private final Transition transition;

    public HandlerConfig(final Clock clock, final ClientFactory clients, final PollSchedule schedule,
                         final RetryPolicy retries) {
        this.clock = clock;
        this.clients = clients;
        this.transition = new Transition(new TransitionPlanner(schedule, DESCRIBE_LAG_GRACE, STABILIZATION_BUDGET),
            new ErrorTranslator(), retries, clock);
    }

    public static HandlerConfig defaults() {
        return new HandlerConfig(Clock.systemUTC(),
            new ClientFactory(AbstractWrapper.HTTP_CLIENT,
                ClientOverrideConfiguration.builder().retryStrategy(RetryMode.STANDARD).build()),
            PollSchedule.DEFAULT, RetryPolicy.DEFAULT);
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
