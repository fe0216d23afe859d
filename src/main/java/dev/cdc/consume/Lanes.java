package dev.cdc.consume;

import dev.cdc.db.Db;
import dev.cdc.target.TargetConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The threads consume applies on, at most {@code --connections}, each with its own connection to
 * the target database (none for an HTTP sink). Each topic keeps one lane, so its batches are
 * applied in order; the lanes of a poll run at once, and the consumer waits for all of them before
 * it reads on, so a record is never read twice into the work in hand.
 */
final class Lanes implements AutoCloseable {
    private final List<TargetConnection> connections = new ArrayList<>();
    private final List<ExecutorService> threads = new ArrayList<>();

    /** {@code target}: the database each lane connects to, or null (a sink of another kind). */
    Lanes(int count, Db target) {
        for (int i = 0; i < count; i++) {
            connections.add(target == null ? null : new TargetConnection(target));
        }
    }

    int count() {
        return connections.size();
    }

    /** The lane's connection to the target database (null without one), opened when first used. */
    TargetConnection connection(int lane) {
        return connections.get(lane);
    }

    /** Runs each lane's work on the lane's thread, all at once, and returns their results when all are done. */
    <T> List<T> run(Map<Integer, Supplier<T>> work) {
        if (threads.isEmpty()) {
            for (int i = 0; i < count(); i++) {
                String name = "cdc-apply-" + i;
                threads.add(Executors.newSingleThreadExecutor(r -> new Thread(r, name)));
            }
        }
        List<Future<T>> running = new ArrayList<>();
        work.forEach((lane, w) -> running.add(threads.get(lane).submit(w::get)));
        List<T> results = new ArrayList<>();
        Throwable failed = null;
        for (Future<T> f : running) { // all of them, even after one failed: none may still be applying
            try {
                results.add(getUninterruptibly(f));
            } catch (ExecutionException e) {
                failed = failed != null ? failed : e.getCause();
            }
        }
        if (failed instanceof RuntimeException r) {
            throw r;
        }
        if (failed instanceof Error err) {
            throw err;
        }
        if (failed != null) {
            throw new IllegalStateException(failed);
        }
        return results;
    }

    /** Waits for the lane even when interrupted: its transaction must end before consume goes on or stops. */
    private static <T> T getUninterruptibly(Future<T> f) throws ExecutionException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Ends the threads (their work is done: {@link #run} waits for it) and closes the connections. */
    @Override
    public void close() {
        for (ExecutorService t : threads) {
            t.shutdown();
            try {
                t.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        connections.forEach(c -> {
            if (c != null) {
                c.close();
            }
        });
    }
}
