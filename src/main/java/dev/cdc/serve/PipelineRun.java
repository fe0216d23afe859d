package dev.cdc.serve;

import dev.cdc.base.Loop;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pipeline running inside cdc serve: its produce and its consume loop, one thread each. Stopping
 * lets both finish their batch in hand and store their positions, as Ctrl-C does for the commands.
 * When a loop fails (an event the target rejects, a lost right), the other is stopped and the
 * error kept, to be shown in the status until the pipeline is started again.
 */
final class PipelineRun {
    private static final Logger LOG = LoggerFactory.getLogger("cdc");
    private static final long GRACE_MILLIS = 20_000;

    private final String name;
    private final List<Loop> loops;
    private final List<Thread> threads = new ArrayList<>();
    private final Consumer<String> onError;
    private volatile String error;
    private volatile Instant errorAt;
    private volatile boolean stopping;

    PipelineRun(String name, List<Loop> loops, Consumer<String> onError) {
        this.name = name;
        this.loops = loops;
        this.onError = onError;
    }

    void start() {
        for (Loop loop : loops) {
            Thread t = new Thread(() -> {
                try {
                    loop.run();
                } catch (Throwable e) {
                    if (!stopping) {
                        stopping = true;
                        loops.forEach(Loop::stop);
                        error = e.getMessage() != null ? e.getMessage() : e.toString();
                        errorAt = Instant.now();
                        LOG.error("pipeline {}: {}; it stopped (restart it once the cause is fixed)", name, error);
                        try {
                            onError.accept(error);
                        } catch (RuntimeException stateDown) {
                            LOG.warn("pipeline {}: cannot store its error in the state database: {}", name, stateDown.getMessage());
                        }
                    }
                }
            }, "pipeline-" + name + "-" + threads.size());
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
    }

    /** Asks both loops to stop after their batch in hand, and waits until they have (giving up a batch after 20 s). */
    void stop() {
        stopping = true;
        loops.forEach(Loop::stop);
        long deadline = System.currentTimeMillis() + GRACE_MILLIS;
        for (Thread t : threads) {
            join(t, deadline - System.currentTimeMillis());
        }
        if (threads.stream().anyMatch(Thread::isAlive)) {
            loops.forEach(Loop::abort);
            threads.forEach(t -> join(t, 10_000));
        }
    }

    private static void join(Thread t, long millis) {
        try {
            t.join(Math.max(1, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether it was stopped (and not failed). */
    boolean stopped() {
        return stopping && error == null;
    }

    /** running, or failed when a loop ended with an error. */
    String state() {
        return error != null ? "failed" : threads.stream().allMatch(Thread::isAlive) ? "running" : "stopping";
    }

    String error() {
        return error;
    }

    Instant errorAt() {
        return errorAt;
    }
}
