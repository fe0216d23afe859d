package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.db.Db;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A MariaDB source (issue 19) through the commands a user types: setup on a table that has rows,
 * topic, produce and consume into PostgreSQL, while writers commit, roll back and change keys, and
 * produce is killed (-9) and started again: the PostgreSQL table ends equal to the MariaDB one.
 */
class MySqlSourceIT extends ServerTest {
    private static Db shop;

    @BeforeAll
    static void start() throws Exception {
        shop = mariadb("shop", "source");
    }

    private static List<String> source() throws Exception {
        return mariadbArgs("source", "shop");
    }

    @Test
    void a_mariadb_table_reaches_postgresql_through_kills_rollbacks_and_key_changes() throws Exception {
        deleteTopics("shop.");
        try (Handle h = servers.target.open("cdc-test")) {
            h.execute("DROP SCHEMA IF EXISTS shop CASCADE");
        }
        try (Handle h = shop.open("cdc-test")) {
            h.execute("CREATE TABLE items (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, price DECIMAL(10,2), "
                    + "made DATETIME(3), qty SMALLINT UNSIGNED, photo VARBINARY(16), note TEXT) ENGINE = InnoDB");
            h.execute("INSERT INTO items VALUES (1, 'caf\u00e9 \uD83D\uDE00', 12.50, '2024-02-29 23:59:59.123', 65535, "
                    + "X'00FF10', 'it''s \\\\ \"q\"'), (2, 'b', NULL, NULL, NULL, NULL, NULL), (3, 'c', 0.01, '1999-01-01', 0, X'', '')");
            h.execute("CREATE TABLE legacy (id INT PRIMARY KEY) ENGINE = MyISAM");
            h.execute("CREATE TABLE order_lines (id INT PRIMARY KEY, item INT, FOREIGN KEY fk_item (item) REFERENCES items (id) "
                    + "ON DELETE CASCADE) ENGINE = InnoDB");
        }
        CliTest.Run cascading = cdc("setup", source(), servers.targetArgs(), List.of("--table", "shop.order_lines"));
        assertEquals(2, cascading.code(), cascading.out() + cascading.err());
        assertTrue(cascading.err().contains("MySQL fires no trigger for those changes"), cascading.err());
        CliTest.Run refused = cdc("setup", source(), servers.targetArgs(), List.of("--table", "shop.legacy"));
        assertEquals(2, refused.code(), refused.out() + refused.err());
        assertTrue(refused.err().contains("MyISAM table"), refused.err());

        CliTest.Run setup = cdc("setup", source(), servers.targetArgs(), List.of("--table", "shop.items"));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        CliTest.Run topic = cdc("topic", source(), bootstrap(), List.of("--table", "shop.items", "--partitions", "3"));
        assertEquals(0, topic.code(), topic.out() + topic.err());

        String[] produceArgs = CliTest.line("produce", source(), bootstrap());
        CdcProcess produce = CdcProcess.start("produce-mysql", produceArgs);
        try (CdcProcess consume = CdcProcess.start("consume-mysql", CliTest.line("consume", servers.targetArgs(), bootstrap(),
                List.of("--group", group())))) {
            CdcProcess first = produce;
            Thread writing = new Thread(() -> write(0, 400));
            writing.start();
            Await.until("produce publishing", 60_000, () -> published() > 200 || !first.alive());
            produce.kill9(); // mid-stream: the writers go on
            writing.join();
            Thread more = new Thread(() -> write(1, 150));
            more.start();
            String triggers = triggersCreated();
            CliTest.Run again = cdc("setup", source(), servers.targetArgs(), List.of("--table", "shop.items"));
            assertEquals(0, again.code(), again.out() + again.err());
            assertEquals(triggers, triggersCreated(), "setup again while writes go on leaves the triggers as they are");
            more.join();
            produce = CdcProcess.start("produce-mysql-2", produceArgs);
            try (Handle h = shop.open("cdc-test")) {
                h.execute("UPDATE items SET id = id + 1000 WHERE id BETWEEN 10 AND 20"); // key changes
            }
            CdcProcess p = produce;
            Await.until("the PostgreSQL table equal to the MariaDB one", 90_000, () -> {
                assertTrue(p.alive() && consume.alive(), p.output() + consume.output());
                return rows(shop, true).equals(rows(servers.target, false));
            });
            assertEquals(0, produce.terminate(), produce.output());
            assertEquals(0, consume.terminate(), consume.output());
        } finally {
            produce.close();
        }
        CliTest.Run status = cdc("status", source(), servers.targetArgs(), bootstrap(), List.of("--group", group(), "--json"));
        assertEquals(0, status.code(), status.out() + status.err());
        var table = dev.cdc.base.Json.MAPPER.readTree(status.out()).path("tables").get(0);
        assertEquals("shop.items", table.path("table").asText(), status.out());
        assertEquals(0, table.path("backlog").asLong(-1), status.out());
        assertTrue(table.path("published").asLong() > 100, status.out());
        assertEquals(0, table.path("topicLag").asLong(-1), "everything applied: " + status.out());
        assertTrue(rows(servers.target, false).size() > 100, "rows: " + rows(servers.target, false).size());
        assertTrue(rows(servers.target, false).contains("1|caf\u00e9 \uD83D\uDE00|12.50|2024-02-29 23:59:59.123|65535|00ff10|it's \\ \"q\""),
                rows(servers.target, false).toString());
    }

