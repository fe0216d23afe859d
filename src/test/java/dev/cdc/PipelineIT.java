package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.demo.Pipeline;
import dev.cdc.event.ChangeEvent;
import dev.cdc.kafka.Kafka;
import dev.cdc.ops.Compare;
import dev.cdc.setup.Setup;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Setup, topic, produce and consume in this JVM against real PostgreSQL and Kafka servers. */
class PipelineIT extends ServerTest {

    @BeforeEach
    void servers() throws Exception {
        demoSetUp();
    }

    Pipeline pipeline() {
        return new Pipeline(servers.source, servers.target, kafka, "g-" + kafka.topic(), 0).start();
    }

    @Test
    void insert_update_and_delete_reach_the_target() throws Exception {
        try (Pipeline p = pipeline(); Handle src = servers.source.open("test"); Handle dst = servers.target.open("test")) {
            src.execute("INSERT INTO employees (first_name, last_name, dob, city, salary) VALUES "
                    + "('Ada', 'Lovelace', '1815-12-10', 'London', 1000.25), ('Alan', 'Turing', '1912-06-23', NULL, NULL), "
                    + "('Grace', 'Hopper', '1906-12-09', 'New York', 3000)");
            Await.converged(servers.source, servers.target, 30_000, () -> "after inserts");
            src.execute("UPDATE employees SET city = 'Wilmslow', salary = 2000.5 WHERE last_name = 'Turing'");
            Await.converged(servers.source, servers.target, 30_000, () -> "after update");
            assertEquals("Wilmslow", dst.createQuery("SELECT city FROM employees WHERE last_name = 'Turing'")
                    .mapTo(String.class).one());
            src.execute("DELETE FROM employees WHERE last_name = 'Hopper'");
            Compare c = Await.converged(servers.source, servers.target, 30_000, () -> "after delete");
            assertEquals(2, c.targetRows());
            // one transaction that inserts, updates and deletes the same row, and another row it keeps
            src.useTransaction(tx -> {
                int id = tx.createQuery("INSERT INTO employees (first_name, last_name) VALUES ('Tmp', 'Row') RETURNING emp_id")
                        .mapTo(Integer.class).one();
                tx.execute("UPDATE employees SET city = 'Nowhere' WHERE emp_id = ?", id);
                tx.execute("DELETE FROM employees WHERE emp_id = ?", id);
                tx.execute("INSERT INTO employees (first_name, last_name, city) VALUES ('Kept', 'Row', 'Here')");
            });
            c = Await.converged(servers.source, servers.target, 30_000, () -> "after mixed transaction");
            assertEquals(3, c.targetRows());
            p.check();
        }
        try (Handle src = servers.source.open("test")) {
            assertEquals(0L, src.createQuery("SELECT count(*) FROM emp_cdc").mapTo(Long.class).one(),
                    "published rows are removed from the changelog");
        }
    }

