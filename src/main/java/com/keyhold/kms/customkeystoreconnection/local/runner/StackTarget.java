package com.keyhold.kms.customkeystoreconnection.local.runner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where a stack's key stores and ownership records live: the in-process emulator of the state folder, an endpoint
 * (AWS_ENDPOINT_URL_KMS and AWS_ENDPOINT_URL_SSM), or real AWS ({@code --aws}). Recorded in {@code stack.json} with the
 * stack's Region when the stack is made; a command aimed at another target or Region is refused before anything
 * runs, since it would drop or change the stack while its key stores and records stay where they were.
 */
public final class StackTarget {
    public static final String EMULATOR = "IN_PROCESS_EMULATOR";
    public static final String ENDPOINT = "ENDPOINT";
    public static final String AWS = "AWS";

    /** {@link #EMULATOR}, {@link #ENDPOINT} or {@link #AWS}. */
    public String kind;
    /** ENDPOINT only: AWS_ENDPOINT_URL_KMS (key stores) and AWS_ENDPOINT_URL_SSM (ownership records). */
    public String kmsEndpoint;
    public String ssmEndpoint;

    public StackTarget() {
    }

    StackTarget(final String kind, final String kmsEndpoint, final String ssmEndpoint) {
        this.kind = kind;
        this.kmsEndpoint = kmsEndpoint;
        this.ssmEndpoint = ssmEndpoint;
    }

    /** The target a command's options and environment aim at (the same rules as {@link Target#open}). */
    static StackTarget aimedBy(final boolean aws, final Map<String, String> env) {
        if (aws) {
            return new StackTarget(AWS, null, null);
        }
        final String kms = env.get("AWS_ENDPOINT_URL_KMS");
        return kms == null ? new StackTarget(EMULATOR, null, null)
            : new StackTarget(ENDPOINT, normalized(kms), normalized(env.get("AWS_ENDPOINT_URL_SSM")));
    }

    private static String normalized(final String url) {
        return url == null ? null : url.replaceAll("/+$", "");
    }

    /**
     * Refuses (exit code 2, nothing run) a command aimed at another target or Region than the stack was made on,
     * naming both and how to aim at the stack's. A stack written before targets were recorded is taken as made on
     * the in-process emulator, and the message says so.
     */
    static void check(final StackState stack, final StackTarget aimed, final String aimedRegion, final Path stateDir) {
        if (madeOn(stack, aimed, aimedRegion)) {
            return;
        }
        final StackTarget made = madeOn(stack);
        final String madeRegion = regionOf(stack);
        final StringBuilder m = new StringBuilder("stack " + stack.stackName + " was made on "
            + made.describe(stateDir) + " in " + madeRegion + (stack.region == null ? " (the Region of its stack id)"
            : "") + ", but this command is aimed at "
            + aimed.describe(stateDir) + " in " + aimedRegion + ": its key stores and ownership records are where it "
            + "was made, so nothing was run. To work on it, " + String.join(", ", made.howToAimFrom(aimed))
            + (Objects.equals(madeRegion, aimedRegion) ? "" : (made.equals(aimed) ? "" : " and ") + "give --region "
            + madeRegion) + ".");
        if (stack.target == null) {
            final StackTarget recorded = aimed;
            m.append(" (Its stack.json was written by an older keyhold that did not record the target, so it is taken "
                + "as made on the in-process emulator. If it was made on ").append(aimed.describe(stateDir))
                .append(", add \"target\": ").append(Json.MAPPER.valueToTree(recorded).toString())
                .append(" to ").append(stateDir.resolve("stacks").resolve(stack.stackName).resolve("stack.json"))
                .append(aimedRegion.equals(madeRegion) ? "" : " and set its \"region\" to \"" + aimedRegion + "\"")
                .append(".)");
        }
        throw new UsageException(m.toString());
    }

    /** Whether the stack was made on this target and Region. */
    static boolean madeOn(final StackState stack, final StackTarget aimed, final String aimedRegion) {
        return madeOn(stack).equals(aimed) && Objects.equals(regionOf(stack), aimedRegion);
    }

    /**
     * A stack of an older version, which the command's checked target works on: records that target and Region, so
     * that its next save has them.
     */
    static void adopt(final StackState stack, final StackTarget target) {
        if (stack.target == null && target != null) {
            stack.target = target;
            stack.region = regionOf(stack);
        }
    }

    /** The stack's target: recorded, or (stacks of older versions) the in-process emulator. */
    static StackTarget madeOn(final StackState stack) {
        return stack.target != null ? stack.target : new StackTarget(EMULATOR, null, null);
    }

    /** The stack's Region: recorded, or (stacks of older versions) the one in its stack id. */
    static String regionOf(final StackState stack) {
        if (stack.region != null) {
            return stack.region;
        }
        final String[] arn = stack.stackId == null ? new String[0] : stack.stackId.split(":");
        return arn.length > 3 ? arn[3] : null;
    }

    String describe(final Path stateDir) {
        return switch (kind) {
            case EMULATOR -> "the in-process emulator (state in " + stateDir.resolve("emulator") + ")";
            case ENDPOINT -> "the endpoint " + kmsEndpoint + " (AWS_ENDPOINT_URL_KMS"
                + (Objects.equals(kmsEndpoint, ssmEndpoint) ? ", AWS_ENDPOINT_URL_SSM" : "; AWS_ENDPOINT_URL_SSM "
                + ssmEndpoint) + ")";
            default -> "real AWS (--aws)";
        };
    }

    /** The steps from the {@code aimed} target's settings to this one's. */
    private List<String> howToAimFrom(final StackTarget aimed) {
        final List<String> steps = new ArrayList<>();
        if (equals(aimed)) {
            return steps;
        }
        if (!AWS.equals(kind) && AWS.equals(aimed.kind)) {
            steps.add("drop --aws");
        }
        if (ENDPOINT.equals(kind)) {
            steps.add("set AWS_ENDPOINT_URL_KMS=" + kmsEndpoint + " and AWS_ENDPOINT_URL_SSM=" + ssmEndpoint);
        } else if (ENDPOINT.equals(aimed.kind)) {
            steps.add("unset AWS_ENDPOINT_URL_KMS and AWS_ENDPOINT_URL_SSM");
        }
        if (AWS.equals(kind)) {
            steps.add("add --aws");
        }
        return steps;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof StackTarget t && Objects.equals(kind, t.kind) && Objects.equals(kmsEndpoint, t.kmsEndpoint)
            && Objects.equals(ssmEndpoint, t.ssmEndpoint);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, kmsEndpoint, ssmEndpoint);
    }
}
