package dev.cdc.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cdc.base.Json;
import dev.cdc.db.Db;
import dev.cdc.db.Table;
import dev.cdc.embedded.LocalMariaDb;
import dev.cdc.embedded.Ports;
import dev.cdc.source.ChangelogRow;
import dev.cdc.source.Page;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The MySQL changelog cursor against a real MariaDB: writers that commit out of seq order, roll
 * back, deadlock, and hold a transaction open for seconds (its row goes in a window long after the
 * rows around it), while a reader publishes window by window and now and then "crashes" after
 * reading a page and before moving the cursor. Every committed change must be read, once
 * (republished pages are recognized by their positions, as the consumer does), and none of a
 * rolled-back transaction.
 */
class MySqlCursorIT {
    private static LocalMariaDb server;
    private static Db db;

    @BeforeAll
    static void start() throws Exception {
        server = LocalMariaDb.start("cdc_it", Path.of("target", "it-mariadb").toAbsolutePath(), Ports.free(), false);
        db = server.db("source");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    /** A change as committed by a writer or read by the reader: op, id, and v (-1 for a delete). */
    private record Change(char op, long id, long v) {
    }

    @Test
    void late_commits_rollbacks_and_deadlocks_lose_nothing_and_repeat_nothing() throws Exception {
        try (Handle h = db.open("test")) {
            h.execute("CREATE TABLE acct (id INT PRIMARY KEY, v BIGINT NOT NULL) ENGINE=InnoDB");
            MySqlCapture.install(h, MySqlCatalog.INSTANCE.find(h, "cdc_it", "acct").orElseThrow(), "t");
        }
        Map<Long, List<Change>> committed = new ConcurrentHashMap<>(); // v -> the changes of its transaction
        List<Change> committedDeletes = Collections.synchronizedList(new ArrayList<>());
        AtomicLong values = new AtomicLong();
        AtomicLong rolledBack = new AtomicLong();
        AtomicLong deadlocks = new AtomicLong();
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            int seed = w;
            writers.add(new Thread(() -> write(seed, values, committed, committedDeletes, rolledBack, deadlocks, writing)));
        }
        Thread longOne = new Thread(() -> holdOpen(values, committed));
        writers.forEach(Thread::start);
        longOne.start();

        List<Change> read = new ArrayList<>();
        int crashes = readUntilDone(read, writers, longOne, writing);

        // every committed insert or update read exactly once, nothing else
        Map<Long, Change> byValue = new HashMap<>();
        for (Change c : read) {
            if (c.op() != 'D') {
                Change before = byValue.put(c.v(), c);
                assertEquals(null, before, "read twice: " + c);
            }
        }
        List<Change> expected = new ArrayList<>();
        committed.values().forEach(expected::addAll);
        for (Change c : expected) {
            assertEquals(c, byValue.remove(c.v()), "a committed change was not read: " + c);
        }
        assertTrue(byValue.isEmpty(), "read but never committed: " + byValue.values());
        assertEquals(committedDeletes.size(), read.stream().filter(c -> c.op() == 'D').count(), "deletes read");
        // and replaying what was read gives the table
        Map<Long, Long> replayed = new TreeMap<>();
        for (Change c : read) {
            if (c.op() == 'D') {
                replayed.remove(c.id());
            } else {
                replayed.put(c.id(), c.v());
            }
        }
        Map<Long, Long> table = new TreeMap<>();
        try (Handle h = db.open("test")) {
            h.createQuery("SELECT id, v FROM acct").map((rs, ctx) -> table.put(rs.getLong(1), rs.getLong(2))).list();
        }
        assertEquals(table, replayed);
        assertTrue(rolledBack.get() > 0 && crashes > 0, "rolled back " + rolledBack + ", crashes " + crashes);
        System.out.printf("MySqlCursorIT: %d changes read, %d transactions rolled back (%d deadlocks), %d reader crashes%n",
                read.size(), rolledBack.get(), deadlocks.get(), crashes);
    }

    /**
     * Setup copies the rows a table has while a writer's change of one of them is not committed:
     * the copy waits for it, so it comes after the change and the table's last image wins (a plain
     * read would copy the old value after the change, and the target would end with the old value).
     */
    @Test
    void the_snapshot_of_a_row_being_changed_comes_after_the_change() throws Exception {
        try (Handle h = db.open("test")) {
            h.execute("CREATE TABLE snap (id INT PRIMARY KEY, v BIGINT NOT NULL) ENGINE=InnoDB");
            h.execute("INSERT INTO snap VALUES (1, 1), (2, 1)");
            MySqlCapture.install(h, MySqlCatalog.INSTANCE.find(h, "cdc_it", "snap").orElseThrow(), "snap");
        }
        Thread copy;
        try (Connection writer = db.connect("writer")) {
            writer.setAutoCommit(false);
            update(writer, "UPDATE snap SET v = 2 WHERE id = 1");
            copy = new Thread(() -> {
                try (Handle h = db.open("setup")) {
                    MySqlCapture.snapshot(h, MySqlCatalog.INSTANCE.find(h, "cdc_it", "snap").orElseThrow());
                }
            });
            copy.start();
            Thread.sleep(1_000); // the copy has read row 2 and waits for row 1
            writer.commit();
        }
        copy.join();
        Map<Long, Long> replayed = new TreeMap<>();
        try (Handle h = db.open("reader")) {
            publish(h, new MySqlCursor(h, "cdc_it", "snap", MySqlCapture.changelog("cdc_it", "snap")), replayed);
        }
        assertEquals(Map.of(1L, 2L, 2L, 1L), replayed);
    }