    /**
     * Eight writers whose transactions take their changelog ids early and commit late, in any
     * order, some rolled back, some touching rows of the others, plus one transaction held open
     * for seconds while the rest flow: the target ends identical to the source, every committed
     * change is on the topic exactly once, and each partition carries its events in source order.
     */
    @Test
    void eight_concurrent_writers_committing_out_of_order_end_identical() throws Exception {
        int writers = 8;
        int txns = 120;
        AtomicInteger rolledBack = new AtomicInteger();
        try (Pipeline p = pipeline()) {
            CountDownLatch longTxOpen = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(writers + 1);
            List<Future<?>> futures = new ArrayList<>();
            futures.add(pool.submit(() -> {
                try (Connection c = servers.source.connect("long-tx")) {
                    c.setAutoCommit(false);
                    c.createStatement().execute("INSERT INTO employees (first_name, last_name) VALUES ('Long', 'Transaction')");
                    longTxOpen.countDown();
                    Thread.sleep(4000); // its changelog row has a low seq; many later ones are published first
                    c.createStatement().execute("UPDATE employees SET city = 'Late' WHERE last_name = 'Transaction'");
                    c.commit();
                }
                return null;
            }));
            longTxOpen.await();
            for (int w = 0; w < writers; w++) {
                int seed = w;
                futures.add(pool.submit(() -> {
                    write(seed, txns, rolledBack);
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
            pool.shutdown();
            Compare c = Await.converged(servers.source, servers.target, 60_000, () -> "published " + p.published()
                    + ", applied " + p.applied());
            assertTrue(c.sourceRows() > writers * txns / 2, "the writers wrote rows: " + c);
            p.check();
            Await.until("all events applied", 30_000, () -> p.applied() >= p.published());
            TopicContents topic = TopicContents.read(kafka);
            assertEquals(topic.records(), topic.distinctEvents(), "no event published twice");
            assertEquals(p.published(), topic.records());
            topic.byPartition().forEach((partition, events) -> {
                for (int i = 1; i < events.size(); i++) {
                    ChangeEvent a = events.get(i - 1);
                    ChangeEvent b = events.get(i);
                    assertTrue(a.window() < b.window() || a.window() == b.window()
                            && (a.seq() < b.seq() || a.seq() == b.seq() && a.index() < b.index()),
                            "partition " + partition + " in source order at " + i);
                }
            });
        }
        assertTrue(rolledBack.get() > 0, "some transactions were rolled back");
    }

    private void write(int seed, int txns, AtomicInteger rolledBack) throws Exception {
        Random rnd = new Random(seed);
        try (Connection c = servers.source.connect("writer-" + seed)) {
            c.setAutoCommit(false);
            PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO employees (first_name, last_name, dob, city, salary) VALUES (?, ?, ?, ?, ?) RETURNING emp_id");
            PreparedStatement update = c.prepareStatement("UPDATE employees SET salary = salary + 7, city = ? WHERE emp_id = ?");
            PreparedStatement delete = c.prepareStatement("DELETE FROM employees WHERE emp_id = ?");
            for (int i = 0; i < txns; i++) {
                try {
                    transaction(c, rnd, seed, i, insert, update, delete, rolledBack);
                } catch (java.sql.SQLException e) {
                    if (!"40P01".equals(e.getSQLState())) {
                        throw e;
                    }
                    c.rollback(); // a deadlock between two writers: PostgreSQL aborted one of them
                    rolledBack.incrementAndGet();
                }
            }
        }
    }

    private static void transaction(Connection c, Random rnd, int seed, int i, PreparedStatement insert,
                                    PreparedStatement update, PreparedStatement delete, AtomicInteger rolledBack)
            throws Exception {
        insert.setString(1, "W" + seed);
        insert.setString(2, "T" + i);
        insert.setObject(3, java.time.LocalDate.of(1960 + rnd.nextInt(40), 1 + rnd.nextInt(12), 1 + rnd.nextInt(28)));
        insert.setString(4, rnd.nextBoolean() ? "Zürich" : "東京");
        insert.setBigDecimal(5, java.math.BigDecimal.valueOf(30000 + rnd.nextInt(10000), 2));
        int id;
        try (ResultSet rs = insert.executeQuery()) {
            rs.next();
            id = rs.getInt(1);
        }
        Thread.sleep(rnd.nextInt(30)); // the id is taken now, the commit comes later
        if (rnd.nextInt(10) < 3) {
            update.setString(1, "Updated");
            update.setInt(2, id);
            update.executeUpdate();
        }
        if (rnd.nextInt(10) < 2) { // a row of another writer, possibly: contended rows
            update.setString(1, "Contended");
            update.setInt(2, Math.max(1, id - rnd.nextInt(20)));
            update.executeUpdate();
        }
        if (rnd.nextInt(10) == 0) {
            delete.setInt(1, id);
            delete.executeUpdate();
        }
        if (rnd.nextInt(20) == 0) {
            c.rollback();
            rolledBack.incrementAndGet();
        } else {
            c.commit();
        }
    }
}
