package com.keyhold.kms.customkeystoreconnection.customresource;

import com.keyhold.kms.customkeystoreconnection.core.TransitionPlanner;
import java.time.Duration;

/**
 * The custom resource's timings and limits.
 *
 * @param budget              how long one request may take from its first invocation before it is answered FAILED;
 *                            under CloudFormation's one-hour custom resource timeout
 * @param continueMargin      remaining invocation time kept for one more step, the re-invocation and the answer: an
 *                            invocation whose remaining time would fall below it continues in a new invocation
 * @param maxReasonBytes      Reason size limit; CloudFormation refuses responses over 4096 bytes
 * @param responseUrlPolicy   which ResponseURLs are answered
 */
public record CustomResourceSettings(Duration budget,
                                     Duration continueMargin,
                                     int maxReasonBytes,
                                     ResponseUrlPolicy responseUrlPolicy) {

    public static final Duration DEFAULT_BUDGET = TransitionPlanner.STABILIZATION_BUDGET;
    public static final Duration DEFAULT_CONTINUE_MARGIN = Duration.ofSeconds(60);
    public static final int DEFAULT_MAX_REASON_BYTES = 2048;

    public static CustomResourceSettings defaults() {
        return new CustomResourceSettings(DEFAULT_BUDGET, DEFAULT_CONTINUE_MARGIN, DEFAULT_MAX_REASON_BYTES,
            ResponseUrlPolicy.s3Only());
    }

    /** Tests only: answers a local http://127.0.0.1 server. */
    public static CustomResourceSettings forTestsWithLocalResponseUrl() {
        return new CustomResourceSettings(DEFAULT_BUDGET, DEFAULT_CONTINUE_MARGIN, DEFAULT_MAX_REASON_BYTES,
            ResponseUrlPolicy.allowingLoopbackForTests());
    }

    public CustomResourceSettings withBudget(final Duration newBudget) {
        return new CustomResourceSettings(newBudget, continueMargin, maxReasonBytes, responseUrlPolicy);
    }

    public CustomResourceSettings withMaxReasonBytes(final int bytes) {
        return new CustomResourceSettings(budget, continueMargin, bytes, responseUrlPolicy);
    }
}
