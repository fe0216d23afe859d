package dev.cdc.demo;

import dev.cdc.db.Db;
import dev.cdc.db.Sql;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;

/**
 * Writers of a stream of inserts, updates and deletes on the employees table, each in transactions
 * of a few statements, at a target total rate of changes per second (for the demo).
 */
public final class Workload implements AutoCloseable {
    private static final String[] CITIES = {"Boston", "Austin", "Zürich", "São Paulo", "Kraków", "東京", "O'Fallon"};

    private final Db source;
    private final int writers;
    private final double ratePerWriter;
    private final AtomicLong changes = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    private volatile RuntimeException failure;

    public Workload(Db source, int writers, double changesPerSecond) {
        this.source = source;
        this.writers = writers;
        this.ratePerWriter = changesPerSecond / writers;
    }

    public Workload start() {
        for (int w = 0; w < writers; w++) {
            int seed = w;
            Thread t = new Thread(() -> write(seed), "writer-" + w);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        return this;
    }

    /** Changes committed so far. */
    public long changes() {
        return changes.get();
    }

    private void write(int seed) {
        Random rnd = new Random(seed);
        long start = System.nanoTime();
        try (Handle h = source.open("cdc-demo-writer")) {
            while (!stopping) {
                long n;
                try {
                    n = h.inTransaction(tx -> transaction(tx, rnd));
                } catch (RuntimeException e) {
                    if (!"40P01".equals(Db.sqlState(e)) && !"40001".equals(Db.sqlState(e))) {
                        throw e;
                    }
                    continue; // two writers deadlocked; PostgreSQL rolled this one back: write again
                }
                long done = changes.addAndGet(n);
                // pace: this writer's share of the rate
                long due = start + (long) (done / (double) writers / ratePerWriter * 1e9);
                long wait = (due - System.nanoTime()) / 1_000_000;
                if (wait > 0) {
                    Thread.sleep(Math.min(wait, 200));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    private static long transaction(Handle tx, Random rnd) {
        int inserts = 1 + rnd.nextInt(10);
        long n = 0;
        for (int i = 0; i < inserts; i++) {
            n += tx.createUpdate(Sql.load("demo/insert.sql"))
                    .bind("f", "First" + rnd.nextInt(100_000)).bind("l", "Last" + rnd.nextInt(100_000))
                    .bind("d", java.time.LocalDate.of(1950 + rnd.nextInt(50), 1 + rnd.nextInt(12), 1 + rnd.nextInt(28)))
                    .bind("c", CITIES[rnd.nextInt(CITIES.length)]).bind("s", new java.math.BigDecimal(30000 + rnd.nextInt(170000)))
                    .execute();
        }
        n += tx.createUpdate(Sql.load("demo/update_some.sql"))
                .bind("c", CITIES[rnd.nextInt(CITIES.length)]).bindArray("ids", Integer.class, randomIds(tx, rnd, 5))
                .execute();
        if (rnd.nextInt(3) == 0) {
            n += tx.createUpdate(Sql.load("demo/delete_some.sql"))
                    .bindArray("ids", Integer.class, randomIds(tx, rnd, 3)).execute();
        }
        return n;
    }

    private static List<Integer> randomIds(Handle tx, Random rnd, int count) {
        int max = tx.createQuery(Sql.load("demo/max_id.sql")).mapTo(Integer.class).one();
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < count && max > 0; i++) {
            ids.add(1 + rnd.nextInt(max));
        }
        return ids;
    }

    /** Rethrows what a writer failed with, if one did (once). */
    public void check() {
        RuntimeException f = failure;
        if (f != null) {
            failure = null;
            throw f;
        }
    }

    /** Stops the writers; rethrows what one of them failed with. */
    @Override
    public void close() {
        stopping = true;
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        check();
    }
}
