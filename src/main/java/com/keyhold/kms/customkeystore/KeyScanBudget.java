package com.keyhold.kms.customkeystore;

import java.time.Duration;

/**
 * How much of the delete's key count one invocation does. KMS cannot list the keys of one key store, so the count
 * describes every key of the account (up to 100,000): it pages across invocations, resuming from the ListKeys marker
 * kept in the callback context, and stops at a page boundary once either limit is reached.
 *
 * @param keysPerInvocation at most this many keys listed and described per invocation (ListKeys pages shrink to fit)
 * @param timePerInvocation no new page is started after this much time in one invocation (slow or throttled KMS)
 */
public record KeyScanBudget(int keysPerInvocation, Duration timePerInvocation) {
    /** Two full ListKeys pages and 2,000 DescribeKey calls: about 10 to 20 s in the Region, well inside an invocation. */
    public static final KeyScanBudget DEFAULT = new KeyScanBudget(2000, Duration.ofSeconds(30));

    public KeyScanBudget {
        if (keysPerInvocation < 1) {
            throw new IllegalArgumentException("keysPerInvocation must be at least 1, got " + keysPerInvocation);
        }
        if (timePerInvocation.isNegative() || timePerInvocation.isZero()) {
            throw new IllegalArgumentException("timePerInvocation must be positive, got " + timePerInvocation);
        }
    }
}
