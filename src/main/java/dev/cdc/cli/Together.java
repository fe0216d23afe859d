package dev.cdc.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Runs the loops of several tables (or topics) in one process, one thread each. When one of them
 * fails, the others are stopped and the failure is rethrown, so the process exits with its code.
 */
final class Together<T extends Runnable> implements Runnable {
    private final List<T> loops;
    private final Consumer<T> stop;

    Together(List<T> loops, Consumer<T> stop) {
        this.loops = loops;
        this.stop = stop;
    }

    void stop() {
        loops.forEach(stop);
    }

    void each(Consumer<T> action) {
        loops.forEach(action);
    }

    @Override
    public void run() {
        if (loops.size() == 1) {
            loops.get(0).run();
            return;
        }
        AtomicReference<RuntimeException> failed = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (T loop : loops) {
            Thread t = new Thread(() -> {
                try {
                    loop.run();
                } catch (RuntimeException e) {
                    if (failed.compareAndSet(null, e)) {
                        stop();
                    }
                }
            }, "cdc-" + threads.size());
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
            }
        }
        if (failed.get() != null) {
            throw failed.get();
        }
    }
}