    /**
     * The snapshot copies in stretches, each its own transaction: while a writer holds the last row,
     * the stretches before it are in the changelog already (one statement kept them all uncommitted
     * to the end, and held a lock on every row meanwhile), and the last row's copy comes after the
     * writer's change. Keys of several types (unsigned BIGINT past 2^53, DATETIME(6), text) are
     * bound back exactly: every row copied once.
     */
    @Test
    void the_snapshot_copies_in_stretches_each_committed_on_its_own() throws Exception {
        Table table;
        try (Handle h = db.open("test")) {
            h.execute("CREATE TABLE stretch (big BIGINT UNSIGNED, at DATETIME(6), name VARCHAR(20), v INT NOT NULL, "
                    + "PRIMARY KEY (big, at, name)) ENGINE=InnoDB");
            for (int i = 0; i < 250; i++) {
                h.execute("INSERT INTO stretch VALUES (18446744073709551000 + ?, TIMESTAMP '2024-03-10 02:30:00' + INTERVAL ? "
                        + "MICROSECOND, ?, ?)", i / 50, i % 50, String.format("n%03d", i), i);
            }
            table = MySqlCatalog.INSTANCE.find(h, "cdc_it", "stretch").orElseThrow();
            MySqlCapture.install(h, table, "stretch");
        }
        String changelog = MySqlCapture.changelog("cdc_it", "stretch");
        AtomicLong copied = new AtomicLong(-1);
        Thread copy;
        try (Connection writer = db.connect("writer"); Handle look = db.open("look")) {
            writer.setAutoCommit(false);
            update(writer, "UPDATE stretch SET v = -1 WHERE name = 'n249'"); // the last row in key order
            copy = new Thread(() -> {
                try (Handle h = db.open("setup")) {
                    copied.set(MySqlSnapshot.run(h, dev.cdc.source.Capture.of(table, "stretch_cdc", null), 0, 100));
                }
            });
            copy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            long visible = 0;
            while (visible < 200 && System.nanoTime() < deadline) {
                Thread.sleep(50);
                visible = look.createQuery("SELECT COUNT(*) FROM " + changelog).mapTo(Long.class).one();
            }
            assertEquals(200, visible, "the two stretches before the locked row, committed");
            writer.commit();
        }
        copy.join();
        assertEquals(250, copied.get());
        try (Handle h = db.open("test")) {
            assertEquals(250, h.createQuery("SELECT COUNT(DISTINCT data) FROM " + changelog + " WHERE op = 'I'")
                    .mapTo(Long.class).one(), "every row copied once");
            List<String> last = h.createQuery("SELECT op FROM " + changelog + " WHERE data LIKE '%n249%' ORDER BY seq")
                    .mapTo(String.class).list();
            assertEquals(List.of("U", "I"), last, "the locked row's copy after the writer's change");
            assertTrue(h.createQuery("SELECT data FROM " + changelog + " WHERE op = 'I' AND data LIKE '%n249%'")
                    .mapTo(String.class).one().contains("\"v\": -1"));
        }
    }

    /**
     * A zero date in the key where a stretch ends (the driver reads it as null): the next stretch
     * starts after it, not nowhere (before: every row after it was left out of the copy, silently).
     */
    @Test
    void the_snapshot_goes_past_a_zero_date_key() throws Exception {
        Table table;
        try (Handle h = db.open("test")) {
            h.execute("SET SESSION sql_mode = ''"); // as a legacy application writes
            h.execute("CREATE TABLE zero_keys (d DATE, id INT, PRIMARY KEY (d, id)) ENGINE=InnoDB");
            for (int i = 0; i < 250; i++) {
                h.execute("INSERT INTO zero_keys VALUES (" + (i < 150 ? "'0000-00-00'" : "'2020-01-01'") + ", ?)", i);
            }
            table = MySqlCatalog.INSTANCE.find(h, "cdc_it", "zero_keys").orElseThrow();
            MySqlCapture.install(h, table, "zero_keys");
        }
        try (Handle h = db.open("setup")) {
            assertEquals(250, MySqlSnapshot.run(h, dev.cdc.source.Capture.of(table, "zero_keys_cdc", null), 0, 100));
            assertEquals(250, h.createQuery("SELECT COUNT(*) FROM " + MySqlCapture.changelog("cdc_it", "zero_keys"))
                    .mapTo(Long.class).one());
        }
    }

