package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The changelog stays small while changes flow through it: published rows are removed (or kept for
 * {@code --retain} and then removed) and the producer vacuums the changelog. Every process is a
 * {@code cdc} command, the way an operator runs it.
 */
class BoundedChangelogIT extends ServerTest {

    @BeforeEach
    void servers() throws Exception {
        demoSetUpByCommand();
    }

    String[] produce(String... more) {
        return CliTest.line("produce", servers.sourceArgs(),
                List.of("--bootstrap-servers", kafka.bootstrapServers(), "--progress-interval", "5"), List.of(more));
    }

    /**
     * 1,000,000 changes under a constant load of writers (statements of 50 rows and one-row
     * transactions, inserts, updates and deletes) while one producer publishes them: the changelog
     * (with its TOAST table and index) stays a few MB (without the producer's vacuum it grew to
     * ~107 MB here, autovacuum coming once a minute), and the topic ends with exactly one event per
     * change. Sizes are sampled every 250 ms once the producer runs.
     */
    @Test
    void changelog_stays_small_through_a_million_changes() throws Exception {
        long total = 1_000_000;
        AtomicLong budget = new AtomicLong(total);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        long maxBytes = 0;
        try (CdcProcess p = CdcProcess.start("produce-bounded", produce())) {
            Await.until("the producer running", 60_000, () -> p.output().contains("publishing") || !p.alive());
            List<Thread> writers = new ArrayList<>();
            writers.add(writer("statements", failed, () -> statements(budget)));
            writers.add(writer("one-row", failed, () -> oneRowTransactions(budget)));
            writers.forEach(Thread::start);
            try (Handle h = servers.source.open("test")) {
                while (writers.stream().anyMatch(Thread::isAlive) || servers.published() < total) {
                    assertTrue(p.alive(), p.output());
                    if (failed.get() != null) {
                        throw new AssertionError("writer failed", failed.get());
                    }
                    long size = h.createQuery("SELECT pg_total_relation_size('public.emp_cdc')").mapTo(Long.class).one();
                    if (size > maxBytes) {
                        System.out.printf("changelog %,d bytes after %,d changes published%n", size, servers.published());
                    }
                    maxBytes = Math.max(maxBytes, size);
                    Await.sleep(250);
                }
                assertEquals(0L, h.createQuery("SELECT count(*) FROM emp_cdc").mapTo(Long.class).one());
                assertEquals(0L, h.createQuery("SELECT count(*) FROM emp_cdc_retained").mapTo(Long.class).one());
            }
            assertEquals(0, p.terminate(), p.output());
        }
        assertEquals(total, servers.published());
        assertEquals(total, endOffsets(), "one event per change on the topic");
        System.out.printf("bounded changelog: %,d changes, changelog at most %,d bytes%n", total, maxBytes);
        assertTrue(maxBytes < 16L << 20, "the changelog grew to " + maxBytes + " bytes");
    }

    Thread writer(String name, AtomicReference<Throwable> failed, Runnable body) {
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failed.compareAndSet(null, e);
            }
        }, name);
        t.setDaemon(true);
        return t;
    }

    /** Claims up to n changes of the budget; returns how many it got. */
    static int claim(AtomicLong budget, int n) {
        while (true) {
            long left = budget.get();
            int got = (int) Math.min(left, n);
            if (got == 0 || budget.compareAndSet(left, left - got)) {
                return got;
            }
        }
    }

    /** Inserts, updates and deletes 50 rows at a time. */
    void statements(AtomicLong budget) {
        try (Handle h = servers.source.open("test-writer")) {
            int n;
            while ((n = claim(budget, 50)) > 0) {
                int ins = n;
                h.useTransaction(tx -> {
                    List<Long> ids = tx.createQuery("INSERT INTO employees (first_name, last_name, salary) "
                            + "SELECT 'w' || g, 'bulk', g FROM generate_series(1, :n) g RETURNING emp_id")
                            .bind("n", ins).mapTo(Long.class).list();
                    int upd = claim(budget, ids.size());
                    tx.createUpdate("UPDATE employees SET salary = salary + 1 WHERE emp_id = ANY(:ids)")
                            .bind("ids", ids.subList(0, upd).toArray(Long[]::new)).execute();
                    int del = claim(budget, ids.size());
                    tx.createUpdate("DELETE FROM employees WHERE emp_id = ANY(:ids)")
                            .bind("ids", ids.subList(0, del).toArray(Long[]::new)).execute();
                });
                Await.sleep(2); // a constant load, not a flood the producer cannot follow
            }
        }
    }

    /** One-row transactions: an insert, an update of it, a delete of it. */
    void oneRowTransactions(AtomicLong budget) {
        try (Handle h = servers.source.open("test-writer")) {
            while (claim(budget, 1) == 1) {
                long id = h.createQuery("INSERT INTO employees (first_name, last_name, salary) VALUES ('o', 'one', 1) RETURNING emp_id")
                        .mapTo(Long.class).one();
                if (claim(budget, 1) == 1) {
                    h.execute("UPDATE employees SET salary = 2 WHERE emp_id = ?", id);
                    if (claim(budget, 1) == 1) {
                        h.execute("DELETE FROM employees WHERE emp_id = ?", id);
                    }
                }
            }
        }
    }

    long endOffsets() throws Exception {
        try (Admin admin = kafka.admin()) {
            var parts = kafka.describeTopic(admin).partitions().stream()
                    .collect(java.util.stream.Collectors.toMap(i -> new TopicPartition(kafka.topic(), i.partition()),
                            i -> OffsetSpec.latest()));
            return admin.listOffsets(parts).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        }
    }

    /**
     * With {@code --retain 3s} published rows move to the changelog's _retained table, are never
     * published again (also not after a restart), and are gone once older than that.
     */
    @Test
    void retain_keeps_published_rows_for_the_period_then_removes_them() throws Exception {
        try (Handle h = servers.source.open("test")) {
            h.execute("INSERT INTO employees (first_name, last_name, salary) SELECT 'r' || g, 'retain', g FROM generate_series(1, 1000) g");
            for (int i = 0; i < 10; i++) {
                h.execute("UPDATE employees SET salary = salary + 1 WHERE emp_id = (SELECT min(emp_id) FROM employees)");
            }
            try (CdcProcess p = CdcProcess.start("produce-retain", produce("--retain", "1h"))) {
                Await.until("1010 published", 60_000, () -> servers.published() == 1010 || !p.alive());
                assertEquals(0, p.terminate(), p.output());
            }
            assertEquals(0L, h.createQuery("SELECT count(*) FROM emp_cdc").mapTo(Long.class).one());
            assertEquals(1010L, h.createQuery("SELECT sum(n) FROM emp_cdc_retained").mapTo(Long.class).one());
            try (CdcProcess p = CdcProcess.start("produce-retain-short", produce("--retain", "3s"))) {
                h.execute("UPDATE employees SET salary = 0 WHERE emp_id = (SELECT max(emp_id) FROM employees)");
                Await.until("1011 published", 60_000, () -> servers.published() == 1011 || !p.alive());
                Await.until("retained rows removed after 3 s", 30_000, () ->
                        h.createQuery("SELECT count(*) FROM emp_cdc_retained").mapTo(Long.class).one() == 0 || !p.alive());
                assertEquals(0, p.terminate(), p.output());
            }
        }
        assertEquals(1011, servers.published());
        assertEquals(1011, endOffsets(), "retained rows are not published again");
    }
}
