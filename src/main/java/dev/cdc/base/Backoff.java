package dev.cdc.base;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/** Waits between retries: 0.2 s doubling up to a cap, with jitter; reset after a success. */
public final class Backoff {
    private final long minMillis;
    private final long maxMillis;
    private long next;

    public Backoff(long minMillis, long maxMillis) {
        this.minMillis = minMillis;
        this.maxMillis = maxMillis;
        this.next = minMillis;
    }

    public void reset() {
        next = minMillis;
    }

    /** The wait the next {@link #sleep} will take. */
    public long nextMillis() {
        return next;
    }

    /** Sleeps the next wait, in small steps so that a stop request ends it early. */
    public void sleep(BooleanSupplier stopping) {
        long wait = next + ThreadLocalRandom.current().nextLong(next / 4 + 1);
        next = Math.min(maxMillis, next * 2);
        long end = System.nanoTime() + wait * 1_000_000;
        while (!stopping.getAsBoolean() && System.nanoTime() < end) {
            try {
                Thread.sleep(Math.min(50, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
