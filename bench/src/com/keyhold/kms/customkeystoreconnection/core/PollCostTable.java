package com.keyhold.kms.customkeystoreconnection.core;

/**
 * Prints SPEC section 2's poll cost for transitions of T seconds: describes after the mutating call and how late
 * Keyhold saw the target state, against the 6 + T/30 and 30 s (5 s when T is 30 s or less) budgets. It calls
 * {@code PollScheduleTest.simulateConnect}, the virtual-clock simulation the unit test asserts on, rather than
 * repeating it: compiled by bench/run.sh against target/test-classes, in the test's package.
 */
public final class PollCostTable {
    public static void main(final String[] args) {
        final long[] durations = args.length == 0 ? new long[] {5, 60, 300, 1200, 2400}
            : java.util.Arrays.stream(args).mapToLong(Long::parseLong).toArray();
        boolean ok = true;
        System.out.printf("| T (s) | describes | budget 6 + T/30 | overshoot (s) | budget (s) | within |%n");
        System.out.printf("|---:|---:|---:|---:|---:|:---:|%n");
        for (final long t : durations) {
            final PollScheduleTest.Cost cost = PollScheduleTest.simulateConnect(t);
            final double describeBudget = 6 + t / 30.0;
            final long overshootBudget = t <= 30 ? 5 : 30;
            final boolean within = cost.describes() <= describeBudget && cost.overshootSeconds() <= overshootBudget
                && cost.overshootSeconds() >= 0;
            ok &= within;
            System.out.printf("| %d | %d | %s | %d | %d | %s |%n", t, cost.describes(),
                describeBudget == Math.rint(describeBudget) ? String.valueOf((long) describeBudget)
                    : String.format("%.2f", describeBudget),
                cost.overshootSeconds(), overshootBudget, within ? "yes" : "NO");
        }
        if (!ok) {
            System.exit(1);
        }
    }

    private PollCostTable() {
    }
}
