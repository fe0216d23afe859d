package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.db.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A whole schema of 300 tables (issue 18) on servers whose max_connections is left at 100: one
 * setup, one topic command, one produce and one consume, each on at most 4 connections, while
 * writers change many tables at once; produce and consume are each killed -9 mid-stream and started
 * again, and every table ends equal on the target.
 */
class WholeSchemaIT extends ServerTest {
    private static final int TABLES = 300;
    private static final int WRITERS = 4;

    @BeforeEach
    void schema() throws Exception {
        deleteTopics("wide.");
        for (var db : List.of(servers.source, servers.target)) {
            try (Handle h = db.open("cdc-test")) {
                h.execute("DROP SCHEMA IF EXISTS wide CASCADE");
            }
        }
        try (Handle h = servers.source.open("cdc-test")) {
            h.execute("CREATE SCHEMA wide");
            h.execute("DO $$ BEGIN FOR i IN 1.." + TABLES + " LOOP EXECUTE format("
                    + "'CREATE TABLE wide.t%s (id int PRIMARY KEY, v text, n bigint)', lpad(i::text, 3, '0')); END LOOP; END $$");
            h.execute("CREATE TABLE wide.audit_log (at timestamptz, line text)");
        }
    }

    @Test
    void three_hundred_tables_stay_equal_through_kills_of_produce_and_consume() throws Exception {
        CliTest.Run setup = cdc("setup", servers.sourceArgs(), servers.targetArgs(), List.of("--schema", "wide"));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        assertTrue(setup.out().contains("wide.audit_log not captured: it has no primary key"), setup.out());
        CliTest.Run topics = cdc("topic", servers.sourceArgs(), bootstrap(), List.of("--partitions", "1"));
        assertEquals(0, topics.code(), topics.out() + topics.err());

        Writers writers = new Writers();
        String[] produceArgs = CliTest.line("produce", servers.sourceArgs(), bootstrap());
        String[] consumeArgs = CliTest.line("consume", servers.targetArgs(), bootstrap(), List.of("--group", group()));
        CdcProcess produce = CdcProcess.start("produce-wide", produceArgs);
        CdcProcess consume = CdcProcess.start("consume-wide", consumeArgs);
        try {
            writers.start();
            awaitApplied(2_000, produce, consume);
            assertTrue(sessions(servers.source, "cdc-produce") <= 4, "produce: at most --connections 4 on the source");
            assertTrue(sessions(servers.target, "cdc-consume") <= 4, "consume: at most --connections 4 on the target");

            produce.kill9();
            Await.sleep(500); // writes pile up meanwhile
            produce.close();
            produce = CdcProcess.start("produce-wide-2", produceArgs);
            awaitApplied(servers.applied(group()) + 2_000, produce, consume);

            consume.kill9();
            consume.close();
            consume = CdcProcess.start("consume-wide-2", consumeArgs);
            awaitApplied(servers.applied(group()) + 2_000, produce, consume);
            writers.stop();

            for (int i = 1; i <= TABLES; i++) {
                Table table;
                try (Handle h = servers.source.open("cdc-test")) {
                    table = servers.catalog().find(h, "wide", String.format("t%03d", i)).orElseThrow();
                }
                CdcProcess p = produce;
                CdcProcess c = consume;
                servers.converged(table, "on the target", 120_000,
                        () -> assertTrue(p.alive() && c.alive(), p.output() + c.output()));
            }
            assertTrue(writers.statements.get() > 1_000, "the writers wrote: " + writers.statements.get());
            assertTrue(sessions(servers.target, "cdc-consume") <= 4, "consume: at most 4 connections");
            assertEquals(0, produce.terminate(), produce.output());
            assertEquals(0, consume.terminate(), consume.output());
        } finally {
            writers.stop();
            produce.close();
            consume.close();
        }
    }

    /** Waits until the group applied this many events, failing at once if a process died. */
    private void awaitApplied(long events, CdcProcess produce, CdcProcess consume) {
        Await.until(events + " events applied", 120_000, () -> {
            assertTrue(produce.alive() && consume.alive(), produce.output() + consume.output());
            return servers.applied(group()) >= events;
        });
    }

    /** The sessions an application has open on a server. */
    private static long sessions(dev.cdc.db.Db db, String application) {
        try (Handle h = db.open("cdc-test")) {
            return h.createQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = :a")
                    .bind("a", application).mapTo(Long.class).one();
        }
    }

    /**
     * Writers on random tables at once, each statement its own transaction: inserts of a few rows,
     * updates and deletes of rows that may or may not be there, so that keys come and go. Each writer
     * has keys of its own (two writers locking the same rows in different orders deadlock whether or
     * not capture is on: that would be the workload's failure, not capture's).
     */
    private final class Writers {
        final AtomicLong statements = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicReference<Throwable> failed = new AtomicReference<>();
        private final List<Thread> threads = new ArrayList<>();

        void start() {
            for (int w = 0; w < WRITERS; w++) {
                int keys = w * 1_000;
                Thread t = new Thread(() -> write(keys), "writer-" + w);
                t.start();
                threads.add(t);
            }
        }

        private void write(int keys) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            try (Handle h = servers.source.open("cdc-test")) {
                while (running.get()) {
                    String table = String.format("wide.t%03d", 1 + r.nextInt(TABLES));
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
}