    /**
     * A late delete commits while a window opens, and the insert of the same key that waited for it
     * commits right after: the window must not take the insert and leave the delete to the next
     * one (the target would end without the row). Found by CI: the late rows were read before the
     * rows above the mark, each statement seeing the commits done by then.
     */
    @Test
    void a_late_change_that_commits_while_a_window_opens_keeps_its_row_order() throws Exception {
        try (Handle h = db.open("test")) {
            h.execute("CREATE TABLE late (id INT PRIMARY KEY, v BIGINT NOT NULL) ENGINE=InnoDB");
            h.execute("INSERT INTO late VALUES (10, 1)");
            MySqlCapture.install(h, MySqlCatalog.INSTANCE.find(h, "cdc_it", "late").orElseThrow(), "late");
        }
        Map<Long, Long> replayed = new TreeMap<>();
        try (Connection a = db.connect("writer"); Connection b = db.connect("writer"); Handle h = db.open("reader")) {
            MySqlCursor cursor = new MySqlCursor(h, "cdc_it", "late", MySqlCapture.changelog("cdc_it", "late"));
            a.setAutoCommit(false);
            update(a, "DELETE FROM late WHERE id = 10"); // takes its seq now, commits later
            update(b, "INSERT INTO late VALUES (11, 1)"); // a seq above it, committed
            publish(h, cursor, replayed); // the mark passes the delete's seq
            AtomicBoolean fired = new AtomicBoolean();
            h.setSqlLogger(new org.jdbi.v3.core.statement.SqlLogger() {
                @Override
                public void logAfterExecution(org.jdbi.v3.core.statement.StatementContext ctx) {
                    if (ctx.getRawSql().contains(":hw") && !fired.getAndSet(true)) { // after the window's first read
                        try {
                            a.commit();
                            update(b, "INSERT INTO late VALUES (10, 2)");
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            });
            publish(h, cursor, replayed);
            assertTrue(fired.get());
        }
        assertEquals(Map.of(10L, 2L, 11L, 1L), replayed);
    }

    /** Publishes windows until none is left, replaying their changes into {@code replayed}. */
    private static void publish(Handle h, MySqlCursor cursor, Map<Long, Long> replayed) {
        while (true) {
            h.begin();
            if (!cursor.open()) {
                h.commit();
                return;
            }
            Page page = cursor.readPage(100);
            for (ChangelogRow r : page.rows()) {
                Change c = change(r);
                if (c.op() == 'D') {
                    replayed.remove(c.id());
                } else {
                    replayed.put(c.id(), c.v());
                }
            }
            cursor.finishPage(page);
            h.commit();
        }
    }

    /** A key changed only in case is a key change, though the column's collation calls the two equal. */
    @Test
    void a_key_changed_in_case_only_is_a_delete_and_an_insert() {
        List<String> read = new ArrayList<>();
        try (Handle h = db.open("test")) {
            h.execute("CREATE TABLE ci (k VARCHAR(9) COLLATE utf8mb4_unicode_ci PRIMARY KEY, v INT) ENGINE=InnoDB");
            MySqlCapture.install(h, MySqlCatalog.INSTANCE.find(h, "cdc_it", "ci").orElseThrow(), "ci");
            h.execute("INSERT INTO ci VALUES ('abc', 1)");
            h.execute("UPDATE ci SET k = 'ABC' WHERE k = 'abc'");
            MySqlCursor cursor = new MySqlCursor(h, "cdc_it", "ci", MySqlCapture.changelog("cdc_it", "ci"));
            h.begin();
            assertTrue(cursor.open());
            cursor.readPage(100).rows().forEach(r -> read.add(r.op() + " " + r.data()));
            h.rollback();
        }
        assertEquals(List.of("I [{\"k\": \"abc\", \"v\": 1}]", "D {\"k\": [\"abc\"]}", "I [{\"k\": \"ABC\", \"v\": 1}]"), read);
    }

    /** Short transactions of 1-3 changes on 40 rows, with pauses inside, some rolled back on purpose. */
    private static void write(int seed, AtomicLong values, Map<Long, List<Change>> committed, List<Change> deletes,
                              AtomicLong rolledBack, AtomicLong deadlocks, AtomicBoolean writing) {
        Random rnd = new Random(seed);
        long until = System.nanoTime() + 6_000_000_000L;
        try (Connection c = db.connect("writer")) {
            c.setAutoCommit(false);
            while (System.nanoTime() < until) {
                List<Change> tx = new ArrayList<>();
                List<Change> txDeletes = new ArrayList<>();
                try {
                    int n = 1 + rnd.nextInt(3);
                    for (int i = 0; i < n; i++) {
                        long id = 1 + rnd.nextInt(40);
                        long v = values.incrementAndGet();
                        if (rnd.nextInt(5) == 0) {
                            if (update(c, "DELETE FROM acct WHERE id = ?", id) == 1) {
                                txDeletes.add(new Change('D', id, -1));
                            }
                        } else if (update(c, "UPDATE acct SET v = ? WHERE id = ?", v, id) == 1) {
                            tx.add(new Change('U', id, v));
                        } else {
                            update(c, "INSERT INTO acct (id, v) VALUES (?, ?)", id, v);
                            tx.add(new Change('I', id, v));
                        }
                        Thread.sleep(rnd.nextInt(3));
                    }
                    if (rnd.nextInt(10) == 0) {
                        c.rollback();
                        rolledBack.incrementAndGet();
                        continue;
                    }
                    c.commit();
                    Thread.sleep(1 + rnd.nextInt(4)); // a pace the reader keeps up with, so gaps are judged while open
                    if (!tx.isEmpty()) {
                        committed.put(tx.get(0).v(), tx);
                    }
                    deletes.addAll(txDeletes);
                } catch (SQLException e) { // a deadlock or a duplicate key: the transaction is rolled back
                    if (e.getErrorCode() == 1213) {
                        deadlocks.incrementAndGet();
                    }
                    c.rollback();
                    rolledBack.incrementAndGet();
                }
            }
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One transaction that takes its seq early and commits 4 s later, after thousands of others. */
    private static void holdOpen(AtomicLong values, Map<Long, List<Change>> committed) {
        try (Connection c = db.connect("long")) {
            c.setAutoCommit(false);
            long v = values.incrementAndGet();
            update(c, "INSERT INTO acct (id, v) VALUES (?, ?)", 1000, v);
            Thread.sleep(4_000);
            c.commit();
            committed.put(v, List.of(new Change('I', 1000, v)));
        } catch (SQLException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int update(Connection c, String sql, long... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setLong(i + 1, args[i]);
            }
            return ps.executeUpdate();
        }
    }

    /**
     * Publishes window by window until the writers are done and every gap is settled. One page in
     * ten is "crashed" on: read (as if sent to Kafka), then the session is dropped before the
     * cursor moves, and a new session reads it again.
     */
    private static int readUntilDone(List<Change> read, List<Thread> writers, Thread longOne, AtomicBoolean writing)
            throws InterruptedException {
        Random rnd = new Random(42);
        int crashes = 0;
        String lastEpoch = null;
        long lastWindow = 0;
        long lastSeq = 0;
        long deadline = System.nanoTime() + 60_000_000_000L;
        Handle h = db.open("reader");
        MySqlCursor cursor = new MySqlCursor(h, "cdc_it", "acct", MySqlCapture.changelog("cdc_it", "acct"));
        try {
            while (System.nanoTime() < deadline) {
                boolean writersDone = writers.stream().noneMatch(Thread::isAlive) && !longOne.isAlive();
                h.begin();
                boolean open = cursor.open();
                h.commit();
                if (!open) {
                    if (writersDone) { // nothing left: no row above the mark, none late below it
                        return crashes;
                    }
                    Thread.sleep(5);
                    continue;
                }
                h.begin();
                Page page = cursor.readPage(200);
                for (ChangelogRow r : page.rows()) {
                    // the consumer's rule: a position at or before the last applied one was applied already
                    boolean applied = cursor.epoch().equals(lastEpoch) && (cursor.windowId() < lastWindow
                            || cursor.windowId() == lastWindow && r.seq() <= lastSeq);
                    if (applied) {
                        continue;
                    }
                    lastEpoch = cursor.epoch();
                    lastWindow = cursor.windowId();
                    lastSeq = r.seq();
                    read.add(change(r));
                }
                if (rnd.nextInt(10) == 0) {
                    h.rollback();
                    h.close();
                    crashes++;
                    h = db.open("reader");
                    cursor = new MySqlCursor(h, "cdc_it", "acct", MySqlCapture.changelog("cdc_it", "acct"));
                    continue;
                }
                cursor.finishPage(page);
                h.commit();
            }
            throw new AssertionError("the reader did not finish within 60 s");
        } finally {
            h.close();
        }
    }

    private static Change change(ChangelogRow r) {
        try {
            JsonNode d = Json.MAPPER.readTree(r.data());
            if (r.op() == 'D') {
                return new Change('D', d.get("id").get(0).asLong(), -1);
            }
            JsonNode row = d.get(0);
            return new Change(r.op(), row.get("id").asLong(), row.get("v").asLong());
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
