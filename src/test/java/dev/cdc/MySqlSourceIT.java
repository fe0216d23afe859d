package dev.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cdc.base.Failure;
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
            h.execute("CREATE TABLE notes (body TEXT) ENGINE = InnoDB");
            h.execute("CREATE TABLE tags (code VARCHAR(20) NOT NULL, label TEXT, UNIQUE KEY (code)) ENGINE = InnoDB");
            h.execute("INSERT INTO tags VALUES ('a', 'first'), ('b', NULL)");
            h.execute("CREATE TABLE order_lines (id INT PRIMARY KEY, item INT, FOREIGN KEY fk_item (item) REFERENCES items (id) "
                    + "ON DELETE CASCADE) ENGINE = InnoDB");
        }
        CliTest.Run cascading = cdc("setup", source(), servers.targetArgs(), List.of("--table", "shop.order_lines"));
        assertEquals(2, cascading.code(), cascading.out() + cascading.err());
        assertTrue(cascading.err().contains("MySQL fires no trigger for those changes"), cascading.err());
        CliTest.Run refused = cdc("setup", source(), servers.targetArgs(), List.of("--table", "shop.legacy"));
        assertEquals(2, refused.code(), refused.out() + refused.err());
        assertTrue(refused.err().contains("MyISAM table"), refused.err());
        CliTest.Run keyless = cdc("setup", source(), servers.targetArgs(), List.of("--table", "shop.notes"));
        assertEquals(Failure.PRECONDITION, keyless.code(), keyless.out() + keyless.err());
        assertTrue(keyless.err().contains("has no primary key"), keyless.err());
        try (Handle h = shop.open("cdc-test")) { // nothing installed half-way
            assertEquals(0, h.createQuery("SELECT count(*) FROM information_schema.TRIGGERS WHERE EVENT_OBJECT_SCHEMA = 'shop' "
                    + "AND EVENT_OBJECT_TABLE = 'notes'").mapTo(Long.class).one());
        }

        CliTest.Run setup = cdc("setup", source(), servers.targetArgs(), List.of("--table", "shop.items"));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        CliTest.Run keyed = cdc("setup", source(), servers.targetArgs(), List.of("--table", "shop.tags", "--key", "code"));
        assertEquals(0, keyed.code(), "a table without a primary key, keyed by its unique NOT NULL column: " + keyed.out() + keyed.err());
        CliTest.Run topic = cdc("topic", source(), bootstrap(), List.of("--table", "shop.items,shop.tags", "--partitions", "3"));
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
                h.execute("INSERT INTO tags VALUES ('c', 'third'), ('d', 'fourth')");
                h.execute("UPDATE tags SET code = 'a2', label = 'moved' WHERE code = 'a'");
                h.execute("DELETE FROM tags WHERE code = 'd'");
            }
            CdcProcess p = produce;
            Await.until("the PostgreSQL table equal to the MariaDB one", 90_000, () -> {
                assertTrue(p.alive() && consume.alive(), p.output() + consume.output());
                return rows(shop, true).equals(rows(servers.target, false));
            });
            Await.until("the table keyed by --key equal on PostgreSQL", 30_000, () -> {
                try (Handle m = shop.open("cdc-test"); Handle t = servers.target.open("cdc-test")) {
                    String q = "SELECT code, coalesce(label, '-') FROM %s ORDER BY code";
                    return m.createQuery(String.format(q, "tags")).map((rs, c) -> rs.getString(1) + "|" + rs.getString(2)).list()
                            .equals(t.createQuery(String.format(q, "shop.tags")).map((rs, c) -> rs.getString(1) + "|" + rs.getString(2))
                                    .list());
                }
            });
            assertEquals(0, produce.terminate(), produce.output());
            assertEquals(0, consume.terminate(), consume.output());
        } finally {
            produce.close();
        }
        CliTest.Run status = cdc("status", source(), servers.targetArgs(), bootstrap(), List.of("--group", group(), "--json", "--table", "shop.items"));
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

    /**
     * A MariaDB table and a PostgreSQL table of the same shape feed one consolidated PostgreSQL
     * table, each producer naming its source: equal ids are different rows, and each source's rows
     * end equal to the source's.
     */
    @Test
    void a_mariadb_source_and_a_postgresql_source_feed_one_consolidated_table() throws Exception {
        Db crm = mariadb("crm", "source");
        try (Handle h = crm.open("cdc-test")) {
            h.execute("DROP TABLE IF EXISTS people");
            h.execute("CREATE TABLE people (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, born DATE) ENGINE = InnoDB");
            h.execute("INSERT INTO people VALUES (1, 'ann', '1970-01-02'), (2, 'bob', NULL)");
        }
        try (Handle h = servers.source.open("cdc-test"); Handle t = servers.target.open("cdc-test")) {
            h.execute("DROP SCHEMA IF EXISTS crm CASCADE");
            h.execute("CREATE SCHEMA crm");
            h.execute("CREATE TABLE crm.people (id integer PRIMARY KEY, name varchar(40) NOT NULL, born date)");
            h.execute("INSERT INTO crm.people VALUES (1, 'cat', '1980-03-04'), (3, 'dan', NULL)");
            t.execute("DROP TABLE IF EXISTS public.all_people");
        }
        List<String> maria = mariadbArgs("source", "crm");
        for (List<String> src : List.of(maria, servers.sourceArgs())) {
            String topic = kafka.topic() + (src == maria ? "_maria" : "_pg");
            CliTest.Run setup = cdc("setup", src, servers.targetArgs(), List.of("--table", "crm.people", "--topic", topic,
                    "--consolidate-into", "public.all_people"));
            assertEquals(0, setup.code(), setup.out() + setup.err());
            CliTest.Run topics = cdc("topic", src, bootstrap(), List.of("--table", "crm.people", "--partitions", "2"));
            assertEquals(0, topics.code(), topics.out() + topics.err());
        }
        try (CdcProcess fromMaria = CdcProcess.start("produce-maria", CliTest.line("produce", maria, bootstrap(),
                List.of("--table", "crm.people", "--source-name", "legacy")));
             CdcProcess fromPg = CdcProcess.start("produce-pg", CliTest.line("produce", servers.sourceArgs(), bootstrap(),
                     List.of("--table", "crm.people", "--source-name", "service")));
             CdcProcess consume = CdcProcess.start("consume-consolidated", CliTest.line("consume", servers.targetArgs(),
                     bootstrap(), List.of("--group", group())))) {
            for (int i = 4; i < 200; i++) {
                try (Handle m = crm.open("cdc-test"); Handle p = servers.source.open("cdc-test")) {
                    m.execute("INSERT INTO people VALUES (?, ?, '2001-02-03') ON DUPLICATE KEY UPDATE name = VALUES(name)",
                            i % 50, "m" + i);
                    p.execute("INSERT INTO crm.people VALUES (?, ?, NULL) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name",
                            i % 60, "p" + i);
                    if (i % 7 == 0) {
                        m.execute("DELETE FROM people WHERE id = ?", i % 13);
                        p.execute("DELETE FROM crm.people WHERE id = ?", i % 11);
                    }
                }
            }
            Await.until("the consolidated table holding both sources' rows", 90_000, () -> {
                assertTrue(fromMaria.alive() && fromPg.alive() && consume.alive(),
                        fromMaria.output() + fromPg.output() + consume.output());
                return consolidated("legacy").equals(people(crm, "SELECT id, name, born FROM people ORDER BY id"))
                        && consolidated("service").equals(people(servers.source, "SELECT id, name, born FROM crm.people ORDER BY id"));
            });
            assertTrue(consolidated("legacy").contains("2|m152|2001-02-03"), consolidated("legacy").toString());
            assertTrue(consolidated("service").contains("3|p183|null"), consolidated("service").toString());
        }
    }

    /**
     * The capture triggers name the table's columns: after ALTER TABLE ... ADD COLUMN, produce makes
     * them again by itself, and the new column's values reach the target; after a DROP COLUMN the
     * application's writes work again as soon as produce made them again (before: an added column
     * was never recorded, and a dropped one made every write of the table fail, until cdc setup ran).
     */
    @Test
    void produce_keeps_the_triggers_current_after_alter_table() throws Exception {
        Db inv = mariadb("inv", "source");
        try (Handle h = inv.open("cdc-test")) {
            h.execute("DROP TABLE IF EXISTS parts");
            h.execute("CREATE TABLE parts (id INT PRIMARY KEY, name VARCHAR(40) NOT NULL, old_code VARCHAR(10)) ENGINE = InnoDB");
            h.execute("INSERT INTO parts VALUES (1, 'bolt', 'b1'), (2, 'nut', 'n1')");
        }
        try (Handle t = servers.target.open("cdc-test")) {
            t.execute("DROP SCHEMA IF EXISTS inv CASCADE");
        }
        List<String> src = mariadbArgs("source", "inv");
        String topic = kafka.topic() + "_alter";
        CliTest.Run setup = cdc("setup", src, servers.targetArgs(), List.of("--table", "inv.parts", "--topic", topic));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        assertEquals(0, cdc("topic", src, bootstrap(), List.of("--table", "inv.parts")).code());
        try (CdcProcess produce = CdcProcess.start("produce-alter", CliTest.line("produce", src, bootstrap(),
                List.of("--table", "inv.parts")));
             CdcProcess consume = CdcProcess.start("consume-alter", CliTest.line("consume", servers.targetArgs(), bootstrap(),
                     List.of("--table", "inv.parts", "--group", group())))) {
            Await.until("the rows on the target", 60_000, () -> TwoWayIT.count(servers.target, "true", "inv.parts") == 2);
            try (Handle h = inv.open("cdc-test")) {
                h.execute("ALTER TABLE parts ADD COLUMN weight DECIMAL(6,2)");
            }
            Await.until("produce making the triggers again", 30_000, () -> {
                assertTrue(produce.alive(), produce.output());
                return produce.output().contains("its capture triggers were made again for [id, name, old_code, weight]");
            });
            try (Handle h = inv.open("cdc-test")) {
                h.execute("UPDATE parts SET weight = 2.50 WHERE id = 1");
                h.execute("ALTER TABLE parts DROP COLUMN old_code");
            }
            Await.until("produce making the triggers again without the dropped column", 30_000, () -> {
                assertTrue(produce.alive(), produce.output());
                return produce.output().contains("made again for [id, name, weight]");
            });
            try (Handle h = inv.open("cdc-test")) {
                h.execute("INSERT INTO parts VALUES (3, 'washer', 0.10)"); // the application's write works again
            }
            Await.until("the new column's values on the target", 60_000, () -> {
                assertTrue(consume.alive(), consume.output());
                try (Handle t = servers.target.open("cdc-test")) {
                    return t.createQuery("SELECT string_agg(id || '=' || coalesce(weight::text, '-'), ',' ORDER BY id) FROM inv.parts")
                            .mapTo(String.class).one().equals("1=2.50,2=-,3=0.10");
                }
            });
        }
    }

    /**
     * MySQL's types PostgreSQL has no twin for, written by a session in another time zone and with
     * zero dates allowed, reach PostgreSQL as their documented types: a TIMESTAMP as the instant it
     * is (not the writer's wall clock), BIT(1) a boolean, BIT(n) its digits, a zero date null (1970-01-01
     * in a NOT NULL column), generated columns their values, unsigned BIGINT, YEAR, ENUM, SET, JSON.
     * Before: TIMESTAMP and BIT were refused, and a zero date stopped consume.
     */
    @Test
    void mysql_types_reach_postgresql_as_their_postgresql_types() throws Exception {
        deleteTopics("shop.");
        try (Handle h = servers.target.open("cdc-test")) {
            h.execute("DROP SCHEMA IF EXISTS shop CASCADE");
        }
        String insert = "INSERT INTO kinds (id, ts, ts_nn, flag, bits, d, d_nn, dt, y, e, st, j, u) VALUES ";
        try (Handle h = shop.open("cdc-test")) {
            h.execute("DROP TABLE IF EXISTS kinds");
            h.execute("CREATE TABLE kinds (id INT PRIMARY KEY, ts TIMESTAMP(3) NULL, ts_nn TIMESTAMP NOT NULL "
                    + "DEFAULT CURRENT_TIMESTAMP, flag BIT(1), bits BIT(10), d DATE, d_nn DATE NOT NULL, dt DATETIME(6), "
                    + "y YEAR, e ENUM('a', 'b'), st SET('x', 'y'), j JSON, u BIGINT UNSIGNED, "
                    + "g INT AS (id * 2) STORED, v VARCHAR(20) AS (CONCAT('v', id)) VIRTUAL) ENGINE = InnoDB");
            h.execute(insert + "(1, '2024-02-29 10:00:00.123', '2024-01-01 00:00:00', b'1', b'1010000001', '2024-02-29', "
                    + "'2024-03-01', '2024-02-29 23:59:59.999999', 2024, 'b', 'x,y', '{\"a\": [1, 2]}', 18446744073709551615)");
        }
        CliTest.Run setup = cdc("setup", source(), servers.targetArgs(), List.of("--table", "shop.kinds"));
        assertEquals(0, setup.code(), setup.out() + setup.err());
        CliTest.Run topic = cdc("topic", source(), bootstrap(), List.of("--table", "shop.kinds"));
        assertEquals(0, topic.code(), topic.out() + topic.err());
        try (Handle h = shop.open("cdc-test")) { // the application's session: another time zone, zero dates allowed
            h.execute("SET time_zone = '+05:00'");
            h.execute("SET sql_mode = ''");
            h.execute(insert + "(2, '2024-02-29 10:00:00.123', '0000-00-00 00:00:00', b'0', b'0000000011', '0000-00-00', "
                    + "'2024-00-10', NULL, NULL, NULL, '', NULL, 0)");
            h.execute(insert + "(3, '0000-00-00 00:00:00', '2024-06-30 12:34:56', NULL, NULL, NULL, '0000-00-00', "
                    + "'0000-00-00 00:00:00', NULL, NULL, NULL, NULL, NULL)");
            h.execute(insert + "(4, NULL, '2024-06-30 12:34:56', NULL, NULL, NULL, '2024-01-01', NULL, NULL, NULL, NULL, NULL, NULL)");
        }
        try (CdcProcess produce = CdcProcess.start("produce-kinds", CliTest.line("produce", source(), bootstrap(),
                List.of("--table", "shop.kinds", "--retain", "1h")));
             CdcProcess consume = CdcProcess.start("consume-kinds", CliTest.line("consume", servers.targetArgs(), bootstrap(),
                     List.of("--group", group())))) {
            Await.until("the four rows on PostgreSQL", 60_000, () -> {
                assertTrue(produce.alive() && consume.alive(), produce.output() + consume.output());
                return TwoWayIT.count(servers.target, "true", "shop.kinds") == 4;
            });
            assertEquals(0, produce.terminate(), produce.output());
        }
        // --retain: the published rows kept (before: ignored on MySQL), then removed once older than asked
        assertEquals(4, count("shop.kinds_cdc_retained"), "retained");
        assertEquals(0, count("shop.kinds_cdc"), "left in the changelog");
        try (CdcProcess produce = CdcProcess.start("produce-kinds-2", CliTest.line("produce", source(), bootstrap(),
                List.of("--table", "shop.kinds", "--retain", "1s")))) {
            Await.until("the retained rows expired", 30_000, () -> {
                assertTrue(produce.alive(), produce.output());
                return count("shop.kinds_cdc_retained") == 0;
            });
        }
        try (Handle h = servers.target.open("cdc-test")) {
            h.execute("SET TimeZone = 'UTC'");
            List<String> rows = h.createQuery("SELECT concat_ws('|', id, ts, ts_nn, flag, bits, coalesce(d::text, 'null'), d_nn, "
                    + "dt, y, e, st, j, u, g, v) FROM shop.kinds ORDER BY id").mapTo(String.class).list();
            assertEquals(List.of(
                    "1|2024-02-29 10:00:00.123+00|2024-01-01 00:00:00+00|t|1010000001|2024-02-29|2024-03-01|"
                            + "2024-02-29 23:59:59.999999|2024|b|x,y|{\"a\": [1, 2]}|18446744073709551615|2|v1",
                    "2|2024-02-29 05:00:00.123+00|1970-01-01 00:00:00+00|f|0000000011|null|1970-01-01||0|4|v2",
                    "3|2024-06-30 07:34:56+00|null|1970-01-01|6|v3",
                    "4|2024-06-30 07:34:56+00|null|2024-01-01|8|v4"), rows);
            assertEquals("timestamp with time zone|boolean|bit", h.createQuery("SELECT string_agg(data_type, '|' ORDER BY "
                    + "ordinal_position) FROM information_schema.columns WHERE table_schema = 'shop' AND table_name = 'kinds' "
                    + "AND column_name IN ('ts', 'flag', 'bits')").mapTo(String.class).one());
        }
    }

    private static long count(String table) {
        try (Handle h = shop.open("cdc-test")) {
            return h.createQuery("SELECT COUNT(*) FROM " + table).mapTo(Long.class).one();
        }
    }

    /** A source's rows in the consolidated table. */
    private List<String> consolidated(String source) {
        return people(servers.target, "SELECT id, name, born FROM public.all_people WHERE source_name = '" + source + "' ORDER BY id");
    }

    private static List<String> people(Db db, String sql) {
        try (Handle h = db.open("cdc-test")) {
            return h.createQuery(sql).map((rs, ctx) -> rs.getInt(1) + "|" + rs.getString(2) + "|" + rs.getString(3)).list();
        }
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
