package com.keyhold.kms.customkeystore;

/**
 * Prints the key store type's rows of the poll-cost table: API calls per path, measured by
 * {@code DanceCostTest.measure} (the path through the type's HandlerWrapper against the emulator on a virtual clock,
 * counted from its request log) rather than repeated here: compiled by bench/run.sh against target/test-classes, in
 * the test's package. Arguments: {@code PATH:disconnectSeconds:connectSeconds}, e.g. {@code CLOUDHSM_DANCE:60:1200}.
 */
public final class DanceCostTable {
    private static final String[] DEFAULT_ROWS = {"CREATE:60:300", "CREATE_XKS:60:300", "RENAME_CONNECTED:60:300",
        "CLOUDHSM_DANCE:60:300", "CLOUDHSM_DANCE:60:1200", "XKS_DANCE:60:300", "DELETE_CONNECTED:60:300"};

    public static void main(final String[] args) {
        System.out.printf("| path | disconnect T (s) | connect T (s) | describes | budget 6 + T/30 per wait | other calls "
            + "| invocations | answered after KMS was done (s) |%n");
        System.out.printf("|---|---:|---:|---:|---:|---|---:|---:|%n");
        for (final String row : args.length == 0 ? DEFAULT_ROWS : args) {
            final String[] part = row.split(":");
            final DanceCostTest.Path path = DanceCostTest.Path.valueOf(part[0]);
            final DanceCostTest.Cost cost = DanceCostTest.measure(path, Long.parseLong(part[1]),
                Long.parseLong(part[2]));
            System.out.printf("| %s | %s | %s | %d | %s | %s | %d | %s |%n", path.description,
                cost.waits() > 0 ? part[1] : "–", cost.waits() > 1 ? part[2] : "–", cost.describes(),
                cost.budgetText(), cost.otherCallsText(), cost.invocations(),
                cost.waits() > 0 ? String.valueOf(cost.overshootSeconds()) : "–");
        }
    }

    private DanceCostTable() {
    }
}
