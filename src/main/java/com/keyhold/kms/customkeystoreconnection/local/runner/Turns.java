package com.keyhold.kms.customkeystoreconnection.local.runner;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;

/**
 * Time for resource operations that run at the same time, as a discrete-event simulation runs them: one operation
 * holds the turn at a time (so the stack's state only ever changes in one thread), a wait between callbacks hands
 * the turn to the next operation that is ready, and time moves only when every operation waits: on compressed time
 * straight to the earliest wake-up, in real time by sleeping until it. Ten key stores that each take 8 minutes take
 * 8 minutes, not 80, and the same inputs give the same events in the same order.
 * <p>
 * A thread that has no turn (a command that runs one call, a test) waits on the underlying time as before.
 */
final class Turns implements Timekeeper {
    /** One participant: the coordinator of an operation, or one resource operation. */
    final class Turn {
        private final long seq = nextSeq++;
        private Instant wakeAt;
        private boolean awaiting;
    }

    private final Timekeeper base;
    private final ThreadLocal<Turn> mine = new ThreadLocal<>();
    private final ArrayDeque<Turn> ready = new ArrayDeque<>();
    private final PriorityQueue<Turn> sleeping = new PriorityQueue<>(
        Comparator.comparing((Turn t) -> t.wakeAt).thenComparingLong(t -> t.seq));
    private long nextSeq;
    private Turn holder;
    private boolean cancelled;

    Turns(final Timekeeper base) {
        this.base = base;
    }

    /** The time underneath (the compressed clock, or real time). */
    Timekeeper base() {
        return base;
    }

    @Override
    public Clock clock() {
        return base.clock();
    }

    @Override
    public String note() {
        return base.note();
    }

    @Override
    public void sleep(final Duration duration) throws InterruptedException {
        final Turn turn = mine.get();
        if (turn == null) {
            base.sleep(duration);
            return;
        }
        synchronized (this) {
            if (cancelled) {
                throw new InterruptedException("the operation was stopped");
            }
            turn.wakeAt = clock().instant().plus(duration.isNegative() ? Duration.ZERO : duration);
            sleeping.add(turn);
            handOn();
            awaitTurn(turn);
            if (cancelled) {
                throw new InterruptedException("the operation was stopped");
            }
        }
    }

    /** The calling thread becomes a participant and waits for its turn (the coordinator of an operation). */
    synchronized Turn enter() throws InterruptedException {
        if (holder == null && ready.isEmpty() && sleeping.isEmpty()) {
            cancelled = false;
        }
        final Turn turn = new Turn();
        ready.add(turn);
        mine.set(turn);
        if (holder == null) {
            handOn();
        }
        awaitTurn(turn);
        return turn;
    }

    /** A participant for another thread, queued now so that the order in which threads start does not matter. */
    synchronized Turn reserve() {
        final Turn turn = new Turn();
        ready.add(turn);
        return turn;
    }

    /** The calling thread takes a reserved turn and waits for it. */
    synchronized void adopt(final Turn turn) throws InterruptedException {
        mine.set(turn);
        awaitTurn(turn);
    }

    /** The holder leaves; the turn goes on. */
    synchronized void exit() {
        mine.remove();
        handOn();
    }

    /** The holder waits, without a time, until another participant {@link #wake}s it. */
    synchronized void await() throws InterruptedException {
        final Turn turn = mine.get();
        turn.awaiting = true;
        handOn();
        awaitTurn(turn);
    }

    /** Makes an awaiting participant ready again. Called by the holder. */
    synchronized void wake(final Turn turn) {
        if (turn.awaiting) {
            turn.awaiting = false;
            ready.add(turn);
        }
    }

    /** Stops every participant at its next wait (a crash elsewhere, an interrupt): their waits throw. */
    synchronized void cancel() {
        cancelled = true;
    }

    synchronized boolean cancelled() {
        return cancelled;
    }

    private void awaitTurn(final Turn turn) throws InterruptedException {
        while (holder != turn) {
            try {
                wait();
            } catch (InterruptedException e) {
                // An interrupted participant stops everything; it still waits for its turn, so that no two threads
                // ever change the stack at once.
                cancelled = true;
                Thread.currentThread().interrupt();
                if (holder == null) {
                    handOn();
                }
                while (holder != turn) {
                    try {
                        wait();
                    } catch (InterruptedException again) {
                        // already stopping
                    }
                }
                Thread.interrupted();
                throw e;
            }
        }
    }

    /** Gives the turn to the next ready participant, moving time to the earliest wake-up when none is ready. */
    private void handOn() {
        holder = null;
        while (holder == null) {
            if (!ready.isEmpty()) {
                holder = ready.poll();
                notifyAll();
                return;
            }
            if (sleeping.isEmpty()) {
                notifyAll();
                return;
            }
            if (!cancelled) {
                final Duration gap = Duration.between(clock().instant(), sleeping.peek().wakeAt);
                if (!gap.isNegative() && !gap.isZero()) {
                    try {
                        // Everyone waits: nothing else can happen meanwhile.
                        base.sleep(gap);
                    } catch (InterruptedException e) {
                        cancelled = true;
                    }
                }
            }
            final Instant now = clock().instant();
            while (!sleeping.isEmpty() && (cancelled || !sleeping.peek().wakeAt.isAfter(now))) {
                ready.add(sleeping.poll());
            }
        }
    }
}
