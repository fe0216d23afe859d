package dev.cdc.base;

/**
 * A long-running part of a pipeline (publishing a source's tables, applying topics): {@link #run}
 * works until {@link #stop} is called from another thread, then finishes its batch in hand, stores
 * its position and returns. {@link #abort} gives up the batch in hand (redone on the next start).
 */
public interface Loop extends Runnable {
    void stop();

    default void abort() {
        stop();
    }
}