    private static String triggersCreated() {
        try (Handle h = shop.open("cdc-test")) {
            return h.createQuery("SELECT GROUP_CONCAT(CREATED ORDER BY TRIGGER_NAME) FROM information_schema.TRIGGERS "
                    + "WHERE TRIGGER_SCHEMA = 'shop'").mapTo(String.class).one();
        }
    }

    private static long published() {
        try (Handle h = shop.open("cdc-test")) {
            return h.createQuery("SELECT COALESCE(SUM(published), 0) FROM cdc.capture").mapTo(Long.class).one();
        }
    }

    /** Four writers, each {@code count} transactions of inserts, updates and deletes on ids 4..200, one in ten rolled back. */
    private static void write(int round, int count) {
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            int seed = round * 10 + w;
            writers.add(new Thread(() -> {
                Random rnd = new Random(seed);
                try (Connection c = shop.connect("writer")) {
                    c.setAutoCommit(false);
                    for (int i = 0; i < count; i++) {
                        try {
                            int id = 4 + rnd.nextInt(197);
                            exec(c, "INSERT INTO items (id, name, price, made, qty, photo, note) VALUES (?, ?, ?, NOW(3), ?, "
                                    + "UNHEX(HEX(?)), 'n') ON DUPLICATE KEY UPDATE name = VALUES(name), price = VALUES(price), "
                                    + "qty = VALUES(qty)", id, "w" + seed + "-" + i, rnd.nextInt(10000) / 100.0, rnd.nextInt(60000), i);
                            if (rnd.nextInt(4) == 0) {
                                exec(c, "DELETE FROM items WHERE id = ?", 4 + rnd.nextInt(197));
                            }
                            if (rnd.nextInt(10) == 0) {
                                c.rollback();
                            } else {
                                c.commit();
                            }
                        } catch (SQLException e) { // a deadlock between writers: rolled back
                            c.rollback();
                        }
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        writers.forEach(Thread::start);
        for (Thread t : writers) {
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        }
    }

    /** The table's rows as text, the same way on both sides. */
    private static List<String> rows(Db db, boolean mysql) {
        String sql = mysql
                ? "SELECT CONCAT_WS('|', id, name, IFNULL(CAST(price AS CHAR), 'null'), IFNULL(LEFT(DATE_FORMAT(made, "
                + "'%Y-%m-%d %H:%i:%s.%f'), 23), 'null'), IFNULL(qty, 'null'), IFNULL(LOWER(HEX(photo)), 'null'), "
                + "IFNULL(note, 'null')) FROM items ORDER BY id"
                : "SELECT concat_ws('|', id, name, coalesce(price::text, 'null'), coalesce(to_char(made, "
                + "'YYYY-MM-DD HH24:MI:SS.MS'), 'null'), coalesce(qty::text, 'null'), coalesce(encode(photo, 'hex'), 'null'), "
                + "coalesce(note, 'null')) FROM shop.items ORDER BY id";
        try (Handle h = db.open("cdc-test")) {
            return h.createQuery(sql).mapTo(String.class).list();
        }
    }
}
