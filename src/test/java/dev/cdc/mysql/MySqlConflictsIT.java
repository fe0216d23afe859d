package dev.cdc.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.db.Db;
import dev.cdc.embedded.LocalMariaDb;
import dev.cdc.embedded.Ports;
import dev.cdc.event.ChangeEvent;
import dev.cdc.event.Position;
import dev.cdc.source.Capture;
import dev.cdc.target.Subscription;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two-way sync on a MySQL side, the apply of a batch against a local writer at the worst moment,
 * on a real MariaDB: the interleavings a test of whole processes cannot pin down.
 */
class MySqlConflictsIT {
    private static LocalMariaDb server;
    private static Db db;

    @BeforeAll
    static void start() throws Exception {
        server = LocalMariaDb.start("cdc_tw", Path.of("target", "it-mariadb-conflicts").toAbsolutePath(), Ports.free(), false);
        db = server.db("consume");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /**
     * The other side deletes a key this side deleted too (no row, a version left), while a local
     * writer inserts that key again and has not committed: the batch holds the key's version, the
     * writer's trigger waits for it. Before, the batch's DELETE then waited for the writer's row,
     * and InnoDB killed one of the two as a deadlock (the application's insert, as it had done
     * less). Now there is no row to delete: only the version is recorded, the batch commits, and the
     * writer's insert goes on with a later version, so it wins on both sides.
     */
    @Test
    void a_delete_of_a_key_without_a_row_does_not_wait_for_a_local_insert_of_it() throws Exception {
        Capture capture;
        try (Handle h = db.open("test")) {
            h.execute("CREATE TABLE t (k INT PRIMARY KEY, v INT NOT NULL) ENGINE = InnoDB");
            capture = Capture.of(MySqlCatalog.INSTANCE.find(h, "cdc_tw", "t").orElseThrow(), "t_cdc", "t.from-legacy", "legacy");
            MySqlCapture.install(h, capture);
            h.execute("INSERT INTO t VALUES (1, 1)");
            h.execute("DELETE FROM t WHERE k = 1"); // deleted here: a version, no row
        }
        long local;
        try (Handle h = db.open("test")) {
            local = h.createQuery("SELECT cdc_version FROM cdc_tw.t_cdc_versions WHERE k = 1").mapTo(Long.class).one();
        }
        long incoming = local + 1_000_000; // the other side's delete, a second later
        ChangeEvent delete = new ChangeEvent('d', "cdc_tw.t", "{\"k\":1}", null, List.of(), Position.NONE, 3, List.of(),
                "service", incoming, -1);
        MySqlRowWriter rows = new MySqlRowWriter(List.of("k"));
        MySqlConflicts conflicts = new MySqlConflicts(new Subscription.TwoWay(MySqlCapture.versions(capture), List.of("k"), null),
                rows, "g", "t.from-service");
        AtomicReference<Exception> writerFailed = new AtomicReference<>();
        Thread writer;
        try (Handle tx = db.open("consume")) {
            tx.begin();
            new MySqlTarget().beginBatch(tx, true);
            List<ChangeEvent> kept = conflicts.resolve(tx, List.of(delete)); // holds the version of key 1
            writer = new Thread(() -> {
                try (Connection c = db.connect("app"); Statement s = c.createStatement()) {
                    c.setAutoCommit(false);
                    s.executeUpdate("INSERT INTO t VALUES (1, 5)"); // its trigger waits for the batch's version
                    c.commit();
                } catch (Exception e) {
                    writerFailed.set(e);
                }
            });
            writer.start();
            waitForLockWait();
            rows.write(tx, kept);
            conflicts.recordVersions(tx, kept);
            tx.commit();
        }
        writer.join(30_000);
        assertEquals(null, writerFailed.get(), "the application's insert");
        try (Handle h = db.open("test")) {
            assertEquals(5, h.createQuery("SELECT v FROM t WHERE k = 1").mapTo(Integer.class).one());
            long after = h.createQuery("SELECT cdc_version FROM cdc_tw.t_cdc_versions WHERE k = 1").mapTo(Long.class).one();
            assertTrue(after > incoming, "the insert's version " + after + " is later than the delete's " + incoming);
        }
    }

    private static void waitForLockWait() throws InterruptedException {
        long until = System.nanoTime() + 30_000_000_000L;
        try (Handle h = db.open("test")) {
            while (h.createQuery("SELECT COUNT(*) FROM information_schema.INNODB_TRX WHERE trx_state = 'LOCK WAIT'")
                    .mapTo(Integer.class).one() == 0) {
                if (System.nanoTime() > until) {
                    throw new AssertionError("the writer never waited for the batch");
                }
                Thread.sleep(150);
            }
        }
    }
}
