package com.keyhold.kms.customkeystoreconnection.local.runner;

import com.keyhold.kms.customkeystoreconnection.local.runner.StackState.Step;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Runs the steps of one phase of an operation as CloudFormation does: every step whose prerequisites are done
 * starts at once, each on its own thread, taking turns on {@link Turns} (so only one changes the stack at a time,
 * and waits overlap). After a failure, with {@code stopOnFailure}, nothing new starts and the steps in flight
 * finish. A step whose prerequisite failed never starts (it stays PENDING).
 */
final class StepScheduler {
    /** Runs one step to its end and records the outcome on the stack; true when it succeeded. */
    @FunctionalInterface
    interface StepBody {
        boolean run(Step step) throws InterruptedException;
    }

    private final Turns turns;

    StepScheduler(final Turns turns) {
        this.turns = turns;
    }

    /**
     * @param steps the phase's steps, in the order ties start in
     * @param prerequisites for a step, the steps that must be DONE or SKIPPED before it starts
     * @return whether every step that ran succeeded
     */
    boolean run(final List<Step> steps, final Function<Step, Collection<Step>> prerequisites,
                final StepBody body, final boolean stopOnFailure) throws InterruptedException {
        final Turns.Turn coordinator = turns.enter();
        final Set<Step> started = new HashSet<>();
        final int[] inFlight = {0};
        final boolean[] failed = {false};
        final Throwable[] crash = {null};
        InterruptedException interrupted = null;
        try {
            while (true) {
                if (crash[0] == null && interrupted == null && !turns.cancelled() && !(stopOnFailure && failed[0])) {
                    for (Step step : steps) {
                        if (!started.contains(step) && "PENDING".equals(step.status)
                            && prerequisites.apply(step).stream().allMatch(StepScheduler::done)) {
                            started.add(step);
                            inFlight[0]++;
                            start(step, body, coordinator, () -> inFlight[0]--, ok -> failed[0] |= !ok, t -> {
                                if (crash[0] == null) {
                                    crash[0] = t;
                                }
                            });
                        }
                    }
                }
                if (inFlight[0] == 0) {
                    break;
                }
                try {
                    turns.await();
                } catch (InterruptedException e) {
                    // Stop the others at their next wait, and still wait for them: none may outlive the command.
                    interrupted = e;
                    turns.cancel();
                }
            }
        } finally {
            turns.exit();
        }
        if (crash[0] instanceof RuntimeException e) {
            throw e;
        }
        if (crash[0] instanceof Error e) {
            throw e;
        }
        if (interrupted != null || crash[0] instanceof InterruptedException) {
            throw interrupted != null ? interrupted : (InterruptedException) crash[0];
        }
        return !failed[0];
    }

    private void start(final Step step, final StepBody body, final Turns.Turn coordinator, final Runnable finished,
                       final java.util.function.Consumer<Boolean> outcome,
                       final java.util.function.Consumer<Throwable> crashed) {
        final Turns.Turn turn = turns.reserve();
        final Thread thread = new Thread(() -> {
            try {
                turns.adopt(turn);
                if (!turns.cancelled()) {
                    outcome.accept(body.run(step));
                }
            } catch (Throwable t) {
                // A crash (or a stop) in one step stops the others at their next wait, as a dying process would.
                crashed.accept(t);
                turns.cancel();
            } finally {
                finished.run();
                turns.wake(coordinator);
                turns.exit();
            }
        }, "keyhold-" + step.logicalId);
        thread.setDaemon(true);
        thread.start();
    }

    static boolean done(final Step step) {
        return "DONE".equals(step.status) || "SKIPPED".equals(step.status);
    }

    /** Prerequisites for forward steps: the steps of what each resource depends on, and earlier steps of itself. */
    static Function<Step, Collection<Step>> forward(final List<Step> steps,
                                                   final Function<String, Collection<String>> dependsOn) {
        return step -> {
            final List<Step> before = new ArrayList<>();
            final Collection<String> deps = dependsOn.apply(step.logicalId);
            for (Step other : steps) {
                if (other == step) {
                    break;
                }
                if (other.logicalId.equals(step.logicalId)) {
                    before.add(other);
                }
            }
            steps.stream().filter(o -> o != step && deps.contains(o.logicalId)).forEach(before::add);
            return before;
        };
    }

    /**
     * Prerequisites for deletions and rollbacks: what depends on a resource goes first (deletes in reverse
     * dependency order), and earlier steps of itself.
     */
    static Function<Step, Collection<Step>> reverse(final List<Step> steps,
                                                   final Function<String, Collection<String>> dependsOn) {
        return step -> {
            final List<Step> before = new ArrayList<>();
            for (Step other : steps) {
                if (other == step) {
                    break;
                }
                if (other.logicalId.equals(step.logicalId)) {
                    before.add(other);
                }
            }
            steps.stream().filter(o -> o != step && !o.logicalId.equals(step.logicalId)
                && dependsOn.apply(o.logicalId).contains(step.logicalId)).forEach(before::add);
            return before;
        };
    }
}
