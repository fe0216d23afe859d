package dev.cdc;

import dev.cdc.db.Db;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;

/**
 * Writers on random tables of the shape {@code (id int PRIMARY KEY, v text, n bigint)}, each
 * statement its own transaction: inserts of a few rows, updates and deletes of rows that may or may
 * not be there, so that keys come and go. Each writer has keys of its own (two writers locking the
 * same rows in different orders deadlock whether or not capture is on: that would be the workload's
 * failure, not capture's).
 */
final class TableWriters {
    final AtomicLong statements = new AtomicLong();
    private final Db db;
    private final List<String> tables;
    private final int writers;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Throwable> failed = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();

    /** {@code writers} threads on {@code tables} (qualified names, quoted where needed). */
    TableWriters(Db db, List<String> tables, int writers) {
        this.db = db;
        this.tables = List.copyOf(tables);
        this.writers = writers;
    }

    void start() {
        for (int w = 0; w < writers; w++) {
            int keys = w * 1_000;
            Thread t = new Thread(() -> write(keys), "writer-" + w);
            t.start();
            threads.add(t);
        }
    }

    private void write(int keys) {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        try (Handle h = db.open("cdc-test")) {
            while (running.get()) {
                String table = tables.get(r.nextInt(tables.size()));
                int id = keys + r.nextInt(50);
                switch (r.nextInt(4)) {
                    case 0, 1 -> h.execute("INSERT INTO " + table + " SELECT g, md5(random()::text), ? FROM generate_series(?, ?) g "
                            + "ON CONFLICT (id) DO UPDATE SET v = excluded.v, n = " + table + ".n + 1", statements.get(), id, id + 3);
                    case 2 -> h.execute("UPDATE " + table + " SET n = n + 1, v = 'u' WHERE id BETWEEN ? AND ?", id, id + 5);
                    default -> h.execute("DELETE FROM " + table + " WHERE id = ?", id);
                }
                statements.incrementAndGet();
            }
        } catch (Throwable e) {
            failed.compareAndSet(null, e);
        }
    }

    /** Stops the writers; a writer's failure fails the test: capture must never make an application statement fail. */
    void stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join();
        }
        threads.clear();
        if (failed.get() != null) {
            throw new AssertionError("a writer failed: capture must never make an application statement fail",
                    failed.get());
        }
    }
}
