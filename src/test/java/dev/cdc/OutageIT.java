package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.cdc.db.Db;
import dev.cdc.demo.Pipeline;
import dev.cdc.ops.Compare;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Produce and consume keep running while the broker, the target and the source go away and come
 * back, and the target converges to the source with no manual step.
 */
class OutageIT extends ServerTest {

    @BeforeEach
    void servers() throws Exception {
        assumeFalse(servers.docker, "stops and starts the embedded servers");
        demoSetUp();
    }

    @Test
    void produce_and_consume_ride_out_restarts_of_the_broker_and_both_databases() throws Exception {
        AtomicLong committed = new AtomicLong();
        Writer writer = new Writer(servers.source, committed);
        Thread w = new Thread(writer);
        w.start();
        try (Pipeline p = new Pipeline(servers.source, servers.target, kafka, "g-" + kafka.topic(), 0).start()) {
            awaitMore(committed, 200);
            servers.kafka.kill(); // a crash, not a clean stop
            awaitMore(committed, 200);
            Await.sleep(30_000); // the outage lengths the README promises to ride out
            servers.kafka.start();
            awaitMore(committed, 200);
            servers.targetServer.stop();
            Await.sleep(30_000);
            servers.targetServer.start();
            awaitMore(committed, 200);
            servers.sourceServer.stop();
            Await.sleep(2000);
            servers.sourceServer.start();
            awaitMore(committed, 200);
            writer.stop = true;
            w.join();
            Compare c = Await.converged(servers.source, servers.target, 120_000,
                    () -> "published " + p.published() + ", applied " + p.applied());
            assertTrue(c.sourceRows() > 500, c.toString());
            p.check();
        } finally {
            writer.stop = true;
        }
    }

    private static void awaitMore(AtomicLong committed, long n) {
        long start = committed.get();
        Await.until(n + " more committed transactions", 60_000, () -> committed.get() >= start + n);
    }

    /** Writes small transactions; reconnects when the source is away. */
    static final class Writer implements Runnable {
        final Db source;
        final AtomicLong committed;
        volatile boolean stop;

        Writer(Db source, AtomicLong committed) {
            this.source = source;
            this.committed = committed;
        }

        @Override
        public void run() {
            Random rnd = new Random(7);
            while (!stop) {
                try (Connection c = source.connect("outage-writer")) {
                    c.setAutoCommit(false);
                    PreparedStatement ins = c.prepareStatement(
                            "INSERT INTO employees (first_name, last_name, city, salary) VALUES ('O', 'W', 'X', ?)");
                    PreparedStatement upd = c.prepareStatement(
                            "UPDATE employees SET salary = salary + 1 WHERE emp_id = (SELECT max(emp_id) - ? FROM employees)");
                    PreparedStatement del = c.prepareStatement(
                            "DELETE FROM employees WHERE emp_id = (SELECT max(emp_id) - ? FROM employees)");
                    while (!stop) {
                        ins.setInt(1, rnd.nextInt(1000));
                        ins.executeUpdate();
                        upd.setInt(1, rnd.nextInt(50));
                        upd.executeUpdate();
                        if (rnd.nextInt(5) == 0) {
                            del.setInt(1, rnd.nextInt(50));
                            del.executeUpdate();
                        }
                        c.commit();
                        committed.incrementAndGet();
                        Thread.sleep(5);
                    }
                } catch (SQLException | RuntimeException e) {
                    Await.sleep(200); // the source is away: try again
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
